"""Input and output serializers of the plans API.

Input serializers check the shape of a request; the rules of the domain are checked by the
services they feed (`plans.services`). Output serializers read what the views loaded (goals,
advice and the case team prefetched) and cause no query of their own.

Health goals (leefgebied 9) are read as `plans.policies.goal_is_readable` says: for a user who may
not read one, every content field is null and the goal says `restricted: true` (`redact_goal`);
evaluation results and ITAT's advice on it likewise.
The reference serializers are the plans API's own (an app does not reach into another's API);
their schema components carry a `Plan` prefix so they do not collide with the cases API's.
"""

from __future__ import annotations

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from acvz.api.serializers import OrganisationRefSerializer, UserRefSerializer, VisibleCaseField
from acvz.api.serializers import PersonRefSerializer as BasePersonRefSerializer
from cases.models import Case, Leefgebied
from cases.policies import CasePart
from cases.workflow import CaseStatus
from partners.models import Organisation, User
from plans.models import (
    Evaluation,
    GoalEvaluation,
    GoalProgress,
    ItatAdvice,
    ItatMeeting,
    Plan,
    PlanAmendment,
    PlanGoal,
    PlanStatusChange,
)
from plans.policies import (
    goal_can_commit,
    plan_can,
    redact_advice,
    redact_evaluation_result,
    redact_goal,
)
from plans.workflow import (
    PLAN_TRANSITIONS,
    Commitment,
    EvaluationConclusion,
    EvaluationResult,
    GoalStatus,
    PlanStatus,
)

#: The transition actions of a plan (`POST /plans/{id}/<name>/`), as data for the schema.
PLAN_TRANSITION_CHOICES = [(name, t.label) for name, t in PLAN_TRANSITIONS.items()]

# --- references to other objects ----------------------------------------------------------------


@extend_schema_serializer(component_name="PlanPersonRef")
class PersonRefSerializer(BasePersonRefSerializer):
    pass


@extend_schema_serializer(component_name="PlanCaseRef")
class CaseRefSerializer(serializers.ModelSerializer):
    person = PersonRefSerializer(read_only=True)
    status = serializers.ChoiceField(choices=CaseStatus.choices, read_only=True)

    class Meta:
        model = Case
        fields = ["id", "status", "person"]
        read_only_fields = fields


class ItatMeetingRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ItatMeeting
        fields = ["id", "date"]
        read_only_fields = fields


# --- goals --------------------------------------------------------------------------------------


def _user(serializer: serializers.Serializer):
    return serializer.context["request"].user


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


# --- plans --------------------------------------------------------------------------------------


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


# --- plan input ---------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class VisiblePlanField(serializers.PrimaryKeyRelatedField):
    """A plan the requesting user may see; any other id is "does not exist", never "hidden"."""

    def get_queryset(self):
        return Plan.objects.visible_to(self.context["request"].user).select_related("case")


class PlanCreateSerializer(serializers.Serializer):
    case = VisibleCaseField(
        part=CasePart.PLAN,
        help_text="The case: version 1, or a new version copied from the plan in force.",
    )


class LockVersionField(serializers.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2**31 - 1)  # the column's range
        kwargs.setdefault(
            "help_text",
            "The plan's `lock_version` you read. When the plan changed meanwhile the answer is "
            "409 `stale` and nothing is written. Left out (and no `If-Match`): no check.",
        )
        super().__init__(**kwargs)


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


# --- goal input ---------------------------------------------------------------------------------


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


# --- ITAT meetings ------------------------------------------------------------------------------


class ItatAgendaItemSerializer(serializers.ModelSerializer):
    """A plan on a meeting's agenda (`plans.selectors.itat_agenda`)."""

    case = CaseRefSerializer(read_only=True)
    regie_organisation = OrganisationRefSerializer(
        source="case.regie_organisation", read_only=True, allow_null=True
    )
    regisseur = UserRefSerializer(source="case.regisseur", read_only=True, allow_null=True)
    goal_count = serializers.IntegerField(read_only=True)
    open_commitments = serializers.IntegerField(
        read_only=True, help_text="Goals whose responsible organisation has not committed yet."
    )

    class Meta:
        model = Plan
        fields = [
            "id",
            "updated_at",
            "version",
            "case",
            "regie_organisation",
            "regisseur",
            "submitted_at",
            "goal_count",
            "open_commitments",
        ]
        read_only_fields = fields


class ItatMeetingListSerializer(serializers.ModelSerializer):
    plan_count = serializers.IntegerField(
        read_only=True, help_text="Submitted plans on the agenda."
    )

    class Meta:
        model = ItatMeeting
        fields = ["id", "date", "held", "plan_count"]
        read_only_fields = fields


class ItatMeetingDetailSerializer(ItatMeetingListSerializer):
    agenda = ItatAgendaItemSerializer(
        many=True, read_only=True, help_text="The submitted plans, in order of submission."
    )

    class Meta(ItatMeetingListSerializer.Meta):
        fields = [*ItatMeetingListSerializer.Meta.fields, "notes", "agenda"]
        read_only_fields = fields


# --- evaluations --------------------------------------------------------------------------------


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


# --- history ------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="PlanHistoryChange")
class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


@extend_schema_serializer(component_name="PlanHistoryEntry")
class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    user = UserRefSerializer(allow_null=True)
    what = serializers.CharField(help_text="The plan version or the goal that changed.")
    action = serializers.CharField(help_text="created, changed or deleted (translated).")
    changes = HistoryChangeSerializer(many=True)
