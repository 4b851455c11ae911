"""Health goals (leefgebied 9) on every door, with marker strings: each marker appears in the
responses of those who may read it and in no response of anyone else, on pages and in the API.

The rule (docs/domain.md, "Need-to-know"): health goals, their evaluation results, ITAT's advice on
them and their history are read by the regisseur, the accounthouder and health organisations on
the team, and by the goal's responsible organisation for that goal only.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from acvz.errors import NotAllowed
from cases.models import Leefgebied
from plans import services
from plans.models import ItatAdvice, Plan, PlanGoal
from plans.workflow import Commitment
from tests.scenarios import OPEN_COMMITMENTS_OK

pytestmark = pytest.mark.django_db

GGD_GOAL = "Fictief-MERK-ggd-gezondheidsdoel"
GGD_INTERVENTION = "Fictief-MERK-ggd-interventie"
WPI_GOAL = "Fictief-MERK-wpi-gezondheidsdoel"
EVALUATION = "Fictief-MERK-evaluatie-gezondheid"
ADVICE = "Fictief-MERK-advies-gezondheid"
OPEN_TEXT = "Fictief-open-tekst"


def html(response) -> str:
    return response.content.decode()


def goal_on(plan: Plan, leefgebied: int, code: str = "GGD") -> PlanGoal:
    return plan.goals.get(leefgebied=leefgebied, responsible_organisation__code=code)


@pytest.fixture
def health_plan(plan_at, people, orgs):
    """`health_plan(status)`: the scenario plan (goals on 7 for WPI, 9 for GGD, 8 for RN) with
    markers in the GGD health goal, plus a second health goal for which WPI (not a health
    organisation) is responsible."""

    def build(status: str = "draft") -> Plan:
        plan = plan_at("draft")
        services.goal_update(
            goal=goal_on(plan, Leefgebied.GEZONDHEID),
            by=people["regisseur"],
            text=GGD_GOAL,
            interventions=GGD_INTERVENTION,
        )
        services.goal_add(
            plan=plan,
            by=people["regisseur"],
            leefgebied=Leefgebied.GEZONDHEID,
            goal=WPI_GOAL,
            responsible_organisation=orgs["WPI"],
        )
        if status in ("submitted", "approved"):
            services.plan_submit(plan=plan, by=people["regisseur"])
        if status == "approved":
            services.plan_approve(reason=OPEN_COMMITMENTS_OK, plan=plan, by=people["itat"])
        return Plan.objects.get(pk=plan.pk)

    return build


def evaluate(plan: Plan, people) -> None:
    services.evaluation_record(
        plan=plan,
        by=people["regisseur"],
        held_on=timezone.localdate() - dt.timedelta(days=1),
        conclusion="continue",
        summary="Fictief",
        results=[
            (
                goal,
                "partly",
                EVALUATION if goal.goal == GGD_GOAL else f"{OPEN_TEXT} {goal.leefgebied}",
            )
            for goal in plan.goals.all()
        ],
    )


# --- the plan pages and the plan API ------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "reads_ggd", "reads_wpi"),
    [
        ("regisseur", True, True),
        ("accounthouder", True, True),
        ("health_partner", True, True),
        ("partner", False, True),  # WPI: its own health goal only
        ("itat", False, False),
    ],
)
def test_plan_pages_and_api_show_health_goals_only_to_their_readers(
    client, api_as, health_plan, people, who, reads_ggd, reads_wpi
):
    plan = health_plan("submitted")
    ItatAdvice.objects.create(  # advice recorded before ITAT was held to the goal's rule
        plan=plan, goal=goal_on(plan, Leefgebied.GEZONDHEID), text=ADVICE, author=people["itat"]
    )
    client.force_login(people[who])
    responses = {
        "detail": html(client.get(reverse("plans:detail", args=[plan.pk]))),
        "print": html(client.get(reverse("plans:print", args=[plan.pk]))),
        "api plan": html(api_as(people[who]).get(f"/api/v1/plans/{plan.pk}")),
        "api goals": html(api_as(people[who]).get("/api/v1/plan-goals", {"plan": plan.pk})),
    }
    for door, body in responses.items():
        assert "Fictief doel 7" in body, door
        for marker in (GGD_GOAL, GGD_INTERVENTION, ADVICE):
            if door != "api goals" or marker != ADVICE:  # goals come without their advice
                assert (marker in body) is reads_ggd, (door, marker)
        assert (WPI_GOAL in body) is reads_wpi, door


@pytest.mark.parametrize(
    ("who", "readable"),
    [("regisseur", True), ("accounthouder", True), ("health_partner", True), ("partner", False)],
)
def test_health_evaluation_results_follow_the_goal_on_the_plan_tab_and_in_the_api(
    client, api_as, health_plan, people, who, readable
):
    plan = health_plan("approved")
    evaluate(plan, people)
    client.force_login(people[who])
    tab = html(client.get(reverse("plans:case_plan", args=[plan.case_id])))
    listed = html(api_as(people[who]).get("/api/v1/evaluations"))
    for door, body in (("plan tab", tab), ("api", listed)):
        assert f"{OPEN_TEXT} 7" in body, door
        assert (EVALUATION in body) is readable, door


# --- commitments: /toezeggingen/, the goal's commitment page, the API ---------------------------


def test_the_commitments_page_shows_each_organisation_its_own_goals(client, health_plan, people):
    health_plan("draft")
    client.force_login(people["partner"])
    page = html(client.get(reverse("plans:commitments")))
    assert WPI_GOAL in page
    assert GGD_GOAL not in page
    client.force_login(people["health_partner"])
    page = html(client.get(reverse("plans:commitments")))
    assert GGD_GOAL in page
    assert WPI_GOAL not in page


@pytest.mark.parametrize(
    ("who", "goal_of", "allowed"),
    [
        ("partner", "WPI", True),  # a health goal WPI is responsible for: it reads and answers
        ("partner", "GGD", False),
        ("health_partner", "GGD", True),
        ("health_partner", "WPI", False),
        ("regisseur", "WPI", False),
    ],
)
def test_the_page_refuses_exactly_what_the_api_refuses(
    client, api_as, health_plan, people, who, goal_of, allowed
):
    by_page, by_api = health_plan("draft"), health_plan("draft")
    client.force_login(people[who])
    page_goal = goal_on(by_page, Leefgebied.GEZONDHEID, goal_of)
    url = reverse("plans:goal_commit", args=[by_page.pk, page_goal.pk])
    shown = client.get(url)
    posted = client.post(url, {"committed": "no", "reason": "Fictief: geen capaciteit"})
    api_goal = goal_on(by_api, Leefgebied.GEZONDHEID, goal_of)
    answered = api_as(people[who]).post(
        f"/api/v1/plan-goals/{api_goal.pk}/commitment",
        {"committed": False, "reason": "Fictief: geen capaciteit"},
    )
    assert (shown.status_code, posted.status_code, answered.status_code) == (
        (200, 302, 200) if allowed else (403, 403, 403)
    )
    expected = Commitment.DECLINED if allowed else Commitment.PENDING
    for goal in (page_goal, api_goal):
        stored = PlanGoal.objects.get(pk=goal.pk)
        assert stored.commitment == expected
        assert stored.commitment_reason == ("Fictief: geen capaciteit" if allowed else "")
        assert stored.committed_by == (people[who] if allowed else None)
    marker = WPI_GOAL if goal_of == "WPI" else GGD_GOAL
    for response in (shown, posted, answered):
        assert (marker in html(response)) is (allowed and response is not posted)


def test_the_service_refuses_a_decline_for_a_goal_of_another_organisation(health_plan, people):
    plan = health_plan("draft")
    goal = goal_on(plan, Leefgebied.GEZONDHEID, "GGD")
    with pytest.raises(NotAllowed):
        services.goal_commit(goal=goal, by=people["partner"], committed=False, reason="Fictief")
    stored = PlanGoal.objects.get(pk=goal.pk)
    assert (stored.commitment, stored.commitment_reason) == (Commitment.PENDING, "")


# --- ITAT's advice ------------------------------------------------------------------------------


def test_itat_cannot_advise_on_a_goal_it_may_not_read(client, api_as, health_plan, people):
    plan = health_plan("submitted")
    goal = goal_on(plan, Leefgebied.GEZONDHEID)
    with pytest.raises(NotAllowed):
        services.itat_advice_add(plan=plan, by=people["itat"], text=ADVICE, goal=goal)
    response = api_as(people["itat"]).post(
        f"/api/v1/plans/{plan.pk}/advice", {"text": ADVICE, "goal": goal.pk}
    )
    assert response.status_code == 403
    assert ADVICE not in html(response)
    client.force_login(people["itat"])
    page = client.post(
        reverse("plans:advice", args=[plan.pk]), {"text": ADVICE, "goal": goal.pk}, follow=True
    )
    assert ADVICE not in html(page)
    assert GGD_GOAL not in html(page)
    assert not ItatAdvice.objects.exists()


# --- comparing versions -------------------------------------------------------------------------


@pytest.fixture
def moved_goals(health_plan, people):
    """v1 approved; in v2 the GGD health goal moves to leefgebied 10 and RN's goal on 8 moves
    to health (9)."""
    v1 = health_plan("approved")
    v2 = services.plan_start_version(case=v1.case, by=people["regisseur"])
    services.goal_update(
        goal=goal_on(v2, Leefgebied.GEZONDHEID),
        by=people["regisseur"],
        leefgebied=Leefgebied.SOCIAAL_NETWERK,
        text=f"{OPEN_TEXT}: weer contact met zus",
    )
    services.goal_update(
        goal=v2.goals.get(leefgebied=Leefgebied.OPLEIDING_WERK),
        by=people["regisseur"],
        leefgebied=Leefgebied.GEZONDHEID,
        text="Fictief: nu een zorgdoel",
    )
    return v1, v2


@pytest.mark.parametrize(("who", "readable"), [("regisseur", True), ("partner", False)])
def test_compare_shows_a_row_only_when_both_sides_are_readable(
    client, moved_goals, people, who, readable
):
    _v1, v2 = moved_goals
    client.force_login(people[who])
    response = client.get(reverse("plans:compare", args=[v2.pk]))
    page = html(response)
    assert (GGD_GOAL in page) is readable  # the old text of the goal moved out of health
    assert ("Fictief doel 8" in page) is readable  # the old text of the goal moved into health
    assert ("Fictief: nu een zorgdoel" in page) is readable
    kinds = sorted(c.kind for c in response.context["changes"])
    assert kinds.count("restricted") == (0 if readable else 2)  # the two moved goals


# --- history ------------------------------------------------------------------------------------


@pytest.fixture
def history_plan(plan_at, people):
    """A draft whose GGD health goal moved out of health, and RN's goal moved into it."""
    plan = plan_at("draft")
    services.goal_update(
        goal=goal_on(plan, Leefgebied.GEZONDHEID), by=people["regisseur"], text=GGD_GOAL
    )
    services.goal_update(
        goal=goal_on(plan, Leefgebied.GEZONDHEID),
        by=people["regisseur"],
        leefgebied=Leefgebied.SOCIAAL_NETWERK,
        text=f"{OPEN_TEXT}: weer contact met zus",
    )
    rn_goal = plan.goals.get(leefgebied=Leefgebied.OPLEIDING_WERK)
    services.goal_update(goal=rn_goal, by=people["regisseur"], text="Fictief-MERK-was-open")
    services.goal_update(goal=rn_goal, by=people["regisseur"], leefgebied=Leefgebied.GEZONDHEID)
    return plan


@pytest.mark.parametrize(("who", "readable"), [("regisseur", True), ("partner", False)])
def test_history_hides_goal_versions_that_were_health_then_or_are_now(
    client, api_as, history_plan, people, who, readable
):
    plan = history_plan
    client.force_login(people[who])
    responses = {
        "case history page": html(client.get(reverse("cases:history", args=[plan.case_id]))),
        "plan history api": html(api_as(people[who]).get(f"/api/v1/plans/{plan.pk}/history")),
        "case history api": html(api_as(people[who]).get(f"/api/v1/cases/{plan.case_id}/history")),
    }
    for door, body in responses.items():
        assert f"{OPEN_TEXT}: weer contact met zus" in body, door
        assert (GGD_GOAL in body) is readable, door
        assert ("Fictief-MERK-was-open" in body) is readable, door
        assert ("Fictief doel 8" in body) is readable, door
