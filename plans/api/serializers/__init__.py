"""Input and output serializers of the plans API, one module per resource.

Input serializers check the shape of a request; the rules of the domain are checked by the
services they feed (`plans.services`). Output serializers read what the views loaded (goals,
advice and the case team prefetched) and cause no query of their own.

Health goals (leefgebied 9) are read as `plans.policies.goal_is_readable` says: for a user who may
not read one, every content field is null and the goal says `restricted: true` (`redact_goal`);
evaluation results and ITAT's advice on it likewise. Every name is importable from here, as
before the split."""

from __future__ import annotations

from plans.api.serializers.common import (
    CaseRefSerializer,
    ItatMeetingRefSerializer,
    LockVersionField,
    PersonRefSerializer,
    VisiblePlanField,
)
from plans.api.serializers.evaluations import (
    EvaluationInputSerializer,
    EvaluationSerializer,
    GoalEvaluationSerializer,
    GoalResultInputSerializer,
)
from plans.api.serializers.goals import (
    GoalAmendmentInputSerializer,
    GoalCommitmentSerializer,
    GoalCreateSerializer,
    GoalFieldsSerializer,
    GoalProgressInputSerializer,
    GoalProgressSerializer,
    GoalUpdateSerializer,
    PlanAmendmentSerializer,
    PlanGoalSerializer,
)
from plans.api.serializers.history import HistoryChangeSerializer, HistoryEntrySerializer
from plans.api.serializers.itat import (
    ItatAgendaItemSerializer,
    ItatMeetingDetailSerializer,
    ItatMeetingListSerializer,
)
from plans.api.serializers.plans import (
    PLAN_TRANSITION_CHOICES,
    ItatAdviceInputSerializer,
    ItatAdviceSerializer,
    PlanApproveSerializer,
    PlanCreateSerializer,
    PlanDetailSerializer,
    PlanListSerializer,
    PlanReturnSerializer,
    PlanStatusChangeSerializer,
    PlanUpdateSerializer,
)

__all__ = [
    "PLAN_TRANSITION_CHOICES",
    "CaseRefSerializer",
    "EvaluationInputSerializer",
    "EvaluationSerializer",
    "GoalAmendmentInputSerializer",
    "GoalCommitmentSerializer",
    "GoalCreateSerializer",
    "GoalEvaluationSerializer",
    "GoalFieldsSerializer",
    "GoalProgressInputSerializer",
    "GoalProgressSerializer",
    "GoalResultInputSerializer",
    "GoalUpdateSerializer",
    "HistoryChangeSerializer",
    "HistoryEntrySerializer",
    "ItatAdviceInputSerializer",
    "ItatAdviceSerializer",
    "ItatAgendaItemSerializer",
    "ItatMeetingDetailSerializer",
    "ItatMeetingListSerializer",
    "ItatMeetingRefSerializer",
    "LockVersionField",
    "PersonRefSerializer",
    "PlanAmendmentSerializer",
    "PlanApproveSerializer",
    "PlanCreateSerializer",
    "PlanDetailSerializer",
    "PlanGoalSerializer",
    "PlanListSerializer",
    "PlanReturnSerializer",
    "PlanStatusChangeSerializer",
    "PlanUpdateSerializer",
    "VisiblePlanField",
]
