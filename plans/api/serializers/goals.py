"""Serializers of the goals API (`/plan-goals/`): goals, commitments, progress, amendments.

Health goals (leefgebied 9) are read as `plans.policies.goal_is_readable` says: for a user who may
not read one, every content field is null and the goal says `restricted: true` (`redact_goal`)."""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from acvz.api.serializers import OrganisationRefSerializer, UserRefSerializer
from cases.models import Leefgebied
from partners.models import Organisation, User
from plans.api.serializers.common import (
    LockVersionField,
    PersonRefSerializer,
    VisiblePlanField,
    _user,
)
from plans.models import GoalProgress, PlanAmendment, PlanGoal
from plans.policies import goal_can_commit, redact_goal
from plans.workflow import Commitment, GoalStatus


class PlanGoalSerializer(serializers.ModelSerializer):
    """One goal. The goal's `plan` must come with its case and the case team loaded."""

    restricted = serializers.SerializerMethodField(
        help_text="True for a health goal (leefgebied 9) this user may not read: every content "
        "field is then null."
    )
    goal = serializers.CharField(read_only=True, allow_null=True)
    interventions = serializers.CharField(read_only=True, allow_null=True)
    responsible_organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    professional = UserRefSerializer(read_only=True, allow_null=True)
    concerns = PersonRefSerializer(
        read_only=True,
        allow_null=True,
        help_text="The family member the goal is about (a brother, sister or child); null: the "
        "person.",
    )
    start_date = serializers.DateField(read_only=True, allow_null=True)
    target_date = serializers.DateField(read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=GoalStatus.choices, read_only=True, allow_null=True)
    commitment = serializers.ChoiceField(
        choices=Commitment.choices,
        read_only=True,
        allow_null=True,
        help_text="The responsible organisation's answer: a goal is not real until it commits.",
    )
    commitment_reason = serializers.CharField(
        read_only=True, allow_null=True, help_text="Why the organisation declined."
    )
    committed_by = UserRefSerializer(read_only=True, allow_null=True)
    committed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    can_commit = serializers.SerializerMethodField(
        help_text="Whether this user answers for the goal now (`POST .../commitment/`)."
    )
    lock_version = serializers.IntegerField(
        source="plan.lock_version",
        read_only=True,
        help_text="The plan's lock version (goals are locked with their plan).",
    )

    class Meta:
        model = PlanGoal
        fields = [
            "id",
            "updated_at",
            "plan",
            "leefgebied",
            "restricted",
            "goal",
            "interventions",
            "responsible_organisation",
            "professional",
            "concerns",
            "start_date",
            "target_date",
            "status",
            "commitment",
            "commitment_reason",
            "committed_by",
            "committed_at",
            "origin",
            "can_commit",
            "lock_version",
        ]
        read_only_fields = fields

    def get_restricted(self, goal: PlanGoal) -> bool:
        return getattr(goal, "restricted", False)

    def get_can_commit(self, goal: PlanGoal) -> bool:
        return not self.get_restricted(goal) and goal_can_commit(_user(self), goal)

    def to_representation(self, goal: PlanGoal) -> dict:
        return super().to_representation(redact_goal(_user(self), goal))


class GoalFieldsSerializer(serializers.Serializer):
    """The content of a goal. Needs `goal` in the context for a change (dates are compared with
    the goal's current ones)."""

    leefgebied = serializers.ChoiceField(choices=Leefgebied.choices)
    goal = serializers.CharField(help_text="What the goal is.")
    interventions = serializers.CharField(required=False, allow_blank=True)
    responsible_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.active(),
        required=False,
        allow_null=True,
        help_text="Needed for every goal before the plan can be submitted; it is asked to commit.",
    )
    professional = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="The professional of the responsible organisation.",
    )
    start_date = serializers.DateField(required=False, allow_null=True)
    target_date = serializers.DateField(required=False, allow_null=True)
    lock_version = LockVersionField()

    def validate(self, attrs: dict) -> dict:
        current = self.context.get("goal")

        def value(name: str):
            return attrs[name] if name in attrs else getattr(current, name, None)

        start, target = value("start_date"), value("target_date")
        if start and target and target < start:
            raise serializers.ValidationError(
                {"target_date": _("The target date lies before the start.")}, code="invalid"
            )
        professional, organisation = value("professional"), value("responsible_organisation")
        if professional is not None and (
            organisation is None or professional.organisation_id != organisation.pk
        ):
            raise serializers.ValidationError(
                {"professional": _("The professional must work for the responsible organisation.")},
                code="invalid",
            )
        return attrs


