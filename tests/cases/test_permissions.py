"""Need-to-know: health content, leaving a team, guessed ids and the visible-cases queryset
(docs/domain.md, the covenant). Out of scope is 404, exactly like missing; in scope but not
allowed is 403. Every case page for every role and state: test_permission_matrix.py."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case, CaseTeamMembership
from cases.policies import actor_for
from tests.scenarios import HEALTH_TEXT, SCREENING_TEXT, fill_dossier

pytestmark = pytest.mark.django_db

RESTRICTED = 'class="restricted"'


@pytest.mark.parametrize(
    ("name", "data"),
    [("close", {}), ("assign", {"organisation": "1"}), ("start_dossier", {})],
)
def test_a_transition_posted_in_the_wrong_state_is_explained(client, case_at, people, name, data):
    case = case_at("in_regie")
    client.force_login(people["regisseur"])
    response = client.post(reverse("cases:transition", args=[case.pk, name]), data)
    assert response.status_code == 409
    assert case.get_status_display() in response.content.decode()
    case.refresh_from_db()
    assert case.status == "in_regie"


@pytest.mark.parametrize("name", ["assign", "close", "start_dossier"])
def test_a_transition_page_in_the_wrong_state_is_explained(client, case_at, people, name):
    case = case_at("in_regie")
    client.force_login(people["regisseur"])
    response = client.get(reverse("cases:transition", args=[case.pk, name]))
    assert response.status_code == 409
    assert case.get_status_display() in response.content.decode()


def test_an_unknown_transition_is_404(client, case_at, people):
    case = case_at("in_regie")
    client.force_login(people["regisseur"])
    assert client.get(reverse("cases:transition", args=[case.pk, "delete"])).status_code == 404


def test_a_refused_transition_post_changes_nothing(client, case_at, people):
    case = case_at("in_regie")
    client.force_login(people["partner"])
    services.team_member_add(
        case=case, by=people["regisseur"], organisation=people["partner"].organisation
    )
    response = client.post(
        reverse("cases:transition", args=[case.pk, "start_outflow"]),
        {"reason": "x", "receiving_organisation": "y"},
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == "in_regie"


# --- the health rule ----------------------------------------------------------------------------


@pytest.fixture
def health_case(case_at, people, orgs) -> Case:
    """In regie; the regisseur added GGD (health) and WPI (not health) to the team."""
    case = case_at("in_regie")
    by = people["regisseur"]
    services.team_member_add(
        case=case, by=by, organisation=orgs["GGD"], professional=people["health_partner"]
    )
    services.team_member_add(
        case=case, by=by, organisation=orgs["WPI"], professional=people["partner"]
    )
    return case


@pytest.mark.parametrize("user", ["regisseur", "accounthouder", "health_partner", "ivg_ggd"])
def test_health_readers_see_section_9_and_the_screening(client, health_case, people, user):
    client.force_login(people[user])
    response = client.get(reverse("cases:dossier", args=[health_case.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert HEALTH_TEXT in content
    assert SCREENING_TEXT in content
    assert RESTRICTED not in content


def test_a_non_health_partner_sees_that_section_9_exists_but_not_its_content(
    client, health_case, people
):
    client.force_login(people["partner"])
    response = client.get(reverse("cases:dossier", args=[health_case.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-testid="section-9"' in content
    assert HEALTH_TEXT not in content
    assert SCREENING_TEXT not in content
    assert content.count(RESTRICTED) == 2  # section 9, and the screening part of 6
    # The rest of section 6, and the other sections, are the team's to read.
    assert "Fictieve tekst leefgebied 6" in content
    assert "Fictieve tekst leefgebied 10" in content


def test_the_history_page_keeps_the_health_rule(client, health_case, people):
    client.force_login(people["partner"])
    content = client.get(reverse("cases:history", args=[health_case.pk])).content.decode()
    assert HEALTH_TEXT not in content
    assert SCREENING_TEXT not in content
    assert "Fictieve tekst leefgebied 6" in content
    client.force_login(people["regisseur"])
    content = client.get(reverse("cases:history", args=[health_case.pk])).content.decode()
    assert HEALTH_TEXT in content
    assert SCREENING_TEXT in content


@pytest.mark.parametrize(
    ("user", "reads_health"),
    [("ivg_ggd", True), ("ivg_politie", False), ("programme", False)],
)
def test_health_rule_while_compiling(client, case_at, people, user, reads_health):
    case = case_at("basisdossier")
    fill_dossier(case, people)
    client.force_login(people[user])
    content = client.get(reverse("cases:dossier", args=[case.pk])).content.decode()
    assert (HEALTH_TEXT in content) is reads_health
    assert (SCREENING_TEXT in content) is reads_health
    assert (RESTRICTED in content) is not reads_health


def test_a_team_member_that_left_gets_404(client, health_case, people, orgs):
    partner = people["partner"]
    client.force_login(partner)
    assert client.get(reverse("cases:detail", args=[health_case.pk])).status_code == 200
    membership = CaseTeamMembership.objects.get(
        case=health_case, organisation=orgs["WPI"], left_on__isnull=True
    )
    services.team_member_leave(membership=membership, by=people["regisseur"])

    for page in ("detail", "dossier", "timeline", "history"):
        assert client.get(reverse(f"cases:{page}", args=[health_case.pk])).status_code == 404
    person_url = reverse("cases:person_detail", args=[health_case.person.pk])
    assert client.get(person_url).status_code == 404
    assert list(client.get(reverse("cases:list")).context["page"].object_list) == []


def test_the_regie_team_leaving_through_the_page(client, health_case, people, orgs):
    membership = CaseTeamMembership.objects.get(case=health_case, organisation=orgs["WPI"])
    url = reverse("cases:team_leave", args=[health_case.pk, membership.pk])
    client.force_login(people["partner"])
    assert client.post(url).status_code == 403
    client.force_login(people["regisseur"])
    assert client.post(url).status_code == 302
    membership.refresh_from_db()
    assert membership.left_on is not None
    client.force_login(people["partner"])
    assert client.post(url).status_code == 404


# --- guessing ids -------------------------------------------------------------------------------


def _normalised(response, path: str) -> str:
    """The body without what differs per request anyway: the CSRF token and the own path."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    return body.replace(path, "PATH")


@pytest.mark.parametrize("user", ["outsider", "regisseur_other", "partner", "ivg_politie"])
@pytest.mark.parametrize(
    ("name", "extra", "method"),
    [
        ("cases:detail", [], "get"),
        ("cases:dossier", [], "get"),
        ("cases:section", [9], "get"),
        ("cases:advice", [], "get"),
        ("cases:timeline", [], "post"),
        ("cases:history", [], "get"),
        ("cases:transition", ["start_outflow"], "get"),
        ("cases:team_add", [], "post"),
    ],
)
def test_guessing_an_invisible_id_is_the_same_404_as_a_missing_one(
    client, case_at, people, user, name, extra, method
):
    case = case_at("in_regie")
    missing = Case.objects.order_by("-pk").first().pk + 1000
    client.force_login(people[user])
    hidden_url = reverse(name, args=[case.pk, *extra])
    missing_url = reverse(name, args=[missing, *extra])

    hidden = getattr(client, method)(hidden_url)
    absent = getattr(client, method)(missing_url)

    assert hidden.status_code == absent.status_code == 404
    assert _normalised(hidden, hidden_url) == _normalised(absent, missing_url)


def test_guessing_a_person_id_is_the_same_404_as_a_missing_one(client, case_at, people):
    case = case_at("in_regie")
    client.force_login(people["outsider"])
    hidden_url = reverse("cases:person_detail", args=[case.person.pk])
    missing_url = reverse("cases:person_detail", args=[case.person.pk + 1000])
    hidden, absent = client.get(hidden_url), client.get(missing_url)
    assert hidden.status_code == absent.status_code == 404
    assert _normalised(hidden, hidden_url) == _normalised(absent, missing_url)


# --- the visible-queryset -----------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 25])
def test_visible_to_is_one_query_whatever_the_number_of_cases(
    case_at, people, orgs, n, django_assert_num_queries
):
    for _ in range(n):
        case = case_at("in_regie")
        services.team_member_add(case=case, by=people["regisseur"], organisation=orgs["WPI"])
    partner = people["partner"]
    actor_for(partner)
    with django_assert_num_queries(1):
        assert len(list(Case.objects.visible_to(partner))) == n
