from rest_framework import serializers

from partners.models import Organisation


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "code", "kind", "handles_health", "active"]
        read_only_fields = fields


class MeSerializer(serializers.Serializer):
    """Who is calling: the user (a person or a partner system), its organisation, its roles and
    the permissions those carry (what it may do, before need-to-know per case)."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    organisation = OrganisationSerializer(allow_null=True)
    roles = serializers.ListField(child=serializers.CharField())
    permissions = serializers.ListField(child=serializers.CharField())
