"""References, fields and helpers the plans API's serializers share. The person reference is
the shared one (`acvz.api.serializers`); the components carry a `Plan` prefix so they do not
collide with the cases API's."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from acvz.api.serializers import PersonRefSerializer as BasePersonRefSerializer
from cases.models import Case
from cases.workflow import CaseStatus
from plans.models import ItatMeeting, Plan


@extend_schema_serializer(component_name="PlanPersonRef")
class PersonRefSerializer(BasePersonRefSerializer):
    pass


@extend_schema_serializer(component_name="PlanCaseRef")
class CaseRefSerializer(serializers.ModelSerializer):
    person = PersonRefSerializer(read_only=True)
    status = serializers.ChoiceField(choices=CaseStatus.choices, read_only=True)

    class Meta:
        model = Case
        fields = ["id", "status", "person"]
        read_only_fields = fields


class ItatMeetingRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ItatMeeting
        fields = ["id", "date"]
        read_only_fields = fields


def _user(serializer: serializers.Serializer):
    return serializer.context["request"].user


@extend_schema_field(OpenApiTypes.INT)
class VisiblePlanField(serializers.PrimaryKeyRelatedField):
    """A plan the requesting user may see; any other id is "does not exist", never "hidden"."""

    def get_queryset(self):
        return Plan.objects.visible_to(self.context["request"].user).select_related("case")


class LockVersionField(serializers.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2**31 - 1)  # the column's range
        kwargs.setdefault(
            "help_text",
            "The plan's `lock_version` you read. When the plan changed meanwhile the answer is "
            "409 `stale` and nothing is written. Left out (and no `If-Match`): no check.",
        )
        super().__init__(**kwargs)
