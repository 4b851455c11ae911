"""The disclosure register (every way personal data leave the system leaves a row: to whom,
what, when, on which basis) and the AVG inzage export (everything stored about one person)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from cases import services
from cases.disclosure import disclosures_of
from cases.models import (
    AccessAction,
    AccessLogEntry,
    Case,
    Disclosure,
    DisclosureChannel,
    FamilyRelation,
    Leefgebied,
    Person,
)
from meetings import outbox
from meetings import services as meeting_services
from meetings.reminders import reminders_scan
from partners.models import Role
from tests.factories import PersonFactory
from tests.scenarios import settle

pytestmark = pytest.mark.django_db


def basis(channel: str) -> str:
    return settings.REGIE_DISCLOSURE_BASIS[channel]


def test_an_organisation_joining_the_team_is_a_disclosure(case_at, people, orgs):
    case = case_at("in_regie")
    before = Disclosure.objects.count()
    services.team_member_add(case=case, by=people["regisseur"], organisation=orgs["WPI"])
    row = Disclosure.objects.latest("pk")
    assert Disclosure.objects.count() == before + 1
    assert (row.person_id, row.case_id, row.channel) == (
        case.person_id,
        case.pk,
        DisclosureChannel.TEAM,
    )
    assert row.recipient_organisation == orgs["WPI"]
    assert row.by == people["regisseur"]
    assert row.basis_id == basis("team")


def test_a_partner_systems_api_read_is_a_disclosure_a_persons_is_not(
    case_at, people, orgs, api_client, client, django_assert_num_queries
):
    from tests.factories import api_key

    case = case_at("in_regie")
    system = people["system"]
    services.team_member_add(case=case, by=people["regisseur"], organisation=system.organisation)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(system)}")
    assert api_client.get(f"/api/v1/cases/{case.pk}").status_code == 200
    entry = AccessLogEntry.objects.filter(user=system).latest("pk")
    assert entry.basis_id == basis("api")
    api_rows = [d for d in disclosures_of(case.person) if d.channel == DisclosureChannel.API]
    assert len(api_rows) == 1
    assert system.organisation.name in api_rows[0].recipient
    assert f"/api/v1/cases/{case.pk}" in api_rows[0].what
    # The regisseur reading the same through the API in their browser: no disclosure.
    client.force_login(people["regisseur"])
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 200
    assert AccessLogEntry.objects.filter(user=people["regisseur"]).latest("pk").basis_id is None
    # The register's rows and the API reads in three queries, however many there are.
    for code in ("GGD", "OM", "DJI"):
        services.team_member_add(case=case, by=people["regisseur"], organisation=orgs[code])
    for _ in range(3):
        api_client.get(f"/api/v1/cases/{case.pk}")
    with django_assert_num_queries(3):  # the bases, the register, the API reads
        rows = disclosures_of(case.person)
    assert len(rows) == Disclosure.objects.filter(person=case.person).count() + 4  # API reads


def test_an_e_mail_naming_the_person_is_a_disclosure_to_its_address(case_at, people):
    case = case_at("in_regie")
    settle()
    Case.objects.filter(pk=case.pk).update(regie_started_at=timezone.now() - timedelta(days=100))
    scan = reminders_scan()
    before = Disclosure.objects.filter(channel=DisclosureChannel.EMAIL).count()
    sent = outbox.send(scan.notification_ids)
    assert sent > 0
    rows = Disclosure.objects.filter(channel=DisclosureChannel.EMAIL)
    assert rows.count() == before + sent
    row = rows.latest("pk")
    assert row.person_id == case.person_id
    assert row.recipient == row.recipient_user.email
    assert row.basis_id == basis("email")
    assert row.what.startswith("e-mail: ")


def test_the_access_log_export_is_a_disclosure_of_each_person_in_it(client, people, case_at):
    case = case_at("in_regie")
    client.force_login(people["regisseur"])
    client.get(reverse("cases:detail", args=[case.pk]))  # a read: the log names the person
    beheerder = people["beheerder"]
    client.force_login(beheerder)
    response = client.get(reverse("cases:access_log") + "?format=csv&person=" + str(case.person_id))
    assert response.status_code == 200
    row = Disclosure.objects.filter(channel=DisclosureChannel.EXPORT).latest("pk")
    assert row.person_id == case.person_id
    assert row.recipient_user == beheerder
    assert row.basis_id == basis("export")


@pytest.fixture
def rich_case(plan_at, people, orgs):
    """A person with data in every app: family, offences, a case with a dossier, a plan, an
    UVO with minutes and an agreement."""
    plan = plan_at("submitted")
    case = plan.case
    person = case.person
    FamilyRelation.objects.create(person=person, relative=PersonFactory(), kind="sibling")
    held = meeting_services.uvo_plan(
        case=case, by=people["regisseur"], planned_at=timezone.now() - timedelta(days=2)
    )
    meeting_services.uvo_record(
        meeting=held,
        by=people["regisseur"],
        held_on=timezone.localdate() - timedelta(days=2),
        minutes="Fictieve notulen inzage",
    )
    meeting_services.agreement_create(
        case=case,
        by=people["regisseur"],
        meeting=held,
        description="Fictieve afspraak inzage",
        owner_organisation=orgs["WPI"],
        deadline=timezone.localdate() + timedelta(days=7),
    )
    return case


def test_the_inzage_file_holds_everything_stored_about_the_person(client, people, rich_case):
    case, person = rich_case, rich_case.person
    client.force_login(people["regisseur"])
    client.get(reverse("cases:detail", args=[case.pk]))  # a read, for "who looked"
    client.logout()
    beheerder = people["beheerder"]
    client.force_login(beheerder)
    page = client.get(reverse("cases:inzage", args=[person.pk]))
    assert page.status_code == 200
    assert person.full_name in page.content.decode()
    response = client.get(reverse("cases:inzage", args=[person.pk]) + "?format=json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="inzage-')
    data = json.loads(response.content)
    assert data["person"]["last_name"] == person.last_name
    assert data["person"]["bsn"] == person.bsn
    assert len(data["family"]) == 1
    assert len(data["offences"]) == person.offences.count() > 0
    (stored,) = data["cases"]
    assert stored["id"] == case.pk
    assert stored["status_changes"]
    assert stored["team"]
    assert stored["timeline"]
    sections = stored["basisdossier"]["sections"]
    assert len(sections) == 11
    assert any(c["text"] for s in sections for c in s["contributions"])
    (plan,) = stored["plans"]
    assert plan["goals"]
    assert plan["status_changes"]
    assert stored["uvo_meetings"][0]["minutes"] == "Fictieve notulen inzage"
    assert stored["agreements"][0]["description"] == "Fictieve afspraak inzage"
    assert any(a["user"] == str(people["regisseur"]) for a in data["accessed_by"])
    # Choices are handed over as their words, in the page's language (Dutch first), and every
    # logged read names its page.
    with translation.override("nl"):
        assert stored["status"] == case.get_status_display() != case.status
        assert plan["status"] == case.plans.get().get_status_display()
        read = next(a for a in data["accessed_by"] if a["user"] == str(people["regisseur"]))
        assert (read["action"], read["page"]) == ("Detail", "Casusoverzicht")
    assert all(a["page"] for a in data["accessed_by"])
    # Need-to-know: the beheerder reads no health content; it is marked withheld and counted.
    text = response.content.decode()
    assert "Fictieve GGD-screening" not in text
    assert f"Fictieve tekst leefgebied {Leefgebied.GEZONDHEID}" not in text
    assert f"Fictief doel {Leefgebied.GEZONDHEID}" not in text
    assert f"Fictief doel {Leefgebied.FINANCIEN}" in text
    assert stored["health_withheld"] >= 3  # section 9, the screening, the health goal
    assert page.context["withheld"] == stored["health_withheld"]
    assert "Fictieve GGD-screening" not in page.content.decode()
    channels = {d["channel"] for d in data["disclosed_to"]}
    assert str(DisclosureChannel.TEAM.label) in channels
    # Handing it over is itself recorded: an export in the access log, a disclosure.
    entry = AccessLogEntry.objects.filter(user=beheerder).latest("pk")
    assert entry.action == AccessAction.EXPORT
    assert entry.subjects.get().person_id == person.pk
    row = Disclosure.objects.latest("pk")
    assert (row.channel, row.person_id, row.basis_id) == (
        DisclosureChannel.INZAGE,
        person.pk,
        basis("inzage"),
    )


def test_the_register_is_stored_in_one_language_and_read_in_the_readers(
    client, people, orgs, case_at
):
    """What left is stored in English (append-only, whatever the writer's language) and shown
    in the reader's: the Dutch inzage page says what left in Dutch, every way of leaving."""
    from cases import disclosure

    case = case_at("in_regie")
    person = case.person
    services.team_member_add(case=case, by=people["regisseur"], organisation=orgs["WPI"])
    for what, channel in (
        (disclosure.ACCESS_LOG_EXPORT, DisclosureChannel.EXPORT),
        (disclosure.INZAGE_EXPORT, DisclosureChannel.INZAGE),
        (disclosure.e_mail("Evaluatie verlopen"), DisclosureChannel.EMAIL),
    ):
        disclosure.record(channel=channel, subjects=[(person.pk, None)], what=what)
    Disclosure.objects.create(  # a description the register does not write: shown as stored
        person=person, channel=DisclosureChannel.WEBHOOK, what="fictief", basis_id=basis("team")
    )
    assert set(Disclosure.objects.filter(person=person).values_list("what", flat=True)) >= {
        "case team (partner): the case as far as the organisation's need-to-know",
        "access log export (CSV)",
        "e-mail: Evaluatie verlopen",
    }
    client.force_login(people["beheerder"])
    with translation.override("nl"):  # handing the inzage over (in Dutch)
        client.get(reverse("cases:inzage", args=[person.pk]) + "?format=json")
    handed_over = Disclosure.objects.filter(channel=DisclosureChannel.INZAGE).latest("pk")
    assert handed_over.recipient == "the person concerned"
    with translation.override("nl"):
        disclosed = client.get(reverse("cases:inzage", args=[person.pk])).context["data"][
            "disclosed_to"
        ]
    shown = {d["what"] for d in disclosed}
    assert "de betrokkene" in {d["recipient"] for d in disclosed}
    assert {
        "Casusteam (Partner in het casusteam): de casus voor zover de organisatie die moet kennen",
        "Export van de toegangslog (CSV)",
        "Inzage: alles wat over de persoon is vastgelegd (JSON)",
        "E-mail: Evaluatie verlopen",
        "fictief",
    } <= shown
    assert not any("need-to-know" in what or "export (CSV)" in what for what in shown)
    with translation.override("en"):
        english = {d.what for d in disclosures_of(person)}
        assert "the person concerned" in {d.recipient for d in disclosures_of(person)}
    assert "Case team (Case team partner): the case as far as the organisation's need-to-know" in (
        english
    )


def test_only_the_beheerder_makes_an_inzage(client, people, case_at, make_user):
    person = case_at("in_regie").person
    for who in ("regisseur", "accounthouder", "programme", "itat"):
        client.force_login(people[who])
        assert client.get(reverse("cases:inzage", args=[person.pk])).status_code == 403
        assert client.get(reverse("cases:inzage_search") + "?q=x").status_code == 403
    assert not Disclosure.objects.filter(channel=DisclosureChannel.INZAGE).exists()
    assert make_user(Role.BEHEERDER).has_perm("cases.export_person_data")


def test_the_beheerder_finds_the_person_by_name_bsn_or_number(client, people):
    person = PersonFactory(first_name="Fictief", last_name="Inzagevrager", bsn="123456782")
    other = PersonFactory(first_name="Ander", last_name="Persoon")
    client.force_login(people["beheerder"])
    for query in ("inzagevrager fictief", "123456782", str(person.pk)):
        found = client.get(reverse("cases:inzage_search"), {"q": query}).context["persons"]
        assert found == [person], query
    assert (
        other not in client.get(reverse("cases:inzage_search"), {"q": "Fictief"}).context["persons"]
    )
    assert Person.objects.count() >= 2


def test_a_legal_basis_cannot_be_deleted_in_the_admin(client, make_user):
    from cases.models import LegalBasis

    beheerder = make_user(Role.BEHEERDER, is_staff=True)
    client.force_login(beheerder)
    response = client.post(
        reverse("admin:cases_legalbasis_delete", args=["avg-art-15"]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert LegalBasis.objects.filter(code="avg-art-15").exists()


#: Session and user, 2 × permissions, the person; the record: family, offences, followed as a
#: minor, cases, one query
#: per kind of row of a case (19) and one per kind of object named in it (8 here, at most 9 —
#: cases.inzage.NAMED_LINKS), who read the file; the disclosures (bases, register, API reads);
#: the access log (entry and subject); the header's counts are cached.
INZAGE_PAGE_QUERIES = 42
#: The file: no header, but the disclosure of the file itself.
INZAGE_FILE_QUERIES = 43


def _more_of_everything(case, people, orgs) -> None:
    """A second case of the same person and more rows of every kind in the first."""
    person = case.person
    FamilyRelation.objects.create(person=person, relative=PersonFactory(), kind="child")
    Case.objects.create(
        person=person,
        programme=case.programme,
        status="closed",
        regie_organisation=case.regie_organisation,
        regisseur=case.regisseur,
        accounthouder=case.accounthouder,
    )
    for days in (9, 16):
        held = meeting_services.uvo_plan(
            case=case, by=people["regisseur"], planned_at=timezone.now() - timedelta(days=days)
        )
        meeting_services.agreement_create(
            case=case,
            by=people["regisseur"],
            meeting=held,
            description=f"Fictieve afspraak {days}",
            owner_organisation=orgs["GGD"],
            deadline=timezone.localdate() + timedelta(days=days),
        )


def _queries(client, url) -> int:
    return len(_statements(client, url))


def _statements(client, url) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in ctx.captured_queries]


def test_the_inzage_query_count_does_not_grow_with_what_is_stored(client, people, orgs, rich_case):
    client.force_login(people["beheerder"])
    page = reverse("cases:inzage", args=[rich_case.person_id])
    client.get(reverse("cases:inzage_search"))  # warm the session
    counts = [_queries(client, page), _queries(client, page + "?format=json")]
    _more_of_everything(rich_case, people, orgs)
    assert [_queries(client, page), _queries(client, page + "?format=json")] == counts
    assert counts == [INZAGE_PAGE_QUERIES, INZAGE_FILE_QUERIES]


#: The joins of the file's statements: a kind of row is read by its own table with the links
#: that lead to the person's cases (a section by its dossier, an attendee by its meeting …)
#: and the names it needs. A select_related() without names follows every non-null foreign
#: key of every row (its case, person, programme, author and the author's groups): 101 here.
INZAGE_FILE_JOINS = 38


def test_the_inzage_reads_each_kind_of_row_without_what_it_does_not_hand_over(
    client, people, rich_case
):
    client.force_login(people["beheerder"])
    statements = _statements(
        client, reverse("cases:inzage", args=[rich_case.person_id]) + "?format=json"
    )
    assert sum(sql.count(" JOIN ") for sql in statements) == INZAGE_FILE_JOINS


def test_the_inzage_page_escapes_every_value_it_shows():
    from cases.templatetags.inzage import read_rows, record

    with translation.override("en"):
        html = record({"note": "<b>x</b> & y", "team": [], "ended_on": None, "id": 3, "ok": True})
        assert html == (
            '<dl class="record"><dt>note</dt><dd>&lt;b&gt;x&lt;/b&gt; &amp; y</dd>'
            "<dt>case team</dt><dd>—</dd><dt>followed until</dt><dd>—</dd>"
            "<dt>number</dt><dd>3</dd><dt>ok</dt><dd>True</dd></dl>"
        )
        assert record([{"id": 1}, "<i>"]) == (
            '<ol class="record-list"><li><dl class="record"><dt>number</dt><dd>1</dd></dl></li>'
            "<li>&lt;i&gt;</li></ol>"
        )
        read = {
            "at": "2026-01-02T03:04:05+01:00",
            "user": "<Eve>",
            "organisation": "",
            "action": "Detail",
            "page": "Case overview",
            "case": 12,
            "outcome": "Shown",
        }
        assert read_rows([read, {**read, "case": None}]) == (
            "<tr><td>02-01-2026 03:04</td><td>&lt;Eve&gt;</td><td>—</td>"
            "<td>Detail · Case overview (#12)</td><td>Shown</td></tr>\n"
            "<tr><td>02-01-2026 03:04</td><td>&lt;Eve&gt;</td><td>—</td>"
            "<td>Detail · Case overview</td><td>Shown</td></tr>"
        )
        assert "No reads logged." in read_rows([])
    with translation.override("nl"):
        assert record({"team": []}) == '<dl class="record"><dt>casusteam</dt><dd>—</dd></dl>'


def test_the_inzage_page_shows_dates_as_the_rest_of_the_app_and_the_file_keeps_iso(monkeypatch):
    """The file holds ISO 8601 (in local time); the page the beheerder checks shows the site's
    short formats, like every other page (4-3-2026 10:11 in Dutch)."""
    from cases.templatetags import inzage

    stored = {"started_on": "2026-03-04", "at": "2026-03-04T10:11:12+01:00", "note": "2026-03-04"}
    with translation.override("nl"):
        assert inzage.record(stored) == (
            '<dl class="record"><dt>gevolgd sinds</dt><dd>4-3-2026</dd>'
            "<dt>wanneer</dt><dd>4-3-2026 10:11</dd><dt>notitie</dt><dd>2026-03-04</dd></dl>"
        )
        assert inzage.when("2026-11-30T09:05:00+01:00") == "30-11-2026 09:05"
        assert inzage.record({"due_date": "geen datum"}) == (
            '<dl class="record"><dt>uiterlijk</dt><dd>geen datum</dd></dl>'
        )
    with translation.override("en"):
        assert inzage.when("2026-03-04") == "04-03-2026"
    # A format with more than numbers goes through Django's formatter (which reads the real
    # format: the English short one).
    import acvz.formats

    acvz.formats._pattern.cache_clear()
    monkeypatch.setattr(acvz.formats, "get_format", lambda name: "j F Y")
    with translation.override("en"):
        assert acvz.formats._pattern("SHORT_DATE_FORMAT", "en") is None
        assert inzage.when("2026-03-04T10:11:12+01:00") == "04-03-2026 10:11"
    acvz.formats._pattern.cache_clear()


def test_every_label_of_the_inzage_has_words_of_its_own(client, people, rich_case):
    """No key of the record is shown as its name with spaces ("from status" on a Dutch page):
    each has translatable words, from its model field or the page's own labels; and a name
    models use in different senses has the page's neutral word (not "requested at" for when a
    person was registered)."""
    from django.utils.functional import Promise

    from cases.templatetags.inzage import SECTION_LABELS, _field_labels, _fields

    client.force_login(people["beheerder"])
    data = client.get(reverse("cases:inzage", args=[rich_case.person_id])).context["data"]
    keys: set[str] = set()

    def walk(value):
        if isinstance(value, dict):
            keys.update(value)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for shown in ("person", "family", "offences", "followed_as_minor", "cases"):
        walk(data[shown])
    assert "from_status" in keys  # the walk reached the cases' status changes
    plain = {
        key
        for key in keys
        if not isinstance(SECTION_LABELS.get(key) or _field_labels().get(key), Promise)
    }
    assert not plain
    senses: dict[str, set[str]] = {}
    with translation.override("en"):
        for field in _fields():
            senses.setdefault(field.name, set()).add(str(field.verbose_name))
    assert not {key for key in keys if len(senses.get(key, ())) > 1} - set(SECTION_LABELS)


def test_an_inzage_recipient_stored_in_dutch_before_is_read_in_the_readers_language(case_at):
    """Rows written before the register stored its recipient in English hold the Dutch words;
    the register is append-only, so they are read as they are, in the reader's language."""
    person = case_at("in_regie").person
    Disclosure.objects.create(
        person=person,
        channel=DisclosureChannel.INZAGE,
        what="fictief",
        recipient="de betrokkene",
        basis_id=basis("inzage"),
    )
    with translation.override("en"):
        assert [d.recipient for d in disclosures_of(person) if d.what == "fictief"] == [
            "the person concerned"
        ]
    with translation.override("nl"):
        assert [d.recipient for d in disclosures_of(person) if d.what == "fictief"] == [
            "de betrokkene"
        ]
