"""Input and output serializers of the cases API.

Input serializers only validate the shape of a request; every rule of the domain is checked by
the service they feed (`cases.services`). Output serializers read what the selectors loaded and
never cause a query of their own.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from acvz.api.serializers import DateTimeInputField, OrganisationRefSerializer, UserRefSerializer
from cases.models import (
    HEALTH_LEEFGEBIEDEN,
    SCREENING_LEEFGEBIEDEN,
    Case,
    CaseTeamMembership,
    DossierSection,
    FamilyRelation,
    OffenceCategory,
    OffenceKind,
    OffenceRecord,
    Person,
    Programme,
    RegieStyle,
    TeamRole,
    TimelineEvent,
    TimelineKind,
)
from cases.policies import CasePart, case_can, case_can_read, section_can_edit
from cases.workflow import TRANSITIONS, transitions_from
from partners.models import Organisation, User

# --- references to other objects ----------------------------------------------------------------


class PersonRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "first_name", "last_name"]
        read_only_fields = fields


class ProgrammeRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["id", "code", "name"]
        read_only_fields = fields


# --- persons ------------------------------------------------------------------------------------


class PersonListSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "first_name", "last_name", "date_of_birth", "city"]
        read_only_fields = fields


class FamilyRelationSerializer(serializers.ModelSerializer):
    relative = PersonRefSerializer(read_only=True)

    class Meta:
        model = FamilyRelation
        fields = ["id", "kind", "relative"]
        read_only_fields = fields


class PersonDetailSerializer(serializers.ModelSerializer):
    relations = FamilyRelationSerializer(
        many=True, read_only=True, help_text="Family: `relative` is this person's `kind`."
    )

    class Meta:
        model = Person
        fields = [
            "id",
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
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")


# --- programmes and offences --------------------------------------------------------------------


class ProgrammeSerializer(serializers.ModelSerializer):
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
            "active",
        ]
        read_only_fields = fields


class OffenceRecordSerializer(serializers.ModelSerializer):
    source = OrganisationRefSerializer(read_only=True)

    class Meta:
        model = OffenceRecord
        fields = [
            "id",
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


@extend_schema_field(OpenApiTypes.INT)
class VisiblePersonField(serializers.PrimaryKeyRelatedField):
    """A person the requesting user may see; any other id is "does not exist", never "hidden"."""

    def get_queryset(self):
        from cases.selectors import person_list

        return person_list(user=self.context["request"].user)


class OffenceRecordInputSerializer(serializers.Serializer):
    """The source is always the caller's own organisation."""

    person = VisiblePersonField()
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


# --- cases --------------------------------------------------------------------------------------


class CaseListSerializer(serializers.ModelSerializer):
    person = PersonRefSerializer(read_only=True)
    programme = ProgrammeRefSerializer(read_only=True)
    regie_organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    regisseur = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Case
        fields = [
            "id",
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
            data["team"] = []
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
    receiving_organisation = serializers.CharField(
        max_length=200, help_text="The organisation of the regular line that takes over."
    )
    handover_note = serializers.CharField(required=False, allow_blank=True, default="")


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


# --- timeline -----------------------------------------------------------------------------------

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


# --- basisdossier -------------------------------------------------------------------------------


class DossierSectionSerializer(serializers.ModelSerializer):
    """One leefgebied. Health content is null, with `restricted: true`, for readers without
    health access (section 9 entirely, the GGD screening of section 6)."""

    title = serializers.CharField(source="get_leefgebied_display", read_only=True)
    text = serializers.CharField(read_only=True, allow_null=True)
    restricted_text = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="The GGD screening (section 6); null when this user may not read it.",
    )
    no_information = serializers.BooleanField(read_only=True, allow_null=True)
    is_complete = serializers.BooleanField(read_only=True)
    restricted = serializers.SerializerMethodField(
        help_text="Whether health content of this section is withheld from this user."
    )
    can_edit = serializers.SerializerMethodField(
        help_text="Whether this user may write this section now."
    )
    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    author = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = DossierSection
        fields = [
            "leefgebied",
            "title",
            "text",
            "restricted_text",
            "no_information",
            "is_complete",
            "restricted",
            "can_edit",
            "organisation",
            "author",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    def _can_read_health(self) -> bool:
        return self.context["can_read_health"]

    def get_restricted(self, section: DossierSection) -> bool:
        if self._can_read_health():
            return False
        return section.leefgebied in HEALTH_LEEFGEBIEDEN | SCREENING_LEEFGEBIEDEN

    def get_can_edit(self, section: DossierSection) -> bool:
        return section_can_edit(self.context["request"].user, self.context["case"], section)

    def to_representation(self, section: DossierSection) -> dict:
        data = super().to_representation(section)
        if not self._can_read_health():
            data["restricted_text"] = None
            if section.leefgebied in HEALTH_LEEFGEBIEDEN:
                data["text"] = None
                data["no_information"] = None
        return data


class BasisdossierSerializer(serializers.Serializer):
    established_at = serializers.DateTimeField(read_only=True, allow_null=True)
    established_by = UserRefSerializer(read_only=True, allow_null=True)
    ivg_advice = serializers.CharField(read_only=True)
    advised_organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    advised_style = serializers.ChoiceField(
        choices=RegieStyle.choices, read_only=True, allow_blank=True
    )
    sections = DossierSectionSerializer(many=True, read_only=True)


class DossierSectionInputSerializer(serializers.Serializer):
    """A PATCH: fields left out keep their current value."""

    text = serializers.CharField(required=False, allow_blank=True)
    no_information = serializers.BooleanField(required=False)
    restricted_text = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The GGD screening of section 6; only a health organisation writes it.",
    )
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The version you read. A different current version is a 409 `stale`.",
    )

    def validate(self, attrs: dict) -> dict:
        # Only the request itself is checked here: the section's current content is for the
        # service to judge, after it has checked that this user may write the section.
        if attrs.get("no_information") and any(
            attrs.get(name, "").strip() for name in ("text", "restricted_text")
        ):
            raise serializers.ValidationError(
                {"no_information": _("A section marked “no information” cannot have text.")},
                code="invalid",
            )
        return attrs


# --- history ------------------------------------------------------------------------------------


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
