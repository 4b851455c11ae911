"""The plan cycle as data (docs/domain.md, step 4): draft → submitted → returned | approved."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

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
    STOPPED = "stopped", _("Stopped")


class Commitment(models.TextChoices):
    """A plan item is not real until the responsible partner commits ("boter bij de vis")."""

    PENDING = "pending", _("Awaiting commitment")
    COMMITTED = "committed", _("Committed")
    DECLINED = "declined", _("Declined")


class EvaluationResult(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")
    PARTLY = "partly", _("Partly achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")


class EvaluationConclusion(models.TextChoices):
    CONTINUE = "continue", _("Continue the plan")
    REVISE = "revise", _("Revise the plan")
    EXPERT_GROUP = "expert_group", _("Refer to the ITAT-Expertgroep")
    OUTFLOW = "outflow", _("Propose outflow")
