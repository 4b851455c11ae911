"""Helpers shared by the plans API tests."""

from __future__ import annotations

from django.utils import timezone

from cases.models import Case, Leefgebied
from plans.models import ItatMeeting, Plan, PlanGoal
from plans.workflow import PlanStatus
from tests.cases.api.helpers import assert_problem, invalid_names  # noqa: F401  (re-exported)
from tests.factories import CaseFactory


def goal_on(plan: Plan, leefgebied: int) -> PlanGoal:
    return plan.goals.get(leefgebied=leefgebied)


def health_goal(plan: Plan) -> PlanGoal:
    return goal_on(plan, Leefgebied.GEZONDHEID)


def etag(plan: Plan) -> str:
    plan.refresh_from_db()
    return f'"{plan.pk}-{plan.lock_version}"'


def extra_plan(people, *, status: str = PlanStatus.DRAFT, meeting: ItatMeeting | None = None):
    """A plan with one goal for another case of the same regisseur, built cheaply (no services:
    only for counting queries)."""
    case = CaseFactory(
        status="in_regie",
        regie_organisation=people["regisseur"].organisation,
        regisseur=people["regisseur"],
        accounthouder=people["accounthouder"],
        regie_style="case",
    )
    submitted = status != PlanStatus.DRAFT
    plan = Plan.objects.create(
        case=case,
        version=1,
        status=status,
        created_by=people["regisseur"],
        submitted_at=timezone.now() if submitted else None,
        itat_meeting=meeting,
    )
    PlanGoal.objects.create(
        plan=plan,
        leefgebied=Leefgebied.FINANCIEN,
        goal="Fictief extra doel",
        responsible_organisation=people["partner"].organisation,
    )
    return plan


def case_of(plan: Plan) -> Case:
    return Case.objects.get(pk=plan.case_id)
