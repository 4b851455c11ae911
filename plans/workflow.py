"""The plan cycle as data (docs/domain.md, step 4): draft → submitted → returned | approved."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import REVIEW_EVENT_DAYS as _REVIEW_EVENT_DAYS
from cases.workflow import ActorRule, CaseStatus


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to ITAT")
    APPROVED = "approved", _("Approved (in force)")
    SUPERSEDED = "superseded", _("Superseded")


#: A plan version that is still being worked on or reviewed; at most one per case.
OPEN_STATUSES = (PlanStatus.DRAFT, PlanStatus.SUBMITTED)


@dataclass(frozen=True)
class PlanTransition:
    name: str
    source: PlanStatus
    target: PlanStatus
    #: Who may take it, evaluated by `cases.policies.actor_rule_holds`.
    actor: ActorRule
    permissions: tuple[str, ...]
    label: str
    #: The case must be in one of these statuses (empty: any).
    case_statuses: frozenset[str] = frozenset()


PLAN_TRANSITIONS: dict[str, PlanTransition] = {
    t.name: t
    for t in [
        PlanTransition(
            "submit",
            PlanStatus.DRAFT,
            PlanStatus.SUBMITTED,
            ActorRule.DIRECTOR,
            (),
            _("Submit to ITAT"),
            frozenset({CaseStatus.IN_REGIE}),
        ),
        PlanTransition(
            "return",
            PlanStatus.SUBMITTED,
            PlanStatus.DRAFT,
            ActorRule.PERMISSION,
            ("plans.review_plan",),
            _("Return with advice"),
        ),
        PlanTransition(
            "approve",
            PlanStatus.SUBMITTED,
            PlanStatus.APPROVED,
            ActorRule.PERMISSION,
            ("plans.review_plan",),
            _("Approve"),
        ),
    ]
}


class GoalStatus(models.TextChoices):
    OPEN = "open", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    STALLED = "stalled", _("Stalled")
    STOPPED = "stopped", _("Stopped")


#: Where a goal's status may go from each status, recorded as progress (`GoalProgress`) at any
#: time, without a new plan version. Nothing goes back to "not started"; the same status again
#: is a note without a change. An achieved goal that did not hold, or a stopped one taken up
#: again, is under way again.
GOAL_STATUS_MOVES: dict[str, frozenset[str]] = {
    GoalStatus.OPEN: frozenset(
        {GoalStatus.IN_PROGRESS, GoalStatus.ACHIEVED, GoalStatus.STALLED, GoalStatus.STOPPED}
    ),
    GoalStatus.IN_PROGRESS: frozenset(
        {GoalStatus.ACHIEVED, GoalStatus.STALLED, GoalStatus.STOPPED}
    ),
    GoalStatus.STALLED: frozenset(
        {GoalStatus.IN_PROGRESS, GoalStatus.ACHIEVED, GoalStatus.STOPPED}
    ),
    GoalStatus.ACHIEVED: frozenset({GoalStatus.IN_PROGRESS}),
    GoalStatus.STOPPED: frozenset({GoalStatus.IN_PROGRESS}),
}


class ChangeKind(models.TextChoices):
    """What a change to a goal of the plan in force is (`GOAL_FIELD_CHANGES`)."""

    AMENDMENT = "amendment", _("Amendment: recorded, the plan stays in force")
    REVISION = "revision", _("Revision: a new version for ITAT")


#: The rule between small changes and revisions, per field of a goal. An amendment changes the
#: plan in force at once (who, when, why recorded; the case team told); a revision is a new
#: version that goes to ITAT. Adding or removing a goal is always a revision.
GOAL_FIELD_CHANGES: dict[str, ChangeKind] = {
    "start_date": ChangeKind.AMENDMENT,
    "target_date": ChangeKind.AMENDMENT,
    "professional": ChangeKind.AMENDMENT,
    "interventions": ChangeKind.AMENDMENT,
    "goal": ChangeKind.REVISION,
    "leefgebied": ChangeKind.REVISION,
    "responsible_organisation": ChangeKind.REVISION,
    # A goal about someone else (a brother, sister or child) is another aim.
    "concerns": ChangeKind.REVISION,
}
AMENDABLE_FIELDS = tuple(
    name for name, kind in GOAL_FIELD_CHANGES.items() if kind == ChangeKind.AMENDMENT
)


class Commitment(models.TextChoices):
    """A plan item is not real until the responsible partner commits ("boter bij de vis")."""

    PENDING = "pending", _("Awaiting commitment")
    COMMITTED = "committed", _("Committed")
    DECLINED = "declined", _("Declined")


class EvaluationResult(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")
    PARTLY = "partly", _("Partly achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")


#: The evaluation result a goal's recorded status suggests (the regisseur confirms or changes it).
RESULT_FROM_STATUS: dict[str, str] = {
    GoalStatus.ACHIEVED: EvaluationResult.ACHIEVED,
    GoalStatus.IN_PROGRESS: EvaluationResult.PARTLY,
    GoalStatus.STALLED: EvaluationResult.NOT_ACHIEVED,
    GoalStatus.STOPPED: EvaluationResult.NOT_ACHIEVED,
}


class EvaluationConclusion(models.TextChoices):
    CONTINUE = "continue", _("Continue the plan")
    REVISE = "revise", _("Revise the plan")
    EXPERT_GROUP = "expert_group", _("Refer to the ITAT-Expertgroep")
    OUTFLOW = "outflow", _("Propose outflow")


#: Justice-chain events that call for a look at the plan (defined with the timeline's kinds).
REVIEW_EVENT_DAYS = _REVIEW_EVENT_DAYS


class ReviewOutcome(models.TextChoices):
    EVALUATED = "evaluated", _("Evaluated")
    NO_CHANGE = "no_change", _("No change needed")
