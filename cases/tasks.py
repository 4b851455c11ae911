"""Scheduled work of the cases app."""

from __future__ import annotations

from celery import shared_task


@shared_task
def anonymise_due() -> dict:
    """Once a day: anonymise the cases (and persons) whose retention period has passed
    (cases.retention). Idempotent: what is anonymised is not due again."""
    from cases.retention import anonymise_due as run

    done = run()
    return {"cases": len(done.cases), "persons": len(done.persons)}
