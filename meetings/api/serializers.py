"""Input and output serializers of the meetings API.

Input serializers check the shape of a request (and what the caller may already see: the case,
its team, its UVOs); every rule of the domain is the service's (`meetings.services`). Output
serializers read what the selectors loaded and never cause a query of their own.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from acvz.api.serializers import (
    DateTimeInputField,
    OrganisationRefSerializer,
    UserRefSerializer,
    VisibleCaseField,
)
from cases.policies import CasePart
from meetings.models import (
    Agreement,
    AgreementStatus,
    Notification,
    NotificationEvent,
    ReminderKind,
    UvoAttendee,
    UvoMeeting,
    UvoStatus,
)
from meetings.policies import agreement_can_update, uvo_can_manage
from partners.models import Organisation, User

#: The POST actions on a UVO, as listed in its `actions`.
UVO_ACTIONS = [("record", "record"), ("cancel", "cancel")]

# --- fields over what the caller may see --------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class VisibleUvoField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        from meetings.selectors import uvos_visible

        return uvos_visible(user=self.context["request"].user)


def _not_in_future(value):
    if value > timezone.localdate():
        raise serializers.ValidationError(_("A UVO cannot have been held in the future."))
    return value


# --- UVOs ---------------------------------------------------------------------------------------


class UvoAttendeeSerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer(
        read_only=True,
        allow_null=True,
        help_text="Null for someone named by hand whose organisation is not in Regie.",
    )
    user = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = UvoAttendee
        fields = ["id", "organisation", "user", "name", "present"]
        read_only_fields = fields


class UvoMeetingListSerializer(serializers.ModelSerializer):
    chair = UserRefSerializer(read_only=True)
    lock_version = serializers.IntegerField(
        read_only=True, help_text="Send it back with `record`: a concurrent change is a 409."
    )

    class Meta:
        model = UvoMeeting
        fields = [
            "id",
            "updated_at",
            "case",
            "planned_at",
            "place",
            "status",
            "held_on",
            "chair",
            "lock_version",
        ]
        read_only_fields = fields


class UvoMeetingDetailSerializer(UvoMeetingListSerializer):
    attendees = UvoAttendeeSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField(
        help_text="The POST actions this user may call on the UVO now."
    )

    class Meta(UvoMeetingListSerializer.Meta):
        fields = [
            *UvoMeetingListSerializer.Meta.fields,
            "minutes",
            "cancel_reason",
            "attendees",
            "actions",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=UVO_ACTIONS)))
    def get_actions(self, meeting: UvoMeeting) -> list[str]:
        if not uvo_can_manage(self.context["request"].user, meeting.case):
            return []
        if meeting.status == UvoStatus.PLANNED:
            return ["record", "cancel"]
        return ["record"] if meeting.status == UvoStatus.HELD else []


class UvoPlanInputSerializer(serializers.Serializer):
    case = VisibleCaseField(part=CasePart.UVO)
    planned_at = DateTimeInputField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class UvoAttendeeInputSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text="The person, when a Regie user; else give `name`.",
    )
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    present = serializers.BooleanField(required=False, default=True)

    def validate(self, attrs: dict) -> dict:
        user = attrs.get("user")
        if user is not None and user.organisation_id != attrs["organisation"].pk:
            raise serializers.ValidationError(
                {"user": _("The person must work for the organisation.")}, code="invalid"
            )
        return attrs


class UvoRecordInputSerializer(serializers.Serializer):
    held_on = serializers.DateField(validators=[_not_in_future])
    minutes = serializers.CharField(required=False, allow_blank=True, default="")
    attendees = UvoAttendeeInputSerializer(
        many=True,
        required=False,
        max_length=200,
        help_text="Who was invited, present or not. Replaces the list; leave out to keep it.",
    )
    lock_version = serializers.IntegerField(
        min_value=0, help_text="The `lock_version` you read: a concurrent change is a 409 `stale`."
    )


class UvoCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


# --- agreements ---------------------------------------------------------------------------------


class AgreementSerializer(serializers.ModelSerializer):
    owner_organisation = OrganisationRefSerializer(read_only=True)
    owner_person = UserRefSerializer(read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField(help_text="Open and past its deadline.")
    can_update = serializers.SerializerMethodField(
        help_text="Whether this user may change the status (the owning organisation, the "
        "regisseur or the accounthouder)."
    )

    class Meta:
        model = Agreement
        fields = [
            "id",
            "updated_at",
            "case",
            "meeting",
            "description",
            "owner_organisation",
            "owner_person",
            "deadline",
            "status",
            "status_note",
            "status_changed_at",
            "created_at",
            "overdue",
            "can_update",
        ]
        read_only_fields = fields

    def get_overdue(self, agreement: Agreement) -> bool:
        return agreement.status == AgreementStatus.OPEN and agreement.deadline < self._today()

    def get_can_update(self, agreement: Agreement) -> bool:
        return agreement_can_update(self.context["request"].user, agreement)

    def _today(self):
        if "today" not in self.context:
            self.context["today"] = timezone.localdate()
        return self.context["today"]


class AgreementCreateSerializer(serializers.Serializer):
    case = VisibleCaseField(part=CasePart.UVO)
    meeting = VisibleUvoField(
        required=False, allow_null=True, default=None, help_text="The UVO it was made at."
    )
    description = serializers.CharField()
    owner_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        help_text="An organisation on the case team now.",
    )
    owner_person = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text="Someone of the owning organisation.",
    )
    deadline = serializers.DateField(help_text="Today or later.")

    def validate_deadline(self, deadline):
        if deadline < timezone.localdate():
            raise serializers.ValidationError(_("The deadline lies in the past."))
        return deadline

    def validate(self, attrs: dict) -> dict:
        case, meeting = attrs["case"], attrs.get("meeting")
        errors = {}
        if meeting is not None and meeting.case_id != case.pk:
            errors["meeting"] = _("This UVO belongs to another case.")
        organisation, person = attrs["owner_organisation"], attrs.get("owner_person")
        if not case.team.filter(organisation=organisation, left_on__isnull=True).exists():
            errors["owner_organisation"] = _("The organisation is not on the case team.")
        elif person is not None and person.organisation_id != organisation.pk:
            errors["owner_person"] = _("The person must work for the owning organisation.")
        if errors:
            raise serializers.ValidationError(errors, code="invalid")
        return attrs


class AgreementUpdateSerializer(serializers.Serializer):
    """A PATCH: fields left out keep their value."""

    status = serializers.ChoiceField(choices=AgreementStatus.choices, required=False)
    note = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text="Why, e.g. what was done or why not (the agreement's `status_note`).",
    )


# --- notifications ------------------------------------------------------------------------------


class NotificationSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(
        source="reminder.kind",
        choices=ReminderKind.choices,
        read_only=True,
        allow_null=True,
        help_text="For a reminder of the daily scan: what is due; null for an event.",
    )
    event = serializers.ChoiceField(
        choices=NotificationEvent.choices,
        read_only=True,
        allow_blank=True,
        help_text="For an event (told at once): what happened; empty for a reminder.",
    )
    case = serializers.IntegerField(source="case_id", read_only=True)
    due_date = serializers.DateField(
        source="reminder.due_date",
        read_only=True,
        allow_null=True,
        help_text="For a reminder: the date the item was due.",
    )
    link = serializers.CharField(
        source="get_link", read_only=True, help_text="The page where the work is done."
    )

    class Meta:
        model = Notification
        fields = [
            "id",
            "updated_at",
            "kind",
            "event",
            "case",
            "due_date",
            "link",
            "message",
            "created_at",
            "read_at",
        ]
        read_only_fields = fields


class MarkedReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were unread.")
