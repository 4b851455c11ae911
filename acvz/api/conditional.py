"""Conditional writes (RFC 9110, section 13): the entity tags an `If-Match` names, the 412 when
they name an older version or none at all (`if_match`, for every resource alike), and the
headers as the schema documents them. Each object says what its `ETag` is (a plan:
`"<id>-<lock_version>"`) and, in a subclass, what its 412 tells."""

from __future__ import annotations

import re
from contextlib import contextmanager

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.exceptions import APIException

from acvz.errors import DomainError


class PreconditionFailed(APIException):
    # A subclass per object gives the `default_detail` (what changed, what to do now).
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


#: An entity tag (RFC 9110, section 8.8.3): `"opaque"`, or weak `W/"opaque"`.
_ENTITY_TAG = re.compile(r'(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"')


def entity_tags(header: str) -> set[str]:
    """The entity tags of an If-Match / If-None-Match header (`*` as it is). Empty list elements
    and malformed ones name no tag, so an empty or unparseable header gives the empty set."""
    elements = (element.strip() for element in header.split(","))
    return {tag for tag in elements if tag == "*" or _ENTITY_TAG.fullmatch(tag)}


def if_match(request, current: str, error: type[PreconditionFailed]) -> bool:
    """Whether `If-Match` holds this write to the object's version `current` (its `ETag`),
    RFC 9110, section 13.1.1, with the strong comparison (a weak tag never matches).

    False: nothing to hold it to (no header; `*`, and the object exists). True: the header
    names `current`. Otherwise `error`, 412: the header names only other versions, or no entity
    tag at all (empty or malformed), which matches no current representation either."""
    header = request.headers.get("If-Match")
    if header is None:
        return False
    tags = entity_tags(header)
    if "*" in tags:
        return False
    if not tags:
        raise error(
            _(
                'If-Match names no entity tag: send the ETag you read, e.g. "12-3", or leave '
                "the header out. Nothing was written."
            )
        )
    if current not in tags:
        raise error
    return True


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
