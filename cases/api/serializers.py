"""Input and output serializers of the cases API.

Input serializers only validate the shape of a request; every rule of the domain is checked by
the service they feed (`cases.services`). Output serializers read what the selectors loaded and
never cause a query of their own.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from acvz.api.serializers import DateTimeInputField, OrganisationRefSerializer, UserRefSerializer
from cases.models import (
    REVIEW_EVENT_DAYS,
    Case,
    CaseTeamMembership,
    ContributionPart,
    DossierContribution,
    FamilyRelation,
    Leefgebied,
    OffenceCategory,
    OffenceKind,
    OffenceRecord,
    Person,
    Programme,
    RegieStyle,
    TeamRole,
    TimelineEvent,
    TimelineKind,
    UvoClockStart,
)
from cases.policies import CasePart, SectionView, case_can, case_can_read, contribution_can_write
from cases.validators import validate_bsn, validate_no_nul
from cases.workflow import TRANSITIONS, transitions_from
from partners.models import Organisation, User


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


# --- programmes and offences --------------------------------------------------------------------


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


@extend_schema_field(OpenApiTypes.INT)
class VisiblePersonField(serializers.PrimaryKeyRelatedField):
    """A person the requesting user may see; any other id is "does not exist", never "hidden"."""

    def get_queryset(self):
        from cases.selectors import person_list

        return person_list(user=self.context["request"].user)


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


class ContributionSerializer(serializers.ModelSerializer):
    """One organisation's answered part of a section."""

    organisation = OrganisationRefSerializer(read_only=True)
    author = UserRefSerializer(read_only=True, allow_null=True)
    part = serializers.ChoiceField(
        choices=ContributionPart.choices,
        read_only=True,
        help_text="`screening`: the GGD screening of section 6 (health content).",
    )
    created_at = serializers.DateTimeField(
        read_only=True, help_text="When the organisation was asked (or first wrote)."
    )

    class Meta:
        model = DossierContribution
        fields = [
            "id",
            "organisation",
            "part",
            "author",
            "text",
            "nothing_known",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class StillAskedSerializer(serializers.Serializer):
    organisation = OrganisationRefSerializer(read_only=True)
    part = serializers.ChoiceField(choices=ContributionPart.choices, read_only=True)


class DossierSectionSerializer(serializers.Serializer):
    """One leefgebied as the requesting user may see it (`cases.policies.redact_section`).

    For a user without health access section 9 says `restricted: true`, `is_complete: null` and
    has no contributions and no one still asked; in section 6 the GGD screening is left out the
    same way (`restricted: true`)."""

    leefgebied = serializers.ChoiceField(choices=Leefgebied.choices, read_only=True)
    title = serializers.CharField(read_only=True)
    restricted = serializers.BooleanField(
        read_only=True, help_text="Whether health content of this section is withheld from you."
    )
    is_complete = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text="Every part you may read answered, and at least one answer; null when you "
        "may not read the section.",
    )
    contributions = serializers.SerializerMethodField()
    still_asked = serializers.SerializerMethodField(
        help_text="Organisations asked for a part that have not answered yet."
    )
    can_contribute = serializers.SerializerMethodField(
        help_text="Whether you may write your organisation's contribution now."
    )
    can_write_screening = serializers.SerializerMethodField(
        help_text="Whether you may write your organisation's GGD screening now (section 6)."
    )

    @extend_schema_field(ContributionSerializer(many=True))
    def get_contributions(self, view: SectionView) -> list[dict]:
        return ContributionSerializer([*view.contributions, *view.screenings], many=True).data

    @extend_schema_field(StillAskedSerializer(many=True))
    def get_still_asked(self, view: SectionView) -> list[dict]:
        asked = [
            {"organisation": o, "part": ContributionPart.CONTRIBUTION} for o in view.still_asked
        ] + [
            {"organisation": o, "part": ContributionPart.SCREENING}
            for o in view.screening_still_asked
        ]
        return StillAskedSerializer(asked, many=True).data

    def _can_write(self, view: SectionView, part: str) -> bool:
        return contribution_can_write(
            self.context["request"].user, self.context["case"], view, part
        )

    def get_can_contribute(self, view: SectionView) -> bool:
        return self._can_write(view, ContributionPart.CONTRIBUTION)

    def get_can_write_screening(self, view: SectionView) -> bool:
        return self._can_write(view, ContributionPart.SCREENING)


class BasisdossierSerializer(serializers.Serializer):
    established_at = serializers.DateTimeField(read_only=True, allow_null=True)
    established_by = UserRefSerializer(read_only=True, allow_null=True)
    ivg_advice = serializers.CharField(read_only=True)
    advised_organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    advised_style = serializers.ChoiceField(
        choices=RegieStyle.choices, read_only=True, allow_blank=True
    )
    sections = serializers.SerializerMethodField()

    @extend_schema_field(DossierSectionSerializer(many=True))
    def get_sections(self, dossier) -> list[dict]:
        """The sections redacted by the view, in context (never the unredacted rows)."""
        return DossierSectionSerializer(
            self.context["sections"], many=True, context=self.context
        ).data


class ContributionInputSerializer(serializers.Serializer):
    """A PATCH of your own organisation's part: fields left out keep their current value."""

    part = serializers.ChoiceField(
        choices=ContributionPart.choices,
        required=False,
        default=ContributionPart.CONTRIBUTION,
        help_text="`screening`: the GGD screening of section 6, written by health "
        "organisations only.",
    )
    text = serializers.CharField(required=False, allow_blank=True)
    nothing_known = serializers.BooleanField(
        required=False, help_text="Your organisation knows nothing about this leefgebied."
    )
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The version of your contribution you read (0 before your first answer). A "
        "different current version is a 409 `stale`.",
    )

    def validate(self, attrs: dict) -> dict:
        # Only the request itself is checked here: the current contribution is for the service
        # to judge, after it has checked that this user may write it.
        if attrs.get("nothing_known") and attrs.get("text", "").strip():
            raise serializers.ValidationError(
                {"nothing_known": _("A contribution marked “nothing known” cannot have text.")},
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
