"""Exactly once: one reminder per (kind, object, due date), one notification per reminder and
person, one e-mail per notification, however often the scan and the mail task run."""

from __future__ import annotations

import smtplib
from datetime import date, datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import Case
from meetings import outbox, services
from meetings.models import EmailState, Notification, Reminder, ReminderKind
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


def sent() -> int:
    return Notification.objects.filter(email_state=EmailState.SENT).count()


def test_the_daily_task_mails_each_notification_once(overdue_case, people):
    daily_scan.delay()  # eager in tests: the scan, then the mail task it queues
    regisseur, accounthouder = people["regisseur"].email, people["accounthouder"].email
    assert recipients() == sorted([regisseur, regisseur, accounthouder, accounthouder])
    assert sent() == 4
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert {m.subject for m in mail.outbox} == {
        "Regie: UVO te laat",
        "Regie: Plan nog niet ingediend",
    }

    daily_scan.delay()
    send_notification_emails.delay(list(Notification.objects.values_list("pk", flat=True)))
    outbox.sweep()
    assert len(mail.outbox) == 4


def test_each_mail_carries_its_notifications_stable_message_id(overdue_case, people):
    daily_scan.delay()
    by_id = {n.message_id: n for n in Notification.objects.all()}
    assert {m.extra_headers["Message-ID"] for m in mail.outbox} == set(by_id)
    assert all(m.startswith("<regie.notification.") for m in by_id)
    assert all(m.endswith("@example.invalid>") for m in by_id)


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
    outbox.sweep()
    assert len(mail.outbox) == 4


def test_a_read_notification_is_not_mailed_afterwards(overdue_case, people):
    with mock.patch("meetings.tasks.send_notification_emails.apply_async", side_effect=OSError):
        daily_scan.delay()  # the mail task could not be queued
    assert mail.outbox == []
    services.notifications_mark_all_read(by=people["regisseur"])
    outbox.sweep()  # five minutes later
    assert set(recipients()) == {people["accounthouder"].email}


def flaky_send(fail_at: int, error: Exception):
    """EmailMessage.send that raises `error` on its `fail_at`-th call."""
    real = EmailMessage.send
    calls = []

    def send(message, *args, **kwargs):
        calls.append(message.to)
        if len(calls) == fail_at:
            raise error
        return real(message, *args, **kwargs)

    return mock.patch.object(EmailMessage, "send", autospec=True, side_effect=send)


def test_a_failed_send_is_retried_without_sending_twice(overdue_case, people):
    reminders_scan()
    ids = list(Notification.objects.order_by("pk").values_list("pk", flat=True))
    with flaky_send(2, OSError("SMTP server went away")), pytest.raises(OSError, match="SMTP"):
        send_notification_emails(ids)  # called directly: the retry re-raises
    assert len(mail.outbox) == 1
    assert sent() == 1
    # What was not sent is pending again, with the attempt and the error recorded.
    released = Notification.objects.exclude(email_state=EmailState.SENT)
    assert set(released.values_list("email_state", "email_attempts")) == {(EmailState.PENDING, 1)}
    assert "SMTP server went away" in released.first().email_error
    assert send_notification_emails(ids) == 3
    assert send_notification_emails(ids) == 0
    assert len(mail.outbox) == 4
    assert len(set(recipients())) == 2


def test_a_refused_recipient_does_not_stop_the_others_and_fails_after_the_last_attempt(
    overdue_case, people, settings
):
    settings.REGIE_EMAIL_MAX_ATTEMPTS = 2
    reminders_scan()
    ids = list(Notification.objects.order_by("pk").values_list("pk", flat=True))
    refused = smtplib.SMTPRecipientsRefused({"x@example.invalid": (550, b"no such user")})
    with flaky_send(1, refused):
        assert send_notification_emails(ids) == 3
    first = Notification.objects.get(pk=ids[0])
    assert (first.email_state, first.email_attempts) == (EmailState.PENDING, 1)
    with flaky_send(1, refused):
        assert outbox.sweep() == 0
    first.refresh_from_db()
    assert (first.email_state, first.email_attempts) == (EmailState.FAILED, 2)
    assert outbox.sweep() == 0  # failed is final: the beheerder sees it in the admin
    assert len(mail.outbox) == 3


def test_a_notification_claimed_by_another_task_is_skipped(overdue_case, people):
    reminders_scan()
    ids = list(Notification.objects.values_list("pk", flat=True))
    outbox.claim(
        list(Notification.objects.filter(user=people["regisseur"]).values_list("pk", flat=True)),
        now=timezone.now(),
    )
    assert send_notification_emails(ids) == 2
    assert set(recipients()) == {people["accounthouder"].email}


def test_a_mail_left_sending_by_a_crash_is_sent_by_the_sweeper_once(overdue_case, people):
    """The process died after claiming (before or while handing the mail over): nothing was
    marked sent; once the claim is stale the sweeper sends it, once."""
    reminders_scan()
    ids = list(Notification.objects.values_list("pk", flat=True))
    claimed_at = timezone.now()
    outbox.claim(ids, now=claimed_at)  # ... and the worker is killed here
    assert outbox.sweep(now=claimed_at + timedelta(minutes=5)) == 0  # not stale yet
    assert outbox.sweep(now=claimed_at + timedelta(minutes=16)) == 4
    assert outbox.sweep(now=claimed_at + timedelta(minutes=30)) == 0
    assert len(mail.outbox) == 4
    assert sent() == 4


def test_the_catch_up_stops_after_a_week(overdue_case, people):
    reminders_scan()
    Notification.objects.update(created_at=timezone.now() - timedelta(days=8))
    daily_scan.delay()
    outbox.sweep()
    assert mail.outbox == []


def test_the_mail_step_claims_a_batch_in_one_update(overdue_case, people):
    """Set-based claim: one UPDATE for the batch, however many notifications it holds; each
    mail is recorded sent as soon as the server accepted it (one UPDATE each: a crash can then
    repeat at most the one mail in flight); a failure releases the rest in one more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    reminders_scan()
    ids = list(Notification.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) == 4

    def updates(queries) -> list[str]:
        return [q["sql"] for q in queries if q["sql"].startswith('UPDATE "meetings_notification"')]

    with (
        CaptureQueriesContext(connection) as failing,
        flaky_send(3, OSError("SMTP server went away")),
        pytest.raises(OSError, match="SMTP"),
    ):
        send_notification_emails(ids)
    claims = [q for q in updates(failing.captured_queries) if "'sending'" in q or "sending" in q]
    assert len(updates(failing.captured_queries)) == 1 + 2 + 2  # claim, 2 sent, release
    assert claims
    assert sent() == 2
