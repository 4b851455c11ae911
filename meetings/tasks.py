"""Celery tasks: thin adapters over the services. Retried on failure; idempotent by design."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import DatabaseError
from django.utils import timezone

from meetings.models import Notification, NotificationPreference

logger = logging.getLogger(__name__)


@shared_task(bind=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def daily_scan(self) -> dict:
    """The 07:00 scan. A second run (or a retry) creates nothing twice."""
    from meetings.reminders import reminders_scan
    from meetings.services import enqueue

    result = reminders_scan()
    if result.notification_ids:
        enqueue(send_notification_emails, result.notification_ids)
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
    """E-mail the notifications whose user wants e-mail; marks each so none is sent twice."""
    opted_out = set(
        NotificationPreference.objects.filter(email=False).values_list("user_id", flat=True)
    )
    sent = 0
    pending = Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("user")
    for notification in pending:
        user = notification.user
        if user.pk in opted_out or not user.email:
            continue
        send_mail(
            subject="Regie: herinnering",
            message=notification.message,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent
