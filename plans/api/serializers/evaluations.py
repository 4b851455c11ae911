"""Serializers of the evaluations API (`/evaluations/`); results on a health goal are redacted like
the goal."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from acvz.api.serializers import UserRefSerializer
from plans.api.serializers.common import VisiblePlanField, _user
from plans.models import Evaluation, GoalEvaluation
from plans.policies import redact_evaluation_result
from plans.workflow import EvaluationConclusion, EvaluationResult


class GoalEvaluationSerializer(serializers.ModelSerializer):
    leefgebied = serializers.IntegerField(source="goal.leefgebied", read_only=True)
    restricted = serializers.SerializerMethodField(
        help_text="True for a health goal this user may not read: `result` and `explanation` "
        "are null."
    )
    result = serializers.ChoiceField(
        choices=EvaluationResult.choices, read_only=True, allow_null=True
    )
    explanation = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = GoalEvaluation
        fields = ["id", "goal", "leefgebied", "restricted", "result", "explanation"]
        read_only_fields = fields

    def get_restricted(self, row: GoalEvaluation) -> bool:
        return getattr(row, "restricted", False)

    def to_representation(self, row: GoalEvaluation) -> dict:
        shown = redact_evaluation_result(_user(self), row, case=self.context["case"])
        return super().to_representation(shown)


class EvaluationSerializer(serializers.ModelSerializer):
    """Needs the evaluation's plan with its case and the case team loaded."""

    case = serializers.IntegerField(source="plan.case_id", read_only=True)
    conclusion = serializers.ChoiceField(choices=EvaluationConclusion.choices, read_only=True)
    created_by = UserRefSerializer(read_only=True)
    results = serializers.SerializerMethodField()

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "updated_at",
            "plan",
            "case",
            "due_date",
            "held_on",
            "conclusion",
            "summary",
            "created_by",
            "created_at",
            "results",
        ]
        read_only_fields = fields

    @extend_schema_field(GoalEvaluationSerializer(many=True))
    def get_results(self, evaluation: Evaluation) -> list[dict]:
        context = {**self.context, "case": evaluation.plan.case}
        return GoalEvaluationSerializer(evaluation.results.all(), many=True, context=context).data


class GoalResultInputSerializer(serializers.Serializer):
    goal = serializers.IntegerField(help_text="A goal of the evaluated plan.")
    result = serializers.ChoiceField(choices=EvaluationResult.choices)
    explanation = serializers.CharField(required=False, allow_blank=True, default="")


class EvaluationInputSerializer(serializers.Serializer):
    plan = VisiblePlanField(help_text="The plan in force (approved).")
    held_on = serializers.DateField(help_text="Not in the future.")
    conclusion = serializers.ChoiceField(choices=EvaluationConclusion.choices)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    question = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="The question for the ITAT-Expertgroep; required with `expert_group`.",
    )
    results = GoalResultInputSerializer(
        many=True, help_text="One result for every goal of the plan."
    )

    def validate_held_on(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError(
                _("An evaluation cannot be held in the future."), code="invalid"
            )
        return value

    def validate(self, attrs: dict) -> dict:
        expert_group = attrs["conclusion"] == EvaluationConclusion.EXPERT_GROUP
        if expert_group and not attrs["question"].strip():
            raise serializers.ValidationError(
                {"question": _("Give the question for the expert group.")}, code="required"
            )
        goals = {goal.pk: goal for goal in attrs["plan"].goals.all()}
        given = [row["goal"] for row in attrs["results"]]
        if any(pk not in goals for pk in given):
            raise serializers.ValidationError(
                {"results": _("A result names a goal that is not a goal of this plan.")},
                code="does_not_exist",
            )
        if len(set(given)) != len(given) or set(given) != set(goals):
            raise serializers.ValidationError(
                {"results": _("Give one result for every goal of the plan.")}, code="invalid"
            )
        attrs["results"] = [
            (goals[row["goal"]], row["result"], row["explanation"]) for row in attrs["results"]
        ]
        return attrs
