"""The ITAT meetings API (`/itat-meetings/`): read only, for ITAT members."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from acvz.api.filters import FILTER_AND_ORDER
from acvz.api.views import url_pk
from cases.access import AccessLoggedMixin
from cases.policies import actor_for
from plans import selectors
from plans.api.filters import ItatMeetingFilter
from plans.api.serializers import (
    ItatAgendaItemSerializer,
    ItatMeetingDetailSerializer,
    ItatMeetingListSerializer,
)
from plans.models import ItatMeeting
from plans.policies import REVIEW


@extend_schema_view(
    list=extend_schema(
        summary="List ITAT meetings",
        description="The weekly ITAT meetings with the number of submitted plans on each "
        "agenda, by date. Only for ITAT members (others get an empty list).",
        responses=ItatMeetingListSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="Read an ITAT meeting's agenda",
        description="The meeting and the submitted plans on its agenda, with their open "
        "commitments. Only for ITAT members (404 for others). `agenda` holds the whole agenda "
        "(hundreds of plans in a large city) and is deprecated: read it a page at a time from "
        "`/itat-meetings/{id}/agenda`.",
        responses=ItatMeetingDetailSerializer,
    ),
)
class ItatMeetingViewSet(AccessLoggedMixin, viewsets.ReadOnlyModelViewSet):
    filterset_class = ItatMeetingFilter
    filter_backends = FILTER_AND_ORDER
    ordering_fields = ["date"]
    access_log_list_actions = frozenset({"list", "agenda"})

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ItatMeeting.objects.none()
        if not actor_for(self.request.user).has(REVIEW):
            return ItatMeeting.objects.none()
        return selectors.itat_meetings(upcoming_only=False)

    def get_serializer_class(self):
        return ItatMeetingListSerializer if self.action == "list" else ItatMeetingDetailSerializer

    def retrieve(self, request, *args, **kwargs):
        meeting = get_object_or_404(self.get_queryset(), pk=url_pk(kwargs["pk"]))
        meeting.agenda = list(selectors.itat_agenda(user=request.user, meeting=meeting))
        return Response(ItatMeetingDetailSerializer(meeting).data)

    @extend_schema(
        summary="List an ITAT meeting's agenda",
        description="The submitted plans on the meeting's agenda, in the order they were "
        "submitted, a page at a time, with their goals and open commitments counted. Only for "
        "ITAT members (404 for others). The read is written to the access log.",
        responses=ItatAgendaItemSerializer(many=True),
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def agenda(self, request, *args, **kwargs):
        meeting = get_object_or_404(self.get_queryset(), pk=url_pk(kwargs["pk"]))
        page = self.paginate_queryset(selectors.itat_agenda(user=request.user, meeting=meeting))
        return self.get_paginated_response(ItatAgendaItemSerializer(page, many=True).data)
