"""The cases API (`/cases/`): the case, its transitions (one POST action each), its team,
timeline, basisdossier and history."""

from __future__ import annotations

import functools

from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from acvz.api.filters import FILTER_AND_ORDER, UpdatedSinceFilter
from acvz.api.schema import transition_schema, write_error_codes
from acvz.api.views import ValidatedInputMixin, url_pk
from cases import selectors, services
from cases.access import AccessLoggedMixin
from cases.api.filters import CaseApiFilter
from cases.api.serializers import (
    TRANSITION_PATHS,
    BasisdossierSerializer,
    CaseAppointSerializer,
    CaseAssignSerializer,
    CaseDetailSerializer,
    CaseListSerializer,
    CaseOutflowSerializer,
    CaseRegisterSerializer,
    CaseWithdrawSerializer,
    ContributionInputSerializer,
    DossierSectionSerializer,
    HistoryEntrySerializer,
    TeamMemberAddSerializer,
    TeamMembershipSerializer,
    TimelineEventInputSerializer,
    TimelineEventSerializer,
)
from cases.models import Case, CaseTeamMembership, ContributionPart, DossierContribution
from cases.policies import (
    CasePart,
    case_can_read_health,
    case_read_scope,
    redact_section,
    redact_sections,
)
from partners.models import ApiScope

#: Writes whose service can refuse with a DomainError (409).
_CONFLICT_ACTIONS = frozenset(TRANSITION_PATHS) | {
    "create",
    "team",
    "leave_team",
    "timeline",
    "basisdossier_section",
}

_LEEFGEBIED_PARAMETER = OpenApiParameter(
    "leefgebied",
    OpenApiTypes.INT,
    OpenApiParameter.PATH,
    description="The section's leefgebied, 1 to 11.",
)
_MEMBERSHIP_PARAMETER = OpenApiParameter(
    "membership_id",
    OpenApiTypes.INT,
    OpenApiParameter.PATH,
    description="The id of the team membership (see `team`).",
)


_transition_schema = functools.partial(
    transition_schema, noun="case", responses=CaseDetailSerializer
)


