"""Serializers of the programmes API (`/programmes/`): programmes with their norms."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import REVIEW_EVENT_DAYS, OffenceKind, Programme, UvoClockStart

#: The programme's local agreements the API shows (each the programme's own, or Regie's).
PROGRAMME_NORM_FIELDS = (
    "plan_submit_days",
    "uvo_clock_start",
    "casuistry_weeks",
    "casuistry_anchor",
    "event_review_days",
)


class ProgrammeNormsSerializer(serializers.Serializer):
    """The local agreements a programme works by, as in force: its own where it set one, else
    Regie's setting (the facts of the report — 11 leefgebieden, ITAT weekly, a UVO every 8 weeks
    — are not settings)."""

    plan_submit_days = serializers.SerializerMethodField(
        help_text="Days after the start of regie within which the plan is due at ITAT."
    )
    uvo_clock_start = serializers.SerializerMethodField(
        help_text="When the first UVO's cadence starts counting; later ones count from the last "
        "UVO held."
    )
    casuistry_weeks = serializers.SerializerMethodField(
        help_text="The casuistry meeting of accounthouders and regisseurs: every so many weeks."
    )
    casuistry_anchor = serializers.SerializerMethodField(
        help_text="The date the casuistry rhythm counts from."
    )
    event_review_days = serializers.SerializerMethodField(
        help_text="Per justice-chain event kind: days within which the regisseur looks at the plan."
    )
    own = serializers.SerializerMethodField(
        help_text="The norms above that are the programme's own agreement (the rest: Regie's)."
    )

    def get_plan_submit_days(self, programme) -> int:
        return programme.plan_submit_days or settings.REGIE_PLAN_SUBMIT_DAYS

    @extend_schema_field(serializers.ChoiceField(choices=UvoClockStart.choices))
    def get_uvo_clock_start(self, programme) -> str:
        return programme.uvo_clock_start or settings.REGIE_UVO_CLOCK_START

    def get_casuistry_weeks(self, programme) -> int:
        return programme.casuistry_weeks or settings.REGIE_CASUISTRY_WEEKS

    def get_casuistry_anchor(self, programme) -> date:
        return programme.casuistry_anchor or date.fromisoformat(settings.REGIE_CASUISTRY_ANCHOR)

    @extend_schema_field(
        serializers.DictField(child=serializers.IntegerField(min_value=1, max_value=90))
    )
    def get_event_review_days(self, programme) -> dict[str, int]:
        own = programme.event_review_days or {}
        return {kind: own.get(kind) or days for kind, days in REVIEW_EVENT_DAYS.items()}

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=list(PROGRAMME_NORM_FIELDS)))
    )
    def get_own(self, programme) -> list[str]:
        return [name for name in PROGRAMME_NORM_FIELDS if getattr(programme, name)]


class ProgrammeSerializer(serializers.ModelSerializer):
    norms = ProgrammeNormsSerializer(
        source="*", read_only=True, help_text="The local agreements this programme works by."
    )
    offence_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=OffenceKind.choices),
        read_only=True,
        help_text="The offence kinds that count for inflow; empty: every kind counts.",
    )

    class Meta:
        model = Programme
        fields = [
            "id",
            "code",
            "name",
            "description",
            "min_age",
            "max_age",
            "min_offences",
            "offence_kinds",
            "period_years",
            "evaluation_interval_weeks",
            "norms",
            "active",
        ]
        read_only_fields = fields
