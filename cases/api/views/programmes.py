"""The programmes API (`/programmes/`): read only, not personal data."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from acvz.api.filters import FILTER_AND_ORDER
from cases.api.filters import ProgrammeFilter
from cases.api.serializers import ProgrammeSerializer
from cases.models import Programme


@extend_schema_view(
    list=extend_schema(summary="List programmes"),
    retrieve=extend_schema(summary="Read a programme"),
)
class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    """The programmes with their inflow criteria (not personal data: every client may read)."""

    queryset = Programme.objects.order_by("name")
    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilter
    filter_backends = FILTER_AND_ORDER
    ordering_fields = ["name", "code"]