class GoalCreateSerializer(GoalFieldsSerializer):
    plan = VisiblePlanField(help_text="A draft version of a plan.")


class GoalUpdateSerializer(GoalFieldsSerializer):
    """A PATCH: fields left out keep their value."""


class GoalCommitmentSerializer(serializers.Serializer):
    committed = serializers.BooleanField(
        help_text="True: your organisation can deliver the goal; false: it declines."
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required when declining."
    )

    def validate(self, attrs: dict) -> dict:
        if not attrs["committed"] and not attrs["reason"].strip():
            raise serializers.ValidationError(
                {"reason": _("Say why your organisation cannot deliver this goal.")},
                code="required",
            )
        return attrs


class GoalProgressSerializer(serializers.ModelSerializer):
    """A step in a goal's progress: recorded on the plan in force, no new version."""

    recorded_by = UserRefSerializer(read_only=True)
    uvo = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The UVO it was recorded at, if any."
    )

    class Meta:
        model = GoalProgress
        fields = [
            "id",
            "goal",
            "from_status",
            "status",
            "note",
            "on",
            "uvo",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class _CaseUvoField(serializers.PrimaryKeyRelatedField):
    """A UVO of the case of the goal in the serializer's context (any other id: not found)."""

    def get_queryset(self):
        meetings = apps.get_model("meetings", "UvoMeeting")  # meetings builds on plans
        goal = self.context.get("goal")
        if goal is None:
            return meetings.objects.none()
        return meetings.objects.filter(case_id=goal.plan.case_id)


class GoalProgressInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=GoalStatus.choices,
        help_text="The goal's status from now on (see the moves in the description); its "
        "current status again records a note.",
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="What happened; required when the status stays the same.",
    )
    on = serializers.DateField(required=False, help_text="The day it happened (default today).")
    uvo = _CaseUvoField(required=False, allow_null=True, help_text="A UVO of the same case.")


class PlanAmendmentSerializer(serializers.ModelSerializer):
    by = UserRefSerializer(read_only=True)
    changes = serializers.DictField(
        read_only=True,
        help_text="Per changed field: [before, after] as shown to people (null for free text, "
        "which the goal's history keeps).",
    )

    class Meta:
        model = PlanAmendment
        fields = ["id", "plan", "goal", "changes", "reason", "by", "at"]
        read_only_fields = fields


class GoalAmendmentInputSerializer(serializers.Serializer):
    """The fields of `plans.workflow.GOAL_FIELD_CHANGES`: the amendments may change here; the
    revision fields are accepted only to answer 409 `revision_required` when they differ."""

    reason = serializers.CharField(help_text="Why the plan changes; kept, the team is told.")
    interventions = serializers.CharField(required=False, allow_blank=True)
    professional = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(), required=False, allow_null=True
    )
    start_date = serializers.DateField(required=False, allow_null=True)
    target_date = serializers.DateField(required=False, allow_null=True)
    goal = serializers.CharField(required=False, help_text="Revision: not changed here.")
    leefgebied = serializers.ChoiceField(
        choices=Leefgebied.choices, required=False, help_text="Revision: not changed here."
    )
    responsible_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, help_text="Revision."
    )
    lock_version = serializers.IntegerField(
        required=False, help_text="The plan's version counter as you read it (or If-Match)."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        goal = self.context.get("goal")
        if goal is not None:
            self.fields["professional"].queryset = User.objects.filter(
                is_active=True, organisation_id=goal.responsible_organisation_id
            )

    def validate(self, attrs: dict) -> dict:
        start = attrs.get("start_date", getattr(self.context.get("goal"), "start_date", None))
        target = attrs.get("target_date", getattr(self.context.get("goal"), "target_date", None))
        if start and target and target < start:
            raise serializers.ValidationError(
                {"target_date": _("The target date lies before the start.")}, code="invalid"
            )
        return attrs
