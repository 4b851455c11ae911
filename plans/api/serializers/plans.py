"""Serializers of the plans API (`/plans/`): plan versions, their transitions and ITAT's advice
(on a health goal redacted like the goal)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from acvz.api.serializers import UserRefSerializer, VisibleCaseField
from cases.policies import CasePart
from plans.api.serializers.common import (
    CaseRefSerializer,
    ItatMeetingRefSerializer,
    LockVersionField,
    _user,
)
from plans.api.serializers.goals import PlanGoalSerializer
from plans.models import ItatAdvice, Plan, PlanGoal, PlanStatusChange
from plans.policies import plan_can, redact_advice
from plans.workflow import PLAN_TRANSITIONS, PlanStatus

#: The transition actions of a plan (`POST /plans/{id}/<name>/`), as data for the schema.
PLAN_TRANSITION_CHOICES = [(name, t.label) for name, t in PLAN_TRANSITIONS.items()]


class ItatAdviceSerializer(serializers.ModelSerializer):
    """ITAT's advice on the plan (`goal` null) or on one goal; kept when the plan is returned."""

    text = serializers.CharField(read_only=True, allow_null=True)
    restricted = serializers.SerializerMethodField(
        help_text="True for advice on a health goal this user may not read: `text` is null."
    )
    author = UserRefSerializer(read_only=True)

    class Meta:
        model = ItatAdvice
        fields = ["id", "goal", "text", "restricted", "author", "created_at"]
        read_only_fields = fields

    def get_restricted(self, advice: ItatAdvice) -> bool:
        return getattr(advice, "restricted", False)

    def to_representation(self, advice: ItatAdvice) -> dict:
        shown = redact_advice(_user(self), advice, case=self.context["case"])
        return super().to_representation(shown)


class PlanStatusChangeSerializer(serializers.ModelSerializer):
    from_status = serializers.ChoiceField(choices=PlanStatus.choices, read_only=True)
    to_status = serializers.ChoiceField(choices=PlanStatus.choices, read_only=True)
    by = UserRefSerializer(read_only=True)

    class Meta:
        model = PlanStatusChange
        fields = ["from_status", "to_status", "by", "at", "reason", "fingerprint"]
        read_only_fields = fields


class PlanListSerializer(serializers.ModelSerializer):
    case = CaseRefSerializer(read_only=True)
    status = serializers.ChoiceField(choices=PlanStatus.choices, read_only=True)
    itat_meeting = ItatMeetingRefSerializer(
        read_only=True, allow_null=True, help_text="The ITAT meeting whose agenda it is on."
    )
    lock_version = serializers.IntegerField(
        read_only=True,
        help_text="Optimistic locking: bumped by every change to the plan's content and status. "
        'The `ETag` header is `"<id>-<lock_version>"`.',
    )

    class Meta:
        model = Plan
        fields = [
            "id",
            "updated_at",
            "case",
            "version",
            "status",
            "created_at",
            "itat_meeting",
            "submitted_at",
            "approved_at",
            "superseded_at",
            "lock_version",
        ]
        read_only_fields = fields


class PlanDetailSerializer(PlanListSerializer):
    """A plan with its goals, ITAT's advice and its status changes. Needs the plan as
    `plans.selectors.plan_get` loads it."""

    created_by = UserRefSerializer(read_only=True)
    approved_by = UserRefSerializer(read_only=True, allow_null=True)
    fingerprint = serializers.CharField(
        read_only=True,
        help_text="SHA-256 of the content as approved: exactly what ITAT approved (empty before).",
    )
    goals = serializers.SerializerMethodField()
    advice = serializers.SerializerMethodField()
    status_changes = PlanStatusChangeSerializer(many=True, read_only=True)
    transitions = serializers.SerializerMethodField(
        help_text="The transition actions this user may call now, e.g. `submit`."
    )
    can_edit = serializers.SerializerMethodField(
        help_text="Whether this user may change the analysis and the goals now (a draft, by "
        "the regisseur or accounthouder)."
    )
    can_advise = serializers.SerializerMethodField(
        help_text="Whether this user may add ITAT advice now (`POST .../advice/`)."
    )

    class Meta(PlanListSerializer.Meta):
        fields = [
            *PlanListSerializer.Meta.fields,
            "analysis",
            "based_on",
            "created_by",
            "approved_by",
            "fingerprint",
            "goals",
            "advice",
            "status_changes",
            "transitions",
            "can_edit",
            "can_advise",
        ]
        read_only_fields = fields

    @extend_schema_field(PlanGoalSerializer(many=True))
    def get_goals(self, plan: Plan) -> list[dict]:
        return PlanGoalSerializer(plan.goals.all(), many=True, context=self.context).data

    @extend_schema_field(ItatAdviceSerializer(many=True))
    def get_advice(self, plan: Plan) -> list[dict]:
        context = {**self.context, "case": plan.case}
        return ItatAdviceSerializer(plan.advice.all(), many=True, context=context).data

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=PLAN_TRANSITION_CHOICES))
    )
    def get_transitions(self, plan: Plan) -> list[str]:
        user = _user(self)
        return [name for name in PLAN_TRANSITIONS if plan_can(user, plan, name)]

    def get_can_edit(self, plan: Plan) -> bool:
        return plan_can(_user(self), plan, "edit")

    def get_can_advise(self, plan: Plan) -> bool:
        return plan_can(_user(self), plan, "advise")


class PlanCreateSerializer(serializers.Serializer):
    case = VisibleCaseField(
        part=CasePart.PLAN,
        help_text="The case: version 1, or a new version copied from the plan in force.",
    )


class PlanUpdateSerializer(serializers.Serializer):
    analysis = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The regisseur's analysis and vision; left out: kept.",
    )
    lock_version = LockVersionField()


class PlanApproveSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="Why the plan is approved while goals have no commitment of their "
        "organisation (unanswered or declined); required then, kept with the approval.",
    )


class PlanReturnSerializer(serializers.Serializer):
    advice = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="The advice the plan is returned with; required unless advice was already "
        "given on this version.",
    )


class ItatAdviceInputSerializer(serializers.Serializer):
    """Needs `plan` in the context: the goal must be one of its goals."""

    text = serializers.CharField()
    goal = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The goal the advice is about; left out: the plan as a whole.",
    )

    def validate_goal(self, value: int | None) -> PlanGoal | None:
        if value is None:
            return None
        goal = next((g for g in self.context["plan"].goals.all() if g.pk == value), None)
        if goal is None:
            raise serializers.ValidationError(
                _("This is not a goal of this plan."), code="does_not_exist"
            )
        return goal
