from rest_framework import serializers

from partners.models import Organisation


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "code", "kind", "handles_health", "active"]
        read_only_fields = fields
