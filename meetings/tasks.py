"""Celery tasks: thin adapters over the services. Retried on failure; idempotent by design."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import DatabaseError
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


@shared_task(bind=True, autoretry_for=(OSError, DatabaseError), retry_backoff=True, max_retries=5)
def send_notification_emails(self, notification_ids: list[int]) -> int:
    """E-mail the notifications whose user wants e-mail, each at most once: a notification is
    claimed (`emailed_at` set) before its mail goes out, and released if sending fails, so a
    retry or a second task with the same ids sends nothing twice. A notification about a case
    its user no longer sees is not sent (need-to-know is asked again, as in the inbox)."""
    from meetings.selectors import notifications_deliverable

    opted_out = set(
        NotificationPreference.objects.filter(email=False).values_list("user_id", flat=True)
    )
    sent = 0
    for notification in notifications_deliverable(notification_ids=notification_ids):
        user = notification.user
        if user.pk in opted_out or not user.email:
            continue
        unsent = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True)
        if not unsent.update(emailed_at=timezone.now()):
            continue  # claimed meanwhile by another task
        try:
            send_mail(
                subject="Regie: herinnering",
                message=notification.message,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[user.email],
            )
        except Exception:
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
            raise
        sent += 1
    return sent
