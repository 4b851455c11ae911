"""Serializers of the persons API (`/persons/`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from acvz.api.serializers import PersonRefSerializer
from cases.models import FamilyRelation, Person


@extend_schema_field(
    {"type": "string", "anyOf": [{"format": "email"}, {"maxLength": 0}], "maxLength": 254}
)
class OptionalEmailField(serializers.CharField):
    """An e-mail address, or empty: the schema says both (`format: email` alone refuses "")."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value:  # checked here, not as a field validator (which the schema would render)
            try:
                EmailValidator()(value)
            except DjangoValidationError:
                self.fail("invalid")
        return value

    default_error_messages = {"invalid": _("Enter a valid email address.")}


class PersonListSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "updated_at", "first_name", "last_name", "date_of_birth", "city"]
        read_only_fields = fields


class PersonSearchSerializer(serializers.Serializer):
    """A lookup by BSN in the body: a BSN in the query string lands in every web server's and
    proxy's access log."""

    bsn = serializers.RegexField(
        r"^[0-9]{9}$", help_text="The citizen service number: nine digits, exact."
    )


class FamilyRelationSerializer(serializers.ModelSerializer):
    relative = PersonRefSerializer(read_only=True)
    relative_is_minor = serializers.SerializerMethodField(
        help_text="Whether the relative is under 18 today (computed from the date of birth)."
    )

    class Meta:
        model = FamilyRelation
        fields = ["id", "kind", "relative", "relative_is_minor"]
        read_only_fields = fields

    def get_relative_is_minor(self, relation: FamilyRelation) -> bool:
        return relation.relative.is_minor_on(timezone.localdate())


class PersonDetailSerializer(serializers.ModelSerializer):
    email = OptionalEmailField(read_only=True)
    relations = FamilyRelationSerializer(
        many=True, read_only=True, help_text="Family: `relative` is this person's `kind`."
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "updated_at",
            "first_name",
            "last_name",
            "date_of_birth",
            "bsn",
            "address",
            "postcode",
            "city",
            "phone",
            "email",
            "created_at",
            "relations",
        ]
        read_only_fields = fields


class PersonInputSerializer(serializers.Serializer):
    """A person's data. The service checks the BSN (11-test, unique) after the permission: a
    check here would tell a caller without that permission whether a BSN is registered."""

    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=150)
    date_of_birth = serializers.DateField()
    bsn = serializers.CharField(
        max_length=9, required=False, allow_null=True, allow_blank=True, default=None
    )
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    postcode = serializers.CharField(max_length=7, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    email = OptionalEmailField(max_length=254, required=False, allow_blank=True, default="")
