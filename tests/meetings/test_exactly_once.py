"""Exactly once: one reminder per (kind, object, due date), one notification per reminder and
person, one e-mail per notification, however often the scan and the mail task run."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import Case
from meetings import services
from meetings.models import Notification, Reminder, ReminderKind
from meetings.reminders import reminders_scan
from meetings.tasks import daily_scan, send_notification_emails

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
START = date(2026, 1, 5)


def at(day: date, hour: int = 7) -> datetime:
    return datetime.combine(day, time(hour), AMS)


@pytest.fixture
def overdue_case(case_at) -> Case:
    """A case in regie for 100 days without a UVO or a plan: two overdue items."""
    case = case_at("in_regie")
    Case.objects.filter(pk=case.pk).update(regie_started_at=timezone.now() - timedelta(days=100))
    return case


def test_a_second_scan_creates_nothing(overdue_case, people):
    first = reminders_scan()
    assert (first.reminders_created, first.notifications_created) == (2, 4)
    reminders, notifications = Reminder.objects.count(), Notification.objects.count()
    second = reminders_scan()
    assert (second.findings, second.reminders_created, second.notifications_created) == (2, 0, 0)
    assert second.notification_ids == []
    assert (Reminder.objects.count(), Notification.objects.count()) == (reminders, notifications)


def test_a_new_due_date_is_a_new_reminder(case_at, people):
    with time_machine.travel(at(START), tick=False):
        case = case_at("in_regie")
    with time_machine.travel(at(START + timedelta(days=64)), tick=False):
        reminders_scan()
    first_due = START + timedelta(weeks=8)
    uvo = Reminder.objects.filter(kind=ReminderKind.UVO_OVERDUE, case=case)
    assert list(uvo.values_list("due_date", flat=True)) == [first_due]

    held = START + timedelta(days=70)
    with time_machine.travel(at(held), tick=False):
        meeting = services.uvo_plan(case=case, by=people["regisseur"], planned_at=at(held, 10))
        services.uvo_record(meeting=meeting, by=people["regisseur"], held_on=held, minutes="")
        assert reminders_scan().reminders_created == 0  # nothing new is due
    with time_machine.travel(at(held + timedelta(days=64)), tick=False):
        result = reminders_scan()
    with time_machine.travel(at(held + timedelta(days=64), hour=8), tick=False):
        assert reminders_scan().reminders_created == 0
    assert result.reminders_created == 1  # the plan reminder of day 64 stays the same
    assert sorted(uvo.values_list("due_date", flat=True)) == [first_due, held + timedelta(weeks=8)]
    regisseur_uvo = Notification.objects.filter(
        user=people["regisseur"], reminder__kind=ReminderKind.UVO_OVERDUE
    )
    assert regisseur_uvo.count() == 2


def test_the_database_refuses_a_duplicate_reminder_and_notification(overdue_case, people):
    reminders_scan()
    reminder = Reminder.objects.filter(kind=ReminderKind.UVO_OVERDUE).get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            kind=reminder.kind,
            content_type=ContentType.objects.get_for_model(Case),
            object_id=reminder.object_id,
            due_date=reminder.due_date,
            case=overdue_case,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(reminder=reminder, user=people["regisseur"], message="Nogmaals")
    # Another due date, kind or object is another reminder.
    Reminder.objects.create(
        kind=reminder.kind,
        content_type=reminder.content_type,
        object_id=reminder.object_id,
        due_date=reminder.due_date + timedelta(days=1),
        case=overdue_case,
    )


# --- e-mail -------------------------------------------------------------------------------------


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_the_daily_task_mails_each_notification_once(overdue_case, people):
    daily_scan.delay()  # eager in tests: the scan, then the mail task it queues
    regisseur, accounthouder = people["regisseur"].email, people["accounthouder"].email
    assert recipients() == sorted([regisseur, regisseur, accounthouder, accounthouder])
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert mail.outbox[0].subject == "Regie: herinnering"

    daily_scan.delay()
    send_notification_emails.delay(list(Notification.objects.values_list("pk", flat=True)))
    assert len(mail.outbox) == 4


def test_mail_respects_the_preference(overdue_case, people):
    services.notification_preference_set(by=people["accounthouder"], email=False)
    daily_scan.delay()
    assert set(recipients()) == {people["regisseur"].email}
    # The inbox has them all the same.
    assert Notification.objects.filter(user=people["accounthouder"]).count() == 2
    # E-mail on again: the next scan mails what is still unread from the last week, once.
    services.notification_preference_set(by=people["accounthouder"], email=True)
    daily_scan.delay()
    assert recipients().count(people["accounthouder"].email) == 2
    daily_scan.delay()
    assert len(mail.outbox) == 4


def test_a_read_notification_is_not_mailed_afterwards(overdue_case, people):
    with mock.patch("meetings.tasks.send_notification_emails.apply_async", side_effect=OSError):
        daily_scan.delay()  # the mail task could not be queued
    assert mail.outbox == []
    services.notifications_mark_all_read(by=people["regisseur"])
    daily_scan.delay()
    assert set(recipients()) == {people["accounthouder"].email}


def test_a_failed_send_is_retried_without_sending_twice(overdue_case, people):
    reminders_scan()
    ids = list(Notification.objects.order_by("pk").values_list("pk", flat=True))
    real_send = mail.send_mail
    calls = []

    def flaky(*args, **kwargs):
        calls.append(kwargs["recipient_list"])
        if len(calls) == 2:
            raise OSError("SMTP server went away")
        return real_send(*args, **kwargs)

    with (
        mock.patch("meetings.tasks.send_mail", side_effect=flaky),
        pytest.raises(OSError, match="SMTP"),
    ):
        send_notification_emails(ids)  # called directly: the retry re-raises
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 1  # released
    assert send_notification_emails(ids) == 3
    assert send_notification_emails(ids) == 0
    assert len(mail.outbox) == 4
    assert len(set(recipients())) == 2


def test_a_notification_claimed_by_another_task_is_skipped(overdue_case, people):
    reminders_scan()
    ids = list(Notification.objects.values_list("pk", flat=True))
    claimed = Notification.objects.filter(user=people["regisseur"])
    claimed.update(emailed_at=timezone.now())
    assert send_notification_emails(ids) == 2
    assert set(recipients()) == {people["accounthouder"].email}


def test_the_catch_up_stops_after_a_week(overdue_case, people):
    reminders_scan()
    Notification.objects.update(created_at=timezone.now() - timedelta(days=8))
    daily_scan.delay()
    assert mail.outbox == []


def test_the_mail_step_claims_and_releases_per_batch_not_per_notification(overdue_case, people):
    """Set-based: one UPDATE claims a batch, however many notifications it holds; a failure
    releases what was not sent in one more UPDATE."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    reminders_scan()
    ids = list(Notification.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) == 4

    def updates(queries) -> list[str]:
        return [q["sql"] for q in queries if q["sql"].startswith('UPDATE "meetings_notification"')]

    def fail_third(*args, calls=[], **kwargs):  # noqa: B006 (a counter across calls)
        calls.append(1)
        if len(calls) == 3:
            raise OSError("SMTP server went away")
        return mail.send_mail(*args, **kwargs)

    with (
        CaptureQueriesContext(connection) as failing,
        mock.patch("meetings.tasks.send_mail", side_effect=fail_third),
        pytest.raises(OSError, match="SMTP"),
    ):
        send_notification_emails(ids)
    assert len(updates(failing.captured_queries)) == 2  # the claim, the release
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 2

    with CaptureQueriesContext(connection) as retried:
        assert send_notification_emails(ids) == 2
    assert len(updates(retried.captured_queries)) == 1
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert len(mail.outbox) == 4
