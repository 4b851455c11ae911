"""The goals API (`/plan-goals/`): goals under the plan's lock, commitments, progress and
amendments."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from acvz.api.filters import FilterBackend, StableOrderingFilter, UpdatedSinceFilter
from acvz.api.schema import write_error_codes
from acvz.api.views import ValidatedInputMixin, url_pk
from cases.access import AccessLoggedMixin, visible_get
from partners.models import ApiScope
from plans import services
from plans.api.filters import PlanGoalFilter
from plans.api.serializers import (
    GoalAmendmentInputSerializer,
    GoalCommitmentSerializer,
    GoalCreateSerializer,
    GoalProgressInputSerializer,
    GoalProgressSerializer,
    GoalUpdateSerializer,
    PlanAmendmentSerializer,
    PlanGoalSerializer,
)
from plans.api.views.common import (
    _IF_MATCH,
    _LOCKING,
    _as_invalid_param,
    _etag_header,
    _locked_write,
    _readable_or_refuse,
    _with_etag,
)
from plans.models import Plan, PlanGoal
from plans.policies import plan_visibility_filter

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
    filter_backends = [FilterBackend, StableOrderingFilter, UpdatedSinceFilter]
    ordering_fields = ["leefgebied", "target_date"]

    @property
    def extra_error_codes(self) -> tuple[str, ...]:
        return write_error_codes(self, _GOAL_CONFLICTS, _GOAL_LOCKED)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PlanGoal.objects.none()
        return (
            PlanGoal.objects.filter(
                plan_visibility_filter(
                    self.request.user, "plan__case", inline_ids=self.action == "list"
                )
            )
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
        return visible_get(self.get_queryset(), pk=url_pk(self.kwargs["pk"]))

    def _answer(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        goal = visible_get(self.get_queryset(), pk=pk)
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
