"""Need-to-know for plans: the case's rules, plus ITAT for plans put on its agenda."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from cases.models import Case, Leefgebied
from cases.policies import actor_for, case_can_read_health, case_is_directed_by
from cases.workflow import CaseStatus
from plans.workflow import PLAN_TRANSITIONS, PlanStatus

REVIEW = "plans.review_plan"


def plan_visibility_filter(user) -> Q:
    """Plans of visible cases; for ITAT members also every plan ever submitted to ITAT (while
    on the agenda, and its history afterwards)."""
    visible = Q(Exists(Case.objects.visible_to(user).filter(pk=OuterRef("case_id"))))
    if actor_for(user).has(REVIEW):
        visible |= Q(submitted_at__isnull=False)
    return visible


def plan_can(user, plan, action: str) -> bool:
    """May `user` do `action` to `plan` (which they can see)?"""
    case = plan.case
    actor = actor_for(user)
    transition = PLAN_TRANSITIONS.get(action)
    if transition is not None:
        if plan.status != transition.source:
            return False
        if action == "submit":
            return case_is_directed_by(user, case) and case.status == CaseStatus.IN_REGIE
        return actor.has(transition.permission)
    if action == "edit":
        return plan.status == PlanStatus.DRAFT and case_is_directed_by(user, case)
    if action == "revise":
        return (
            plan.status == PlanStatus.APPROVED
            and case_is_directed_by(user, case)
            and case.status == CaseStatus.IN_REGIE
        )
    if action == "advise":
        return plan.status == PlanStatus.SUBMITTED and actor.has(REVIEW)
    if action == "evaluate":
        return plan.status == PlanStatus.APPROVED and case_is_directed_by(user, case)
    raise ValueError(f"Unknown plan action {action!r}")


def case_can_plan(user, case) -> bool:
    """May the user start a plan (version 1) for this case?"""
    return case.status == CaseStatus.IN_REGIE and case_is_directed_by(user, case)


def goal_can_commit(user, goal) -> bool:
    """The responsible organisation answers for its own goals, before approval."""
    return (
        goal.responsible_organisation_id is not None
        and goal.responsible_organisation_id == actor_for(user).organisation_id
        and goal.plan.status in (PlanStatus.DRAFT, PlanStatus.SUBMITTED)
    )


def goal_is_readable(user, goal, case) -> bool:
    """Health goals (leefgebied 9) are as narrow as basisdossier section 9."""
    return goal.leefgebied != Leefgebied.GEZONDHEID or case_can_read_health(user, case)


def referral_can_answer(user) -> bool:
    return actor_for(user).has(REVIEW)
