"""The plans API: thin adapters over `plans.selectors` (reads) and `plans.services` (writes).

Visibility is `Plan.objects.visible_to` (`plans.policies`): the plans of the cases whose plan the
user reads (the case team, the programme team's support, ITAT while a plan of the case is on its
agenda and REGIE_ITAT_READ_WEEKS after its decision, the Expertgroep while a referral is open). A
plan, goal or evaluation the user may not see is a 404, exactly like a missing one. A refused
transition (`DomainError`) is a 409 problem, an action the user's role does not allow
(`NotAllowed`) a 403.

Optimistic locking: every response with one plan or goal carries the plan's `ETag`,
`"<plan id>-<lock_version>"` (goals are locked with their plan). A write with `If-Match` naming
an older ETag is a 412 `precondition_failed`; without `If-Match`, a stale `lock_version` in the
body is a 409 `stale`; with neither, the write applies (the browser pages work the same way
with their hidden `lock_version`). Commitments and advice do not change the plan's version:
they never overwrite what the regisseur writes.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.response import Response

from acvz.api import conditional
from acvz.api.filters import FILTER_AND_ORDER, FilterBackend, UpdatedSinceFilter
from acvz.api.input import validated
from acvz.api.schema import transition_schema, write_error_codes
from acvz.api.views import ValidatedInputMixin, url_pk
from acvz.errors import DomainError, NotAllowed
from cases.access import AccessLoggedMixin, visible_get
from cases.policies import actor_for
from partners.models import ApiScope
from plans import selectors, services
from plans.api.filters import EvaluationFilter, ItatMeetingFilter, PlanFilter, PlanGoalFilter
from plans.api.serializers import (
    EvaluationInputSerializer,
    EvaluationSerializer,
    GoalAmendmentInputSerializer,
    GoalCommitmentSerializer,
    GoalCreateSerializer,
    GoalProgressInputSerializer,
    GoalProgressSerializer,
    GoalUpdateSerializer,
    HistoryEntrySerializer,
    ItatAdviceInputSerializer,
    ItatAdviceSerializer,
    ItatMeetingDetailSerializer,
    ItatMeetingListSerializer,
    PlanAmendmentSerializer,
    PlanApproveSerializer,
    PlanCreateSerializer,
    PlanDetailSerializer,
    PlanGoalSerializer,
    PlanListSerializer,
    PlanReturnSerializer,
    PlanUpdateSerializer,
)
from plans.models import Evaluation, GoalEvaluation, ItatMeeting, Plan, PlanGoal
from plans.policies import REVIEW, goal_is_readable

# --- shared -------------------------------------------------------------------------------------


class PreconditionFailed(conditional.PreconditionFailed):
    default_detail = gettext_lazy(
        "The plan changed since you read it (If-Match names an older ETag). Nothing was "
        "written: read the plan again and retry."
    )


def plan_etag(plan: Plan) -> str:
    return f'"{plan.pk}-{plan.lock_version}"'


def _with_etag(plan: Plan) -> dict[str, str]:
    return {"ETag": plan_etag(plan)}


def _if_match_version(request, plan: Plan) -> int | None:
    """The lock version `If-Match` holds the client to: None without the header (or with `*`);
    412 when it names no current ETag of the plan (a weak ETag never matches, RFC 9110)."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    tags = conditional.entity_tags(header)
    if "*" in tags:
        return None
    if plan_etag(plan) not in tags:
        raise PreconditionFailed
    return plan.lock_version


def _locked_write(request, plan: Plan, body_version: int | None, write: Callable):
    """Run `write(expected_lock_version)` under the plan's optimistic lock: `If-Match` first
    (412), else the body's `lock_version` (409 `stale`), else unchecked. The service compares
    the version again under its row lock, so a concurrent change in between is caught too."""
    header_version = _if_match_version(request, plan)
    if header_version is None:
        return write(body_version)
    if body_version is not None and body_version != header_version:
        raise DomainError(
            _("The lock_version in the body is not the version your If-Match names."),
            code="stale",
        )
    with conditional.stale_fails_precondition(PreconditionFailed):
        return write(header_version)


