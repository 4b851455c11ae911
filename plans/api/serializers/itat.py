"""Serializers of the ITAT meetings API (`/itat-meetings/`): meetings and their agendas."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from acvz.api.serializers import OrganisationRefSerializer, UserRefSerializer
from plans.api.serializers.common import CaseRefSerializer
from plans.models import ItatMeeting, Plan


class ItatAgendaItemSerializer(serializers.ModelSerializer):
    """A plan on a meeting's agenda (`plans.selectors.itat_agenda`)."""

    case = CaseRefSerializer(read_only=True)
    regie_organisation = OrganisationRefSerializer(
        source="case.regie_organisation", read_only=True, allow_null=True
    )
    regisseur = UserRefSerializer(source="case.regisseur", read_only=True, allow_null=True)
    goal_count = serializers.IntegerField(read_only=True)
    open_commitments = serializers.IntegerField(
        read_only=True, help_text="Goals whose responsible organisation has not committed yet."
    )

    class Meta:
        model = Plan
        fields = [
            "id",
            "updated_at",
            "version",
            "case",
            "regie_organisation",
            "regisseur",
            "submitted_at",
            "goal_count",
            "open_commitments",
        ]
        read_only_fields = fields


class ItatMeetingListSerializer(serializers.ModelSerializer):
    plan_count = serializers.IntegerField(
        read_only=True, help_text="Submitted plans on the agenda."
    )

    class Meta:
        model = ItatMeeting
        fields = ["id", "date", "held", "plan_count"]
        read_only_fields = fields


@extend_schema_serializer(deprecate_fields=["agenda"])
class ItatMeetingDetailSerializer(ItatMeetingListSerializer):
    agenda = ItatAgendaItemSerializer(
        many=True,
        read_only=True,
        help_text="The submitted plans, in order of submission, all of them: deprecated, read "
        "them a page at a time from `/itat-meetings/{id}/agenda`.",
    )

    class Meta(ItatMeetingListSerializer.Meta):
        fields = [*ItatMeetingListSerializer.Meta.fields, "notes", "agenda"]
        read_only_fields = fields
