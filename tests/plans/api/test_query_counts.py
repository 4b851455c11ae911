"""Exact query counts of the plans API: the same at N = 1 and N = 25 (docs/conventions.md).

Every request authenticates with a token, as partner systems do. The first three queries of
each request are the same: the API key with its user and the user's organisation, and the user's
and groups' permissions (loaded once per request by `cases.policies.actor_for`).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Leefgebied
from plans import services
from plans.models import Evaluation, GoalEvaluation, ItatAdvice, PlanGoal
from plans.workflow import PlanStatus
from tests.plans.api.helpers import extra_plan

pytestmark = pytest.mark.django_db

REQUEST = 3  # the key with its user and organisation, user permissions, group permissions
#: The access log of a response with personal data: its entry, and its subjects in one insert.
LOG = 2

#: the visible case ids (written into the filter), count, rows (case, person and ITAT meeting
#: joined)
PLAN_LIST = REQUEST + 3 + LOG
PLAN_LIST_FILTERED = PLAN_LIST + 1  # validating the case filter against the visible plans
# the plan (case, person, programme, organisations and users joined), goals (joined), the
# goals' advice (prefetched by `plans.selectors.plan_get` for the page), advice (joined), status
# changes (joined), case team
PLAN_DETAIL = REQUEST + 6 + LOG
ITAT_MEETING = REQUEST + 3 + LOG  # the meeting (with its plan count), the visible ids, the agenda
#: the meeting (with its plan count), the visible ids, the agenda's count and its page
ITAT_AGENDA = REQUEST + 4 + LOG
ITAT_MEETINGS = REQUEST + 2  # count, rows (with plan counts): no personal data, not logged
#: the visible case ids, count, rows (plan, case, person, organisation, users joined), teams
GOAL_LIST = REQUEST + 4 + LOG
#: the visible case ids, count, rows (joined), results (goal joined), teams
EVALUATION_LIST = REQUEST + 5 + LOG
# the plan (case, person joined), case team, plan history, goal history, names for the
# history's foreign keys: users, organisations, ITAT meetings (one query each)
PLAN_HISTORY = REQUEST + 7 + LOG


@pytest.mark.parametrize("n", [1, 25])
def test_plan_list(api_as, plan_at, people, django_assert_num_queries, n):
    plan_at("submitted")
    for _ in range(n - 1):
        extra_plan(people)
    client = api_as(people["regisseur"])
    with django_assert_num_queries(PLAN_LIST):
        response = client.get("/api/v1/plans")
    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 25])
def test_plan_list_for_itat(api_as, plan_at, people, django_assert_num_queries, n):
    plan = plan_at("submitted")
    for _ in range(n - 1):
        extra_plan(people, status=PlanStatus.SUBMITTED, meeting=plan.itat_meeting)
    client = api_as(people["itat"])
    with django_assert_num_queries(PLAN_LIST):
        response = client.get("/api/v1/plans")
    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 25])
def test_plan_list_filtered(api_as, plan_at, people, django_assert_num_queries, n):
    plan = plan_at("draft")
    for _ in range(n - 1):
        extra_plan(people)
    client = api_as(people["regisseur"])
    with django_assert_num_queries(PLAN_LIST_FILTERED):
        response = client.get("/api/v1/plans", {"case": plan.case_id, "status": "draft"})
    assert response.json()["count"] == 1


def add_goals_with_advice(plan, people, n: int) -> None:
    """n - 1 more goals, and ITAT advice on every goal (built cheaply, for counting only)."""
    for i in range(n - 1):
        PlanGoal.objects.create(
            plan=plan,
            leefgebied=Leefgebied.SOCIAAL_NETWERK,
            goal=f"Fictief extra doel {i}",
            responsible_organisation=people["partner"].organisation,
            professional=people["partner"],
        )
    for goal in plan.goals.all():
        ItatAdvice.objects.create(plan=plan, goal=goal, text="Fictief", author=people["itat"])


@pytest.mark.parametrize("who", ["regisseur", "partner", "itat"])
@pytest.mark.parametrize("n", [1, 25])
def test_plan_detail(api_as, plan_at, people, django_assert_num_queries, n, who):
    plan = plan_at("submitted")
    add_goals_with_advice(plan, people, n)
    client = api_as(people[who])
    with django_assert_num_queries(PLAN_DETAIL):
        response = client.get(f"/api/v1/plans/{plan.pk}")
    assert len(response.json()["goals"]) == 2 + n


@pytest.mark.parametrize("n", [1, 25])
def test_itat_meeting_detail(api_as, plan_at, people, django_assert_num_queries, n):
    plan = plan_at("submitted")
    for _ in range(n - 1):
        extra_plan(people, status=PlanStatus.SUBMITTED, meeting=plan.itat_meeting)
    client = api_as(people["itat"])
    with django_assert_num_queries(ITAT_MEETING):
        response = client.get(f"/api/v1/itat-meetings/{plan.itat_meeting_id}")
    assert len(response.json()["agenda"]) == n


@pytest.mark.parametrize("n", [1, 30])
def test_itat_meeting_agenda(api_as, plan_at, people, django_assert_num_queries, n):
    plan = plan_at("submitted")
    for _ in range(n - 1):
        extra_plan(people, status=PlanStatus.SUBMITTED, meeting=plan.itat_meeting)
    client = api_as(people["itat"])
    with django_assert_num_queries(ITAT_AGENDA):
        response = client.get(f"/api/v1/itat-meetings/{plan.itat_meeting_id}/agenda")
    body = response.json()
    assert (body["count"], len(body["results"])) == (n, min(n, 25))


@pytest.mark.parametrize("n", [1, 25])
def test_itat_meeting_list(api_as, plan_at, people, django_assert_num_queries, n):
    plan = plan_at("submitted")
    for week in range(1, n):
        meeting = services.next_itat_meeting(
            after=plan.itat_meeting.date + dt.timedelta(weeks=week)
        )
        extra_plan(people, status=PlanStatus.SUBMITTED, meeting=meeting)
    client = api_as(people["itat"])
    with django_assert_num_queries(ITAT_MEETINGS):
        response = client.get("/api/v1/itat-meetings")
    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 25])
def test_goal_list(api_as, plan_at, people, django_assert_num_queries, n):
    plan_at("draft")
    for _ in range(n - 1):
        extra_plan(people)
    client = api_as(people["regisseur"])
    with django_assert_num_queries(GOAL_LIST):
        response = client.get("/api/v1/plan-goals")
    assert response.json()["count"] == 3 + (n - 1)


@pytest.mark.parametrize("n", [1, 25])
def test_evaluation_list(api_as, plan_at, people, django_assert_num_queries, n):
    plan = plan_at("approved")
    for i in range(n):
        evaluation = Evaluation.objects.create(
            plan=plan,
            due_date=timezone.localdate(),
            held_on=timezone.localdate() - dt.timedelta(days=i),
            conclusion="continue",
            created_by=people["regisseur"],
        )
        for goal in plan.goals.all():
            GoalEvaluation.objects.create(evaluation=evaluation, goal=goal, result="partly")
    client = api_as(people["partner"])
    with django_assert_num_queries(EVALUATION_LIST):
        response = client.get("/api/v1/evaluations")
    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 25])
def test_plan_history(api_as, plan_at, people, django_assert_num_queries, n):
    plan = plan_at("submitted")
    add_goals_with_advice(plan, people, n)
    client = api_as(people["regisseur"])
    with django_assert_num_queries(PLAN_HISTORY):
        response = client.get(f"/api/v1/plans/{plan.pk}/history")
    assert response.json()["count"] == 3 + 3 + (n - 1)  # plan: created, changed, submitted
