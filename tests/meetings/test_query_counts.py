"""Exact query counts: the same at N = 1 and N = 25 (docs/conventions.md).

The daily scan is set-based: the same number of queries for 1 overdue case as for 25 (and for
10,000: bench/reminder_scan.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, TimelineEvent
from meetings import services
from meetings.models import (
    Agreement,
    Escalation,
    Notification,
    Reminder,
    ReminderKind,
    UvoAttendee,
)
from meetings.reminders import reminders_scan
from plans.models import Plan, PlanReview
from plans.workflow import PlanStatus
from tests.factories import PersonFactory, programme

pytestmark = pytest.mark.django_db

REQUEST = 3  # the key with its user and organisation, user permissions, group permissions (API)
#: session, user (organisation joined), user and group permissions. The header's counts (work
#: and unread notifications) are cached (meetings.work): the warm-up request fills them.
PAGE = 4
#: The access log of a response with personal data: its entry, and its subjects in one insert.
LOG = 2

#: Inside the test's transaction: savepoint, 4 reads that find every item (the fourth: budget
#: requests waiting past their decision days), the people they may reach, reminder insert, the
#: reminders this run created, the webhook events of the agreements past their deadline (one
#: insert), notification insert, the notifications this run created,
#: release savepoint.
SCAN = 12
#: a page of notifications and one more (reminder, case and person joined; no count)
INBOX = PAGE + 1 + LOG
#: case (joined), team, cadence, last held UVO, the UVOs, the agreements.
CASE_UVO_TAB = PAGE + 6 + LOG
#: The ids of the cases the user sees (written into the filter), count, rows (case, person,
#: organisation, person, UVO joined).
AGREEMENT_LIST = REQUEST + 3 + LOG
UVO_LIST = REQUEST + 3 + LOG  # the visible case ids, count, rows (case and chair joined)
#: UVO (case, person, chair joined), attendees, their organisations, their users.
UVO_DETAIL = REQUEST + 4 + LOG
#: the request, count, rows (reminder joined): one's own notifications about visible cases.
NOTIFICATION_LIST = REQUEST + 2 + LOG


def overdue_cases(n: int, people, orgs) -> list[Case]:
    """n cases 400 days in regie: no UVO (overdue), an approved plan without evaluation
    (overdue) and a WPI agreement, for no one in particular, past its deadline."""
    long_ago = timezone.now() - timedelta(days=400)
    cases = []
    for _ in range(n):
        case = Case.objects.create(
            person=PersonFactory(),
            programme=programme(),
            status="in_regie",
            regie_organisation=orgs["RN"],
            regisseur=people["regisseur"],
            accounthouder=people["accounthouder"],
            regie_started_at=long_ago,
        )
        Plan.objects.create(
            case=case,
            version=1,
            status="approved",
            created_by=people["regisseur"],
            submitted_at=long_ago,
            approved_at=long_ago,
            approved_by=people["itat"],
            fingerprint="0" * 64,
        )
        Agreement.objects.create(
            case=case,
            description="Fictieve afspraak",
            owner_organisation=orgs["WPI"],
            deadline=timezone.localdate() - timedelta(days=10),
        )
        # An arrest that asks for a look at the plan, and a question at the accounthouder,
        # both past their time.
        event = TimelineEvent.objects.create(
            case=case, kind="arrest", description="Fictief", created_by=people["regisseur"]
        )
        PlanReview.objects.create(
            case=case, event=event, due_on=timezone.localdate() - timedelta(days=3)
        )
        Escalation.objects.create(
            case=case,
            subject="case_transcending",
            organisation=orgs["WPI"],
            question="Fictief",
            level="accounthouder",
            due_at=timezone.now() - timedelta(days=1),
            raised_by=people["regisseur"],
        )
        cases.append(case)
    return cases


# 8, not 25: SQLite caps a statement at 999 parameters, so Django splits the notification insert
# (7 per case here, 16 columns each) in two above 8 cases; on PostgreSQL it is one statement.
@pytest.mark.parametrize("n", [1, 8])
def test_the_scan(people, orgs, django_assert_num_queries, n):
    from guardian.shortcuts import assign_perm

    type(people["partner"]).objects.filter(pk=people["partner"].pk).update(
        organisation_contact=True
    )
    for case in overdue_cases(n, people, orgs):  # WPI on the team: its contact hears of it
        assign_perm("cases.view_case", orgs["WPI"].group, case)
    ContentType.objects.get_for_models(Case, Plan, Agreement)  # cached, as in a running worker
    with django_assert_num_queries(SCAN):
        result = reminders_scan()
    assert result.reminders_created == 3 * n
    # Each overdue item: regisseur and accounthouder; the agreement also WPI's contact.
    assert result.notifications_created == 7 * n
    assert Reminder.objects.count() == 3 * n


@pytest.mark.parametrize("n", [1, 25])
def test_the_second_scan_of_a_day(people, orgs, django_assert_num_queries, n):
    overdue_cases(n, people, orgs)
    reminders_scan()
    ContentType.objects.get_for_models(Case, Plan, Agreement)
    # Nothing new: no webhook events, no notifications, no read-back.
    with django_assert_num_queries(SCAN - 3):
        assert reminders_scan().reminders_created == 0


@pytest.mark.parametrize("n", [1, 25])
def test_inbox_page(client, people, orgs, django_assert_num_queries, n):
    overdue_cases(1, people, orgs)
    reminders_scan()
    reminder = Reminder.objects.filter(kind=ReminderKind.UVO_OVERDUE).get()
    for i in range(n - 1):
        extra = Reminder.objects.create(
            kind=reminder.kind,
            content_type=reminder.content_type,
            object_id=reminder.object_id,
            due_date=reminder.due_date - timedelta(days=i + 1),
            case=reminder.case,
        )
        Notification.objects.create(
            reminder=extra, case=reminder.case, user=people["regisseur"], message="Fictief"
        )
    client.force_login(people["regisseur"])
    client.get(reverse("meetings:inbox"))  # warm the session
    with django_assert_num_queries(INBOX):
        response = client.get(reverse("meetings:inbox"))
    page = response.context["page"]  # + plan evaluation, agreement: 25 a page
    assert len(page) == min(n + 2, 25)
    assert page.has_next() == (n + 2 > 25)


@pytest.mark.parametrize("n", [1, 25])
def test_case_uvo_tab(client, team_case, people, orgs, django_assert_num_queries, n):
    now = timezone.now()
    for i in range(n):
        uvo = services.uvo_plan(
            case=team_case, by=people["regisseur"], planned_at=now - timedelta(days=i + 1)
        )
        services.uvo_record(
            meeting=uvo,
            by=people["regisseur"],
            held_on=timezone.localdate() - timedelta(days=i),
            minutes="",
        )
        services.agreement_create(
            case=team_case,
            by=people["regisseur"],
            meeting=uvo,
            description=f"Afspraak {i}",
            owner_organisation=orgs["WPI"],
            owner_person=people["partner"],
            deadline=timezone.localdate() + timedelta(days=i),
        )
    url = reverse("meetings:case_uvos", args=[team_case.pk])
    client.force_login(people["regisseur"])
    client.get(url)
    with django_assert_num_queries(CASE_UVO_TAB):
        response = client.get(url)
    assert len(response.context["uvos"]) == n
    assert len(response.context["agreements"]) == n


@pytest.mark.parametrize("n", [1, 25])
def test_agreement_list_endpoint(api_as, people, orgs, django_assert_num_queries, n):
    overdue_cases(n, people, orgs)
    client = api_as(people["regisseur"])
    with django_assert_num_queries(AGREEMENT_LIST):
        response = client.get("/api/v1/agreements")
    assert response.json()["count"] == n
    assert all(a["can_update"] and a["overdue"] for a in response.json()["results"])


@pytest.mark.parametrize("n", [1, 25])
def test_agreement_list_endpoint_filtered(api_as, people, orgs, django_assert_num_queries, n):
    cases = overdue_cases(n, people, orgs)
    client = api_as(people["partner"])  # WPI: sees the cases it is on the team of
    from cases import services as case_services

    for case in cases:
        case_services.team_member_add(case=case, by=people["regisseur"], organisation=orgs["WPI"])
    url = f"/api/v1/agreements?overdue=true&status=open&owner_organisation={orgs['WPI'].pk}"
    with django_assert_num_queries(AGREEMENT_LIST + 1):  # + validating the organisation
        response = client.get(url)
    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 25])
def test_uvo_list_endpoint(api_as, team_case, people, django_assert_num_queries, n):
    for i in range(n):
        services.uvo_plan(
            case=team_case,
            by=people["regisseur"],
            planned_at=timezone.now() + timedelta(days=i),
        )
    client = api_as(people["partner"])
    with django_assert_num_queries(UVO_LIST):
        response = client.get("/api/v1/uvo-meetings")
    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 25])
def test_uvo_detail_endpoint(api_as, team_case, people, orgs, django_assert_num_queries, n):
    uvo = services.uvo_plan(
        case=team_case, by=people["regisseur"], planned_at=timezone.now() - timedelta(hours=2)
    )
    services.uvo_record(
        meeting=uvo,
        by=people["regisseur"],
        held_on=timezone.localdate(),
        minutes="Fictief",
        attendees=[
            {"organisation": orgs["WPI"], "user": people["partner"], "name": f"Gast {i}"}
            for i in range(n)
        ],
    )
    assert UvoAttendee.objects.count() == n
    client = api_as(people["regisseur"])
    with django_assert_num_queries(UVO_DETAIL):
        response = client.get(f"/api/v1/uvo-meetings/{uvo.pk}")
    assert len(response.json()["attendees"]) == n


@pytest.mark.parametrize("n", [1, 25])
def test_notification_list_endpoint(api_as, people, orgs, django_assert_num_queries, n):
    overdue_cases(n, people, orgs)
    reminders_scan()
    client = api_as(people["regisseur"])
    with django_assert_num_queries(NOTIFICATION_LIST):
        response = client.get("/api/v1/notifications?unread=true")
    assert response.json()["count"] == 3 * n


@pytest.mark.parametrize("n", [1, 25])
def test_casuistry_page(client, people, orgs, django_assert_num_queries, n):
    overdue_cases(n, people, orgs)
    client.force_login(people["accounthouder"])
    url = reverse("meetings:casuistry")
    client.get(url)
    # the page, a page of the accounthouder's cases (last UVO, UVO clock, overdue agreements and
    # plan status in per-case subqueries; one row more, no count), the programmes' casuistry
    # rhythms, the access log
    with django_assert_num_queries(PAGE + 1 + 1 + LOG):
        response = client.get(url)
    items = response.context["items"]
    assert len(items) == n
    assert all(item.overdue_agreements == 1 and item.uvo.overdue for item in items)
    assert {item.plan_status for item in items} == {PlanStatus.APPROVED.label}


@pytest.mark.parametrize("n", [1, 25])
def test_agreements_page(client, people, orgs, django_assert_num_queries, n):
    from guardian.shortcuts import assign_perm

    for case in overdue_cases(n, people, orgs):  # WPI on the team: it sees the cases
        assign_perm("cases.view_case", orgs["WPI"].group, case)
    client.force_login(people["partner"])
    url = reverse("meetings:agreements")
    client.get(url)
    # the page, one page of the organisation's agreements (joined with case and person, one
    # row more to know there is a next page; no count), the access log
    with django_assert_num_queries(PAGE + 1 + LOG):
        response = client.get(url)
    assert len(response.context["page"]) == n
    assert response.content.decode().count('data-testid="agreement-') == n


# --- the escalation ladder ----------------------------------------------------------------------

#: the open escalations (case, programme and organisation joined), the recently closed ones
ESCALATION_LIST = PAGE + 2 + LOG
#: the escalation (joined), its steps, and whether the user reads the case (the person's name)
ESCALATION_DETAIL = PAGE + 3 + LOG


@pytest.mark.parametrize("n", [1, 6])
def test_the_escalation_pages(client, case_at, people, orgs, django_assert_num_queries, n):
    from meetings.escalations import escalation_act, escalation_raise

    raised = []
    for _i in range(n):
        case = case_at("in_regie")
        escalation = escalation_raise(
            case=case,
            by=people["regisseur"],
            subject="case_transcending",
            organisation=orgs["WPI"],
            question="Fictief",
        )
        for step in range(n):
            escalation = escalation_act(
                escalation=escalation, by=people["accounthouder"], action="answer", text=f"{step}"
            )
        raised.append(escalation)
    client.force_login(people["accounthouder"])
    url = reverse("meetings:escalations")
    client.get(url)
    with django_assert_num_queries(ESCALATION_LIST):
        response = client.get(url)
    assert sum(len(level["escalations"]) for level in response.context["levels"]) == n
    url = reverse("meetings:escalation", args=[raised[0].pk])
    client.get(url)
    with django_assert_num_queries(ESCALATION_DETAIL):
        response = client.get(url)
    assert len(response.context["steps"]) == n + 1
