"""Justice-chain events call for a look at the plan (issue 15).

An event of a kind in `REVIEW_EVENT_DAYS` on a case in regie or outflow — shared by a partner,
pushed through the API, or derived from a new offence record — opens one `PlanReview`, due in
the programme's number of days for that kind. The regisseur closes it by evaluating the plan
(`evaluation_record` closes every open one) or by recording that no change is needed. The
regisseur is told with the event's notification (meetings.notify), which names the due date.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from acvz.audit import audited
from acvz.errors import DomainError, NotAllowed
from cases.policies import case_is_directed_by
from cases.workflow import REGIE_STATUSES
from plans.models import PlanReview
from plans.workflow import REVIEW_EVENT_DAYS, ReviewOutcome


def review_days(programme, kind: str) -> int | None:
    """Days to look at the plan after an event of `kind` in `programme` (None: no review)."""
    if kind not in REVIEW_EVENT_DAYS:
        return None
    return (programme.event_review_days or {}).get(kind) or REVIEW_EVENT_DAYS[kind]


def review_due(event, programme) -> date | None:
    days = review_days(programme, event.kind)
    if days is None:
        return None
    # From the day the event reached Regie: a late push, or a court date ahead, still gives
    # the regisseur the agreed number of days.
    return timezone.localtime(event.created_at).date() + timedelta(days=days)


def open_review_on_event(sender, *, event: str, case, by, **details) -> None:
    """Receiver of `cases.events.case_event`: a timeline event of a reviewing kind opens one
    review (a repeated push of the same event opens none: it is the same row)."""
    if event != "timeline":
        return
    timeline_event = details["timeline_event"]
    if case.status not in REGIE_STATUSES:
        return
    due = review_due(timeline_event, case.programme)
    if due is None:
        return
    PlanReview.objects.get_or_create(event=timeline_event, defaults={"case": case, "due_on": due})


def open_reviews(case):
    return case.plan_reviews.filter(closed_at__isnull=True).select_related("event")


@audited
@transaction.atomic
def review_close(*, review: PlanReview, by, note: str) -> PlanReview:
    """The regisseur (or accounthouder) records that the event needs no change of the plan."""
    review = PlanReview.objects.select_for_update().select_related("case").get(pk=review.pk)
    if not (case_is_directed_by(by, review.case) and review.case.status in REGIE_STATUSES):
        raise NotAllowed(_("The case's regisseur looks at the plan."))
    if review.closed_at is not None:
        raise DomainError(_("This look at the plan is already recorded."), code="conflict")
    if not note.strip():
        raise DomainError(_("Say why the plan can stay as it is."), code="invalid", status_code=400)
    review.closed_at = timezone.now()
    review.closed_by = by
    review.outcome = ReviewOutcome.NO_CHANGE
    review.note = note
    review.full_clean(exclude=["case", "event", "closed_by", "evaluation"])
    review.save()
    return review


def close_by_evaluation(*, case, evaluation, by) -> int:
    """An evaluation of the plan closes every open review of the case."""
    return case.plan_reviews.filter(closed_at__isnull=True).update(
        closed_at=timezone.now(),
        closed_by=by,
        outcome=ReviewOutcome.EVALUATED,
        evaluation=evaluation,
    )
