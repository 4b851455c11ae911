"""The plan's ITAT cycle through the API: submit, approve, return, advice."""

from __future__ import annotations

import pytest

from cases.models import Leefgebied
from plans import services
from plans.models import ItatAdvice, Plan, PlanStatusChange
from plans.workflow import PlanStatus
from tests.plans.api.helpers import assert_problem, etag, goal_on, health_goal, invalid_names
from tests.scenarios import OPEN_COMMITMENTS_OK

pytestmark = pytest.mark.django_db


def status_of(plan: Plan) -> str:
    return Plan.objects.get(pk=plan.pk).status


# --- submit -------------------------------------------------------------------------------------


def test_the_regisseur_submits_a_draft(api_as, plan_at, people):
    plan = plan_at("draft")
    response = api_as(people["regisseur"]).post(f"/api/v1/plans/{plan.pk}/submit")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "submitted"
    assert body["itat_meeting"]["date"]
    assert body["transitions"] == []
    assert response["ETag"] == etag(plan)
    change = PlanStatusChange.objects.get(plan=plan)
    assert (change.from_status, change.to_status, change.by) == (
        "draft",
        "submitted",
        people["regisseur"],
    )


def test_submitting_twice_is_409_invalid_transition(api_as, plan_at, people):
    plan = plan_at("submitted")
    response = api_as(people["regisseur"]).post(f"/api/v1/plans/{plan.pk}/submit")
    assert_problem(response, 409, "invalid_transition")


@pytest.mark.parametrize("who", ["partner", "health_partner"])
def test_a_partner_may_not_submit(api_as, plan_at, people, who):
    plan = plan_at("draft")
    response = api_as(people[who]).post(f"/api/v1/plans/{plan.pk}/submit")
    assert_problem(response, 403, "permission_denied")
    assert status_of(plan) == PlanStatus.DRAFT


def test_a_plan_with_a_goal_without_responsible_organisation_is_409(api_as, plan_at, people):
    plan = plan_at("draft")
    services.goal_add(plan=plan, by=people["regisseur"], leefgebied=10, goal="Fictief netwerk")
    response = api_as(people["regisseur"]).post(f"/api/v1/plans/{plan.pk}/submit")
    assert_problem(response, 409, "plan_incomplete")
    assert status_of(plan) == PlanStatus.DRAFT


# --- approve ------------------------------------------------------------------------------------


