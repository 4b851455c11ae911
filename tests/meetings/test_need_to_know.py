"""Notifications and the calendar feed follow need-to-know, with marker strings.

A reminder is created only for people who see its case at that moment (through the team, or by
directing it), is rechecked whenever it is shown (inbox, unread counter, API, e-mail), and an
organisation that leaves the team stops hearing of the case. The iCal feed names the case by
number only.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Leefgebied
from cases.policies import case_scoped_filter
from meetings import services
from meetings.models import Agreement, Notification, ReminderKind
from meetings.reminders import reminders_scan
from meetings.tasks import send_notification_emails
from partners.models import Organisation

pytestmark = pytest.mark.django_db

NOTIFICATIONS = "/api/v1/notifications"
AGREEMENT = "Fictief-MERK-afspraak-WPI"
PLACE = "Fictief-MERK-locatie Keizersgracht 1"


def overdue_agreement(case, people, orgs, *, person=None, code="WPI") -> Agreement:
    agreement = services.agreement_create(
        case=case,
        by=people["regisseur"],
        description=AGREEMENT,
        owner_organisation=orgs[code],
        owner_person=person,
        deadline=timezone.localdate() + timedelta(days=1),
    )
    Agreement.objects.filter(pk=agreement.pk).update(
        deadline=timezone.localdate() - timedelta(days=1)
    )
    return agreement


def wpi_leaves(case, people) -> None:
    membership = case.team.get(organisation__code="WPI", left_on__isnull=True)
    case_services.team_member_leave(membership=membership, by=people["regisseur"])


def notified(agreement: Agreement) -> set:
    return set(
        Notification.objects.filter(
            reminder__kind=ReminderKind.AGREEMENT_OVERDUE, reminder__object_id=agreement.pk
        ).values_list("user__username", flat=True)
    )


# --- created only for who sees the case ---------------------------------------------------------


def test_the_owning_organisation_on_the_team_is_notified(team_case, people, orgs):
    """Through its contact person: nobody of WPI is named on the team."""
    User = type(people["partner"])
    User.objects.filter(pk=people["partner"].pk).update(organisation_contact=True)
    agreement = overdue_agreement(team_case, people, orgs)
    reminders_scan()
    assert notified(agreement) == {"reg", "ah", "ip"}


def test_an_organisation_that_left_the_team_is_not_notified(team_case, people, orgs):
    """Its agreement stays open: the regisseur and the accounthouder hear of it, and decide
    (hand it to another partner, or mark it not done)."""
    named = overdue_agreement(team_case, people, orgs, person=people["partner"])
    unnamed = overdue_agreement(team_case, people, orgs)
    wpi_leaves(team_case, people)
    reminders_scan()
    assert notified(named) == notified(unnamed) == {"reg", "ah"}
    assert not Notification.objects.filter(user=people["partner"], event="").exists()


def test_a_named_person_who_moved_to_another_organisation_is_not_notified(team_case, people, orgs):
    agreement = overdue_agreement(team_case, people, orgs, person=people["partner"])
    partner = people["partner"]
    partner.organisation = orgs["DJI"]  # not on the team
    partner.save()
    reminders_scan()
    assert notified(agreement) == {"reg", "ah"}


def test_people_who_cannot_sign_in_are_not_notified(team_case, people, orgs):
    agreement = overdue_agreement(team_case, people, orgs, person=people["partner"])
    people["accounthouder"].is_active = False
    people["accounthouder"].save()
    people["partner"].is_active = False
    people["partner"].save()
    reminders_scan()
    assert notified(agreement) == {"reg"}


def test_the_fan_out_to_an_organisations_contacts_respects_the_team(team_case, people, orgs):
    """An agreement without a named person reaches the owning organisation's contact people,
    but only while the organisation is on the team."""
    User = type(people["partner"])
    contact = User.objects.create(
        username="ip-2", organisation=orgs["WPI"], email="ip-2@example.invalid"
    )
    User.objects.filter(pk=contact.pk).update(organisation_contact=True)
    on_team = overdue_agreement(team_case, people, orgs)
    reminders_scan()
    assert notified(on_team) == {"reg", "ah", contact.username}
    wpi_leaves(team_case, people)
    later = overdue_agreement(team_case, people, orgs, code="GGD")
    Agreement.objects.filter(pk=later.pk).update(owner_organisation=orgs["WPI"])
    reminders_scan()
    assert notified(later) == {"reg", "ah"}


def test_reminders_carry_no_health_goal_content(plan_at, people):
    plan = plan_at("approved")
    health = plan.goals.get(leefgebied=Leefgebied.GEZONDHEID)
    type(health).objects.filter(pk=health.pk).update(goal="Fictief-MERK-zorgdoel")
    result = reminders_scan(today=timezone.localdate() + timedelta(weeks=30))
    messages = list(Notification.objects.values_list("message", flat=True))
    assert result.notifications_created == len(messages) > 0
    assert not any("Fictief-MERK-zorgdoel" in m for m in messages)


# --- rechecked when shown -----------------------------------------------------------------------


@pytest.fixture
def notified_then_left(team_case, people, orgs):
    """WPI's partner got the reminder of WPI's overdue agreement; then WPI left the team."""
    overdue_agreement(team_case, people, orgs, person=people["partner"])
    reminders_scan()
    mine = Notification.objects.get(user=people["partner"], event="")
    wpi_leaves(team_case, people)
    return mine


def test_the_inbox_and_the_counter_hide_what_is_no_longer_visible(
    client, notified_then_left, people
):
    client.force_login(people["partner"])
    page = client.get(reverse("meetings:inbox")).content.decode()
    assert AGREEMENT not in page
    assert f'data-testid="notification-{notified_then_left.pk}"' not in page
    assert 'data-testid="unread-count"' not in page
    read = client.post(reverse("meetings:notification_read", args=[notified_then_left.pk]))
    assert read.status_code == 404
    client.force_login(people["regisseur"])  # the regisseur still sees the case and the reminder
    page = client.get(reverse("meetings:inbox")).content.decode()
    assert AGREEMENT in page
    assert 'data-testid="unread-count">1<' in page


def test_the_api_hides_what_is_no_longer_visible(api_as, notified_then_left, people):
    client = api_as(people["partner"])
    listed = client.get(NOTIFICATIONS)
    assert listed.json()["count"] == 0
    assert AGREEMENT not in listed.content.decode()
    assert client.post(f"{NOTIFICATIONS}/{notified_then_left.pk}/read").status_code == 404
    assert client.post(f"{NOTIFICATIONS}/read-all").json() == {"marked": 0}
    notified_then_left.refresh_from_db()
    assert notified_then_left.read_at is None
    regisseur = api_as(people["regisseur"]).get(NOTIFICATIONS)
    assert AGREEMENT in regisseur.content.decode()


def test_no_e_mail_about_what_is_no_longer_visible(notified_then_left, people, mailoutbox):
    ids = list(Notification.objects.filter(event="").values_list("pk", flat=True))
    sent = send_notification_emails(ids)
    assert sent == len(ids) - 1
    assert people["partner"].email not in {to for m in mailoutbox for to in m.to}
    directing = {people["regisseur"].email, people["accounthouder"].email}
    assert {m.to[0] for m in mailoutbox} == directing
    notified_then_left.refresh_from_db()
    assert notified_then_left.emailed_at is None


# --- the calendar feed --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["regisseur", "partner"])
def test_the_calendar_feed_names_the_case_by_number_only(client, team_case, people, who):
    uvo = services.uvo_plan(
        case=team_case,
        by=people["regisseur"],
        planned_at=timezone.now() + timedelta(days=3),
        place=PLACE,
    )
    feed = services.calendar_feed_get(by=people[who])
    body = client.get(f"/agenda/{feed.token}.ics").content.decode()
    assert f"UID:uvo-{uvo.pk}@" in body
    assert f"SUMMARY:UVO casus {team_case.pk}" in body
    assert "Fictief-MERK-locatie" not in body
    assert "LOCATION" not in body
    assert team_case.person.last_name not in body
    assert team_case.person.first_name not in body
    assert Organisation.objects.get(code="WPI").name not in body


# --- the API's lists: the visible case ids written into the filter ----------------------------


def test_inline_ids_filter_the_same_rows_as_the_subquery(team_case, case_at, people, orgs):
    """WPI is on the team of one case and not of another: both forms give that case's
    agreements only."""
    elsewhere = case_at("in_regie")
    for case in (team_case, elsewhere):
        services.agreement_create(
            case=case,
            by=people["regisseur"],
            description=f"Fictief-afspraak {case.pk}",
            owner_organisation=orgs["RN"],
            deadline=timezone.localdate() + timedelta(days=7),
        )
    for user in (people["partner"], people["regisseur"], people["outsider"]):
        subquery = set(Agreement.objects.filter(case_scoped_filter(user, part="uvo")))
        inline = set(
            Agreement.objects.filter(case_scoped_filter(user, part="uvo", inline_ids=True))
        )
        assert inline == subquery
    seen = Agreement.objects.filter(case_scoped_filter(people["partner"], inline_ids=True))
    assert {a.case_id for a in seen} == {team_case.pk}
