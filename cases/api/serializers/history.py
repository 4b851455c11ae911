"""Serializers of a case's history (`/cases/{id}/history/`)."""

from __future__ import annotations

from rest_framework import serializers

from acvz.api.serializers import UserRefSerializer


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    user = UserRefSerializer(allow_null=True)
    what = serializers.CharField(help_text="The object that changed: the case, a section, ...")
    action = serializers.CharField(help_text="created, changed or deleted (translated).")
    changes = HistoryChangeSerializer(many=True)