def test_itat_approves_a_submitted_plan(api_as, plan_at, people):
    plan = plan_at("submitted")
    client = api_as(people["itat"])
    # WPI's and RN's goals wait for their commitment (GGD's is health: not ITAT's to know).
    refused = client.post(f"/api/v1/plans/{plan.pk}/approve")
    assert_problem(refused, 400, "invalid")
    [param] = refused.json()["invalid_params"]
    assert (param["name"], param["code"]) == ("reason", "commitments_open")
    assert param["reason"].startswith("2 goals have no commitment")
    assert status_of(plan) == PlanStatus.SUBMITTED
    response = client.post(
        f"/api/v1/plans/{plan.pk}/approve", {"reason": "Fictief: volgt"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status_changes"][0]["reason"] == "Fictief: volgt"
    assert body["status"] == "approved"
    assert len(body["fingerprint"]) == 64
    assert body["approved_by"]["id"] == people["itat"].pk
    assert body["status_changes"][0]["fingerprint"] == body["fingerprint"]


def test_approving_an_approved_plan_is_409_invalid_transition(api_as, plan_at, people):
    plan = plan_at("approved")
    response = api_as(people["itat"]).post(f"/api/v1/plans/{plan.pk}/approve")
    assert_problem(response, 409, "invalid_transition")


def test_approving_a_returned_draft_is_409_invalid_transition(api_as, plan_at, people):
    plan = plan_at("submitted")
    services.plan_return(plan=plan, by=people["itat"], advice="Fictief: maak het integraler.")
    # ITAT still sees the version it reviewed, but it is a draft again.
    response = api_as(people["itat"]).post(f"/api/v1/plans/{plan.pk}/approve")
    assert_problem(response, 409, "invalid_transition")
    assert status_of(plan) == PlanStatus.DRAFT


@pytest.mark.parametrize("who", ["regisseur", "accounthouder", "partner"])
def test_only_itat_approves(api_as, plan_at, people, who):
    plan = plan_at("submitted")
    response = api_as(people[who]).post(f"/api/v1/plans/{plan.pk}/approve")
    assert_problem(response, 403, "permission_denied")
    assert status_of(plan) == PlanStatus.SUBMITTED


def test_itat_cannot_reach_a_draft_it_never_saw(api_as, plan_at, people):
    plan = plan_at("draft")
    assert_problem(api_as(people["itat"]).post(f"/api/v1/plans/{plan.pk}/approve"), 404)


# --- return -------------------------------------------------------------------------------------


def test_itat_returns_a_plan_with_advice(api_as, plan_at, people):
    plan = plan_at("submitted")
    response = api_as(people["itat"]).post(
        f"/api/v1/plans/{plan.pk}/return", {"advice": "Fictief: betrek de schuldhulp."}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["itat_meeting"] is None
    assert [a["text"] for a in body["advice"]] == ["Fictief: betrek de schuldhulp."]
    assert body["status_changes"][0]["reason"] == "Fictief: betrek de schuldhulp."
    # The regisseur revises the same version.
    detail = api_as(people["regisseur"]).get(f"/api/v1/plans/{plan.pk}").json()
    assert (detail["can_edit"], detail["transitions"]) == (True, ["submit"])


def test_returning_without_any_advice_is_400_on_advice(api_as, plan_at, people):
    plan = plan_at("submitted")
    response = api_as(people["itat"]).post(f"/api/v1/plans/{plan.pk}/return", {"advice": " "})
    body = assert_problem(response, 400, "invalid")
    assert [(p["name"], p["code"]) for p in body["invalid_params"]] == [
        ("advice", "advice_required")
    ]
    assert status_of(plan) == PlanStatus.SUBMITTED


def test_returning_with_earlier_advice_needs_no_new_text(api_as, plan_at, people):
    plan = plan_at("submitted")
    services.itat_advice_add(plan=plan, by=people["itat"], text="Fictief eerder advies")
    response = api_as(people["itat"]).post(f"/api/v1/plans/{plan.pk}/return")
    assert response.status_code == 200
    assert status_of(plan) == PlanStatus.DRAFT


def test_returning_an_approved_plan_is_409_invalid_transition(api_as, plan_at, people):
    plan = plan_at("submitted")
    services.itat_advice_add(plan=plan, by=people["itat"], text="Fictief advies")
    services.plan_approve(reason=OPEN_COMMITMENTS_OK, plan=plan, by=people["itat"])
    response = api_as(people["itat"]).post(f"/api/v1/plans/{plan.pk}/return")
    assert_problem(response, 409, "invalid_transition")
    assert status_of(plan) == PlanStatus.APPROVED


def test_returning_an_approved_plan_with_advice_text_is_409_invalid_transition(
    api_as, plan_at, people
):
    plan = plan_at("approved")
    response = api_as(people["itat"]).post(
        f"/api/v1/plans/{plan.pk}/return", {"advice": "Te laat (fictief)"}
    )
    assert_problem(response, 409, "invalid_transition")
    assert not ItatAdvice.objects.filter(plan=plan).exists()


@pytest.mark.parametrize("who", ["regisseur", "partner"])
def test_only_itat_returns(api_as, plan_at, people, who):
    plan = plan_at("submitted")
    response = api_as(people[who]).post(
        f"/api/v1/plans/{plan.pk}/return", {"advice": "Niet mijn rol"}
    )
    assert_problem(response, 403, "permission_denied")
    assert status_of(plan) == PlanStatus.SUBMITTED
    assert not ItatAdvice.objects.filter(plan=plan).exists()


# --- advice -------------------------------------------------------------------------------------


def test_itat_advises_on_the_plan_and_on_a_goal(api_as, plan_at, people):
    plan = plan_at("submitted")
    client = api_as(people["itat"])
    response = client.post(f"/api/v1/plans/{plan.pk}/advice", {"text": "Fictief algemeen"})
    assert response.status_code == 201, response.content
    assert (response.json()["goal"], response.json()["text"]) == (None, "Fictief algemeen")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    response = client.post(
        f"/api/v1/plans/{plan.pk}/advice", {"text": "Fictief schulden", "goal": goal.pk}
    )
    assert response.status_code == 201
    assert response.json()["goal"] == goal.pk
    assert ItatAdvice.objects.filter(plan=plan).count() == 2
    assert status_of(plan) == PlanStatus.SUBMITTED


def test_advice_on_a_goal_of_another_plan_is_400_on_goal(api_as, plan_at, people):
    plan = plan_at("submitted")
    other = plan_at("submitted")
    response = api_as(people["itat"]).post(
        f"/api/v1/plans/{plan.pk}/advice", {"text": "Fictief", "goal": health_goal(other).pk}
    )
    assert "goal" in invalid_names(response)
    assert not ItatAdvice.objects.exists()


@pytest.mark.parametrize("body", [{}, {"text": ""}, {"text": "ok", "goal": "abc"}])
def test_bad_advice_is_400(api_as, plan_at, people, body):
    plan = plan_at("submitted")
    response = api_as(people["itat"]).post(f"/api/v1/plans/{plan.pk}/advice", body)
    assert_problem(response, 400, "invalid")


def test_the_regisseur_may_not_give_itat_advice(api_as, plan_at, people):
    plan = plan_at("submitted")
    response = api_as(people["regisseur"]).post(
        f"/api/v1/plans/{plan.pk}/advice", {"text": "Mijn eigen advies"}
    )
    assert_problem(response, 403, "permission_denied")


def test_advice_after_approval_is_403(api_as, plan_at, people):
    plan = plan_at("approved")
    response = api_as(people["itat"]).post(f"/api/v1/plans/{plan.pk}/advice", {"text": "Laat"})
    assert_problem(response, 403, "permission_denied")
