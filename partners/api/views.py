from rest_framework import viewsets

from partners.api.filters import OrganisationFilter
from partners.api.serializers import OrganisationSerializer
from partners.models import Organisation


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """The partner organisations of the network (not personal data: every client may read)."""

    queryset = Organisation.objects.order_by("name")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    search_fields = ["name", "code"]
    ordering_fields = ["name", "code"]
