"""Serializers of the cases API (`/cases/`): the case, its team and its transitions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from acvz.api.serializers import OrganisationRefSerializer, PersonRefSerializer, UserRefSerializer
from cases.api.serializers.refs import ProgrammeRefSerializer, VisiblePersonField
from cases.models import Case, CaseTeamMembership, Programme, RegieStyle, TeamRole
from cases.policies import CasePart, case_can, case_can_read
from cases.workflow import TRANSITIONS, transitions_from
from partners.models import Organisation, User


class CaseListSerializer(serializers.ModelSerializer):
    person = PersonRefSerializer(read_only=True)
    programme = ProgrammeRefSerializer(read_only=True)
    regie_organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    regisseur = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "updated_at",
            "person",
            "programme",
            "status",
            "regie_organisation",
            "regisseur",
            "registered_at",
        ]
        read_only_fields = fields


class TeamMembershipSerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer(read_only=True)
    professional = UserRefSerializer(read_only=True, allow_null=True)
    active = serializers.BooleanField(read_only=True)

    class Meta:
        model = CaseTeamMembership
        fields = ["id", "organisation", "role", "professional", "joined_on", "left_on", "active"]
        read_only_fields = fields


#: The POST action a client calls for each workflow transition: `start_dossier` → `start-dossier`.
TRANSITION_PATHS = {name: name.replace("_", "-") for name in TRANSITIONS}


class CaseDetailSerializer(CaseListSerializer):
    regie_style = serializers.ChoiceField(
        choices=RegieStyle.choices, read_only=True, allow_blank=True
    )
    accounthouder = UserRefSerializer(read_only=True, allow_null=True)
    team = TeamMembershipSerializer(many=True, read_only=True)
    transitions = serializers.SerializerMethodField(
        help_text="The transition actions this user may call now, e.g. `start-outflow`."
    )

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "regie_style",
            "accounthouder",
            "dossier_started_at",
            "dossier_established_at",
            "assigned_at",
            "regie_started_at",
            "outflow_at",
            "closed_at",
            "outflow_reason",
            "receiver",
            "receiving_organisation",
            "handover_note",
            "team",
            "transitions",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(
            child=serializers.ChoiceField(choices=list(TRANSITION_PATHS.values()))
        )
    )
    def get_transitions(self, case: Case) -> list[str]:
        user = self.context["request"].user
        return [
            TRANSITION_PATHS[t.name]
            for t in transitions_from(case.status)
            if case_can(user, case, t.name)
        ]

    def to_representation(self, case: Case) -> dict:
        data = super().to_representation(case)
        if not case_can_read(self.context["request"].user, case, CasePart.OVERVIEW):
            # The header goes with any part; the team and the outflow's content are the
            # overview's (ITAT reads the plan and the dossier only).
            data["team"] = []
            for name in ("outflow_reason", "receiving_organisation", "handover_note"):
                data[name] = ""
            data["receiver"] = None
        return data


class CaseRegisterSerializer(serializers.Serializer):
    person = VisiblePersonField()
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.all())
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Why the person is registered although the inflow criteria are not met.",
    )


class CaseAssignSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    regie_style = serializers.ChoiceField(
        choices=RegieStyle.choices, required=False, allow_blank=True, default=""
    )


class CaseAppointSerializer(serializers.Serializer):
    regisseur = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    accounthouder = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text="Defaults to the user who appoints.",
    )


class CaseOutflowSerializer(serializers.Serializer):
    reason = serializers.CharField()
    receiver = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text="The organisation of the regular line that takes over, from the register.",
    )
    receiving_organisation = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Its name, when it is not in the register (defaults to the receiver's name).",
    )
    handover_note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs.get("receiver") is None and not attrs.get("receiving_organisation", "").strip():
            raise serializers.ValidationError(
                {"receiver": "Give the receiver, or name an organisation not in the register."}
            )
        return attrs


class CaseWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField()


class TeamMemberAddSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(active=True)
    )
    role = serializers.ChoiceField(
        choices=[(r.value, r.label) for r in TeamRole if r is not TeamRole.REGIE],
        required=False,
        default=TeamRole.PARTNER,
        help_text="The regie organisation is set by the `assign` transition.",
    )
    professional = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )

    def validate(self, attrs: dict) -> dict:
        professional = attrs.get("professional")
        if professional is not None and professional.organisation_id != attrs["organisation"].pk:
            raise serializers.ValidationError(
                {"professional": _("The professional must work for the organisation.")},
                code="invalid",
            )
        return attrs
