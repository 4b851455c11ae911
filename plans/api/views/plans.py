"""The plans API (`/plans/`): plan versions, their transitions (one POST action each), ITAT's
advice and the history."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from acvz.api.filters import FILTER_AND_ORDER, UpdatedSinceFilter
from acvz.api.schema import transition_schema, write_error_codes
from acvz.api.views import ValidatedInputMixin, url_pk
from cases.access import AccessLoggedMixin, visible_get
from partners.models import ApiScope
from plans import selectors, services
from plans.api.filters import PlanFilter
from plans.api.serializers import (
    HistoryEntrySerializer,
    ItatAdviceInputSerializer,
    ItatAdviceSerializer,
    PlanApproveSerializer,
    PlanCreateSerializer,
    PlanDetailSerializer,
    PlanListSerializer,
    PlanReturnSerializer,
    PlanUpdateSerializer,
)
from plans.api.views.common import (
    _IF_MATCH,
    _LOCKING,
    _as_invalid_param,
    _etag_header,
    _locked_write,
    _with_etag,
)
from plans.models import Plan

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
            Plan.objects.visible_to(self.request.user, inline_ids=self.action == "list")
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
