"""Serializers of a plan version's history (`/plans/{id}/history/`)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from acvz.api.serializers import UserRefSerializer


@extend_schema_serializer(component_name="PlanHistoryChange")
class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


@extend_schema_serializer(component_name="PlanHistoryEntry")
class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    user = UserRefSerializer(allow_null=True)
    what = serializers.CharField(help_text="The plan version or the goal that changed.")
    action = serializers.CharField(help_text="created, changed or deleted (translated).")
    changes = HistoryChangeSerializer(many=True)
