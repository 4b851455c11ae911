"""Applications at outside bodies for a goal of the plan in force: what is requested where,
granted or refused, and how long it waits (issue 15: understand the bottlenecks).

Recorded by whoever records the goal's progress (`goal_can_record_progress`): the regisseur or
the goal's responsible organisation. An application follows its goal's need-to-know (one for
treatment on a health goal is health content). Figures: `meetings.figures.waiting_times`.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from acvz.audit import audited
from acvz.errors import DomainError, NotAllowed
from plans.models import Application, ApplicationStatus, PlanGoal
from plans.policies import goal_can_record_progress


def _bad(message: str) -> DomainError:
    return DomainError(message, code="invalid", status_code=400)


def _check_day(day: date, *, after: date | None = None) -> None:
    if day > timezone.localdate():
        raise _bad(_("This day is still to come."))
    if after is not None and day < after:
        raise _bad(_("The decision cannot come before the request."))


@audited
@transaction.atomic
def application_record(
    *, goal: PlanGoal, by, kind: str, body: str, requested_on: date, note: str = ""
) -> Application:
    goal = PlanGoal.objects.select_related("plan__case").get(pk=goal.pk)
    if not goal_can_record_progress(by, goal):
        raise NotAllowed(
            _("The regisseur or the goal's responsible organisation records its applications.")
        )
    _check_day(requested_on)
    application = Application(
        goal=goal, kind=kind, body=body, requested_on=requested_on, note=note, recorded_by=by
    )
    application.full_clean(exclude=["goal", "recorded_by"])
    application.save()
    return application


@audited
@transaction.atomic
def application_decide(
    *,
    application: Application,
    by,
    status: str,
    decided_on: date | None,
    note: str,
    expected_lock_version: int | None = None,
) -> Application:
    """The outside body's answer (granted, refused) or a withdrawal; back to "requested"
    undoes a decision recorded by mistake (the history keeps it)."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("goal__plan__case")
        .get(pk=application.pk)
    )
    if expected_lock_version is not None and expected_lock_version != application.lock_version:
        raise DomainError(
            _("Someone else changed this application meanwhile; read it again."), code="stale"
        )
    if not goal_can_record_progress(by, application.goal):
        raise NotAllowed(
            _("The regisseur or the goal's responsible organisation records its applications.")
        )
    if status not in ApplicationStatus.values:
        raise _bad(_("Choose a status."))
    if status == ApplicationStatus.REQUESTED:
        decided_on = None
    elif decided_on is None:
        raise _bad(_("Give the day of the decision."))
    else:
        _check_day(decided_on, after=application.requested_on)
    application.status = status
    application.decided_on = decided_on
    application.note = note
    application.lock_version += 1
    application.full_clean(exclude=["goal", "recorded_by"])
    application.save()
    return application
