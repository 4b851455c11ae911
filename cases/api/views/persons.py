"""The persons API (`/persons/`): list, read, register, change, and find by BSN."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from acvz.api.filters import UpdatedSinceFilter
from acvz.api.input import validated
from cases import selectors, services
from cases.access import AccessLoggedMixin
from cases.api.filters import PersonFilter
from cases.api.serializers import (
    PersonDetailSerializer,
    PersonInputSerializer,
    PersonListSerializer,
    PersonSearchSerializer,
)
from cases.models import FamilyRelation, Person
from partners.models import ApiScope


@extend_schema_view(
    list=extend_schema(
        summary="List persons",
        description="The persons of the cases this user may see (the programme team sees all).",
        responses=PersonListSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="Read a person",
        description="One person with their family relations. The read is written to the "
        "access log.",
        responses=PersonDetailSerializer,
    ),
    create=extend_schema(
        summary="Register a person",
        description="Needs the permission to register persons (programme team). The BSN, when "
        "given, must pass the 11-test and be unique.",
        request=PersonInputSerializer,
        responses={201: PersonDetailSerializer},
    ),
    partial_update=extend_schema(
        summary="Change a person",
        description="Fields left out keep their value.",
        request=PersonInputSerializer,
        responses=PersonDetailSerializer,
    ),
)
class PersonViewSet(
    AccessLoggedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    api_scope = ApiScope.CASES
    api_scopes = {"search": ApiScope.READ}
    filter_backends = [*api_settings.DEFAULT_FILTER_BACKENDS, UpdatedSinceFilter]
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = PersonFilter
    search_fields = ["first_name", "last_name"]
    ordering_fields = ["last_name", "date_of_birth", "created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Person.objects.none()
        queryset = selectors.person_list(user=self.request.user)
        if self.action != "list":
            queryset = queryset.prefetch_related(
                Prefetch(
                    "relations",
                    queryset=FamilyRelation.objects.select_related("relative").order_by(
                        "kind", "pk"
                    ),
                )
            )
        return queryset

    def get_serializer_class(self):
        if self.action == "list":
            return PersonListSerializer
        if self.action in ("create", "partial_update"):
            return PersonInputSerializer
        return PersonDetailSerializer

    def retrieve(self, request, *args, **kwargs):
        person = self.get_object()
        return Response(PersonDetailSerializer(person).data)

    @extend_schema(
        summary="Find a person by BSN",
        description="The BSN travels in the body, not in the URL (a URL lands in access logs "
        "along the way). Answers the matching person this user may see, as a list of at most "
        "one: a person out of sight is the same empty list as an unknown BSN. The search is "
        "written to the access log.",
        request=PersonSearchSerializer,
        responses=PersonListSerializer(many=True),
    )
    @action(
        detail=False, methods=["post"], url_path="search", filter_backends=[], pagination_class=None
    )
    def search(self, request, *args, **kwargs):
        bsn = validated(PersonSearchSerializer, data=request.data).validated_data["bsn"]
        found = list(selectors.person_list(user=request.user).filter(bsn=bsn)[:1])
        return Response(PersonListSerializer(found, many=True).data)

    def create(self, request, *args, **kwargs):
        serializer = validated(PersonInputSerializer, data=request.data)
        person = services.person_create(by=request.user, **serializer.validated_data)
        return Response(PersonDetailSerializer(person).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        person = self.get_object()
        serializer = validated(
            PersonInputSerializer, instance=person, data=request.data, partial=True
        )
        person = services.person_update(person=person, by=request.user, **serializer.validated_data)
        return Response(PersonDetailSerializer(person).data)
