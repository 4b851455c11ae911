"""The list pages of meetings: a page at a time (25), in a stable order, with their filters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Agreement, AgreementStatus, UvoMeeting, UvoStatus
from plans.models import Plan
from plans.workflow import PlanStatus

pytestmark = pytest.mark.django_db


def agreements_for_wpi(case, orgs, n: int, **fields) -> list[Agreement]:
    today = timezone.localdate()
    return [
        Agreement.objects.create(
            case=case,
            description=f"Fictieve afspraak {i:02d}",
            owner_organisation=orgs["WPI"],
            deadline=today + timedelta(days=i),
            **fields,
        )
        for i in range(n)
    ]


def rows(response) -> list[int]:
    return [a.pk for a in response.context["page"]]


def test_agreements_page_two_shows_the_rest_in_order(client, team_case, people, orgs):
    made = agreements_for_wpi(team_case, orgs, 30)
    # two on the same deadline: the id breaks the tie
    Agreement.objects.filter(pk=made[1].pk).update(deadline=made[0].deadline)
    client.force_login(people["partner"])
    url = reverse("meetings:agreements")
    first, second = client.get(url), client.get(url, {"page": 2})
    assert rows(first) + rows(second) == [a.pk for a in made]
    assert len(rows(first)) == 25
    content = first.content.decode()
    assert "Fictieve afspraak 24" in content
    assert "Fictieve afspraak 25" not in content
    assert "page=2" in content
    assert "Fictieve afspraak 29" in second.content.decode()
    assert client.get(url, {"page": 3}).context["page"].object_list == []


def test_agreements_page_filters_by_status(client, team_case, people, orgs):
    today = timezone.localdate()
    [upcoming] = agreements_for_wpi(team_case, orgs, 1)
    late = Agreement.objects.create(
        case=team_case,
        description="Marker-te-laat",
        owner_organisation=orgs["WPI"],
        deadline=today - timedelta(days=3),
    )
    done = Agreement.objects.create(
        case=team_case,
        description="Marker-klaar",
        owner_organisation=orgs["WPI"],
        deadline=today - timedelta(days=5),
        status=AgreementStatus.DONE,
    )
    not_done = Agreement.objects.create(
        case=team_case,
        description="Marker-niet-klaar",
        owner_organisation=orgs["WPI"],
        deadline=today - timedelta(days=4),
        status=AgreementStatus.NOT_DONE,
    )
    client.force_login(people["partner"])
    url = reverse("meetings:agreements")
    assert rows(client.get(url)) == [late.pk, upcoming.pk]  # open is the default
    assert rows(client.get(url, {"show": "open"})) == [late.pk, upcoming.pk]
    assert rows(client.get(url, {"show": "overdue"})) == [late.pk]
    assert rows(client.get(url, {"show": "done"})) == [not_done.pk, done.pk]  # latest first
    assert rows(client.get(url, {"show": "all"})) == [done.pk, not_done.pk, late.pk, upcoming.pk]
    assert rows(client.get(url, {"show": "bogus"})) == [late.pk, upcoming.pk]
    page = client.get(url, {"show": "overdue"}).content.decode()
    assert "Marker-te-laat" in page
    assert "Fictieve afspraak" not in page
    assert "Marker-klaar" not in page
    assert "Marker-niet-klaar" not in page


def test_agreements_page_searches_case_number_and_name(client, team_case, case_at, people, orgs):
    from cases import services as case_services

    other = case_at("in_regie")
    case_services.team_member_add(case=other, by=people["regisseur"], organisation=orgs["WPI"])
    [here] = agreements_for_wpi(team_case, orgs, 1)
    [there] = agreements_for_wpi(other, orgs, 1)
    client.force_login(people["partner"])
    url = reverse("meetings:agreements")
    assert rows(client.get(url, {"q": str(other.pk)})) == [there.pk]
    assert rows(client.get(url, {"q": team_case.person.last_name.upper()})) == [here.pk]
    assert rows(client.get(url, {"q": "9" * 40})) == []  # no overflow
    assert rows(client.get(url, {"q": "Niemand-Heet-Zo"})) == []


def test_agreements_page_status_form_returns_to_the_same_page(client, team_case, people, orgs):
    made = agreements_for_wpi(team_case, orgs, 30)
    client.force_login(people["partner"])
    back = reverse("meetings:agreements") + "?show=all&page=2"
    page = client.get(back).content.decode()
    assert f'action="{reverse("meetings:agreement_status", args=[made[-1].pk])}"' in page
    response = client.post(
        reverse("meetings:agreement_status", args=[made[-1].pk]),
        {"status": "done", "note": "Klaar", "next": back},
    )
    assert response.status_code == 302
    assert response["Location"] == back
    made[-1].refresh_from_db()
    assert (made[-1].status, made[-1].status_note) == ("done", "Klaar")
    response = client.post(
        reverse("meetings:agreement_status", args=[made[0].pk]),
        {"status": "done", "next": "https://elders.example/"},
    )
    assert response["Location"] == reverse("meetings:agreements")  # not off-site


def test_agreements_page_offers_the_status_form_only_where_allowed(client, team_case, people, orgs):
    """WPI's agreement on a case WPI has left: still listed (the organisation still reads the
    case through its grant here), but not to be updated."""
    [agreement] = agreements_for_wpi(team_case, orgs, 1)
    client.force_login(people["partner"])
    url = reverse("meetings:agreements")
    status_url = reverse("meetings:agreement_status", args=[agreement.pk])
    assert status_url in client.get(url).content.decode()
    team_case.team.filter(organisation=orgs["WPI"]).update(left_on=timezone.localdate())
    response = client.get(url)
    assert rows(response) == [agreement.pk]
    assert status_url not in response.content.decode()


def notifications_for(user, case, n: int):
    from django.contrib.contenttypes.models import ContentType

    from cases.models import Case
    from meetings.models import Notification, Reminder, ReminderKind

    made = []
    start = timezone.now() - timedelta(days=n)
    for i in range(n):
        reminder = Reminder.objects.create(
            kind=ReminderKind.UVO_OVERDUE,
            content_type=ContentType.objects.get_for_model(Case),
            object_id=case.pk,
            due_date=timezone.localdate() - timedelta(days=i),
            case=case,
        )
        notification = Notification.objects.create(
            reminder=reminder, case=case, user=user, message=f"Fictieve melding {i:02d}"
        )
        # one second apart, and two at the same moment: the id breaks the tie
        Notification.objects.filter(pk=notification.pk).update(
            created_at=start + timedelta(seconds=max(i, 1))
        )
        made.append(notification)
    return made


def test_inbox_page_two_shows_the_rest_and_reading_keeps_the_count(client, team_case, people):
    made = notifications_for(people["regisseur"], team_case, 30)
    newest_first = [n.pk for n in reversed(made)]
    client.force_login(people["regisseur"])
    url = reverse("meetings:inbox")
    first, second = client.get(url), client.get(url, {"page": 2})
    assert rows(first) + rows(second) == newest_first
    assert "Fictieve melding 29" in first.content.decode()
    assert "Fictieve melding 00" in second.content.decode()
    assert "Fictieve melding 00" not in first.content.decode()
    assert 'data-testid="unread-count">30</span>' in first.content.decode()

    oldest = made[0]
    response = client.post(reverse("meetings:notification_read", args=[oldest.pk]), {"page": "2"})
    assert response["Location"] == url + "?page=2"
    oldest.refresh_from_db()
    assert oldest.read_at is not None
    page = client.get(url).content.decode()
    assert 'data-testid="unread-count">29</span>' in page
    # unread first: the one read is now last
    assert rows(client.get(url, {"page": 2}))[-1] == oldest.pk

    client.post(reverse("meetings:read_all"))
    assert 'data-testid="unread-count"' not in client.get(url).content.decode()
    assert rows(client.get(url)) == newest_first[:25]


def test_casuistry_page_two_shows_the_rest(client, people, orgs):
    from tests.meetings.test_query_counts import overdue_cases

    cases = overdue_cases(27, people, orgs)
    # the last case: a held UVO recently, its agreement done, its plan superseded by a draft
    last = cases[-1]
    UvoMeeting.objects.create(
        case=last,
        planned_at=timezone.now() - timedelta(days=2),
        status=UvoStatus.HELD,
        held_on=timezone.localdate() - timedelta(days=2),
        chair=people["regisseur"],
    )
    last.agreements.update(status=AgreementStatus.DONE)
    last.plans.update(status=PlanStatus.SUPERSEDED)
    Plan.objects.create(
        case=last, version=2, status=PlanStatus.DRAFT, created_by=people["regisseur"]
    )
    client.force_login(people["accounthouder"])
    url = reverse("meetings:casuistry")
    first, second = client.get(url), client.get(url, {"page": 2})
    shown = [i.case.pk for i in first.context["items"]] + [
        i.case.pk for i in second.context["items"]
    ]
    # one regisseur: ordered by the person's last name, then id
    expected = sorted(cases, key=lambda c: (c.person.last_name, c.pk))
    assert shown == [c.pk for c in expected]
    assert len(first.context["items"]) == 25
    assert "page=2" in first.content.decode()
    [item] = [i for i in first.context["items"] + second.context["items"] if i.case == last]
    assert item.overdue_agreements == 0
    assert item.uvo.last_held == timezone.localdate() - timedelta(days=2)
    assert not item.uvo.overdue
    assert item.plan_status == PlanStatus.DRAFT.label
    assert last.person.full_name in (first.content + second.content).decode()
