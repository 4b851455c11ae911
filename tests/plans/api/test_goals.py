"""`/api/v1/plan-goals/`: goals under the plan's optimistic lock, and partners' commitments."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.models import AccessChannel, AccessLogEntry, Leefgebied
from plans import services
from plans.models import Plan, PlanGoal
from plans.workflow import Commitment
from tests.factories import UserFactory
from tests.plans.api.helpers import assert_problem, etag, goal_on, health_goal, invalid_names

pytestmark = pytest.mark.django_db


def new_goal(plan: Plan, **extra) -> dict:
    return {
        "plan": plan.pk,
        "leefgebied": Leefgebied.SOCIAAL_NETWERK,
        "goal": "Fictief: contact met broer herstellen",
        "interventions": "Fictief: netwerkberaad",
        "responsible_organisation": plan.case.regie_organisation_id,
        "start_date": "2030-01-01",
        "target_date": "2030-06-30",
        **extra,
    }


# --- reading ------------------------------------------------------------------------------------


def test_goals_are_listed_per_plan_with_health_restricted(api_as, plan_at, people):
    plan = plan_at("draft")
    plan_at("draft")
    client = api_as(people["partner"])
    assert client.get("/api/v1/plan-goals").json()["count"] == 6
    body = client.get("/api/v1/plan-goals", {"plan": plan.pk}).json()
    assert [(g["leefgebied"], g["restricted"]) for g in body["results"]] == [
        (7, False),
        (8, False),
        (9, True),
    ]
    assert body["results"][2]["goal"] is None
    health_only = client.get("/api/v1/plan-goals", {"plan": plan.pk, "leefgebied": 9}).json()
    assert [g["id"] for g in health_only["results"]] == [health_goal(plan).pk]


def test_an_outsider_sees_no_goals(api_as, plan_at, people):
    plan = plan_at("draft")
    client = api_as(people["outsider"])
    assert client.get("/api/v1/plan-goals").json()["count"] == 0
    assert "plan" in invalid_names(client.get("/api/v1/plan-goals", {"plan": plan.pk}))
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    assert_problem(client.get(f"/api/v1/plan-goals/{goal.pk}"), 404)
    assert_problem(client.patch(f"/api/v1/plan-goals/{goal.pk}", {"goal": "x"}), 404)
    assert_problem(client.delete(f"/api/v1/plan-goals/{goal.pk}"), 404)
    assert_problem(
        client.post(f"/api/v1/plan-goals/{goal.pk}/commitment", {"committed": True}), 404
    )
    assert PlanGoal.objects.filter(pk=goal.pk).exists()


def test_reading_a_goal_carries_the_plans_etag_and_is_logged(api_as, plan_at, people):
    plan = plan_at("draft")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    response = api_as(people["partner"]).get(f"/api/v1/plan-goals/{goal.pk}")
    assert response.status_code == 200
    assert response["ETag"] == etag(plan)
    assert response.json()["lock_version"] == plan.lock_version
    entry = AccessLogEntry.objects.get(user=people["partner"])
    assert entry.channel == AccessChannel.API
    assert list(entry.subjects.values_list("case_id", flat=True)) == [plan.case_id]


# --- adding -------------------------------------------------------------------------------------


def test_the_regisseur_adds_a_goal(api_as, plan_at, people):
    plan = plan_at("draft")
    before = etag(plan)
    response = api_as(people["regisseur"]).post("/api/v1/plan-goals", new_goal(plan))
    assert response.status_code == 201, response.content
    body = response.json()
    goal = PlanGoal.objects.get(pk=body["id"])
    assert (goal.plan_id, goal.leefgebied, goal.commitment) == (
        plan.pk,
        Leefgebied.SOCIAAL_NETWERK,
        Commitment.PENDING,
    )
    assert body["responsible_organisation"]["id"] == plan.case.regie_organisation_id
    assert response["ETag"] == etag(plan) != before


def test_adding_with_an_old_etag_is_412_and_adds_nothing(api_as, plan_at, people):
    plan = plan_at("draft")
    old = etag(plan)
    services.plan_update(
        plan=plan, by=people["accounthouder"], analysis="Tussendoor", expected_lock_version=None
    )
    response = api_as(people["regisseur"]).post(
        "/api/v1/plan-goals", new_goal(plan), HTTP_IF_MATCH=old
    )
    assert_problem(response, 412, "precondition_failed")
    assert plan.goals.count() == 3


def test_adding_with_a_stale_lock_version_is_409_and_adds_nothing(api_as, plan_at, people):
    plan = plan_at("draft")
    stale = Plan.objects.get(pk=plan.pk).lock_version - 1
    response = api_as(people["regisseur"]).post(
        "/api/v1/plan-goals", new_goal(plan, lock_version=stale)
    )
    assert_problem(response, 409, "stale")
    assert plan.goals.count() == 3


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"target_date": "2029-12-31"}, "target_date"),
        ({"leefgebied": 12}, "leefgebied"),
        ({"leefgebied": "gezondheid"}, "leefgebied"),
        ({"goal": ""}, "goal"),
        ({"goal": "nul\x00"}, "goal"),
        ({"responsible_organisation": 999999}, "responsible_organisation"),
        ({"start_date": "31-12-2030"}, "start_date"),
        ({"plan": "abc"}, "plan"),
        ({"plan": None}, "plan"),
        ({"lock_version": 10**30}, "lock_version"),
    ],
)
def test_bad_input_to_add_a_goal_is_400(api_as, plan_at, people, change, field):
    plan = plan_at("draft")
    body = {**new_goal(plan), **change}
    response = api_as(people["regisseur"]).post("/api/v1/plan-goals", body, format="json")
    assert field in invalid_names(response)
    assert plan.goals.count() == 3


def test_the_professional_must_work_for_the_responsible_organisation(api_as, plan_at, people, orgs):
    plan = plan_at("draft")
    client = api_as(people["regisseur"])
    wpi = people["partner"]
    response = client.post("/api/v1/plan-goals", new_goal(plan, professional=wpi.pk))
    assert "professional" in invalid_names(response)
    response = client.post(
        "/api/v1/plan-goals",
        new_goal(plan, professional=wpi.pk, responsible_organisation=orgs["WPI"].pk),
    )
    assert response.status_code == 201
    assert response.json()["professional"]["id"] == wpi.pk


def test_a_goal_for_a_plan_the_user_cannot_see_is_400_on_plan(api_as, plan_at, people):
    plan = plan_at("draft")
    response = api_as(people["outsider"]).post("/api/v1/plan-goals", new_goal(plan))
    assert "plan" in invalid_names(response)


def test_a_partner_may_not_add_goals(api_as, plan_at, people):
    plan = plan_at("draft")
    response = api_as(people["partner"]).post("/api/v1/plan-goals", new_goal(plan))
    assert_problem(response, 403, "permission_denied")


def test_no_goals_are_added_to_a_submitted_plan(api_as, plan_at, people):
    plan = plan_at("submitted")
    response = api_as(people["regisseur"]).post("/api/v1/plan-goals", new_goal(plan))
    assert_problem(response, 403, "permission_denied")
    assert plan.goals.count() == 3


# --- changing -----------------------------------------------------------------------------------


def test_changing_the_goal_text_asks_the_partner_to_commit_again(api_as, plan_at, people):
    plan = plan_at("draft")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    services.goal_commit(goal=goal, by=people["partner"], committed=True)
    response = api_as(people["regisseur"]).patch(
        f"/api/v1/plan-goals/{goal.pk}",
        {
            "goal": "Fictief: schuldenvrij",
            "lock_version": Plan.objects.get(pk=plan.pk).lock_version,
        },
    )
    assert response.status_code == 200, response.content
    goal.refresh_from_db()
    assert (goal.goal, goal.commitment, goal.interventions) == (
        "Fictief: schuldenvrij",
        Commitment.PENDING,
        "Fictieve interventie",
    )
    assert response.json()["commitment"] == "pending"
    assert response["ETag"] == etag(plan)


def test_changing_only_the_dates_is_checked_against_the_goal(api_as, plan_at, people):
    plan = plan_at("draft")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    client = api_as(people["regisseur"])
    response = client.patch(f"/api/v1/plan-goals/{goal.pk}", {"start_date": "2030-03-01"})
    assert response.status_code == 200
    response = client.patch(f"/api/v1/plan-goals/{goal.pk}", {"target_date": "2030-02-01"})
    assert "target_date" in invalid_names(response)
    goal.refresh_from_db()
    assert (goal.start_date, goal.target_date) == (dt.date(2030, 3, 1), None)


def test_changing_with_an_old_etag_is_412_and_changes_nothing(api_as, plan_at, people):
    plan = plan_at("draft")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    old = etag(plan)
    services.goal_update(goal=goal, by=people["accounthouder"], interventions="Tussendoor")
    response = api_as(people["regisseur"]).patch(
        f"/api/v1/plan-goals/{goal.pk}", {"interventions": "Overschreven?"}, HTTP_IF_MATCH=old
    )
    assert_problem(response, 412, "precondition_failed")
    assert PlanGoal.objects.get(pk=goal.pk).interventions == "Tussendoor"


def test_changing_with_a_stale_lock_version_is_409_and_changes_nothing(api_as, plan_at, people):
    plan = plan_at("draft")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    read = Plan.objects.get(pk=plan.pk).lock_version
    services.goal_update(goal=goal, by=people["accounthouder"], interventions="Tussendoor")
    response = api_as(people["regisseur"]).patch(
        f"/api/v1/plan-goals/{goal.pk}", {"interventions": "Overschreven?", "lock_version": read}
    )
    assert_problem(response, 409, "stale")
    assert PlanGoal.objects.get(pk=goal.pk).interventions == "Tussendoor"


def test_the_etag_of_a_goal_is_the_plans(api_as, plan_at, people):
    """Goals are locked with their plan: a change to one goal makes an ETag read with another
    goal stale."""
    plan = plan_at("draft")
    client = api_as(people["regisseur"])
    first = goal_on(plan, Leefgebied.FINANCIEN)
    second = goal_on(plan, Leefgebied.OPLEIDING_WERK)
    read = client.get(f"/api/v1/plan-goals/{second.pk}")["ETag"]
    assert client.patch(f"/api/v1/plan-goals/{first.pk}", {"interventions": "a"}).status_code == 200
    response = client.patch(
        f"/api/v1/plan-goals/{second.pk}", {"interventions": "b"}, HTTP_IF_MATCH=read
    )
    assert_problem(response, 412, "precondition_failed")


def test_a_partner_may_not_change_a_goal(api_as, plan_at, people):
    plan = plan_at("draft")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    response = api_as(people["partner"]).patch(f"/api/v1/plan-goals/{goal.pk}", {"goal": "x"})
    assert_problem(response, 403, "permission_denied")


def test_a_restricted_goal_is_refused_before_its_input_is_judged(api_as, plan_at, people):
    plan = plan_at("draft")
    goal = health_goal(plan)
    client = api_as(people["partner"])
    # A date check against the hidden dates would tell them apart: the refusal comes first.
    response = client.patch(f"/api/v1/plan-goals/{goal.pk}", {"target_date": "1900-01-01"})
    assert_problem(response, 403, "permission_denied")


# --- removing -----------------------------------------------------------------------------------


def test_the_regisseur_removes_a_goal(api_as, plan_at, people):
    plan = plan_at("draft")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    response = api_as(people["regisseur"]).delete(
        f"/api/v1/plan-goals/{goal.pk}", HTTP_IF_MATCH=etag(plan)
    )
    assert response.status_code == 204, response.content
    assert response["ETag"] == etag(plan)
    assert not PlanGoal.objects.filter(pk=goal.pk).exists()


def test_removing_with_an_old_etag_is_412_and_removes_nothing(api_as, plan_at, people):
    plan = plan_at("draft")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    old = etag(plan)
    services.plan_update(
        plan=plan, by=people["accounthouder"], analysis="Tussendoor", expected_lock_version=None
    )
    response = api_as(people["regisseur"]).delete(
        f"/api/v1/plan-goals/{goal.pk}", HTTP_IF_MATCH=old
    )
    assert_problem(response, 412, "precondition_failed")
    assert PlanGoal.objects.filter(pk=goal.pk).exists()


@pytest.mark.parametrize("who", ["partner", "itat"])
def test_others_may_not_remove_a_goal(api_as, plan_at, people, who):
    plan = plan_at("submitted")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    assert_problem(api_as(people[who]).delete(f"/api/v1/plan-goals/{goal.pk}"), 403)
    assert PlanGoal.objects.filter(pk=goal.pk).exists()


# --- commitment ---------------------------------------------------------------------------------


def test_the_responsible_organisation_commits(api_as, plan_at, people):
    plan = plan_at("submitted")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    response = api_as(people["partner"]).post(
        f"/api/v1/plan-goals/{goal.pk}/commitment", {"committed": True}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["commitment"], body["committed_by"]["id"]) == ("committed", people["partner"].pk)
    goal.refresh_from_db()
    assert goal.commitment == Commitment.COMMITTED


def test_declining_needs_a_reason(api_as, plan_at, people):
    plan = plan_at("draft")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    client = api_as(people["partner"])
    url = f"/api/v1/plan-goals/{goal.pk}/commitment"
    body = assert_problem(client.post(url, {"committed": False, "reason": " "}), 400, "invalid")
    assert [(p["name"], p["code"]) for p in body["invalid_params"]] == [("reason", "required")]
    response = client.post(url, {"committed": False, "reason": "Fictief: geen capaciteit"})
    assert response.json()["commitment"] == "declined"
    assert response.json()["commitment_reason"] == "Fictief: geen capaciteit"


@pytest.mark.parametrize("body", [{}, {"committed": "misschien"}, {"committed": None}])
def test_bad_commitment_input_is_400(api_as, plan_at, people, body):
    plan = plan_at("draft")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    response = api_as(people["partner"]).post(
        f"/api/v1/plan-goals/{goal.pk}/commitment", body, format="json"
    )
    assert "committed" in invalid_names(response)


@pytest.mark.parametrize(
    ("who", "leefgebied"),
    [
        ("partner", Leefgebied.OPLEIDING_WERK),  # RN's goal, not WPI's
        ("regisseur", Leefgebied.FINANCIEN),  # WPI's goal
        ("health_partner", Leefgebied.FINANCIEN),
    ],
)
def test_only_the_responsible_organisation_answers(api_as, plan_at, people, who, leefgebied):
    plan = plan_at("draft")
    goal = goal_on(plan, leefgebied)
    response = api_as(people[who]).post(
        f"/api/v1/plan-goals/{goal.pk}/commitment", {"committed": True}
    )
    assert_problem(response, 403, "permission_denied")
    assert PlanGoal.objects.get(pk=goal.pk).commitment == Commitment.PENDING


def test_the_health_partner_answers_for_the_health_goal(api_as, plan_at, people):
    plan = plan_at("draft")
    goal = health_goal(plan)
    response = api_as(people["health_partner"]).post(
        f"/api/v1/plan-goals/{goal.pk}/commitment", {"committed": True}
    )
    assert response.status_code == 200
    assert response.json()["commitment"] == "committed"


def test_the_responsible_organisation_reads_and_answers_for_its_health_goal(
    api_as, plan_at, people, orgs
):
    """It cannot commit to what it cannot read (docs/domain.md): WPI, no health organisation, reads
    the health goal it is responsible for, and answers for it."""
    plan = plan_at("draft")
    goal = health_goal(plan)
    services.goal_update(goal=goal, by=people["regisseur"], responsible_organisation=orgs["WPI"])
    client = api_as(people["partner"])
    read = client.get(f"/api/v1/plan-goals/{goal.pk}").json()
    assert (read["restricted"], read["goal"], read["can_commit"]) == (False, "Fictief doel 9", True)
    response = client.post(f"/api/v1/plan-goals/{goal.pk}/commitment", {"committed": True})
    assert response.status_code == 200
    assert PlanGoal.objects.get(pk=goal.pk).commitment == Commitment.COMMITTED


def test_nobody_answers_for_a_goal_they_may_not_read(api_as, plan_at, people):
    plan = plan_at("draft")
    goal = health_goal(plan)  # GGD's
    response = api_as(people["partner"]).post(
        f"/api/v1/plan-goals/{goal.pk}/commitment", {"committed": False, "reason": "Fictief"}
    )
    assert_problem(response, 403, "permission_denied")
    stored = PlanGoal.objects.get(pk=goal.pk)
    assert (stored.commitment, stored.commitment_reason) == (Commitment.PENDING, "")


def test_no_answers_after_approval(api_as, plan_at, people):
    plan = plan_at("approved")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    response = api_as(people["partner"]).post(
        f"/api/v1/plan-goals/{goal.pk}/commitment", {"committed": True}
    )
    assert_problem(response, 403, "permission_denied")


def test_a_colleague_of_the_responsible_organisation_answers_too(api_as, plan_at, people):
    from partners.models import Role

    plan = plan_at("draft")
    colleague = UserFactory(
        roles=[Role.INTERVENTIEPLEGER], organisation=people["partner"].organisation
    )
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    response = api_as(colleague).post(
        f"/api/v1/plan-goals/{goal.pk}/commitment", {"committed": True}
    )
    assert response.status_code == 200


def test_a_commitment_with_if_match_commits_to_the_goal_as_read(api_as, plan_at, people):
    """Probation committed to a goal whose text had changed since it read it: with If-Match
    (the plan's ETag as read) that is a 412 and nothing is recorded."""
    plan = plan_at("draft")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    partner = api_as(people["partner"])
    read = partner.get(f"/api/v1/plans/{plan.pk}")
    etag = read["ETag"]
    services.goal_update(goal=goal, by=people["regisseur"], text="Fictief: een ander doel")
    url = f"/api/v1/plan-goals/{goal.pk}/commitment"
    stale = partner.post(url, {"committed": True}, HTTP_IF_MATCH=etag)
    assert_problem(stale, 412, "precondition_failed")
    goal.refresh_from_db()
    assert goal.commitment == Commitment.PENDING
    current = partner.get(f"/api/v1/plans/{plan.pk}")["ETag"]
    assert current != etag
    answered = partner.post(url, {"committed": True}, HTTP_IF_MATCH=current)
    assert answered.status_code == 200, answered.content
    goal.refresh_from_db()
    assert goal.commitment == Commitment.COMMITTED
