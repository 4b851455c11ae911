"""The evaluations API (`/evaluations/`)."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from acvz.api.filters import FILTER_AND_ORDER, UpdatedSinceFilter
from acvz.api.input import validated
from acvz.api.schema import write_error_codes
from acvz.api.views import url_pk
from cases.access import AccessLoggedMixin, visible_get
from partners.models import ApiScope
from plans import services
from plans.api.filters import EvaluationFilter
from plans.api.serializers import EvaluationInputSerializer, EvaluationSerializer
from plans.api.views.common import _as_invalid_param
from plans.models import Evaluation, GoalEvaluation
from plans.policies import plan_visibility_filter


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
            Evaluation.objects.filter(
                plan_visibility_filter(
                    self.request.user, "plan__case", inline_ids=self.action == "list"
                )
            )
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
        return visible_get(self.get_queryset(), pk=url_pk(self.kwargs["pk"]))

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
        evaluation = visible_get(self.get_queryset(), pk=evaluation.pk)
        return Response(
            EvaluationSerializer(evaluation, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )
