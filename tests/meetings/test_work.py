"""The work queue on the home page: per role what waits, each item linking to where it is done;
the count in the navigation; a constant number of queries however much waits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import CaseTeamMembership
from meetings import services
from meetings.work import SHOWN, work_queue
from plans import services as plan_services
from tests.meetings.test_query_counts import overdue_cases

pytestmark = pytest.mark.django_db


def queue(user) -> dict[str, list[str]]:
    return {s.key: [i.url for i in s.items] for s in work_queue(user=user) if s.count}


def test_the_regisseur_sees_plans_uvos_evaluations_agreements_and_declined_commitments(
    people, orgs, plan_at
):
    [case] = overdue_cases(1, people, orgs)
    plan = plan_at("submitted")
    goal = plan.goals.get(responsible_organisation__code="WPI")
    plan_services.goal_commit(goal=goal, by=people["partner"], committed=False, reason="Vol")
    mine = queue(people["regisseur"])
    # The new case's first UVO is weeks away; the old one's is long overdue.
    assert mine["uvos"] == [reverse("meetings:case_uvos", args=[case.pk])]
    assert mine["evaluations"] == [reverse("plans:evaluate", args=[case.pk])]
    assert mine["agreements_overdue_regisseur"] == [reverse("meetings:case_uvos", args=[case.pk])]
    assert mine["declined"] == [reverse("plans:detail", args=[plan.pk])]
    assert "plans" not in mine  # both have a plan in force or on the agenda
    # The other regisseur directs none of it.
    assert queue(people["regisseur_other"]) == {}


def test_a_returned_plan_is_to_revise(plan_at, people):
    plan = plan_at("submitted")
    plan_services.plan_return(plan=plan, by=people["itat"], advice="Fictief advies")
    [item] = next(s for s in work_queue(user=people["regisseur"]) if s.key == "plans").items
    assert item.url == reverse("plans:case_plan", args=[plan.case_id])
    assert str(item.text) == "Plan bijstellen"


def test_a_planned_uvo_takes_the_case_off_the_queue(people, orgs):
    [case] = overdue_cases(1, people, orgs)
    services.uvo_plan(
        case=case, by=people["regisseur"], planned_at=timezone.now() + timedelta(days=3)
    )
    assert "uvos" not in queue(people["regisseur"])


def test_itat_the_expert_group_and_the_partners_see_what_is_asked_of_them(plan_at, people):
    for key in ("partner", "health_partner"):
        type(people[key]).objects.filter(pk=people[key].pk).update(organisation_contact=True)
        people[key].refresh_from_db()
    plan = plan_at("submitted")
    plan_page = reverse("plans:detail", args=[plan.pk])
    assert queue(people["itat"]) == {"itat": [plan_page]}
    assert queue(people["partner"]) == {"commitments": [plan_page]}
    assert queue(people["health_partner"]) == {"commitments": [plan_page]}
    assert queue(people["outsider"]) == {}
    referral = plan_services.expert_referral_create(
        case=plan.case, by=people["regisseur"], question="Fictieve vraag"
    )
    assert queue(people["expert"]) == {
        "referrals": [reverse("plans:referral_answer", args=[referral.pk])]
    }
    goal = plan.goals.get(responsible_organisation__code="WPI")
    plan_services.goal_commit(goal=goal, by=people["partner"], committed=True)
    services.agreement_create(
        case=plan.case,
        by=people["regisseur"],
        description="Fictieve afspraak",
        owner_organisation=goal.responsible_organisation,
        deadline=timezone.localdate() + timedelta(days=5),
    )
    assert queue(people["partner"]) == {"deliver": [reverse("meetings:agreements")]}


def test_the_ivg_the_programme_team_and_the_accounthouder(case_at, people):
    compiling = case_at("basisdossier")
    assert queue(people["ivg_politie"]) == {
        "contributions": [reverse("cases:dossier", args=[compiling.pk])]
    }
    registered = case_at("registered")
    assert queue(people["programme"]) == {
        "waiting": [reverse("cases:detail", args=[registered.pk])]
    }
    assigned = case_at("assigned")
    assert queue(people["accounthouder"])["waiting"] == [
        reverse("cases:detail", args=[assigned.pk])
    ]


def test_the_home_page_and_the_navigation_count(client, people, orgs):
    overdue_cases(2, people, orgs)
    client.force_login(people["regisseur"])
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="work-uvos-count">2<' in page
    assert 'data-testid="work-evaluations-count">2<' in page
    assert 'data-testid="work-plan_reviews-count">2<' in page
    # 2 UVOs, 2 evaluations, 2 looks at the plan, 2 agreements, and 2 persons without any
    # offence: no longer meeting the inflow criteria (the outflow signal)
    assert 'data-testid="work-outflow_regisseur-count">2<' in page
    assert 'data-testid="work-count">10<' in page
    client.force_login(people["outsider"])
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="work-empty"' in page
    assert 'data-testid="work-count"' not in page


def test_an_event_refreshes_the_count_of_whom_it_reaches(client, case_at, people, orgs):
    case = case_at("in_regie")
    type(people["partner"]).objects.filter(pk=people["partner"].pk).update(
        organisation_contact=True
    )
    client.force_login(people["partner"])
    assert 'data-testid="work-count"' not in client.get(reverse("meetings:inbox")).content.decode()
    case_services.team_member_add(case=case, by=people["regisseur"], organisation=orgs["WPI"])
    services.agreement_create(
        case=case,
        by=people["regisseur"],
        description="Fictieve afspraak",
        owner_organisation=orgs["WPI"],
        deadline=timezone.localdate() + timedelta(days=5),
    )
    page = client.get(reverse("meetings:inbox")).content.decode()
    assert 'data-testid="work-count">1<' in page


# Every section: a fixed number of queries, whatever waits (N=1 and N=25 items each).
REGISSEUR_HOME = 20  # the outflow signal: the programmes' criteria, the own cases signalled
PARTNER_HOME = 9


@pytest.mark.parametrize("n", [1, 25])
def test_the_regisseurs_home_page_queries(client, people, orgs, django_assert_num_queries, n):
    overdue_cases(n, people, orgs)
    client.force_login(people["regisseur"])
    client.get(reverse("home"))  # warm the session
    with django_assert_num_queries(REGISSEUR_HOME):
        page = client.get(reverse("home")).content.decode()
    assert f'data-testid="work-uvos-count">{n}<' in page
    assert f'data-testid="work-plan_reviews-count">{n}<' in page
    assert f'data-testid="work-outflow_regisseur-count">{n}<' in page


@pytest.mark.parametrize("n", [1, 25])
def test_the_partners_home_page_queries(client, people, orgs, django_assert_num_queries, n):
    for case in overdue_cases(n, people, orgs):
        CaseTeamMembership.objects.create(case=case, organisation=orgs["WPI"], role="partner")
    type(people["partner"]).objects.filter(pk=people["partner"].pk).update(
        organisation_contact=True
    )
    client.force_login(people["partner"])
    client.get(reverse("home"))
    with django_assert_num_queries(PARTNER_HOME):
        page = client.get(reverse("home")).content.decode()
    assert f'data-testid="work-deliver-count">{n}<' in page


ACCOUNTHOUDER_HOME = 17  # with the budget requests to decide (a count)
ITAT_HOME = 10


@pytest.mark.parametrize("n", [1, 25])
def test_the_accounthouders_home_page_queries(client, people, orgs, django_assert_num_queries, n):
    overdue_cases(n, people, orgs)
    client.force_login(people["accounthouder"])
    client.get(reverse("home"))
    with django_assert_num_queries(ACCOUNTHOUDER_HOME):
        page = client.get(reverse("home")).content.decode()
    assert f'data-testid="work-uvos_overdue-count">{n}<' in page
    assert f'data-testid="work-agreements_overdue_accounthouder-count">{n}<' in page
    assert f'data-testid="work-escalations-count">{n}<' in page


@pytest.mark.parametrize("n", [1, 25])
def test_the_itat_home_page_queries(client, people, orgs, django_assert_num_queries, n):
    from plans.models import Plan
    from plans.services import next_itat_meeting

    meeting = next_itat_meeting(after=timezone.localdate())
    for case in overdue_cases(n, people, orgs):
        Plan.objects.filter(case=case).update(status="submitted", itat_meeting=meeting)
    client.force_login(people["itat"])
    client.get(reverse("home"))
    with django_assert_num_queries(ITAT_HOME):
        page = client.get(reverse("home")).content.decode()
    assert f'data-testid="work-itat-count">{n}<' in page


def test_the_itat_section_lists_the_earliest_meeting_first_and_counts_every_plan(people, orgs):
    """Plans on an overdue meeting come before those of the next one, whatever their ids; the
    count is every submitted plan, the items the first SHOWN."""
    from plans.models import ItatMeeting, Plan
    from plans.services import next_itat_meeting

    today = timezone.localdate()
    upcoming = next_itat_meeting(after=today)
    overdue = ItatMeeting.objects.create(date=today - timedelta(days=3))
    cases = overdue_cases(SHOWN + 2, people, orgs)
    on_upcoming, on_overdue = cases[:-2], cases[-2:]  # the overdue ones have the highest ids
    for case in on_upcoming:
        Plan.objects.filter(case=case).update(status="submitted", itat_meeting=upcoming)
    for case in on_overdue:
        Plan.objects.filter(case=case).update(status="submitted", itat_meeting=overdue)
    [section] = [s for s in work_queue(user=people["itat"]) if s.key == "itat"]
    first_plans = sorted(Plan.objects.filter(case__in=on_overdue).values_list("pk", flat=True))
    next_plans = sorted(Plan.objects.filter(case__in=on_upcoming).values_list("pk", flat=True))
    expected = [*first_plans, *next_plans][:SHOWN]
    assert section.count == SHOWN + 2
    assert [i.url for i in section.items] == [reverse("plans:detail", args=[pk]) for pk in expected]
    assert [i.overdue for i in section.items] == [True, True] + [False] * (SHOWN - 2)
    assert section.items[0].name == on_overdue[0].person.full_name


def test_the_headers_unread_count_is_cached_and_forgotten_when_news_arrives(people, case_at):
    from meetings.models import Notification
    from meetings.services import notifications_mark_all_read
    from meetings.work import forget_work_counts, header_unread_count

    user = people["regisseur"]
    case = case_at("in_regie")
    before = header_unread_count(user=user)
    Notification.objects.create(case=case, user=user, message="Fictief", part="overview")
    assert header_unread_count(user=user) == before  # cached: asked once a minute at most
    forget_work_counts([user.pk])  # what every path that notifies does
    assert header_unread_count(user=user) == before + 1
    notifications_mark_all_read(by=user)
    assert header_unread_count(user=user) == 0
