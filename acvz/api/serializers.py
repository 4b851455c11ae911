"""Serializer pieces every app's API shares: references to organisations, users and persons,
the case field over what the caller may see, and a date-time input that treats out-of-range
values as bad input."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import Case, Person
from partners.models import Organisation, User


class OrganisationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "code", "name"]
        read_only_fields = fields


class UserRefSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "name", "organisation"]
        read_only_fields = fields

    def get_name(self, user: User) -> str:
        return str(user)


class PersonRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "first_name", "last_name"]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class VisibleCaseField(serializers.PrimaryKeyRelatedField):
    """A case the requesting user may see, for the `part` of it the field is about
    (`cases.policies.CasePart`); any other id is "does not exist", never "hidden"."""

    def __init__(self, *, part, **kwargs):
        self.part = part
        super().__init__(**kwargs)

    def get_queryset(self):
        return Case.objects.visible_to(self.context["request"].user, self.part)


class DateTimeInputField(serializers.DateTimeField):
    """DRF's DateTimeField raises OverflowError (a server error) for a time without offset near
    year 1 or 9999, which the local time zone pushes out of range: that is invalid input."""

    def to_internal_value(self, value):
        try:
            return super().to_internal_value(value)
        except OverflowError:
            raise serializers.ValidationError(
                _("The date lies out of range."), code="invalid"
            ) from None
