"""Serializer pieces every app's API shares: references to organisations and users, and a
date-time input that treats out-of-range values as bad input."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

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
