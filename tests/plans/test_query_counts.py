"""Exact query counts for the plan pages: the same however many plans, goals or versions
(docs/conventions.md). Each page is requested once first, so the session is warm."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Leefgebied
from plans import services
from plans.models import ItatMeeting, Plan
from plans.workflow import EvaluationConclusion
from tests.scenarios import OPEN_COMMITMENTS_OK

pytestmark = pytest.mark.django_db

#: Every page: session, user + organisation, 2× permissions. The header's counts (work and
#: unread notifications) are cached (meetings.work): the warm-up request fills them.
PAGE = 4
#: The access log of a page with personal data: its entry, and its subjects in one insert.
LOG = 2
# the meeting, the agenda's plans (one query with the case, person, programme, regisseur and
# counts joined), the access log
ITAT_AGENDA_QUERIES = PAGE + 4 + LOG  # the meeting, the visible ids, the count, a page
# the meetings to come with their plan counts, a page of past meetings with theirs (the open
# referrals moved to the Expertgroep's own page)
ITAT_MEETINGS_QUERIES = PAGE + 2  # no person named: no access log
# the open referrals (joined with case, person and referrer), the access log
REFERRALS_QUERIES = PAGE + 1 + LOG
# the plan (joined), goals, advice, status changes, case team, other versions, goals' advice,
# the goals' lineage through versions and their progress (`goal_trail`), the access log; a
# plan that was in force adds its amendments
PLAN_DETAIL_QUERIES = PAGE + 10 + LOG
# case, team, versions, evaluations, goals, referrals, the plan in force with its goals and their
# advice, the goals' lineage and progress, their applications at outside bodies, the open looks
# at the plan (the regisseur's), the access log
CASE_PLAN_QUERIES = PAGE + 12 + LOG
# the waiting goals (joined with plan, case and person), the access log
COMMITMENTS_QUERIES = PAGE + 2 + LOG  # the count, a page of goals


def add_goals(plan: Plan, people, orgs, n: int) -> None:
    """n more goals, on leefgebieden other than health, each with a responsible organisation."""
    leefgebieden = [lg for lg in Leefgebied if lg != Leefgebied.GEZONDHEID]
    for i in range(n):
        services.goal_add(
            plan=plan,
            by=people["regisseur"],
            leefgebied=leefgebieden[i % len(leefgebieden)],
            goal=f"Fictief extra doel {i}",
            interventions="Fictieve interventie",
            responsible_organisation=orgs["WPI" if i % 2 else "RN"],
        )


@pytest.mark.parametrize("n", [1, 25])
def test_itat_agenda_page(client, plan_at, people, django_assert_num_queries, n):
    plans = [plan_at("submitted") for _ in range(n)]
    meeting = plans[0].itat_meeting
    assert {p.itat_meeting_id for p in plans} == {meeting.pk}
    client.force_login(people["itat"])
    url = reverse("plans:itat_agenda", args=[meeting.pk])
    client.get(url)
    with django_assert_num_queries(ITAT_AGENDA_QUERIES):
        response = client.get(url)
    assert len(response.context["plans"]) == n
    assert response.content.decode().count('href="/plannen/') == n


@pytest.mark.parametrize("n", [1, 25])
def test_itat_meetings_page(client, plan_at, people, django_assert_num_queries, n):
    plans = [plan_at("submitted") for _ in range(n)]
    for plan in plans[: max(1, n // 2)]:  # the open referrals name persons: logged
        services.expert_referral_create(case=plan.case, by=people["regisseur"], question="Vraag")
    client.force_login(people["itat"])
    url = reverse("plans:itat")
    client.get(url)
    with django_assert_num_queries(ITAT_MEETINGS_QUERIES):
        response = client.get(url)
    assert [m.plan_count for m in response.context["meetings"]] == [n]
    assert response.context["page"].object_list == []


@pytest.mark.parametrize("n", [1, 25])
def test_itat_meetings_page_past_meetings(client, plan_at, people, django_assert_num_queries, n):
    from datetime import timedelta

    today = timezone.localdate()
    plans = [plan_at("approved") for _ in range(n)]
    past = [ItatMeeting.objects.create(date=today - timedelta(days=7 * (i + 1))) for i in range(n)]
    Plan.objects.filter(pk__in=[p.pk for p in plans]).update(itat_meeting=past[0])
    client.force_login(people["itat"])
    url = reverse("plans:itat")
    client.get(url)
    with django_assert_num_queries(ITAT_MEETINGS_QUERIES):
        response = client.get(url)
    assert [m.pk for m in response.context["page"]] == [m.pk for m in past]
    assert response.context["page"].object_list[0].plan_count == n


@pytest.mark.parametrize("n", [1, 25])
def test_expertgroep_referrals_page(client, plan_at, people, django_assert_num_queries, n):
    for _ in range(n):
        plan = plan_at("approved")
        services.expert_referral_create(case=plan.case, by=people["regisseur"], question="Vraag")
    client.force_login(people["expert"])
    url = reverse("plans:referrals")
    client.get(url)
    with django_assert_num_queries(REFERRALS_QUERIES):
        response = client.get(url)
    assert len(response.context["referrals"]) == n


@pytest.mark.parametrize("goals", [3, 10], ids=lambda g: f"{g}-goals")
def test_plan_detail_page_for_itat(client, plan_at, people, orgs, django_assert_num_queries, goals):
    plan = plan_at("draft")
    add_goals(plan, people, orgs, goals - 3)
    services.plan_submit(plan=plan, by=people["regisseur"])
    services.itat_advice_add(plan=plan, by=people["itat"], text="Overall", goal=None)
    on_goal = plan.goals.exclude(leefgebied=Leefgebied.GEZONDHEID).last()  # one ITAT may read
    services.itat_advice_add(plan=plan, by=people["itat"], text="Per doel", goal=on_goal)
    client.force_login(people["itat"])
    url = reverse("plans:detail", args=[plan.pk])
    client.get(url)
    with django_assert_num_queries(PLAN_DETAIL_QUERIES):
        response = client.get(url)
    assert len(response.context["goals"]) == goals


@pytest.mark.parametrize("goals", [3, 10], ids=lambda g: f"{g}-goals")
def test_plan_detail_page_for_the_regisseur(
    client, plan_at, people, orgs, django_assert_num_queries, goals
):
    plan = plan_at("draft")
    add_goals(plan, people, orgs, goals - 3)
    for goal in plan.goals.filter(responsible_organisation=orgs["WPI"]):
        services.goal_commit(goal=goal, by=people["partner"], committed=True)
    client.force_login(people["regisseur"])
    url = reverse("plans:detail", args=[plan.pk])
    client.get(url)
    with django_assert_num_queries(PLAN_DETAIL_QUERIES - 1):  # no advice form
        response = client.get(url)
    assert len(response.context["goals"]) == goals


def _lived_in(plan: Plan, people, n: int) -> None:
    """n steps of progress and n amendments on each non-health goal of the plan in force."""
    for goal in plan.goals.exclude(leefgebied=Leefgebied.GEZONDHEID):
        for i in range(n):
            services.goal_progress_record(
                goal=goal, by=people["regisseur"], status="in_progress", note=f"Stap {i}"
            )
            services.goal_amend(
                goal=goal, by=people["regisseur"], reason=f"Wijziging {i}", interventions=f"I{i}"
            )


@pytest.mark.parametrize("n", [1, 6])
def test_plan_in_force_detail_with_progress_and_amendments(
    client, plan_at, people, django_assert_num_queries, n
):
    plan = plan_at("approved")
    _lived_in(plan, people, n)
    client.force_login(people["accounthouder"])
    url = reverse("plans:detail", args=[plan.pk])
    client.get(url)
    # + amendments and applications (a plan in force), - the advice form
    with django_assert_num_queries(PLAN_DETAIL_QUERIES + 1):
        response = client.get(url)
    assert len(response.context["amendments"]) == 2 * n
    assert sum(len(g.trail) for g in response.context["goals"]) == 2 * n


# the plan (joined), the goal, team, the goal's lineage and progress, the case's UVOs (choices),
# the access log
GOAL_PROGRESS_QUERIES = PAGE + 6 + LOG
# the plan (joined), the goal, team, the responsible organisation's people (choices), the goal's
# organisation, the access log
GOAL_AMEND_QUERIES = PAGE + 5 + LOG


@pytest.mark.parametrize("n", [1, 6])
def test_goal_progress_and_amend_pages(client, plan_at, people, django_assert_num_queries, n):
    plan = plan_at("approved")
    _lived_in(plan, people, n)
    goal = plan.goals.get(leefgebied=Leefgebied.FINANCIEN)
    client.force_login(people["regisseur"])
    for name, queries in (
        ("plans:goal_progress", GOAL_PROGRESS_QUERIES),
        ("plans:goal_amend", GOAL_AMEND_QUERIES),
    ):
        url = reverse(name, args=[plan.pk, goal.pk])
        client.get(url)
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200


@pytest.mark.parametrize("goals", [3, 10], ids=lambda g: f"{g}-goals")
def test_case_plan_tab_with_more_goals(
    client, plan_at, people, orgs, django_assert_num_queries, goals
):
    plan = plan_at("draft")
    add_goals(plan, people, orgs, goals - 3)
    services.plan_submit(plan=plan, by=people["regisseur"])
    services.plan_approve(reason=OPEN_COMMITMENTS_OK, plan=plan, by=people["itat"])
    client.force_login(people["regisseur"])
    url = reverse("plans:case_plan", args=[plan.case_id])
    client.get(url)
    with django_assert_num_queries(CASE_PLAN_QUERIES):
        response = client.get(url)
    assert len(response.context["goals"]) == goals


@pytest.mark.parametrize("versions", [2, 6])
def test_case_plan_tab_with_more_versions_evaluations_and_referrals(
    client, plan_at, people, django_assert_num_queries, versions
):
    """Versions, evaluations (with their per-goal results) and referrals are fetched in bulk."""
    plan = plan_at("approved")
    for _ in range(versions - 1):
        services.evaluation_record(
            plan=plan,
            by=people["regisseur"],
            held_on=timezone.localdate(),
            conclusion=EvaluationConclusion.REVISE,
            summary="Herzien",
            results=[(g, "partly", "Toelichting") for g in plan.goals.all()],
        )
        services.expert_referral_create(case=plan.case, by=people["regisseur"], question="Vraag")
        plan = plan.case.plans.get(version=plan.version + 1)
        services.plan_submit(plan=plan, by=people["regisseur"])
        services.plan_approve(reason=OPEN_COMMITMENTS_OK, plan=plan, by=people["itat"])
    client.force_login(people["regisseur"])
    url = reverse("plans:case_plan", args=[plan.case_id])
    client.get(url)
    # + the evaluations' results and their goals, prefetched (skipped when there are none)
    with django_assert_num_queries(CASE_PLAN_QUERIES + 2):
        response = client.get(url)
    assert len(response.context["versions"]) == versions
    assert len(response.context["evaluations"]) == versions - 1


@pytest.mark.parametrize("n", [1, 25])
def test_commitments_page(client, plan_at, people, django_assert_num_queries, n):
    for _ in range(n):
        plan_at("draft")
    client.force_login(people["partner"])
    url = reverse("plans:commitments")
    client.get(url)
    with django_assert_num_queries(COMMITMENTS_QUERIES):
        response = client.get(url)
    assert len(response.context["goals"]) == n


# the plan (joined) and team, the goal; the edit page: the application, and its case for the log
APPLICATION_ADD_QUERIES = PAGE + 3 + LOG
APPLICATION_EDIT_QUERIES = PAGE + 5 + LOG
# the look at the plan (with its event), the case (joined), its team, the access log
REVIEW_CLOSE_QUERIES = PAGE + 3 + LOG


@pytest.mark.parametrize("n", [1, 6])
def test_application_and_review_pages(client, plan_at, people, django_assert_num_queries, n):
    from cases.services import timeline_event_create
    from plans.applications import application_record

    plan = plan_at("approved")
    goal = plan.goals.get(leefgebied=Leefgebied.FINANCIEN)
    applications = [
        application_record(
            goal=goal,
            by=people["regisseur"],
            kind="benefits",
            body=f"Fictief {i}",
            requested_on=timezone.localdate(),
        )
        for i in range(n)
    ]
    for _i in range(n):
        timeline_event_create(
            case=plan.case, by=people["regisseur"], kind="arrest", description="Fictief"
        )
    review = plan.case.plan_reviews.first()
    client.force_login(people["regisseur"])
    for url, queries in (
        (reverse("plans:application_add", args=[plan.pk, goal.pk]), APPLICATION_ADD_QUERIES),
        (reverse("plans:application_edit", args=[applications[0].pk]), APPLICATION_EDIT_QUERIES),
        (reverse("plans:review_close", args=[review.pk]), REVIEW_CLOSE_QUERIES),
    ):
        client.get(url)
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
