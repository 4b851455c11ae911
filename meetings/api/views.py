"""The meetings API: thin adapters over `meetings.selectors` (reads) and `meetings.services`
(writes), with the rules of the case pages.

A UVO or agreement of a case the user may not see is a 404, exactly like a missing one, before
the body is validated. An action the user's role does not allow on a visible object
(`NotAllowed`) is a 403 problem, a refused transition (`DomainError`) a 409.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from acvz.api.conditional import (
    PreconditionFailed,
    entity_tags,
    etag_parameter,
    if_match,
    if_match_parameter,
    stale_fails_precondition,
)
from acvz.api.filters import (
    FILTER_AND_ORDER,
    FilterBackend,
    StableOrderingFilter,
    UpdatedSinceFilter,
)
from acvz.api.views import ValidatedInputMixin, url_pk
from cases.access import AccessLoggedMixin, visible_get
from meetings import selectors, services
from meetings.api.filters import AgreementFilter, NotificationFilter, UvoMeetingFilter
from meetings.api.serializers import (
    AgreementCreateSerializer,
    AgreementSerializer,
    AgreementUpdateSerializer,
    MarkedReadSerializer,
    NotificationSerializer,
    UvoCancelInputSerializer,
    UvoMeetingDetailSerializer,
    UvoMeetingListSerializer,
    UvoPlanInputSerializer,
    UvoRecordInputSerializer,
)
from meetings.models import Agreement, Notification, UvoMeeting
from meetings.policies import agreement_can_update
from partners.models import ApiScope

# --- UVOs ---------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List UVOs",
        description="The UVOs (uitvoerdersoverleggen) of the cases this user may see, newest "
        "first.",
        responses=UvoMeetingListSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="Read a UVO",
        description="One UVO with its attendees and minutes, and the actions this user may "
        "call now. The read is written to the access log.",
        responses=UvoMeetingDetailSerializer,
    ),
    create=extend_schema(
        summary="Plan a UVO",
        description="By the regisseur (or accounthouder) of a case in regie or outflow; 403 "
        "for anyone else who sees the case. A case the user does not see is the same 400 on "
        "`case` as an unknown one.",
        request=UvoPlanInputSerializer,
        responses={201: UvoMeetingDetailSerializer},
    ),
)
class UvoMeetingViewSet(
    AccessLoggedMixin,
    ValidatedInputMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    api_scope = ApiScope.CASES
    filterset_class = UvoMeetingFilter
    filter_backends = [*FILTER_AND_ORDER, UpdatedSinceFilter]
    ordering_fields = ["planned_at", "held_on"]

    @property
    def extra_error_codes(self) -> tuple[str, ...]:
        """The transitions can be refused by the UVO's state (see acvz.api.schema)."""
        return ("409",) if self.action in ("record", "cancel") else ()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return UvoMeeting.objects.none()
        return selectors.uvos_visible(user=self.request.user, inline_ids=self.action == "list")

    def get_serializer_class(self):
        return UvoMeetingListSerializer if self.action == "list" else UvoMeetingDetailSerializer

    def get_object(self) -> UvoMeeting:
        """The visible UVO of the URL: missing, invisible and malformed ids are one 404."""
        return selectors.uvo_get(user=self.request.user, pk=url_pk(self.kwargs["pk"]))

    def _detail(self, meeting: UvoMeeting, **kwargs) -> Response:
        """The UVO as the actor sees it now, with its attendees."""
        meeting = selectors.uvo_get(user=self.request.user, pk=meeting.pk)
        return Response(
            UvoMeetingDetailSerializer(meeting, context=self.get_serializer_context()).data,
            **kwargs,
        )

    def retrieve(self, request, *args, **kwargs):
        meeting = self.get_object()
        return Response(
            UvoMeetingDetailSerializer(meeting, context=self.get_serializer_context()).data
        )

    def create(self, request, *args, **kwargs):
        data = self._input(UvoPlanInputSerializer)
        meeting = services.uvo_plan(by=request.user, **data)
        return self._detail(meeting, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record a held UVO",
        description="The date it was held, the minutes and the attendees (present or absent; "
        "the list replaces the earlier one, leave it out to keep that). Also corrects a UVO "
        "recorded before. Send the `lock_version` you read: when someone changed the UVO "
        "meanwhile the answer is 409 `stale`; a cancelled UVO is 409 `invalid_transition`.",
        request=UvoRecordInputSerializer,
        responses=UvoMeetingDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def record(self, request, *args, **kwargs):
        meeting = self.get_object()
        data = self._input(UvoRecordInputSerializer)
        attendees = data.get("attendees")
        meeting = services.uvo_record(
            meeting=meeting,
            by=request.user,
            held_on=data["held_on"],
            minutes=data["minutes"],
            attendees=[dict(a) for a in attendees] if attendees is not None else None,
            expected_lock_version=data["lock_version"],
        )
        return self._detail(meeting)

    @extend_schema(
        summary="Cancel a planned UVO",
        description="With the reason. Only a planned UVO (else 409 `invalid_transition`).",
        request=UvoCancelInputSerializer,
        responses=UvoMeetingDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        meeting = self.get_object()
        data = self._input(UvoCancelInputSerializer)
        meeting = services.uvo_cancel(meeting=meeting, by=request.user, **data)
        return self._detail(meeting)


class AgreementChanged(PreconditionFailed):
    default_detail = gettext_lazy(
        "The agreement changed since you read it (If-Match names an older ETag). Nothing was "
        "written: read it again and retry."
    )


# --- agreements ---------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List agreements",
        description="The agreements (afspraken) of the cases this user may see, by deadline. "
        "`overdue=true`: open and past the deadline.",
        responses=AgreementSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="Read an agreement",
        description="The read is written to the access log. The answer's `ETag` is the "
        "agreement's version: send it as `If-None-Match` to get 304 while it is unchanged, or "
        "as `If-Match` with an update.",
        responses={200: AgreementSerializer, 304: None},
        parameters=[
            OpenApiParameter(
                "If-None-Match",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="An `ETag` you read: 304 without a body while it is still current.",
            ),
            etag_parameter([200, 304], "The agreement's version."),
        ],
    ),
    create=extend_schema(
        summary="Record an agreement",
        description="By the regisseur (or accounthouder) of a case in regie or outflow: what, "
        "which organisation of the case team (and which of its people), by when.",
        request=AgreementCreateSerializer,
        responses={201: AgreementSerializer},
    ),
    partial_update=extend_schema(
        summary="Update an agreement's status",
        description="By the owning organisation (its people and its partner system), the "
        "regisseur or the accounthouder: done, not done, or open again, with a note. 403 for "
        "others who see the case. Fields left out keep their value. With `If-Match` naming "
        "an `ETag` that is no longer the agreement's (someone changed it since you read it), "
        "or no `ETag` at all (an empty or malformed header): 412 `precondition_failed`, "
        "nothing written.",
        request=AgreementUpdateSerializer,
        responses=AgreementSerializer,
        parameters=[if_match_parameter("The agreement's `ETag` as you read it.")],
    ),
)
class AgreementViewSet(
    AccessLoggedMixin,
    ValidatedInputMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    api_scope = ApiScope.AGREEMENTS
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = AgreementFilter
    filter_backends = [*FILTER_AND_ORDER, UpdatedSinceFilter]
    ordering_fields = ["deadline", "created_at"]

    @property
    def extra_error_codes(self) -> tuple[str, ...]:
        """A conditional update can fail its precondition (see acvz.api.schema)."""
        return ("412",) if self.action == "partial_update" else ()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Agreement.objects.none()
        return selectors.agreements_visible(
            user=self.request.user, inline_ids=self.action == "list"
        ).order_by("deadline", "pk")

    def get_object(self) -> Agreement:
        """DRF's, through `visible_get`: the visibility of the agreement's own case only."""
        queryset = self.filter_queryset(self.get_queryset())
        agreement = visible_get(queryset, pk=url_pk(self.kwargs["pk"]))
        self.check_object_permissions(self.request, agreement)
        return agreement

    def get_serializer_class(self):
        return {
            "create": AgreementCreateSerializer,
            "partial_update": AgreementUpdateSerializer,
        }.get(self.action, AgreementSerializer)

    def _output(self, agreement: Agreement, **kwargs) -> Response:
        return Response(
            AgreementSerializer(agreement, context=self.get_serializer_context()).data,
            headers={"ETag": services.agreement_version(agreement)},
            **kwargs,
        )

    def retrieve(self, request, *args, **kwargs):
        agreement = self.get_object()
        if services.agreement_version(agreement) in entity_tags(
            request.headers.get("If-None-Match", "")
        ):
            return Response(
                status=status.HTTP_304_NOT_MODIFIED,
                headers={"ETag": services.agreement_version(agreement)},
            )
        return self._output(agreement)

    def create(self, request, *args, **kwargs):
        data = self._input(AgreementCreateSerializer)
        agreement = services.agreement_create(by=request.user, **data)
        return self._output(self.get_queryset().get(pk=agreement.pk), status=201)

    def partial_update(self, request, *args, **kwargs):
        agreement = self.get_object()
        if not agreement_can_update(request.user, agreement):
            raise PermissionDenied(
                _("Only the owning organisation or the regisseur updates this agreement.")
            )
        data = self._input(AgreementUpdateSerializer)
        current = services.agreement_version(agreement)
        expected = current if if_match(request, current, AgreementChanged) else None
        with stale_fails_precondition(AgreementChanged):
            services.agreement_set_status(
                agreement=agreement,
                by=request.user,
                status=data.get("status", agreement.status),
                note=data.get("note", agreement.status_note),
                expected_version=expected,
            )
        return self._output(self.get_queryset().get(pk=agreement.pk))


# --- notifications ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List my notifications",
        description="The requesting user's own notifications (reminders of the daily scan), "
        "unread first, newest first. Only those about cases the user may still see: after "
        "the user's organisation left a case team, its notifications about that case are "
        "gone from this list.",
        responses=NotificationSerializer(many=True),
    ),
)
class NotificationViewSet(AccessLoggedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    api_scope = ApiScope.CASES
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    filter_backends = [FilterBackend, StableOrderingFilter, UpdatedSinceFilter]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        # The API names the case by id: the person's row (the inbox page's name) is not read.
        return (
            selectors.inbox(user=self.request.user)
            .select_related(None)
            .select_related("case", "reminder")
        )

    @extend_schema(
        summary="Mark a notification as read",
        description="Only your own, about a case you may still see: any other is a 404.",
        request=None,
        responses=NotificationSerializer,
    )
    @action(detail=True, methods=["post"])
    def read(self, request, *args, **kwargs):
        notification = self.get_object()
        services.notification_mark_read(notification=notification, by=request.user)
        notification.refresh_from_db(fields=["read_at"])
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        summary="Mark all my notifications as read",
        description="Those listed: your own, about cases you may still see.",
        request=None,
        responses=MarkedReadSerializer,
    )
    @action(detail=False, methods=["post"], url_path="read-all", filter_backends=[])
    def read_all(self, request, *args, **kwargs):
        marked = services.notifications_mark_all_read(by=request.user)
        return Response(MarkedReadSerializer({"marked": marked}).data)
