from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from partners.api.filters import OrganisationFilter
from partners.api.serializers import MeSerializer, OrganisationSerializer
from partners.models import Organisation


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """The partner organisations of the network (not personal data: every client may read)."""

    queryset = Organisation.objects.order_by("name")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    search_fields = ["name", "code"]
    ordering_fields = ["name", "code"]


class MeView(APIView):
    """`GET /api/v1/me`: the caller."""

    @extend_schema(
        summary="Who am I",
        description="The calling user or partner system: its organisation, its roles and the "
        "permissions they carry (sorted). What it may read of a case is further decided per "
        "case (need-to-know). Not logged: nothing about a person.",
        responses=MeSerializer,
    )
    def get(self, request, *args, **kwargs):
        user = request.user
        data = {
            "id": user.pk,
            "username": user.username,
            "name": str(user),
            "organisation": user.organisation,
            "roles": sorted(role.value for role in user.roles),
            "permissions": sorted(user.get_all_permissions()),
        }
        return Response(MeSerializer(data).data)