@extend_schema_view(
    list=extend_schema(
        summary="List cases",
        description="The cases this user may see (need-to-know).",
        responses=CaseListSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="Read a case",
        description="One case with its team and the transitions this user may call now. For "
        "users who read a case only for its plan (ITAT while the plan is on its agenda, the "
        "ITAT-Expertgroep while a referral is open) `team` is empty. The read is written to the "
        "access log.",
        responses=CaseDetailSerializer,
    ),
    create=extend_schema(
        summary="Register a case",
        description="Register a person in a programme. Refused (409 `not_eligible`) when the "
        "person does not meet the inflow criteria, unless `override_reason` says why; 409 "
        "`duplicate_case` when the person already has an open case in the programme.",
        request=CaseRegisterSerializer,
        responses={201: CaseDetailSerializer},
    ),
)
class CaseViewSet(
    AccessLoggedMixin, ValidatedInputMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    api_scope = ApiScope.CASES
    api_scopes = {"timeline": ApiScope.TIMELINE}
    filterset_class = CaseApiFilter
    filter_backends = [*FILTER_AND_ORDER, UpdatedSinceFilter]  # CaseFilter's `q` is the name search
    ordering_fields = ["registered_at", "status"]

    @property
    def extra_error_codes(self) -> tuple[str, ...]:
        """Documents the 409 of the writes that a DomainError can refuse (see acvz.api.schema)."""
        return write_error_codes(self, _CONFLICT_ACTIONS)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        return selectors.case_list(user=self.request.user, inline_ids=self.action == "list")

    def get_serializer_class(self):
        return CaseListSerializer if self.action == "list" else CaseDetailSerializer

    def get_object(self, part: CasePart | None = None) -> Case:
        """The visible case of the URL: missing, invisible and malformed ids are one 404, and so
        is a case of which the user does not read `part` (`cases.policies.case_read_scope`)."""
        return selectors.case_get(user=self.request.user, pk=url_pk(self.kwargs["pk"]), part=part)

    def _detail(self, case: Case) -> dict:
        """The detail representation of a case a service returned (it may no longer be visible
        to the actor, e.g. after withdrawing it: they acted on it, so they get the answer)."""
        prefetch_related_objects(
            [case],
            "person",
            "programme",
            "regie_organisation",
            "regisseur",
            "accounthouder",
            Prefetch(
                "team",
                queryset=CaseTeamMembership.objects.select_related("organisation", "professional"),
            ),
        )
        return CaseDetailSerializer(case, context=self.get_serializer_context()).data

    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()
        return Response(CaseDetailSerializer(case, context=self.get_serializer_context()).data)

    def create(self, request, *args, **kwargs):
        data = self._input(CaseRegisterSerializer)
        case = services.case_register(by=request.user, **data)
        return Response(self._detail(case), status=status.HTTP_201_CREATED)

    # --- transitions: one POST action each ------------------------------------------------------

    def _transition(self, service, serializer_class=None) -> Response:
        case = self.get_object()
        data = self._input(serializer_class) if serializer_class else {}
        case = service(case=case, by=self.request.user, **data)
        return Response(self._detail(case))

    @_transition_schema(
        "Start the basisdossier",
        "registered → basisdossier, by the programme team: opens one empty section per leefgebied.",
    )
    @action(detail=True, methods=["post"], url_path="start-dossier")
    def start_dossier(self, request, *args, **kwargs):
        return self._transition(services.case_start_dossier)

    @_transition_schema(
        "Establish the basisdossier",
        "basisdossier → awaiting_assignment, by the IVG: every section must be filled or "
        "marked “no information” (else 409 `dossier_incomplete`).",
    )
    @action(detail=True, methods=["post"], url_path="establish-dossier")
    def establish_dossier(self, request, *args, **kwargs):
        return self._transition(services.case_establish_dossier)

    @_transition_schema(
        "Assign the case",
        "awaiting_assignment → assigned, by the programme team: hands the case to one partner "
        "organisation, which joins the case team as regie organisation.",
        CaseAssignSerializer,
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, *args, **kwargs):
        return self._transition(services.case_assign, CaseAssignSerializer)

    @_transition_schema(
        "Appoint a regisseur",
        "assigned → in_regie, by the regie organisation: a regisseur (and accounthouder) of "
        "its own staff (else 409 `invalid_regisseur` / `invalid_accounthouder`).",
        CaseAppointSerializer,
    )
    @action(detail=True, methods=["post"], url_path="appoint-regisseur")
    def appoint_regisseur(self, request, *args, **kwargs):
        return self._transition(services.case_appoint_regisseur, CaseAppointSerializer)

    @_transition_schema(
        "Start outflow",
        "in_regie → outflow, by the regisseur or accounthouder: hand-over to the regular line.",
        CaseOutflowSerializer,
    )
    @action(detail=True, methods=["post"], url_path="start-outflow")
    def start_outflow(self, request, *args, **kwargs):
        return self._transition(services.case_start_outflow, CaseOutflowSerializer)

    @_transition_schema(
        "Close the case",
        "outflow → closed, by the regisseur or accounthouder. The case team leaves.",
    )
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        return self._transition(services.case_close)

    @_transition_schema(
        "Withdraw the case",
        "registered, basisdossier or awaiting_assignment → closed, by the programme team: the "
        "person is not taken into the programme.",
        CaseWithdrawSerializer,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        return self._transition(services.case_withdraw, CaseWithdrawSerializer)

    # --- case team ------------------------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        summary="List the case team",
        description="Every membership, past ones with `left_on` set, in the order they joined.",
        responses=TeamMembershipSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Add an organisation to the case team",
        description="By the regisseur or accounthouder while the case is in regie or outflow. "
        "The organisation sees the case from now on.",
        request=TeamMemberAddSerializer,
        responses={201: TeamMembershipSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def team(self, request, *args, **kwargs):
        case = self.get_object(CasePart.OVERVIEW)
        if request.method == "GET":
            return Response(TeamMembershipSerializer(case.team.all(), many=True).data)
        data = self._input(TeamMemberAddSerializer)
        membership = services.team_member_add(case=case, by=request.user, **data)
        return Response(TeamMembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Let an organisation leave the case team",
        description="Its access to the case ends now. The regie organisation cannot leave.",
        parameters=[_MEMBERSHIP_PARAMETER],
        request=None,
        responses=TeamMembershipSerializer,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"team/(?P<membership_id>[0-9]+)/leave",
        url_name="team-leave",
    )
    def leave_team(self, request, *args, membership_id: str, **kwargs):
        case = self.get_object(CasePart.OVERVIEW)
        membership = next((m for m in case.team.all() if m.pk == int(membership_id)), None)
        if membership is None:
            raise NotFound(_("This organisation is not on the case team."))
        services.team_member_leave(membership=membership, by=request.user)
        membership = CaseTeamMembership.objects.select_related("organisation", "professional").get(
            pk=membership.pk
        )
        return Response(TeamMembershipSerializer(membership).data)

    # --- timeline -------------------------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        summary="List the case's timeline",
        description="Events the case team shares, newest first.",
        responses=TimelineEventSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Push an event to the timeline",
        description="Share an event (arrest, detention, move, new measure, ...) with the case "
        "team. A repeated push with the same `external_id` changes nothing and returns the "
        "existing event with 200.",
        request=TimelineEventInputSerializer,
        responses={
            201: OpenApiResponse(TimelineEventSerializer, description="Recorded."),
            200: OpenApiResponse(
                TimelineEventSerializer, description="Already recorded under this external_id."
            ),
        },
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def timeline(self, request, *args, **kwargs):
        case = self.get_object(CasePart.TIMELINE)
        if request.method == "GET":
            page = self.paginate_queryset(selectors.case_timeline(case=case))
            return self.get_paginated_response(TimelineEventSerializer(page, many=True).data)
        data = self._input(TimelineEventInputSerializer)
        event, created = services.timeline_event_create(case=case, by=request.user, **data)
        return Response(
            TimelineEventSerializer(event).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    # --- basisdossier ---------------------------------------------------------------------------

    def _dossier_context(self, case: Case, sections) -> dict:
        return {**self.get_serializer_context(), "case": case, "sections": sections}

    @staticmethod
    def _dossier(case: Case):
        dossier = selectors.case_dossier(case=case)
        if dossier is None:
            raise NotFound(_("The basisdossier of this case has not been started."))
        return dossier

    def _section(self, case: Case, leefgebied: str):
        self._dossier_exists(case)
        try:
            return selectors.dossier_section(case=case, leefgebied=int(leefgebied))
        except Http404:
            raise NotFound(_("There is no such section.")) from None

    @staticmethod
    def _dossier_exists(case: Case) -> None:
        if case.dossier_started_at is None:
            raise NotFound(_("The basisdossier of this case has not been started."))

    @extend_schema(
        summary="Read the basisdossier",
        description="The 11 sections, one per leefgebied, each with the contributions of the "
        "organisations that answered and the organisations still asked. For users without "
        "health access to this case, section 9 has no contributions, no one still asked and "
        "`is_complete: null`, and the GGD screening of section 6 is left out; both sections "
        "say `restricted: true`. The read is written to the access log. 404 when the "
        "basisdossier has not been started.",
        responses=BasisdossierSerializer,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def basisdossier(self, request, *args, **kwargs):
        case = self.get_object(CasePart.DOSSIER)
        dossier = self._dossier(case)
        views = redact_sections(request.user, case, dossier.sections.all())
        return Response(
            BasisdossierSerializer(dossier, context=self._dossier_context(case, views)).data
        )

    @extend_schema(
        methods=["GET"],
        summary="Read a basisdossier section",
        description="One section as in the basisdossier, with the same health rule. The read "
        "is written to the access log.",
        parameters=[_LEEFGEBIED_PARAMETER],
        responses=DossierSectionSerializer,
    )
    @extend_schema(
        methods=["PATCH"],
        summary="Write your organisation's contribution to a section",
        description="By IVG members of kernpartners while the dossier is compiled: each writes "
        "only its own organisation's part, a `text` or `nothing_known: true`. Section 9 and "
        "the GGD screening (`part: screening`, section 6) only by health organisations. "
        "Fields left out keep their value, except that `nothing_known: true` empties the "
        "text and writing text clears `nothing_known`; an empty answer is 400. Send the "
        "`version` you read: when someone changed your contribution meanwhile, the answer is "
        "409 `stale`.",
        parameters=[_LEEFGEBIED_PARAMETER],
        request=ContributionInputSerializer,
        responses=DossierSectionSerializer,
    )
    @action(
        detail=True,
        methods=["get", "patch"],
        url_path=r"basisdossier/sections/(?P<leefgebied>[0-9]+)",
        url_name="basisdossier-section",
        filter_backends=[],
    )
    def basisdossier_section(self, request, *args, leefgebied: str, **kwargs):
        case = self.get_object(CasePart.DOSSIER)
        section = self._section(case, leefgebied)
        if request.method != "GET":
            data = self._input(ContributionInputSerializer)
            own = next(
                (
                    c
                    for c in section.contributions.all()
                    if c.organisation_id == request.user.organisation_id and c.part == data["part"]
                ),
                None,
            )
            services.dossier_contribution_save(
                section=section, by=request.user, **_contribution_changes(own, data)
            )
            section = self._section(case, leefgebied)
        view = redact_section(request.user, case, section)
        return Response(
            DossierSectionSerializer(view, context=self._dossier_context(case, [view])).data
        )

    # --- history --------------------------------------------------------------------------------

    @extend_schema(
        summary="Read the case's history",
        description="Who changed what on the case, its basisdossier and its team, newest "
        "first. Health sections are left out for users without health access, and the parts of "
        "the case a user does not read are left out too (ITAT and the ITAT-Expertgroep read the "
        "plan and the basisdossier only). The read is written to the access log.",
        responses=HistoryEntrySerializer(many=True),
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, *args, **kwargs):
        case = self.get_object(CasePart.HISTORY)
        entries = selectors.case_history(
            case=case,
            user=request.user,
            can_read_health=case_can_read_health(request.user, case),
            parts=case_read_scope(request.user, case).parts,
        )
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(HistoryEntrySerializer(page, many=True).data)


def _contribution_changes(own: DossierContribution | None, data: dict) -> dict:
    """The PATCH merged with the user's own contribution: the arguments of
    `services.dossier_contribution_save`."""
    current_text = own.text if own else ""
    if "nothing_known" in data:
        nothing_known = data["nothing_known"]
    else:
        nothing_known = bool(own and own.nothing_known) and not data.get("text", "").strip()
    return {
        "part": data.get("part", ContributionPart.CONTRIBUTION),
        "text": data.get("text", "" if nothing_known else current_text),
        "nothing_known": nothing_known,
        "expected_version": data.get("version"),
    }
