"""The visible-cases queryset and the read scope, for every kind of user on one case in each
situation (docs/domain.md, need-to-know): who sees which case, and that the SQL door
(`Case.objects.visible_to`) and the Python door (`case_read_scope`) agree on every part.

The tests only read, so the people and the eleven cases are built once for the module, in a
transaction rolled back at its end; each test runs in a savepoint inside it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from cases import services
from cases.models import Case
from cases.policies import CasePart, actor_for, case_read_scope, directed_cases_filter
from partners.models import Role
from plans.services import expert_referral_create
from tests.scenarios import all_orgs, case_builder, people_at, plan_builder

pytestmark = pytest.mark.django_db


def _every_case(case_at, plan_at, people, orgs) -> dict[str, Case]:
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


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            orgs = all_orgs()
            people = people_at(orgs)
            case_at = case_builder(people)
            yield people, _every_case(case_at, plan_builder(people, case_at, orgs), people, orgs)
        finally:
            transaction.set_rollback(True)


@pytest.fixture
def people(world) -> dict:
    return world[0]


@pytest.fixture
def every_case(world) -> dict[str, Case]:
    return world[1]


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
    # A copy: the module's people outlive this test's savepoint.
    retired = type(people["regisseur"]).objects.get(pk=people["regisseur"].pk)
    retired.is_active = False
    retired.save()
    assert not Case.objects.visible_to(type(retired).objects.get(pk=retired.pk)).exists()
