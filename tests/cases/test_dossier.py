"""The joint basisdossier: each asked kernpartner writes its own part of every section; the GGD
screening of section 6 and all of section 9 are health content (docs/domain.md, need-to-know)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from acvz.errors import DomainError, NotAllowed
from cases import services
from cases.models import ContributionPart, DossierContribution, DossierSection, Leefgebied
from cases.workflow import CaseStatus
from partners.models import Role
from tests.scenarios import fill_dossier

pytestmark = pytest.mark.django_db

SCREENING = ContributionPart.SCREENING


def section_of(case, leefgebied) -> DossierSection:
    return DossierSection.objects.get(dossier__case=case, leefgebied=leefgebied)


def contribution_of(case, leefgebied, organisation, part=ContributionPart.CONTRIBUTION):
    return DossierContribution.objects.get(
        section__dossier__case=case,
        section__leefgebied=leefgebied,
        organisation=organisation,
        part=part,
    )


# --- the model --------------------------------------------------------------------------------


def test_one_contribution_per_organisation_and_part(case_at, orgs):
    case = case_at("basisdossier")
    section = section_of(case, Leefgebied.POLITIE)
    with pytest.raises(IntegrityError), transaction.atomic():
        DossierContribution.objects.create(section=section, organisation=orgs["POLITIE"])
    # A second part of the same organisation is another row.
    DossierContribution.objects.create(section=section, organisation=orgs["GGD"], part=SCREENING)


def test_nothing_known_with_text_is_refused_by_the_database(case_at, orgs):
    case = case_at("basisdossier")
    section = section_of(case, Leefgebied.FINANCIEN)
    with pytest.raises(IntegrityError), transaction.atomic():
        DossierContribution.objects.create(
            section=section, organisation=orgs["WPI"], text="Toch tekst", nothing_known=True
        )


def test_a_contribution_text_with_nul_is_invalid(case_at, orgs):
    contribution = DossierContribution(
        section=section_of(case_at("basisdossier"), 1), organisation=orgs["WPI"], text="a\x00b"
    )
    with pytest.raises(ValidationError) as excinfo:
        contribution.full_clean()
    assert "text" in excinfo.value.message_dict


# --- writing: each organisation its own part ----------------------------------------------------


def test_each_organisation_writes_its_own_contribution(case_at, people):
    case = case_at("basisdossier")
    section = section_of(case, Leefgebied.HUISELIJKE_RELATIES)
    before = timezone.now()
    police = services.dossier_contribution_save(
        section=section, by=people["ivg_politie"], text="Politie weet dit", expected_version=0
    )
    ggd = services.dossier_contribution_save(
        section=section, by=people["ivg_ggd"], text="", nothing_known=True, expected_version=0
    )
    assert (police.organisation, police.author, police.text, police.version) == (
        people["ivg_politie"].organisation,
        people["ivg_politie"],
        "Politie weet dit",
        1,
    )
    assert police.updated_at >= before
    assert (ggd.organisation, ggd.nothing_known, ggd.text) == (
        people["ivg_ggd"].organisation,
        True,
        "",
    )
    # The same rows that were asked at the start, now answered: no duplicates.
    assert section.contributions.count() == 2
    assert all(c.is_answered for c in section.contributions.all())


def test_writing_again_changes_only_the_own_contribution(case_at, people):
    case = case_at("basisdossier")
    section = section_of(case, Leefgebied.POLITIE)
    services.dossier_contribution_save(section=section, by=people["ivg_politie"], text="Politie")
    services.dossier_contribution_save(section=section, by=people["ivg_ggd"], text="GGD")
    services.dossier_contribution_save(section=section, by=people["ivg_politie"], text="Nieuw")
    texts = {c.organisation.code: c.text for c in section.contributions.all()}
    assert texts == {"POLITIE": "Nieuw", "GGD": "GGD"}


def test_a_kernpartner_that_was_not_asked_may_still_contribute(case_at, people, make_user, orgs):
    case = case_at("basisdossier")
    wpi = make_user(Role.IVG, username="ivg-wpi", organisation=orgs["WPI"])
    contribution = services.dossier_contribution_save(
        section=section_of(case, Leefgebied.FINANCIEN), by=wpi, text="Schulden bij WPI"
    )
    assert (contribution.organisation, contribution.version) == (orgs["WPI"], 1)


def test_a_non_kernpartner_ivg_member_may_not_contribute(case_at, make_user, organisation):
    case = case_at("basisdossier")
    other = make_user(Role.IVG, organisation=organisation)  # an "other partner", no kernpartner
    with pytest.raises(NotAllowed):
        services.dossier_contribution_save(section=section_of(case, 1), by=other, text="x")
    assert not DossierContribution.objects.filter(organisation=organisation).exists()


def test_optimistic_locking_refuses_a_stale_version(case_at, people):
    case = case_at("basisdossier")
    section = section_of(case, Leefgebied.POLITIE)
    by = people["ivg_politie"]
    services.dossier_contribution_save(section=section, by=by, text="Tab A", expected_version=0)

    with pytest.raises(DomainError) as excinfo:
        services.dossier_contribution_save(section=section, by=by, text="Tab B", expected_version=0)

    assert (excinfo.value.code, excinfo.value.status_code) == ("stale", 409)
    contribution = contribution_of(case, 1, by.organisation)
    assert (contribution.text, contribution.version) == ("Tab A", 1)
    services.dossier_contribution_save(section=section, by=by, text="Tab B", expected_version=1)
    contribution.refresh_from_db()
    assert (contribution.text, contribution.version) == ("Tab B", 2)


def test_another_organisations_version_does_not_make_the_own_write_stale(case_at, people):
    case = case_at("basisdossier")
    section = section_of(case, Leefgebied.POLITIE)
    services.dossier_contribution_save(section=section, by=people["ivg_ggd"], text="GGD eerst")
    services.dossier_contribution_save(
        section=section, by=people["ivg_politie"], text="Politie", expected_version=0
    )
    assert contribution_of(case, 1, people["ivg_politie"].organisation).version == 1


@pytest.mark.parametrize(
    ("text", "nothing_known"), [("Toch tekst", True), ("", False), ("   ", False)]
)
def test_an_answer_is_a_text_or_nothing_known(case_at, people, text, nothing_known):
    case = case_at("basisdossier")
    with pytest.raises(DomainError) as excinfo:
        services.dossier_contribution_save(
            section=section_of(case, Leefgebied.FINANCIEN),
            by=people["ivg_politie"],
            text=text,
            nothing_known=nothing_known,
        )
    assert (excinfo.value.code, excinfo.value.status_code) == ("invalid", 400)
    contribution = contribution_of(case, Leefgebied.FINANCIEN, people["ivg_politie"].organisation)
    assert (contribution.text, contribution.nothing_known, contribution.version) == ("", False, 0)


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [
        ("ivg_ggd", True),
        ("ivg_politie", False),  # IVG, but not a health organisation
        ("health_partner", False),  # health organisation, but not IVG
        ("programme", False),
        ("regisseur", False),
    ],
)
def test_the_health_section_is_written_only_by_a_health_ivg_member(case_at, people, actor, allowed):
    case = case_at("basisdossier")
    section = section_of(case, Leefgebied.GEZONDHEID)
    if allowed:
        services.dossier_contribution_save(section=section, by=people[actor], text="Diagnose")
    else:
        with pytest.raises(NotAllowed):
            services.dossier_contribution_save(section=section, by=people[actor], text="Diagnose")
    written = {c.organisation.code: c.text for c in section.contributions.all() if c.text}
    assert written == ({"GGD": "Diagnose"} if allowed else {})


def test_the_screening_is_written_only_by_a_health_ivg_member(case_at, people):
    case = case_at("basisdossier")
    section = section_of(case, Leefgebied.HUISBEZOEK)
    with pytest.raises(NotAllowed):
        services.dossier_contribution_save(
            section=section, by=people["ivg_politie"], text="Screening", part=SCREENING
        )
    assert not DossierContribution.objects.filter(
        section=section, organisation=people["ivg_politie"].organisation, part=SCREENING
    ).exists()
    services.dossier_contribution_save(
        section=section, by=people["ivg_ggd"], text="Fictieve screening", part=SCREENING
    )
    screening = contribution_of(case, 6, people["ivg_ggd"].organisation, SCREENING)
    assert (screening.text, screening.author) == ("Fictieve screening", people["ivg_ggd"])
    # The GGD's own contribution to section 6 is another row, still unanswered.
    assert not contribution_of(case, 6, people["ivg_ggd"].organisation).is_answered


def test_only_section_6_has_a_screening(case_at, people):
    case = case_at("basisdossier")
    with pytest.raises(NotAllowed):
        services.dossier_contribution_save(
            section=section_of(case, Leefgebied.POLITIE),
            by=people["ivg_ggd"],
            text="x",
            part=SCREENING,
        )
    with pytest.raises(DomainError):
        services.dossier_contribution_save(
            section=section_of(case, 1), by=people["ivg_ggd"], text="x", part="diagnosis"
        )


@pytest.mark.parametrize("status", ["awaiting_assignment", "in_regie"])
def test_contributions_are_frozen_after_establishing(case_at, people, status):
    case = case_at(status)
    with pytest.raises(NotAllowed):
        services.dossier_contribution_save(
            section=section_of(case, Leefgebied.GEZONDHEID), by=people["ivg_ggd"], text="Later"
        )
    assert contribution_of(case, 9, people["ivg_ggd"].organisation).text == (
        "Fictieve tekst leefgebied 9"
    )


# --- establishing: when every asked partner has answered ---------------------------------------


def test_establish_waits_for_every_asked_partner(case_at, people):
    case = case_at("basisdossier")
    fill_dossier(case, people, leave_open={("GGD", Leefgebied.SOCIAAL_NETWERK, "contribution")})
    with pytest.raises(DomainError) as excinfo:
        services.case_establish_dossier(case=case, by=people["ivg_politie"])
    assert excinfo.value.code == "dossier_incomplete"
    assert "10 (GGD Amsterdam)" in excinfo.value.message
    services.dossier_contribution_save(
        section=section_of(case, Leefgebied.SOCIAAL_NETWERK), by=people["ivg_ggd"], text="Moeder"
    )
    case = services.case_establish_dossier(case=case, by=people["ivg_politie"])
    assert case.status == CaseStatus.AWAITING_ASSIGNMENT


@pytest.mark.parametrize(
    ("open_part", "health_reader_sees"),
    [
        ((Leefgebied.GEZONDHEID, "contribution"), "9 (GGD Amsterdam)"),
        ((Leefgebied.HUISBEZOEK, "screening"), "6 (GGD Amsterdam (GGD"),
    ],
)
def test_the_refusal_names_open_health_parts_only_to_health_readers(
    case_at, people, open_part, health_reader_sees
):
    case = case_at("basisdossier")
    fill_dossier(case, people, leave_open={("GGD", *open_part)})
    with pytest.raises(DomainError) as excinfo, translation.override("en"):
        services.case_establish_dossier(case=case, by=people["ivg_politie"])
    assert "GGD" not in excinfo.value.message
    assert "health content you may not read" in excinfo.value.message
    with pytest.raises(DomainError) as excinfo:
        services.case_establish_dossier(case=case, by=people["ivg_ggd"])
    assert health_reader_sees in excinfo.value.message
    assert "may not read" not in excinfo.value.message


def test_an_unanswered_section_without_requests_blocks_establishing(case_at, people, orgs):
    case = case_at("basisdossier")
    fill_dossier(
        case,
        people,
        leave_open={
            ("POLITIE", Leefgebied.VERBLIJF, "contribution"),
            ("GGD", Leefgebied.VERBLIJF, "contribution"),
        },
    )
    for code in ("POLITIE", "GGD"):
        services.dossier_request_remove(case=case, by=people["programme"], organisation=orgs[code])
    with pytest.raises(DomainError) as excinfo, translation.override("en"):
        services.case_establish_dossier(case=case, by=people["programme"])
    assert "still open: 4" in excinfo.value.message


# --- who is asked: the programme team ----------------------------------------------------------


def test_the_programme_team_asks_another_kernpartner(case_at, people, orgs, make_user):
    case = case_at("basisdossier")
    fill_dossier(case, people)
    services.dossier_request_add(case=case, by=people["programme"], organisation=orgs["WPI"])
    asked = DossierContribution.objects.filter(
        section__dossier__case=case, organisation=orgs["WPI"]
    )
    # Every section but health, no screening: WPI is no health organisation.
    assert sorted(asked.values_list("section__leefgebied", flat=True)) == [
        lg.value for lg in Leefgebied if lg != Leefgebied.GEZONDHEID
    ]
    assert set(asked.values_list("part", flat=True)) == {"contribution"}
    with pytest.raises(DomainError) as excinfo:
        services.case_establish_dossier(case=case, by=people["ivg_politie"])
    assert "1 (WPI (Werk, Participatie & Inkomen))" in excinfo.value.message

    wpi = make_user(Role.IVG, username="ivg-wpi", organisation=orgs["WPI"])
    services.dossier_contribution_save(
        section=section_of(case, Leefgebied.FINANCIEN), by=wpi, text="Schulden"
    )
    withdrawn = services.dossier_request_remove(
        case=case, by=people["programme"], organisation=orgs["WPI"]
    )
    assert withdrawn == 9
    assert [c.text for c in asked.all()] == ["Schulden"]  # what it answered stays
    case = services.case_establish_dossier(case=case, by=people["ivg_politie"])
    assert case.status == CaseStatus.AWAITING_ASSIGNMENT


def test_asking_the_same_organisation_twice_is_refused(case_at, people, orgs):
    case = case_at("basisdossier")
    with pytest.raises(DomainError) as excinfo:
        services.dossier_request_add(case=case, by=people["programme"], organisation=orgs["GGD"])
    assert excinfo.value.code == "duplicate"


def test_only_active_kernpartners_are_asked(case_at, people, organisation):
    case = case_at("basisdossier")
    with pytest.raises(DomainError):
        services.dossier_request_add(case=case, by=people["programme"], organisation=organisation)
    assert not DossierContribution.objects.filter(organisation=organisation).exists()


@pytest.mark.parametrize("actor", ["ivg_politie", "ivg_ggd", "regisseur"])
def test_only_the_programme_team_changes_who_is_asked(case_at, people, orgs, actor):
    case = case_at("basisdossier")
    with pytest.raises(NotAllowed):
        services.dossier_request_add(case=case, by=people[actor], organisation=orgs["WPI"])
    with pytest.raises(NotAllowed):
        services.dossier_request_remove(case=case, by=people[actor], organisation=orgs["GGD"])
    assert DossierContribution.objects.filter(organisation=orgs["GGD"]).count() == 12


def test_who_is_asked_is_fixed_after_establishing(case_at, people, orgs):
    case = case_at("awaiting_assignment")
    with pytest.raises(NotAllowed):
        services.dossier_request_add(case=case, by=people["programme"], organisation=orgs["WPI"])


# --- the pages -----------------------------------------------------------------------------------


def test_the_dossier_page_shows_who_contributed_and_who_is_still_asked(client, case_at, people):
    case = case_at("basisdossier")
    services.dossier_contribution_save(
        section=section_of(case, Leefgebied.POLITIE), by=people["ivg_politie"], text="Aanhoudingen"
    )
    services.dossier_contribution_save(
        section=section_of(case, Leefgebied.POLITIE),
        by=people["ivg_ggd"],
        text="",
        nothing_known=True,
    )
    client.force_login(people["ivg_politie"])
    response = client.get(reverse("cases:dossier", args=[case.pk]))
    assert response.status_code == 200
    section_1, section_2 = (
        next(item["view"] for item in response.context["sections"] if item["view"].leefgebied == n)
        for n in (1, 2)
    )
    assert [(c.organisation.code, c.text, c.nothing_known) for c in section_1.contributions] == [
        ("GGD", "", True),
        ("POLITIE", "Aanhoudingen", False),
    ]
    assert (section_1.still_asked, section_1.is_complete) == ((), True)
    assert [o.code for o in section_2.still_asked] == ["GGD", "POLITIE"]
    assert section_2.is_complete is False
    content = response.content.decode()
    assert 'data-testid="contribution-POLITIE"' in content
    assert str(people["ivg_politie"]) in content  # the author
    assert "Aanhoudingen" in content


def test_an_ivg_member_writes_the_own_contribution_on_the_section_page(client, case_at, people):
    case = case_at("basisdossier")
    url = reverse("cases:section", args=[case.pk, Leefgebied.VERBLIJF])
    client.force_login(people["ivg_ggd"])
    assert client.post(url, {"text": "GGD: dakloos", "version": 0}).status_code == 302
    client.force_login(people["ivg_politie"])
    page = client.get(url)
    assert "GGD: dakloos" in page.content.decode()  # the others' parts, for reference
    assert page.context["form"].initial["text"] == ""  # the own part is still empty
    response = client.post(url, {"text": "", "nothing_known": "on", "version": 0})
    assert response.status_code == 302
    assert response.url.endswith("#sectie-4")
    texts = {
        c.organisation.code: (c.text, c.nothing_known)
        for c in section_of(case, Leefgebied.VERBLIJF).contributions.all()
    }
    assert texts == {"GGD": ("GGD: dakloos", False), "POLITIE": ("", True)}


def test_the_section_form_refuses_nothing_known_with_text(client, case_at, people):
    case = case_at("basisdossier")
    client.force_login(people["ivg_politie"])
    url = reverse("cases:section", args=[case.pk, Leefgebied.FINANCIEN])
    response = client.post(url, {"text": "Schulden", "nothing_known": "on", "version": 0})
    assert response.status_code == 200
    assert "nothing_known" in response.context["form"].errors
    response = client.post(url, {"text": "", "version": 0})  # an empty answer
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not contribution_of(case, 7, people["ivg_politie"].organisation).is_answered


def test_a_stale_section_form_keeps_the_input(client, case_at, people):
    case = case_at("basisdossier")
    by = people["ivg_politie"]
    services.dossier_contribution_save(
        section=section_of(case, Leefgebied.VERBLIJF), by=by, text="Eerst opgeslagen"
    )
    client.force_login(by)
    url = reverse("cases:section", args=[case.pk, Leefgebied.VERBLIJF])
    response = client.post(url, {"text": "Later overschreven", "version": 0})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "Later overschreven" in response.content.decode()
    assert contribution_of(case, 4, by.organisation).text == "Eerst opgeslagen"


def test_the_health_section_page_is_forbidden_to_a_non_health_ivg(client, case_at, people):
    case = case_at("basisdossier")
    url = reverse("cases:section", args=[case.pk, Leefgebied.GEZONDHEID])
    client.force_login(people["ivg_politie"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"text": "x", "version": 0}).status_code == 403
    client.force_login(people["ivg_ggd"])
    assert client.get(url).status_code == 200
    assert not section_of(case, 9).contributions.filter(text="x").exists()


def test_the_screening_page_is_for_health_ivg_members(client, case_at, people):
    case = case_at("basisdossier")
    url = reverse("cases:section_screening", args=[case.pk, Leefgebied.HUISBEZOEK])
    client.force_login(people["ivg_politie"])
    assert client.post(url, {"text": "Verzonnen", "version": 0}).status_code == 403
    assert client.get(reverse("cases:section_screening", args=[case.pk, 1])).status_code == 403
    client.force_login(people["ivg_ggd"])
    assert client.post(url, {"text": "Fictieve screening", "version": 0}).status_code == 302
    assert contribution_of(case, 6, people["ivg_ggd"].organisation, SCREENING).text == (
        "Fictieve screening"
    )
    assert not DossierContribution.objects.filter(text="Verzonnen").exists()


def test_a_hostile_part_field_on_the_section_page_is_ignored(client, case_at, people):
    case = case_at("basisdossier")
    client.force_login(people["ivg_politie"])
    url = reverse("cases:section", args=[case.pk, Leefgebied.HUISBEZOEK])
    response = client.post(url, {"text": "Huisbezoek PIT", "part": "screening", "version": 0})
    assert response.status_code == 302
    police = people["ivg_politie"].organisation
    assert contribution_of(case, 6, police).text == "Huisbezoek PIT"
    assert not DossierContribution.objects.filter(organisation=police, part=SCREENING).exists()


def test_the_programme_team_asks_and_stops_asking_on_the_page(client, case_at, people, orgs):
    case = case_at("basisdossier")
    client.force_login(people["programme"])
    page = client.get(reverse("cases:dossier", args=[case.pk]))
    assert [o.code for o in page.context["asked_organisations"]] == ["GGD", "POLITIE"]
    response = client.post(
        reverse("cases:dossier_request_add", args=[case.pk]), {"organisation": orgs["WPI"].pk}
    )
    assert response.status_code == 302
    assert DossierContribution.objects.filter(organisation=orgs["WPI"]).count() == 10
    response = client.post(reverse("cases:dossier_request_remove", args=[case.pk, orgs["WPI"].pk]))
    assert response.status_code == 302
    assert not DossierContribution.objects.filter(organisation=orgs["WPI"]).exists()

    client.force_login(people["ivg_politie"])
    assert (
        "dossier-requests"
        not in client.get(reverse("cases:dossier", args=[case.pk])).content.decode()
    )
    response = client.post(
        reverse("cases:dossier_request_add", args=[case.pk]), {"organisation": orgs["WPI"].pk}
    )
    assert response.status_code == 403
    assert not DossierContribution.objects.filter(organisation=orgs["WPI"]).exists()
