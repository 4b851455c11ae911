"""Serializers of a case's timeline (`/cases/{id}/timeline/`)."""

from __future__ import annotations

from rest_framework import serializers

from acvz.api.serializers import DateTimeInputField, OrganisationRefSerializer, UserRefSerializer
from cases.models import TimelineEvent, TimelineKind

#: Status and team changes are written by Regie itself, never pushed.
PUSHABLE_TIMELINE_KINDS = [
    (k.value, k.label)
    for k in TimelineKind
    if k not in (TimelineKind.STATUS, TimelineKind.TEAM_CHANGE)
]


class TimelineEventSerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    created_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = TimelineEvent
        fields = [
            "id",
            "kind",
            "occurred_at",
            "description",
            "organisation",
            "created_by",
            "external_id",
            "created_at",
        ]
        read_only_fields = fields


class TimelineEventInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PUSHABLE_TIMELINE_KINDS)
    description = serializers.CharField()
    occurred_at = DateTimeInputField(required=False, allow_null=True, default=None)
    external_id = serializers.CharField(
        max_length=64,
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text="Your system's own id: a repeated push with it returns the first event.",
    )
