"""Serializers of the offence records API (`/offence-records/`), single and batch."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from acvz.api.serializers import OrganisationRefSerializer
from cases.api.serializers.refs import VisiblePersonField
from cases.models import OffenceCategory, OffenceKind, OffenceRecord
from cases.validators import validate_bsn, validate_no_nul


@extend_schema_field({"type": "integer", "nullable": True})
class CallersPersonField(serializers.Field):
    """The record's person, when the caller may see that person; else null. A source that
    pushed by BSN reads its own records back without learning who Regie knows or follows."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, record):
        return record.person_id if getattr(record, "person_visible", True) else None


class OffenceRecordSerializer(serializers.ModelSerializer):
    source = OrganisationRefSerializer(read_only=True)
    person = CallersPersonField(
        help_text="The person's id, or null when the caller may not see the person (a record "
        "its own organisation pushed by BSN for a person of no case it is on)."
    )

    class Meta:
        model = OffenceRecord
        fields = [
            "id",
            "updated_at",
            "person",
            "date",
            "kind",
            "category",
            "source",
            "external_id",
            "description",
            "created_at",
        ]
        read_only_fields = fields


class OffenceSubjectSerializer(serializers.Serializer):
    """Who the record is about, by BSN: the person need not be known to the caller, nor to
    Regie (then a person record is made from these details, so inflow can be computed)."""

    bsn = serializers.CharField(
        min_length=9, max_length=9, validators=[validate_bsn], help_text="9 digits, 11-test."
    )
    first_name = serializers.CharField(max_length=100, validators=[validate_no_nul])
    last_name = serializers.CharField(max_length=150, validators=[validate_no_nul])
    date_of_birth = serializers.DateField()

    def validate_date_of_birth(self, value: date) -> date:
        if value > timezone.localdate():
            raise serializers.ValidationError(_("The date of birth lies in the future."))
        return value


class OffenceRecordInputSerializer(serializers.Serializer):
    """The source is always the caller's own organisation. The person by id (one the caller
    may see) or by `subject` (BSN and details), exactly one of the two."""

    person = VisiblePersonField(required=False, help_text="A person the caller may see.")
    subject = OffenceSubjectSerializer(
        required=False,
        help_text="The person by BSN, for a person of no case the caller is on (or not known "
        "to Regie yet). For a known BSN the details are neither compared nor changed, and the "
        "answer is the same either way.",
    )
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=OffenceKind.choices)
    category = serializers.ChoiceField(choices=OffenceCategory.choices)
    external_id = serializers.CharField(
        max_length=64,
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text="The source system's own id: a repeated push with it returns the first record.",
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs: dict) -> dict:
        if ("person" in attrs) == ("subject" in attrs):
            raise serializers.ValidationError(
                {"person": _("Give either person (an id) or subject (by BSN), one of the two.")},
                code="invalid",
            )
        return attrs


#: How many records one batch push may carry.
OFFENCE_BATCH_MAX = 1000


class OffenceBatchSerializer(serializers.Serializer):
    """Up to 1,000 records, each as the single push takes it (validated one by one)."""

    items = serializers.ListField(
        child=serializers.DictField(),
        min_length=1,
        max_length=OFFENCE_BATCH_MAX,
        help_text="Each item as `POST /offence-records/` takes it.",
    )


class OffenceBatchItemProblemSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    detail = serializers.CharField()
    invalid_params = serializers.ListField(child=serializers.DictField(), required=False)


class OffenceBatchResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The item's position in `items`, from 0.")
    status = serializers.IntegerField(
        help_text="As the single push would answer: 201 stored, 200 a repeat (the first "
        "record), 400, 403, 404 or 409 with `problem`."
    )
    id = serializers.IntegerField(required=False, help_text="The record, when stored or repeated.")
    problem = OffenceBatchItemProblemSerializer(required=False)


class OffenceBatchResponseSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    repeated = serializers.IntegerField()
    failed = serializers.IntegerField()
    results = OffenceBatchResultSerializer(many=True)


class OffenceRecordCorrectSerializer(serializers.Serializer):
    """A correction by the source: the whole record as it should read (PUT)."""

    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=OffenceKind.choices)
    category = serializers.ChoiceField(choices=OffenceCategory.choices)
    description = serializers.CharField(required=False, allow_blank=True, default="")
