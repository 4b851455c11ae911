"""Celery tasks: thin adapters over the services. Retried on failure; idempotent by design."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import DatabaseError, transaction
from django.utils import timezone

from meetings.models import Notification, NotificationPreference

logger = logging.getLogger(__name__)

#: How far back the daily scan looks for unread notifications whose e-mail never went out.
EMAIL_CATCH_UP_DAYS = 7


@shared_task(bind=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def daily_scan(self) -> dict:
    """The 07:00 scan. A second run (or a retry) creates nothing twice."""
    from meetings.reminders import reminders_scan
    from meetings.selectors import notifications_to_email
    from meetings.services import enqueue

    result = reminders_scan()
    # This run's notifications and any an earlier run could not queue (broker down).
    unsent = notifications_to_email(since=timezone.now() - timedelta(days=EMAIL_CATCH_UP_DAYS))
    if unsent:
        enqueue(send_notification_emails, unsent)
    logger.info(
        "daily_scan: %s findings, %s new reminders, %s notifications",
        result.findings,
        result.reminders_created,
        result.notifications_created,
    )
    return {
        "findings": result.findings,
        "reminders": result.reminders_created,
        "notifications": result.notifications_created,
    }


#: Notifications claimed (one UPDATE) and sent (one SMTP connection) together.
EMAIL_BATCH_SIZE = 500


def _claim(notification_ids: list[int], at) -> set[int]:
    """Mark these notifications as e-mailed, in one UPDATE, and return the ids this task claimed:
    not those already e-mailed, nor those another task is claiming at this moment (locked)."""
    with transaction.atomic():
        claimable = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk__in=notification_ids, emailed_at__isnull=True)
            .order_by()
            .values_list("pk", flat=True)
        )
        if claimable:
            Notification.objects.filter(pk__in=claimable).update(emailed_at=at)
    return set(claimable)


@shared_task(bind=True, autoretry_for=(OSError, DatabaseError), retry_backoff=True, max_retries=5)
def send_notification_emails(self, notification_ids: list[int]) -> int:
    """E-mail the notifications whose user wants e-mail, each at most once: a batch is claimed
    (`emailed_at` set, one UPDATE) before its mail goes out, and what was not sent is released
    (one UPDATE) if sending fails, so a retry or a second task with the same ids sends nothing
    twice. A notification about a case its user no longer sees is not sent (need-to-know is
    asked again, as in the inbox)."""
    from meetings.selectors import notifications_deliverable

    opted_out = set(
        NotificationPreference.objects.filter(email=False).values_list("user_id", flat=True)
    )
    wanted = [
        n
        for n in notifications_deliverable(notification_ids=notification_ids)
        if n.user_id not in opted_out and n.user.email
    ]
    sent = 0
    for start in range(0, len(wanted), EMAIL_BATCH_SIZE):
        batch = wanted[start : start + EMAIL_BATCH_SIZE]
        claimed = _claim([n.pk for n in batch], timezone.now())
        unsent = set(claimed)
        try:
            with get_connection() as connection:
                for notification in batch:
                    if notification.pk not in claimed:
                        continue  # claimed meanwhile by another task
                    send_mail(
                        subject="Regie: herinnering",
                        message=notification.message,
                        from_email=settings.DEFAULT_FROM_EMAIL,
                        recipient_list=[notification.user.email],
                        connection=connection,
                    )
                    unsent.discard(notification.pk)
                    sent += 1
        except Exception:
            Notification.objects.filter(pk__in=unsent).update(emailed_at=None)
            raise
    return sent
