"""`/api/v1/itat-meetings/` (ITAT's agenda) and `/api/v1/evaluations/`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import AccessLogEntry, Leefgebied
from plans import services
from plans.models import Evaluation, ExpertGroupReferral, Plan
from plans.workflow import PlanStatus
from tests.plans.api.helpers import (
    assert_problem,
    extra_plan,
    goal_on,
    health_goal,
    invalid_names,
)

pytestmark = pytest.mark.django_db


# --- ITAT meetings ------------------------------------------------------------------------------


def test_itat_lists_its_meetings_and_reads_the_agenda(api_as, plan_at, people):
    plan = plan_at("submitted")
    services.goal_commit(
        goal=goal_on(plan, Leefgebied.FINANCIEN), by=people["partner"], committed=True
    )
    client = api_as(people["itat"])
    body = client.get("/api/v1/itat-meetings").json()
    assert [(m["id"], m["plan_count"]) for m in body["results"]] == [(plan.itat_meeting_id, 1)]
    response = client.get(f"/api/v1/itat-meetings/{plan.itat_meeting_id}")
    assert response.status_code == 200
    agenda = response.json()["agenda"]
    assert [(a["id"], a["goal_count"], a["open_commitments"]) for a in agenda] == [(plan.pk, 3, 2)]
    assert agenda[0]["case"]["person"]["id"] == plan.case.person_id
    assert agenda[0]["regisseur"]["id"] == people["regisseur"].pk


def test_the_agenda_is_read_a_page_at_a_time_in_the_order_of_submission(api_as, plan_at, people):
    plan = plan_at("submitted")
    later = [
        extra_plan(people, status=PlanStatus.SUBMITTED, meeting=plan.itat_meeting) for _ in range(2)
    ]
    client = api_as(people["itat"])
    url = f"/api/v1/itat-meetings/{plan.itat_meeting_id}/agenda"
    first = client.get(url, {"page_size": 2}).json()
    assert first["count"] == 3
    assert [a["id"] for a in first["results"]] == [plan.pk, later[0].pk]
    assert first["results"][0]["case"]["person"]["id"] == plan.case.person_id
    entry = AccessLogEntry.objects.latest("pk")  # a list, of the persons on the page
    assert (entry.action, entry.path) == ("list", f"{url}?page_size=2")
    assert set(entry.subjects.values_list("case_id", flat=True)) == {plan.case_id, later[0].case_id}
    second = client.get(first["next"]).json()
    assert [a["id"] for a in second["results"]] == [later[1].pk]
    assert second["next"] is None
    # the same plans as the deprecated whole agenda of the meeting's detail
    whole = client.get(f"/api/v1/itat-meetings/{plan.itat_meeting_id}").json()["agenda"]
    assert first["results"] + second["results"] == whole
    assert_problem(client.get(url, {"page": 3}), 404)
    assert "page_size" in invalid_names(client.get(url, {"page_size": "x"}))
    assert_problem(client.get(f"/api/v1/itat-meetings/{plan.itat_meeting_id + 999}/agenda"), 404)


def test_a_returned_plan_leaves_the_agenda(api_as, plan_at, people):
    plan = plan_at("submitted")
    meeting_id = plan.itat_meeting_id
    services.plan_return(plan=plan, by=people["itat"], advice="Fictief: opnieuw")
    client = api_as(people["itat"])
    assert client.get(f"/api/v1/itat-meetings/{meeting_id}").json()["agenda"] == []
    assert client.get("/api/v1/itat-meetings", {"held": "false"}).json()["count"] == 1


@pytest.mark.parametrize("who", ["regisseur", "partner", "outsider"])
def test_only_itat_members_see_meetings(api_as, plan_at, people, who):
    plan = plan_at("submitted")
    client = api_as(people[who])
    assert client.get("/api/v1/itat-meetings").json()["count"] == 0
    assert_problem(client.get(f"/api/v1/itat-meetings/{plan.itat_meeting_id}"), 404)
    assert_problem(client.get(f"/api/v1/itat-meetings/{plan.itat_meeting_id}/agenda"), 404)


def test_meeting_filters_are_checked(api_as, people):
    client = api_as(people["itat"])
    assert "date_after" in invalid_names(client.get("/api/v1/itat-meetings", {"date_after": "x"}))
    assert_problem(client.get("/api/v1/itat-meetings/abc"), 404)
    assert_problem(client.post("/api/v1/itat-meetings", {}), 405)


# --- evaluations --------------------------------------------------------------------------------


def evaluation_body(plan: Plan, **extra) -> dict:
    return {
        "plan": plan.pk,
        "held_on": timezone.localdate().isoformat(),
        "conclusion": "continue",
        "summary": "Fictief: op koers",
        "results": [
            {"goal": goal.pk, "result": "partly", "explanation": f"Fictief {goal.leefgebied}"}
            for goal in plan.goals.all()
        ],
        **extra,
    }


def test_the_regisseur_records_an_evaluation(api_as, plan_at, people):
    plan = plan_at("approved")
    response = api_as(people["regisseur"]).post(
        "/api/v1/evaluations", evaluation_body(plan), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    evaluation = Evaluation.objects.get(plan=plan)
    assert (body["id"], body["case"], body["conclusion"]) == (
        evaluation.pk,
        plan.case_id,
        "continue",
    )
    assert [r["leefgebied"] for r in body["results"]] == [7, 8, 9]
    assert body["due_date"]


def test_revise_starts_a_new_draft(api_as, plan_at, people):
    plan = plan_at("approved")
    body = evaluation_body(plan, conclusion="revise")
    response = api_as(people["regisseur"]).post("/api/v1/evaluations", body, format="json")
    assert response.status_code == 201
    assert Plan.objects.get(case=plan.case, version=2).status == PlanStatus.DRAFT


def test_expert_group_needs_a_question_and_refers_the_case(api_as, plan_at, people):
    plan = plan_at("approved")
    client = api_as(people["regisseur"])
    body = evaluation_body(plan, conclusion="expert_group")
    assert "question" in invalid_names(client.post("/api/v1/evaluations", body, format="json"))
    body["question"] = "Fictief: wat werkt bij deze persoon?"
    assert client.post("/api/v1/evaluations", body, format="json").status_code == 201
    assert ExpertGroupReferral.objects.get(case=plan.case).question == body["question"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"results": []}, "results"),
        ({"held_on": "2999-01-01"}, "held_on"),
        ({"conclusion": "opgeven"}, "conclusion"),
        ({"results": "alles goed"}, "results"),
        ({"plan": 999999}, "plan"),
    ],
)
def test_bad_evaluations_are_400(api_as, plan_at, people, change, field):
    plan = plan_at("approved")
    body = {**evaluation_body(plan), **change}
    response = api_as(people["regisseur"]).post("/api/v1/evaluations", body, format="json")
    assert field in {name.split(".")[0] for name in invalid_names(response)}
    assert not Evaluation.objects.exists()


def test_results_must_cover_exactly_the_plans_goals(api_as, plan_at, people):
    plan = plan_at("approved")
    other = plan_at("approved")
    client = api_as(people["regisseur"])
    body = evaluation_body(plan)
    body["results"][0]["goal"] = goal_on(other, Leefgebied.FINANCIEN).pk
    assert "results" in invalid_names(client.post("/api/v1/evaluations", body, format="json"))
    body = evaluation_body(plan)
    body["results"][1]["goal"] = body["results"][0]["goal"]
    assert "results" in invalid_names(client.post("/api/v1/evaluations", body, format="json"))
    assert not Evaluation.objects.exists()


def test_only_the_plan_in_force_is_evaluated_by_its_regisseur(api_as, plan_at, people):
    draft = plan_at("draft")
    response = api_as(people["regisseur"]).post(
        "/api/v1/evaluations", evaluation_body(draft), format="json"
    )
    assert_problem(response, 403, "permission_denied")
    approved = plan_at("approved")
    response = api_as(people["partner"]).post(
        "/api/v1/evaluations", evaluation_body(approved), format="json"
    )
    assert_problem(response, 403, "permission_denied")
    assert not Evaluation.objects.exists()


def test_evaluations_are_listed_with_health_results_restricted(api_as, plan_at, people):
    plan = plan_at("approved")
    services.evaluation_record(
        plan=plan,
        by=people["regisseur"],
        held_on=timezone.localdate() - dt.timedelta(days=1),
        conclusion="continue",
        summary="Fictief",
        results=[(goal, "achieved", "Fictieve toelichting") for goal in plan.goals.all()],
    )
    evaluation = Evaluation.objects.get()
    partner = api_as(people["partner"])
    body = partner.get("/api/v1/evaluations", {"case": plan.case_id}).json()
    assert [e["id"] for e in body["results"]] == [evaluation.pk]
    health = next(r for r in body["results"][0]["results"] if r["leefgebied"] == 9)
    assert (health["restricted"], health["result"], health["explanation"]) == (True, None, None)
    assert health["goal"] == health_goal(plan).pk
    detail = api_as(people["health_partner"]).get(f"/api/v1/evaluations/{evaluation.pk}").json()
    health = next(r for r in detail["results"] if r["leefgebied"] == 9)
    assert (health["restricted"], health["result"]) == (False, "achieved")
    assert AccessLogEntry.objects.filter(user=people["health_partner"]).count() == 1
    outsider = api_as(people["outsider"])
    assert outsider.get("/api/v1/evaluations").json()["count"] == 0
    assert_problem(outsider.get(f"/api/v1/evaluations/{evaluation.pk}"), 404)
    assert "plan" in invalid_names(outsider.get("/api/v1/evaluations", {"plan": plan.pk}))
