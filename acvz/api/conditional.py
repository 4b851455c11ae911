"""Conditional writes (RFC 9110, section 13): the entity tags an `If-Match` names, the 412 when
they name an older version, and the headers as the schema documents them. Each object says what
its `ETag` is (a plan: `"<id>-<lock_version>"`) and, in a subclass, what its 412 tells."""

from __future__ import annotations

from contextlib import contextmanager

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.exceptions import APIException

from acvz.errors import DomainError


class PreconditionFailed(APIException):
    # A subclass per object gives the `default_detail` (what changed, what to do now).
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


def entity_tags(header: str) -> set[str]:
    """The entity tags of an If-Match / If-None-Match header (`*` as it is)."""
    return {tag.strip() for tag in header.split(",")}


@contextmanager
def stale_fails_precondition(error: type[PreconditionFailed]):
    """The service's own version check (under its row lock) refusing with `stale` is, for a
    write that named its version in If-Match, that precondition failing: `error` (412)."""
    try:
        yield
    except DomainError as refused:
        if refused.code == "stale":
            raise error from refused
        raise


def if_match_parameter(description: str) -> OpenApiParameter:
    return OpenApiParameter(
        "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, description=description
    )


def etag_parameter(codes: list[int], description: str) -> OpenApiParameter:
    """The `ETag` response header of the responses with these status codes."""
    return OpenApiParameter(
        "ETag",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=codes,
        description=description,
    )
