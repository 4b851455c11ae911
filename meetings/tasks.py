"""Celery tasks: thin adapters over the services. Retried on failure; idempotent by design.

Each task may run again at any moment (a retry, a message redelivered after its worker died,
beat and a person by hand): the daily scan makes every reminder once (a unique constraint) and
the outbox sends every e-mail once (`meetings.outbox`). See docs/operations.md.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from meetings import outbox

logger = logging.getLogger(__name__)


@shared_task(bind=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def daily_scan(self) -> dict:
    """The 07:00 scan. A second run (or a retry) creates nothing twice."""
    from meetings.reminders import daily_scan_run
    from meetings.services import enqueue

    result = daily_scan_run(today=timezone.localdate())
    # This run's notifications and any an earlier run could not queue (broker down).
    unsent = outbox.pending_ids(since=timezone.now() - timedelta(days=outbox.EMAIL_CATCH_UP_DAYS))
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
    """E-mail these notifications through the outbox: each once, never marked sent before the
    mail server accepted it; what a failure left unsent is pending again for the retry."""
    return outbox.send(notification_ids)


@shared_task(bind=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=3)
def email_sweep(self) -> int:
    """Every 5 minutes: send again what a crash left sending, and what waits."""
    return outbox.sweep()


@shared_task(bind=True, autoretry_for=(OSError, DatabaseError), retry_backoff=True, max_retries=3)
def email_digests(self) -> int:
    """Once a day: one e-mail per user who chose a digest, with what waits for them."""
    return outbox.send_digests()


@shared_task(bind=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=3)
def webhooks_dispatch(self) -> int:
    """After a commit that recorded events: fan them out and send what is due."""
    from meetings import webhooks

    return webhooks.dispatch()


@shared_task(bind=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=3)
def webhooks_sweep(self) -> int:
    """Every minute: retries that are due, events a down broker left, a crash's leftovers."""
    from meetings import webhooks

    return webhooks.sweep()
