"""Need-to-know: health content, leaving a team, guessed ids and the visible-cases queryset
(docs/domain.md, the covenant). Out of scope is 404, exactly like missing; in scope but not
allowed is 403. Every case page for every role and state: test_permission_matrix.py."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from cases import services
from cases.models import Case, CaseTeamMembership
from cases.policies import CasePart, actor_for, case_read_scope, directed_cases_filter
from partners.models import Role
from plans.services import expert_referral_create
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


@pytest.fixture
def every_case(case_at, plan_at, people, orgs) -> dict[str, Case]:
    cases = {
        status: case_at(status)
        for status in (
            "registered",
            "basisdossier",
            "awaiting_assignment",
            "assigned",
            "in_regie",
            "outflow",
            "closed",
        )
    }
    team = case_at("in_regie")
    for code in ("WPI", "GGD"):
        services.team_member_add(case=team, by=people["regisseur"], organisation=orgs[code])
    cases["in_regie_team"] = team
    withdrawn = case_at("basisdossier")
    services.case_withdraw(case=withdrawn, by=people["programme"], reason="Niet opgenomen")
    cases["withdrawn"] = withdrawn
    cases["on_agenda"] = plan_at("submitted").case
    referred = case_at("in_regie")
    expert_referral_create(case=referred, by=people["regisseur"], question="Fictieve vraag")
    cases["referred"] = referred
    cases["top400"] = case_at("in_regie", programme_code="TOP400")
    return cases


# Which of `every_case` each user sees. in_regie_team has WPI and GGD on its team; closed was
# closed by its regisseur after outflow; withdrawn was withdrawn during the basisdossier;
# on_agenda (WPI and GGD on the team) has its plan on the ITAT agenda; referred has a question
# open with the Expertgroep; top400 is in regie in the programme the programme team does not
# support.
DIRECTED = {"assigned", "in_regie", "outflow", "closed", "in_regie_team", "on_agenda"}
VISIBLE = {
    "programme": {
        "registered",
        "basisdossier",
        "awaiting_assignment",
        "assigned",
        "in_regie",
        "outflow",
        "in_regie_team",
        "on_agenda",
        "referred",
    },
    "ivg_politie": {"basisdossier"},
    "ivg_ggd": {"basisdossier", "in_regie_team", "on_agenda"},
    "regisseur": DIRECTED | {"referred", "top400"},
    "regisseur_other": set(),
    "accounthouder": DIRECTED | {"referred", "top400"},
    "partner": {"in_regie_team", "on_agenda"},
    "health_partner": {"in_regie_team", "on_agenda"},
    "outsider": set(),
    "beheerder": set(),
    "itat": {"on_agenda"},
    "expert": {"referred"},
    "system": set(),
}


@pytest.mark.parametrize(("user", "expected"), VISIBLE.items(), ids=list(VISIBLE))
def test_visible_to(every_case, people, user, expected, django_assert_num_queries):
    by_pk = {case.pk: label for label, case in every_case.items()}
    actor_for(people[user])  # the request loads the actor once; the queryset is one query
    with django_assert_num_queries(1):
        seen = {
            by_pk[pk] for pk in Case.objects.visible_to(people[user]).values_list("pk", flat=True)
        }
    assert seen == expected


def test_visible_to_covers_every_user(people):
    assert set(VISIBLE) == set(people)


@pytest.mark.parametrize("user", list(VISIBLE))
def test_the_read_scope_agrees_with_the_visible_queryset(every_case, people, user):
    """`case_read_scope` (one case, partly in Python) and `visible_to(user, part)` (SQL) are
    two doors to one rule: for every case and every part they give the same answer."""
    by_pk = {case.pk: label for label, case in every_case.items()}
    cases = Case.objects.filter(pk__in=by_pk).prefetch_related("team")
    scopes = {by_pk[case.pk]: case_read_scope(people[user], case) for case in cases}
    assert {label for label, scope in scopes.items() if scope.visible} == VISIBLE[user]
    for part in CasePart:
        readable = Case.objects.visible_to(people[user], part).values_list("pk", flat=True)
        assert {by_pk[pk] for pk in readable} == {
            label for label, scope in scopes.items() if scope.reads(part)
        }, part
    writable = Case.objects.visible_to(people[user], writable=True).values_list("pk", flat=True)
    assert {by_pk[pk] for pk in writable} == {
        label for label, scope in scopes.items() if scope.visible and not scope.read_only
    }


@pytest.mark.parametrize("user", list(VISIBLE))
def test_the_cases_one_directs_are_read_in_full_without_the_visibility_subquery(
    every_case, people, user
):
    """`directed_cases_filter` (my cases, the outflow signal) leaves out `visible_to`: it holds
    only while whoever reads cases reads every part of the cases they direct."""
    directed = set(
        Case.objects.filter(directed_cases_filter(people[user])).values_list("pk", flat=True)
    )
    assert bool(directed) is (user in ("regisseur", "accounthouder"))
    for part in CasePart:
        assert directed <= set(
            Case.objects.visible_to(people[user], part).values_list("pk", flat=True)
        ), part
    retired = type(people[user]).objects.get(pk=people[user].pk)  # without its cached actor
    retired.is_active = False
    assert not Case.objects.filter(directed_cases_filter(retired)).exists()


@pytest.mark.parametrize(
    ("user", "label", "scope"),
    [
        ("itat", "on_agenda", "review"),
        ("expert", "referred", "expert"),
        ("programme", "in_regie", "support"),
        ("programme", "assigned", "full"),
        ("partner", "on_agenda", "full"),
        ("itat", "in_regie", "none"),
        ("programme", "top400", "none"),
    ],
)
def test_the_scope_of_each_ground(every_case, people, user, label, scope):
    assert case_read_scope(people[user], every_case[label]).name == scope


def test_nobody_without_an_organisation_or_login_sees_cases(every_case, people, make_user):
    assert not Case.objects.visible_to(AnonymousUser()).exists()
    orphan = make_user(Role.PROGRAMME_TEAM, username="zonder-org", organisation=None)
    orphan.organisation = None
    orphan.save()
    orphan = type(orphan).objects.get(pk=orphan.pk)
    assert not Case.objects.visible_to(orphan).exists()
    retired = people["regisseur"]
    retired.is_active = False
    retired.save()
    assert not Case.objects.visible_to(type(retired).objects.get(pk=retired.pk)).exists()


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
