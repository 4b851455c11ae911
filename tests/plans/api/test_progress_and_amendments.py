"""`/api/v1/plan-goals/{id}/progress/` and `/amendments/`: a partner system records its goal's
progress; the regisseur's system amends the plan in force; revisions are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Leefgebied
from plans import services
from plans.models import GoalProgress, PlanAmendment
from plans.workflow import GoalStatus, PlanStatus
from tests.plans.api.helpers import assert_problem, etag, goal_on, health_goal, invalid_names

pytestmark = pytest.mark.django_db


def test_the_responsible_organisation_records_progress(api_as, plan_at, people):
    plan = plan_at("approved")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    client = api_as(people["partner"])
    url = f"/api/v1/plan-goals/{goal.pk}/progress"
    response = client.post(url, {"status": "in_progress", "note": "Fictief: intake schuldhulp"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["from_status"], body["status"], body["recorded_by"]["id"]) == (
        "open",
        "in_progress",
        people["partner"].pk,
    )
    goal.refresh_from_db()
    assert goal.status == GoalStatus.IN_PROGRESS
    assert [s["note"] for s in client.get(url).json()] == ["Fictief: intake schuldhulp"]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED


def test_bad_progress_is_a_problem_and_stores_nothing(api_as, plan_at, people, case_at):
    from meetings import services as meeting_services

    plan = plan_at("approved")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    other_uvo = meeting_services.uvo_plan(
        case=case_at("in_regie"),
        by=people["regisseur"],
        planned_at=timezone.now() + dt.timedelta(days=3),
    )
    client = api_as(people["regisseur"])
    url = f"/api/v1/plan-goals/{goal.pk}/progress"
    assert "status" in invalid_names(client.post(url, {"status": "misschien"}))
    assert "uvo" in invalid_names(client.post(url, {"status": "stalled", "uvo": other_uvo.pk}))
    assert "on" in invalid_names(client.post(url, {"status": "stalled", "on": "morgen"}))
    assert_problem(client.post(url, {"status": "open"}), 400, "invalid")  # same, nothing said
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert_problem(client.post(url, {"status": "stalled", "on": future}), 400, "invalid")
    GoalProgress.objects.create(
        goal=goal, from_status="open", status="achieved", recorded_by=people["regisseur"]
    )
    goal.status = GoalStatus.ACHIEVED
    goal.save()
    assert_problem(client.post(url, {"status": "stalled"}), 400, "invalid_transition")
    assert GoalProgress.objects.count() == 1


def test_progress_follows_the_goals_need_to_know(api_as, plan_at, people):
    plan = plan_at("approved")
    health = health_goal(plan)
    services.goal_progress_record(
        goal=health, by=people["health_partner"], status="in_progress", note="Fictief: behandeling"
    )
    url = f"/api/v1/plan-goals/{health.pk}/progress"
    for who in ("partner", "programme"):
        response = api_as(people[who]).get(url)
        assert response.status_code == 403
        assert "behandeling" not in response.content.decode()
    assert api_as(people["health_partner"]).get(url).status_code == 200
    assert api_as(people["outsider"]).get(url).status_code == 404
    response = api_as(people["partner"]).post(url, {"status": "stalled", "note": "x"})
    assert response.status_code == 403
    assert GoalProgress.objects.count() == 1


def test_an_amendment_through_the_api(api_as, plan_at, people):
    plan = plan_at("approved")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    client = api_as(people["regisseur"])
    url = f"/api/v1/plan-goals/{goal.pk}/amendments"
    before = etag(plan)
    response = client.post(
        url,
        {"target_date": "2031-03-01", "reason": "Fictief: wachtlijst"},
        HTTP_IF_MATCH=before,
    )
    assert response.status_code == 201, response.content
    assert response.json()["changes"] == {"target_date": [None, "2031-03-01"]}
    assert response["ETag"] == etag(plan) != before
    goal.refresh_from_db()
    assert goal.target_date == dt.date(2031, 3, 1)
    # The old ETag: 412, nothing changed.
    response = client.post(
        url, {"interventions": "Fictief", "reason": "Tweede"}, HTTP_IF_MATCH=before
    )
    assert response.status_code == 412
    # A revision field: 409 revision_required, nothing changed.
    assert_problem(
        client.post(url, {"goal": "Fictief: een ander doel", "reason": "x"}),
        409,
        "revision_required",
    )
    assert_problem(
        client.post(url, {"target_date": "2020-01-01", "start_date": "2030-01-01", "reason": "x"}),
        400,
        "invalid",
    )
    assert PlanAmendment.objects.count() == 1
    assert [a["reason"] for a in client.get(url).json()] == ["Fictief: wachtlijst"]
    goal.refresh_from_db()
    assert (goal.goal, goal.target_date) == ("Fictief doel 7", dt.date(2031, 3, 1))
    # Not the regisseur: 403, nothing stored.
    response = api_as(people["partner"]).post(url, {"target_date": "2031-04-01", "reason": "x"})
    assert response.status_code == 403
    assert PlanAmendment.objects.count() == 1
