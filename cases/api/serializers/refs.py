"""References to programmes, and the person field over what the caller may see (the person
reference is `acvz.api.serializers.PersonRefSerializer`, shared with the plans API)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import Programme


class ProgrammeRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["id", "code", "name"]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class VisiblePersonField(serializers.PrimaryKeyRelatedField):
    """A person the requesting user may see; any other id is "does not exist", never "hidden"."""

    def get_queryset(self):
        from cases.selectors import person_list

        return person_list(user=self.context["request"].user)
