"""Housekeeping tasks of the partners app."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

#: A form's one-time token is remembered this long: enough for any double POST.
SUBMISSION_KEPT = timedelta(days=1)


@shared_task
def forget_submissions() -> int:
    """Delete the one-time form tokens older than a day (one DELETE)."""
    from partners.models import Submission

    deleted, _by_model = Submission.objects.filter(
        created_at__lt=timezone.now() - SUBMISSION_KEPT
    ).delete()
    return deleted