@contextmanager
def _as_invalid_param(name: str):
    """A service's own 400 (bad input it can only judge after the permission check) becomes a
    problem with `invalid_params`, like every other bad input."""
    try:
        yield
    except DomainError as error:
        if error.status_code != status.HTTP_400_BAD_REQUEST:
            raise
        raise ValidationError({name: [ErrorDetail(error.message, code=error.code)]}) from error


def _readable_or_refuse(request, goal: PlanGoal) -> None:
    """Nobody writes or answers for a goal they may not read (a health goal, leefgebied 9)."""
    if not goal_is_readable(request.user, goal):
        raise NotAllowed(
            _(
                "This health goal is only for the regisseur, the accounthouder and health "
                "organisations on the case team."
            )
        )


_IF_MATCH = conditional.if_match_parameter(
    "The plan's `ETag` as you read it. When the plan changed meanwhile the answer is 412 "
    "`precondition_failed` and nothing is written."
)


def _etag_header(*codes: int) -> OpenApiParameter:
    return conditional.etag_parameter(
        list(codes), 'The plan\'s version, `"<plan id>-<lock_version>"`: send it as `If-Match`.'
    )


_LOCKING = (
    " Optimistic locking: with `If-Match` naming an older ETag the answer is 412 "
    "`precondition_failed`; without `If-Match`, a `lock_version` in the body that is no longer "
    "the plan's is a 409 `stale`; with neither the change applies. Nothing is written when "
    "refused."
)


# --- plans --------------------------------------------------------------------------------------


#: Writes whose service can refuse with a DomainError (409); writes under optimistic locking.
_PLAN_CONFLICTS = frozenset({"create", "partial_update", "submit", "approve", "return_", "advice"})
_PLAN_LOCKED = frozenset({"partial_update"})


def _transition_schema(summary: str, description: str, request=None):
    return transition_schema(
        summary,
        description,
        request,
        noun="plan",
        responses=PlanDetailSerializer,
        parameters=[_etag_header(200)],
    )


