import django_filters

from partners.models import Organisation


class OrganisationFilter(django_filters.FilterSet):
    class Meta:
        model = Organisation
        fields = ["kind", "active", "handles_health", "code"]
