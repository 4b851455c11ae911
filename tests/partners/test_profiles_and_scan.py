"""Regisseur profiles and the competence scan (issue 16, report chapter 5).

The profile is kept by the regisseur and by the accounthouder of their organisation; a single
competence scan is private to its regisseur (nobody else reads it: not the accounthouder, not the
beheerder); accounthouders see the spread over the latest scans of at least
`REGIE_COMPETENCE_GROUP_MIN` regisseurs, and below that nothing at all."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from acvz.errors import DomainError, NotAllowed
from partners.middleware import SUBMISSION_FIELD
from partners.models import Competence, CompetenceScan, RegisseurProfile, Role
from partners.profiles import competence_scan_record, regisseur_profile_update
from partners.selectors import competence_group_spread

pytestmark = pytest.mark.django_db

MARKER = "MKscanNOTEZ"


def scores(value: int = 3, **overrides) -> dict[str, int]:
    return {**dict.fromkeys(Competence.values, value), **overrides}


def scan_form(value: int = 3, note: str = "", **overrides) -> dict:
    return {**scores(value, **overrides), "note": note, SUBMISSION_FIELD: uuid.uuid4().hex}


@pytest.fixture
def rn(orgs):
    return orgs["RN"]


@pytest.fixture
def team(make_user, rn):
    return {
        "regisseur": make_user(Role.REGISSEUR, organisation=rn, username="reg-a"),
        "accounthouder": make_user(Role.ACCOUNTHOUDER, organisation=rn, username="ah-a"),
        "beheerder": make_user(Role.BEHEERDER, organisation=rn, username="beh-a", is_staff=True),
    }


# --- the profile ------------------------------------------------------------------------------


def test_the_regisseur_keeps_their_profile_on_the_page(client, team):
    regisseur = team["regisseur"]
    client.force_login(regisseur)
    url = reverse("regisseur_profile_edit", args=[regisseur.pk])
    response = client.post(
        url,
        {
            "style": "network",
            "expertise": ["finances", "addiction"],
            "languages": "Arabisch,  engels , Engels",
            "capacity": "15",
            "lock_version": "0",
        },
    )
    assert response.status_code == 302
    profile = RegisseurProfile.objects.get(user=regisseur)
    assert profile.style == "network"
    assert profile.expertise == ["addiction", "finances"]
    assert profile.languages == ["Arabisch", "engels"]
    assert profile.capacity == 15
    assert profile.history.count() == 1
    page = client.get(reverse("my_profile")).content.decode()
    assert "Netwerkgericht" in page
    assert "Verslaving" in page


def test_bad_input_is_a_form_error_and_changes_nothing(client, team):
    regisseur = team["regisseur"]
    RegisseurProfile.objects.create(user=regisseur, capacity=10)
    client.force_login(regisseur)
    url = reverse("regisseur_profile_edit", args=[regisseur.pk])
    for data in (
        {"capacity": "0", "lock_version": "0"},
        {"capacity": "5", "expertise": ["astrology"], "lock_version": "0"},
        {"capacity": "5", "style": "chaos", "lock_version": "0"},
        {"capacity": "5", "languages": "x" * 41, "lock_version": "0"},
    ):
        response = client.post(url, data)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert RegisseurProfile.objects.get(user=regisseur).capacity == 10


def test_a_profile_edit_without_its_version_saves_nothing_and_says_why(client, team):
    regisseur = team["regisseur"]
    RegisseurProfile.objects.create(user=regisseur, capacity=10)
    client.force_login(regisseur)
    url = reverse("regisseur_profile_edit", args=[regisseur.pk])
    for version in ({}, {"lock_version": "x"}):
        response = client.post(url, {"capacity": "5", **version})
        assert response.status_code == 200
        assert "zonder de versie" in response.content.decode()
    profile = RegisseurProfile.objects.get(user=regisseur)
    assert (profile.capacity, profile.lock_version) == (10, 0)


def test_a_stale_profile_edit_is_refused(client, team):
    regisseur = team["regisseur"]
    regisseur_profile_update(
        regisseur=regisseur, by=regisseur, style="case", expertise=[], languages=[], capacity=5
    )
    regisseur_profile_update(
        regisseur=regisseur,
        by=team["accounthouder"],
        style="network",
        expertise=[],
        languages=[],
        capacity=8,
        expected_lock_version=1,
    )
    with pytest.raises(DomainError) as refused:
        regisseur_profile_update(
            regisseur=regisseur,
            by=regisseur,
            style="case",
            expertise=[],
            languages=[],
            capacity=3,
            expected_lock_version=1,
        )
    assert refused.value.code == "stale"
    client.force_login(regisseur)
    response = client.post(
        reverse("regisseur_profile_edit", args=[regisseur.pk]),
        {"style": "case", "capacity": "3", "lock_version": "1"},
    )
    assert response.status_code == 200
    assert "intussen gewijzigd" in response.content.decode()
    assert RegisseurProfile.objects.get(user=regisseur).capacity == 8


def test_the_accounthouder_keeps_their_regisseurs_profiles_and_no_others(
    client, team, make_user, orgs
):
    client.force_login(team["accounthouder"])
    own = reverse("regisseur_profile_edit", args=[team["regisseur"].pk])
    response = client.post(own, {"style": "case", "capacity": "12", "lock_version": "0"})
    assert response.status_code == 302
    assert RegisseurProfile.objects.get(user=team["regisseur"]).capacity == 12
    stranger = make_user(Role.REGISSEUR, organisation=orgs["OM"], last_name="MKstrangerZ")
    other = reverse("regisseur_profile_edit", args=[stranger.pk])
    assert client.get(other).status_code == 404
    assert client.post(other, {"capacity": "3", "lock_version": "0"}).status_code == 404
    assert not RegisseurProfile.objects.filter(user=stranger).exists()
    listing = client.get(reverse("regisseur_profiles")).content.decode()
    assert "MKstrangerZ" not in listing
    # A colleague regisseur may not edit another regisseur's profile; the service refuses too.
    colleague = make_user(Role.REGISSEUR, organisation=team["regisseur"].organisation)
    client.force_login(colleague)
    assert client.get(own).status_code == 404
    with pytest.raises(NotAllowed):
        regisseur_profile_update(
            regisseur=team["regisseur"],
            by=colleague,
            style="",
            expertise=[],
            languages=[],
            capacity=None,
        )


def test_only_regisseurs_have_a_profile(client, team):
    client.force_login(team["accounthouder"])
    url = reverse("regisseur_profile_edit", args=[team["accounthouder"].pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("my_profile")).status_code == 403


# --- the competence scan -------------------------------------------------------------------------


def test_the_regisseur_takes_the_scan_and_sees_it_over_time(client, team):
    regisseur = team["regisseur"]
    client.force_login(regisseur)
    form = client.get(reverse("competence_scan_add")).content.decode()
    assert "Organisatiegevoeligheid" in form
    assert "Netwerkgericht onderhandelen" in form
    assert "Afstemmen" in form
    data = scan_form(4, note=MARKER, negotiating=2)
    first = client.post(reverse("competence_scan_add"), data)
    second = client.post(reverse("competence_scan_add"), data)  # posted twice: one scan
    assert first.status_code == second.status_code == 302
    (scan,) = CompetenceScan.objects.filter(user=regisseur)
    assert scan.negotiating == 2
    assert scan.networking == 4
    assert scan.note == MARKER
    earlier = competence_scan_record(by=regisseur, scores=scores(1))
    CompetenceScan.objects.filter(pk=earlier.pk).update(
        taken_at=timezone.now() - timedelta(days=200)
    )
    page = client.get(reverse("my_profile"))
    assert [s.pk for s in page.context["scans"]] == [scan.pk, earlier.pk]
    development = dict(page.context["development"][3][1])  # Afstemmen
    assert development["Netwerkgericht onderhandelen"] == [2, 1]
    assert MARKER in page.content.decode()


def test_an_incomplete_scan_is_a_form_error_and_stores_nothing(client, team):
    client.force_login(team["regisseur"])
    data = scan_form(3)
    del data["listening"]
    data["impact"] = "6"
    response = client.post(reverse("competence_scan_add"), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"listening", "impact"}
    assert not CompetenceScan.objects.exists()
    with pytest.raises(DomainError):
        competence_scan_record(by=team["regisseur"], scores=scores(3, impact=0))
    with pytest.raises(DomainError):
        competence_scan_record(by=team["regisseur"], scores={"impact": 3})
    assert not CompetenceScan.objects.exists()


def test_nobody_else_reads_a_single_scan(client, team, rn, make_user):
    competence_scan_record(by=team["regisseur"], scores=scores(5), note=MARKER)
    with pytest.raises(NotAllowed):
        competence_scan_record(by=team["accounthouder"], scores=scores(5))
    # Four more regisseurs: the group view shows numbers, still never the note or one scan.
    for _i in range(4):
        competence_scan_record(by=make_user(Role.REGISSEUR, organisation=rn), scores=scores(2))
    superuser = make_user(Role.BEHEERDER, organisation=rn, is_staff=True, is_superuser=True)
    for reader in (team["accounthouder"], team["beheerder"], superuser):
        client.force_login(reader)
        for name in ("my_profile", "competence_scan_add", "regisseur_profiles", "competence_group"):
            response = client.get(reverse(name))
            assert MARKER not in response.content.decode(), (reader, name)
        if not reader.is_superuser:  # a superuser has a "my profile" of their own, empty
            assert client.get(reverse("my_profile")).status_code == 403
        # Not in the administration either (not registered there, nor its history).
        assert client.get("/admin/partners/competencescan/").status_code in (302, 404)
    assert CompetenceScan not in admin.site._registry
    client.force_login(team["beheerder"])
    assert client.get(reverse("competence_group")).status_code == 403


# --- the group view ------------------------------------------------------------------------------


def test_the_group_view_needs_five_regisseurs_with_a_scan(
    client, team, rn, orgs, make_user, settings
):
    settings.REGIE_COMPETENCE_GROUP_MIN = 5
    regisseurs = [team["regisseur"]] + [
        make_user(Role.REGISSEUR, organisation=rn) for _ in range(4)
    ]
    for i, regisseur in enumerate(regisseurs[:4]):
        competence_scan_record(by=regisseur, scores=scores(i + 1))
    # An older scan of the first counts not: only each regisseur's latest.
    old = competence_scan_record(by=regisseurs[0], scores=scores(5))
    CompetenceScan.objects.filter(pk=old.pk).update(taken_at=timezone.now() - timedelta(days=400))
    # Regisseurs of another organisation do not make up the group.
    competence_scan_record(
        by=make_user(Role.REGISSEUR, organisation=orgs["OM"]),
        scores=scores(1),
    )
    client.force_login(team["accounthouder"])
    response = client.get(reverse("competence_group"))
    assert response.context["view"].too_few
    body = response.content.decode()
    assert 'data-testid="too-few"' in body
    assert 'data-testid="competence-spread"' not in body
    assert "Mediaan" not in body
    competence_scan_record(by=regisseurs[4], scores=scores(4, listening=1))
    view = competence_group_spread(organisation=rn)
    assert view.size == 5
    spreads = {s.competence: s for _role, row in view.roles for s in row}
    assert spreads["networking"].counts == (1, 1, 1, 2, 0)
    assert spreads["networking"].median == 3
    assert spreads["listening"].counts == (2, 1, 1, 1, 0)
    response = client.get(reverse("competence_group"))
    assert 'data-testid="competence-spread"' in response.content.decode()
    # The same threshold in every period: the older scan's year has one regisseur.
    year = (timezone.now() - timedelta(days=400)).year
    assert competence_group_spread(organisation=rn, year=year).too_few
    response = client.get(reverse("competence_group"), {"jaar": str(year)})
    assert response.context["view"].too_few
    assert response.context["view"].size is None


def test_the_threshold_is_a_setting(team, rn, make_user, settings):
    settings.REGIE_COMPETENCE_GROUP_MIN = 2
    competence_scan_record(by=team["regisseur"], scores=scores(3))
    assert competence_group_spread(organisation=rn).too_few
    competence_scan_record(by=make_user(Role.REGISSEUR, organisation=rn), scores=scores(4))
    assert competence_group_spread(organisation=rn).size == 2


# --- query counts ---------------------------------------------------------------------------------


@pytest.fixture
def many(team, rn, make_user):
    def build(n: int):
        for i in range(n):
            user = make_user(Role.REGISSEUR, organisation=rn, username=f"reg-{i}")
            RegisseurProfile.objects.create(user=user, style="case", expertise=["work"], capacity=9)
            competence_scan_record(by=user, scores=scores(3))
            competence_scan_record(by=team["regisseur"], scores=scores(4))

    return build


#: session, user, permissions (2), and the page's own: my profile (profile, count, scans);
#: the profiles (count, page of regisseurs with their profile); the group (the latest scans).
MY_PROFILE, PROFILES, GROUP = 7, 6, 5


@pytest.mark.parametrize("n", [1, 25])
def test_the_pages_are_a_fixed_number_of_queries(n, client, team, many, django_assert_num_queries):
    many(n)
    client.force_login(team["regisseur"])
    client.get(reverse("my_profile"))
    with django_assert_num_queries(MY_PROFILE):
        assert client.get(reverse("my_profile")).status_code == 200
    client.force_login(team["accounthouder"])
    client.get(reverse("regisseur_profiles"))
    with django_assert_num_queries(PROFILES):
        response = client.get(reverse("regisseur_profiles"))
    assert len(response.context["page"]) == min(n + 1, 25)
    with django_assert_num_queries(GROUP):
        client.get(reverse("competence_group"))


@pytest.mark.parametrize("n", [1, 25])
def test_the_group_spread_is_one_query(n, rn, many, django_assert_num_queries):
    many(n)
    with django_assert_num_queries(1):
        competence_group_spread(organisation=rn)