@extend_schema_view(
    list=extend_schema(
        summary="List plans",
        description="The plan versions this user may see: those of the cases whose plan the "
        "user reads. ITAT members read a case's plans while one is on the ITAT agenda and for "
        "`REGIE_ITAT_READ_WEEKS` (4 by default) after ITAT's decision; ITAT-Expertgroep members "
        "while a referral of the case is open.",
        responses=PlanListSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="Read a plan version",
        description="One plan version with its goals, ITAT's advice and its status changes. "
        "Health goals (leefgebied 9) have every content field null and `restricted: true` for "
        "users without health access to the case (the goal's responsible organisation reads "
        "its own goal), and so has ITAT's advice on them. The read is written to the access "
        "log.",
        responses=PlanDetailSerializer,
        parameters=[_etag_header(200)],
    ),
    create=extend_schema(
        summary="Start a plan version",
        description="By the case's regisseur or accounthouder while the case is in regie: "
        "version 1, or a new draft copied from the plan in force (which stays in force until "
        "the new version is approved). 409 `open_version_exists` when a version is being "
        "worked on.",
        request=PlanCreateSerializer,
        responses={201: PlanDetailSerializer},
        parameters=[_etag_header(201)],
    ),
    partial_update=extend_schema(
        summary="Change a plan's analysis",
        description="A draft, by the case's regisseur or accounthouder (else 403)." + _LOCKING,
        request=PlanUpdateSerializer,
        responses=PlanDetailSerializer,
        parameters=[_IF_MATCH, _etag_header(200)],
    ),
)
class PlanViewSet(
    AccessLoggedMixin, ValidatedInputMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    api_scope = ApiScope.PLANS
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = PlanFilter
    filter_backends = [*FILTER_AND_ORDER, UpdatedSinceFilter]
    ordering_fields = ["created_at", "submitted_at", "version"]

    @property
    def extra_error_codes(self) -> tuple[str, ...]:
        """Documents 409 and 412 on the writes that can produce them (see acvz.api.schema)."""
        return write_error_codes(self, _PLAN_CONFLICTS, _PLAN_LOCKED)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Plan.objects.none()
        return (
            Plan.objects.visible_to(self.request.user)
            .select_related("case__person", "itat_meeting")
            .order_by("-created_at", "-pk")
        )

    def get_serializer_class(self):
        return PlanListSerializer if self.action == "list" else PlanDetailSerializer

    def _plan(self) -> Plan:
        """The visible plan of the URL with its case and team (enough for the policies)."""
        queryset = (
            Plan.objects.visible_to(self.request.user)
            .select_related("case__person")
            .prefetch_related("case__team")
        )
        return visible_get(queryset, pk=url_pk(self.kwargs["pk"]))

    def _detail(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        """The plan as a write left it. Every writer still sees it: the regisseur directs the
        case, and ITAT reads the case for a while after approving or returning its plan."""
        plan = selectors.plan_get(user=self.request.user, pk=pk)
        data = PlanDetailSerializer(plan, context=self.get_serializer_context()).data
        return Response(data, status=status_code, headers=_with_etag(plan))

    def retrieve(self, request, *args, **kwargs):
        plan = selectors.plan_get(user=request.user, pk=url_pk(kwargs["pk"]))
        data = PlanDetailSerializer(plan, context=self.get_serializer_context()).data
        return Response(data, headers=_with_etag(plan))

    def create(self, request, *args, **kwargs):
        data = self._input(PlanCreateSerializer)
        plan = services.plan_start_version(case=data["case"], by=request.user)
        return self._detail(plan.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        plan = self._plan()
        data = self._input(PlanUpdateSerializer)
        _locked_write(
            request,
            plan,
            data.get("lock_version"),
            lambda expected: services.plan_update(
                plan=plan,
                by=request.user,
                analysis=data.get("analysis", plan.analysis),
                expected_lock_version=expected,
            ),
        )
        return self._detail(plan.pk)

    # --- transitions: one POST action each ------------------------------------------------------

    @_transition_schema(
        "Submit to ITAT",
        "draft → submitted, by the case's regisseur or accounthouder while the case is in "
        "regie: the plan goes on the agenda of the next weekly ITAT meeting. 409 "
        "`plan_incomplete` without goals or with a goal without responsible organisation.",
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        plan = services.plan_submit(plan=self._plan(), by=request.user)
        return self._detail(plan.pk)

    @_transition_schema(
        "Approve",
        "submitted → approved, by ITAT: records who, when and a fingerprint of the exact "
        "content; the version in force before is superseded. While goals have no commitment "
        "of their organisation (unanswered or declined) the `reason` to approve anyway is "
        "required (400 `commitments_open`) and kept with the approval.",
        PlanApproveSerializer,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        plan = self._plan()
        data = self._input(PlanApproveSerializer)
        with _as_invalid_param("reason"):
            plan = services.plan_approve(plan=plan, by=request.user, **data)
        return self._detail(plan.pk)

    @_transition_schema(
        "Return with advice",
        "submitted → draft, by ITAT: the regisseur revises the plan. The advice is required "
        "unless advice was already given on this version (400 `advice_required`).",
        PlanReturnSerializer,
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, *args, **kwargs):
        plan = self._plan()
        data = self._input(PlanReturnSerializer)
        with _as_invalid_param("advice"):
            plan = services.plan_return(plan=plan, by=request.user, **data)
        return self._detail(plan.pk)

    @extend_schema(
        summary="Advise on a plan",
        description="By ITAT while the plan is submitted (else 403): advice on the plan as a "
        "whole or on one of its goals. The advice stays with this version.",
        request=ItatAdviceInputSerializer,
        responses={201: ItatAdviceSerializer},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def advice(self, request, *args, **kwargs):
        plan = self._plan()
        data = self._input(ItatAdviceInputSerializer, plan=plan)
        with _as_invalid_param("goal"):
            advice = services.itat_advice_add(plan=plan, by=request.user, **data)
        context = {**self.get_serializer_context(), "case": plan.case}
        data = ItatAdviceSerializer(advice, context=context).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Read a plan version's history",
        description="Who changed what on this version and its goals, newest first (approval "
        "included). A goal's versions are left out for a user who may not read that version "
        "or the goal as it is now (health goals). The read is written to the access log.",
        responses=HistoryEntrySerializer(many=True),
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, *args, **kwargs):
        plan = self._plan()
        entries = selectors.plan_history(plan=plan, user=request.user)
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(HistoryEntrySerializer(page, many=True).data)


# --- goals --------------------------------------------------------------------------------------

_GOAL_CONFLICTS = frozenset({"create", "partial_update", "destroy", "commitment", "amendments"})
_GOAL_LOCKED = frozenset({"create", "partial_update", "destroy", "commitment", "amendments"})


@extend_schema_view(
    list=extend_schema(
        summary="List goals",
        description="The goals of the plan versions this user may see. Health goals have every "
        "content field null and `restricted: true` for users without health access (the "
        "goal's responsible organisation reads its own goal).",
        responses=PlanGoalSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="Read a goal",
        description="The read is written to the access log.",
        responses=PlanGoalSerializer,
        parameters=[_etag_header(200)],
    ),
    create=extend_schema(
        summary="Add a goal",
        description="To a draft, by the case's regisseur or accounthouder (else 403). "
        "`If-Match` and `lock_version` refer to the plan." + _LOCKING,
        request=GoalCreateSerializer,
        responses={201: PlanGoalSerializer},
        parameters=[_IF_MATCH, _etag_header(201)],
    ),
    partial_update=extend_schema(
        summary="Change a goal",
        description="In a draft, by the case's regisseur or accounthouder (else 403). Fields "
        "left out keep their value. A change of content asks the responsible organisation to "
        "commit again. `If-Match` and `lock_version` refer to the plan." + _LOCKING,
        request=GoalUpdateSerializer,
        responses=PlanGoalSerializer,
        parameters=[_IF_MATCH, _etag_header(200)],
    ),
    destroy=extend_schema(
        summary="Remove a goal",
        description="From a draft, by the case's regisseur or accounthouder (else 403). With "
        "`If-Match` naming an older ETag of the plan: 412, nothing removed. The answer carries "
        "the plan's new ETag.",
        parameters=[_IF_MATCH, _etag_header(204)],
        responses={204: OpenApiResponse(description="Removed.")},
    ),
)
class PlanGoalViewSet(
    AccessLoggedMixin, ValidatedInputMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    api_scope = ApiScope.PLANS
    api_scopes = {"commitment": ApiScope.COMMITMENTS}
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filterset_class = PlanGoalFilter
    filter_backends = [FilterBackend, UpdatedSinceFilter]

    @property
    def extra_error_codes(self) -> tuple[str, ...]:
        return write_error_codes(self, _GOAL_CONFLICTS, _GOAL_LOCKED)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PlanGoal.objects.none()
        return (
            PlanGoal.objects.filter(plan__in=Plan.objects.visible_to(self.request.user))
            .select_related(
                "plan__case__person",
                "responsible_organisation",
                "professional",
                "committed_by",
                "concerns",
            )
            .prefetch_related("plan__case__team")
            .order_by("plan_id", "leefgebied", "pk")
        )

    def get_serializer_class(self):
        return {
            "create": GoalCreateSerializer,
            "partial_update": GoalUpdateSerializer,
            "commitment": GoalCommitmentSerializer,
            "progress": GoalProgressSerializer,
            "amendments": PlanAmendmentSerializer,
        }.get(self.action, PlanGoalSerializer)

    def get_object(self) -> PlanGoal:
        return get_object_or_404(self.get_queryset(), pk=url_pk(self.kwargs["pk"]))

    def _answer(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        goal = get_object_or_404(self.get_queryset(), pk=pk)
        data = PlanGoalSerializer(goal, context=self.get_serializer_context()).data
        return Response(data, status=status_code, headers=_with_etag(goal.plan))

    def retrieve(self, request, *args, **kwargs):
        goal = self.get_object()
        data = PlanGoalSerializer(goal, context=self.get_serializer_context()).data
        return Response(data, headers=_with_etag(goal.plan))

    def create(self, request, *args, **kwargs):
        data = self._input(GoalCreateSerializer)
        plan = data.pop("plan")
        body_version = data.pop("lock_version", None)
        goal = _locked_write(
            request,
            plan,
            body_version,
            lambda expected: services.goal_add(
                plan=plan, by=request.user, expected_lock_version=expected, **data
            ),
        )
        return self._answer(goal.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        goal = self.get_object()
        _readable_or_refuse(request, goal)
        data = self._input(GoalUpdateSerializer, partial=True, goal=goal)
        body_version = data.pop("lock_version", None)
        text = data.pop("goal", None)
        _locked_write(
            request,
            goal.plan,
            body_version,
            lambda expected: services.goal_update(
                goal=goal, by=request.user, expected_lock_version=expected, text=text, **data
            ),
        )
        return self._answer(goal.pk)

    def destroy(self, request, *args, **kwargs):
        goal = self.get_object()
        _readable_or_refuse(request, goal)
        _locked_write(
            request,
            goal.plan,
            None,
            lambda expected: services.goal_delete(
                goal=goal, by=request.user, expected_lock_version=expected
            ),
        )
        plan = Plan.objects.only("lock_version").get(pk=goal.plan_id)
        return Response(status=status.HTTP_204_NO_CONTENT, headers=_with_etag(plan))

    @extend_schema(
        summary="Answer for a goal",
        description="By the goal's responsible organisation while the plan is a draft or "
        "submitted (else 403): commit to deliver it, or decline with a reason. A later change "
        "of the goal's content asks again. Send the plan's `ETag` as `If-Match` to commit to "
        "the goal as you read it: when the plan changed since (a goal's text, say), the answer "
        "is 412 `precondition_failed` and nothing is recorded.",
        request=GoalCommitmentSerializer,
        responses=PlanGoalSerializer,
        parameters=[_IF_MATCH, _etag_header(200)],
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def commitment(self, request, *args, **kwargs):
        goal = self.get_object()
        _readable_or_refuse(request, goal)
        data = self._input(GoalCommitmentSerializer)
        plan = Plan.objects.only("lock_version").get(pk=goal.plan_id)
        with _as_invalid_param("reason"):
            _locked_write(
                request,
                plan,
                None,
                lambda version: services.goal_commit(
                    goal=goal, by=request.user, expected_lock_version=version, **data
                ),
            )
        return self._answer(goal.pk)

    @extend_schema(
        methods=["GET"],
        summary="A goal's progress",
        description="Its steps, oldest first, including those recorded on the goals it was "
        "copied from in earlier versions. Health goals only for who may read them (else 403).",
        responses=GoalProgressSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Record progress on a goal",
        description="On the plan in force, while the case is in regie or outflow, by the case's "
        "regisseur or accounthouder or by the goal's responsible organisation on the case team "
        "(else 403); no new version. Moves of `status`: not started → in progress, achieved, "
        "stalled, stopped; in progress → achieved, stalled, stopped; stalled → in progress, "
        "achieved, stopped; achieved or stopped → in progress. Another move is 400 "
        "`invalid_transition`; the same status again needs a `note`. When the organisation "
        "records it, the regisseur is told.",
        request=GoalProgressInputSerializer,
        responses={201: GoalProgressSerializer},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def progress(self, request, *args, **kwargs):
        goal = self.get_object()
        _readable_or_refuse(request, goal)
        if request.method == "GET":
            steps = services.goal_trail([goal])[goal.pk]
            return Response(GoalProgressSerializer(steps, many=True).data)
        data = self._input(GoalProgressInputSerializer, goal=goal)
        step = services.goal_progress_record(goal=goal, by=request.user, **data)
        return Response(GoalProgressSerializer(step).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="A goal's amendments",
        description="The small changes to the goal while its plan was in force, newest first.",
        responses=PlanAmendmentSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Amend a goal of the plan in force",
        description="By the case's regisseur or accounthouder while the plan is in force "
        "(else 403). Dates, the professional and interventions change at once, with a "
        "`reason`; the plan stays in force (its approval keeps the fingerprint of what ITAT "
        "approved) and the case team is told. A different goal text, leefgebied or "
        "responsible organisation is a revision: 409 `revision_required`, nothing changed "
        "(start a new version, `POST /plans/`). `If-Match` and `lock_version` refer to the "
        "plan." + _LOCKING,
        request=GoalAmendmentInputSerializer,
        responses={201: PlanAmendmentSerializer},
        parameters=[_IF_MATCH, _etag_header(201)],
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def amendments(self, request, *args, **kwargs):
        goal = self.get_object()
        _readable_or_refuse(request, goal)
        if request.method == "GET":
            amendments = goal.amendments.select_related("by").order_by("-at", "-pk")
            return Response(PlanAmendmentSerializer(amendments, many=True).data)
        data = self._input(GoalAmendmentInputSerializer, goal=goal)
        body_version = data.pop("lock_version", None)
        reason, text = data.pop("reason"), data.pop("goal", None)
        amendment = _locked_write(
            request,
            goal.plan,
            body_version,
            lambda expected: services.goal_amend(
                goal=goal,
                by=request.user,
                reason=reason,
                expected_lock_version=expected,
                text=text,
                **data,
            ),
        )
        plan = Plan.objects.only("lock_version").get(pk=goal.plan_id)
        return Response(
            PlanAmendmentSerializer(amendment).data,
            status=status.HTTP_201_CREATED,
            headers=_with_etag(plan),
        )


# --- ITAT meetings ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List ITAT meetings",
        description="The weekly ITAT meetings with the number of submitted plans on each "
        "agenda, by date. Only for ITAT members (others get an empty list).",
        responses=ItatMeetingListSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="Read an ITAT meeting's agenda",
        description="The submitted plans on the agenda, with their open commitments. Only for "
        "ITAT members (404 for others).",
        responses=ItatMeetingDetailSerializer,
    ),
)
class ItatMeetingViewSet(AccessLoggedMixin, viewsets.ReadOnlyModelViewSet):
    filterset_class = ItatMeetingFilter
    filter_backends = FILTER_AND_ORDER
    ordering_fields = ["date"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ItatMeeting.objects.none()
        if not actor_for(self.request.user).has(REVIEW):
            return ItatMeeting.objects.none()
        return selectors.itat_meetings(upcoming_only=False)

    def get_serializer_class(self):
        return ItatMeetingListSerializer if self.action == "list" else ItatMeetingDetailSerializer

    def retrieve(self, request, *args, **kwargs):
        meeting = get_object_or_404(self.get_queryset(), pk=url_pk(kwargs["pk"]))
        meeting.agenda = list(selectors.itat_agenda(user=request.user, meeting=meeting))
        return Response(ItatMeetingDetailSerializer(meeting).data)


# --- evaluations --------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List evaluations",
        description="The evaluations of the plan versions this user may see, newest first. "
        "Results on health goals are null with `restricted: true` for users who may not read "
        "the goal.",
        responses=EvaluationSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="Read an evaluation",
        description="The read is written to the access log.",
        responses=EvaluationSerializer,
    ),
    create=extend_schema(
        summary="Record an evaluation",
        description="Of the plan in force, by the case's regisseur or accounthouder (else "
        "403), with one result for every goal. `revise` starts a new draft version (409 "
        "`open_version_exists` when one is being worked on), `expert_group` refers the case "
        "to the ITAT-Expertgroep with `question`, `outflow` tells the case team.",
        request=EvaluationInputSerializer,
        responses={201: EvaluationSerializer},
    ),
)
class EvaluationViewSet(
    AccessLoggedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    api_scope = ApiScope.PLANS
    http_method_names = ["get", "post", "head", "options"]
    filterset_class = EvaluationFilter
    filter_backends = [*FILTER_AND_ORDER, UpdatedSinceFilter]
    ordering_fields = ["held_on", "created_at"]

    @property
    def extra_error_codes(self) -> tuple[str, ...]:
        return write_error_codes(self, frozenset({"create"}))

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Evaluation.objects.none()
        return (
            Evaluation.objects.filter(plan__in=Plan.objects.visible_to(self.request.user))
            .select_related("plan__case__person", "created_by")
            .prefetch_related(
                Prefetch(
                    "results",
                    queryset=GoalEvaluation.objects.select_related("goal").order_by(
                        "goal__leefgebied", "pk"
                    ),
                ),
                "plan__case__team",
            )
            .order_by("-held_on", "-pk")
        )

    def get_serializer_class(self):
        return EvaluationInputSerializer if self.action == "create" else EvaluationSerializer

    def get_object(self) -> Evaluation:
        return get_object_or_404(self.get_queryset(), pk=url_pk(self.kwargs["pk"]))

    def retrieve(self, request, *args, **kwargs):
        evaluation = self.get_object()
        context = self.get_serializer_context()
        return Response(EvaluationSerializer(evaluation, context=context).data)

    def create(self, request, *args, **kwargs):
        serializer = validated(
            EvaluationInputSerializer, data=request.data, context=self.get_serializer_context()
        )
        with _as_invalid_param("non_field_errors"):
            evaluation = services.evaluation_record(by=request.user, **serializer.validated_data)
        evaluation = get_object_or_404(self.get_queryset(), pk=evaluation.pk)
        return Response(
            EvaluationSerializer(evaluation, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )
