"""The offence records API (`/offence-records/`): partner systems push, correct and retract
records, one by one or in a batch."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from acvz.api import problems
from acvz.api.filters import FILTER_AND_ORDER, UpdatedSinceFilter
from acvz.api.input import validated
from acvz.api.schema import ProblemSerializer
from cases import selectors, services
from cases.access import AccessLoggedMixin
from cases.api.filters import OffenceRecordFilter
from cases.api.serializers import (
    OffenceBatchResponseSerializer,
    OffenceBatchSerializer,
    OffenceRecordCorrectSerializer,
    OffenceRecordInputSerializer,
    OffenceRecordSerializer,
)
from cases.models import OffenceRecord
from partners.models import ApiScope


@extend_schema_view(
    list=extend_schema(
        summary="List offence records",
        description="The offence records of the persons this user may see.",
        responses=OffenceRecordSerializer(many=True),
    ),
    create=extend_schema(
        summary="Push an offence record",
        description="A partner system records an offence for its own organisation (the "
        "`source`). The person must be visible to the caller; an unknown or invisible person "
        "is the same 400 on `person`. A repeated push with the same `external_id` for the "
        "same person changes nothing and returns the existing record with 200 (also when two "
        "identical pushes arrive at once); with other content it is a 409 `conflict` — "
        "correct a record with PUT at its own address. The same `external_id` for another "
        "person is a 409 `duplicate` problem that says nothing about the record that holds it.",
        request=OffenceRecordInputSerializer,
        responses={
            201: OpenApiResponse(OffenceRecordSerializer, description="Recorded."),
            200: OpenApiResponse(
                OffenceRecordSerializer,
                description="Already recorded for this person under this external_id.",
            ),
            (409, "application/problem+json"): OpenApiResponse(
                ProblemSerializer,
                description="`duplicate`: this external_id is already used for another "
                "person's record. `conflict`: it is recorded with other content (correct it "
                "with PUT). Nothing is written, and nothing of another record is told.",
            ),
        },
    ),
    retrieve=extend_schema(
        summary="Read an offence record",
        description="A record of a person this user may see (else 404). Logged as a read.",
        responses=OffenceRecordSerializer,
    ),
    update=extend_schema(
        summary="Correct an offence record",
        description="By a partner system of the record's source organisation (else 403): the "
        "record as it should read. The history keeps what it said before.",
        request=OffenceRecordCorrectSerializer,
        responses=OffenceRecordSerializer,
    ),
    destroy=extend_schema(
        summary="Retract an offence record",
        description="By a partner system of the record's source organisation (else 403): the "
        "record no longer counts (inflow criteria, outcome figures); the history keeps that it "
        "was there and who retracted it.",
        responses={204: None},
    ),
)
class OffenceRecordViewSet(
    AccessLoggedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    api_scope = ApiScope.OFFENCES
    filterset_class = OffenceRecordFilter
    filter_backends = [*FILTER_AND_ORDER, UpdatedSinceFilter]
    ordering_fields = ["date", "created_at"]
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OffenceRecord.objects.none()
        return selectors.offence_record_list(user=self.request.user).select_related("source")

    def get_serializer_class(self):
        return {
            "create": OffenceRecordInputSerializer,
            "update": OffenceRecordCorrectSerializer,
        }.get(self.action, OffenceRecordSerializer)

    def update(self, request, *args, **kwargs):
        record = self.get_object()
        data = validated(
            OffenceRecordCorrectSerializer, data=request.data, context=self.get_serializer_context()
        ).validated_data
        corrected = services.offence_record_correct(record=record, by=request.user, **data)
        corrected.person_visible = record.person_visible
        return Response(OffenceRecordSerializer(corrected).data)

    def destroy(self, request, *args, **kwargs):
        services.offence_record_retract(record=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Push offence records in a batch",
        description="Up to 1,000 records in one request, each handled as `POST /offence-records/` "
        "handles one, in its own transaction: a bad item does not sink the rest. The answer is "
        "200 with a result per item (its status as the single push would answer it, the record's "
        "id or the problem) and the counts. Repeats (the same `external_id`) answer 200.",
        request=OffenceBatchSerializer,
        responses=OffenceBatchResponseSerializer,
    )
    @action(detail=False, methods=["post"], url_path="batch", filter_backends=[])
    def batch(self, request, *args, **kwargs):
        if not request.user.has_perm("cases.add_offencerecord"):
            # Whole, as the single push would refuse each item: this caller records no offences.
            raise PermissionDenied(_("You may not record offences."))
        items = validated(OffenceBatchSerializer, data=request.data).validated_data["items"]
        context = self.get_serializer_context()
        results, counts = [], {"created": 0, "repeated": 0, "failed": 0}
        for index, item in enumerate(items):
            try:
                with transaction.atomic():
                    data = validated(OffenceRecordInputSerializer, data=item, context=context)
                    record, created = services.offence_record_create(
                        by=request.user, **data.validated_data
                    )
            except Exception as exc:
                answer = problems.exception_handler(exc, {"request": request, "view": self})
                if answer is None:
                    raise
                body = {k: answer.data[k] for k in ("code", "title", "detail") if k in answer.data}
                if "invalid_params" in answer.data:
                    body["invalid_params"] = answer.data["invalid_params"]
                results.append({"index": index, "status": answer.status_code, "problem": body})
                counts["failed"] += 1
                continue
            counts["created" if created else "repeated"] += 1
            results.append({"index": index, "status": 201 if created else 200, "id": record.pk})
        return Response({**counts, "results": results})

    def create(self, request, *args, **kwargs):
        serializer = validated(
            OffenceRecordInputSerializer, data=request.data, context=self.get_serializer_context()
        )
        record, created = services.offence_record_create(
            by=request.user, **serializer.validated_data
        )
        record.person_visible = (
            selectors.person_list(user=request.user).filter(pk=record.person_id).exists()
        )
        return Response(
            OffenceRecordSerializer(record).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
