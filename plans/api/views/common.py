"""What the plans viewsets share: the plan's ETag and optimistic lock (a goal is locked with
its plan), a service's 400 as `invalid_params`, and the health-goal rule for writes."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.exceptions import ErrorDetail, ValidationError

from acvz.api import conditional
from acvz.errors import DomainError, NotAllowed
from plans.models import Plan, PlanGoal
from plans.policies import goal_is_readable


class PreconditionFailed(conditional.PreconditionFailed):
    default_detail = gettext_lazy(
        "The plan changed since you read it (If-Match names an older ETag). Nothing was "
        "written: read the plan again and retry."
    )


def plan_etag(plan: Plan) -> str:
    return f'"{plan.pk}-{plan.lock_version}"'


def _with_etag(plan: Plan) -> dict[str, str]:
    return {"ETag": plan_etag(plan)}


def _if_match_version(request, plan: Plan) -> int | None:
    """The lock version `If-Match` holds the client to: None without the header (or with `*`);
    412 when it names no current ETag of the plan (`conditional.if_match`)."""
    if conditional.if_match(request, plan_etag(plan), PreconditionFailed):
        return plan.lock_version
    return None


def _locked_write(request, plan: Plan, body_version: int | None, write: Callable):
    """Run `write(expected_lock_version)` under the plan's optimistic lock: `If-Match` first
    (412), else the body's `lock_version` (409 `stale`), else unchecked. The service compares
    the version again under its row lock, so a concurrent change in between is caught too."""
    header_version = _if_match_version(request, plan)
    if header_version is None:
        return write(body_version)
    if body_version is not None and body_version != header_version:
        raise DomainError(
            _("The lock_version in the body is not the version your If-Match names."),
            code="stale",
        )
    with conditional.stale_fails_precondition(PreconditionFailed):
        return write(header_version)


@contextmanager
def _as_invalid_param(name: str):
    """A service's own 400 (bad input it can only judge after the permission check) becomes a
    problem with `invalid_params`, like every other bad input."""
    try:
        yield
    except DomainError as error:
        if error.status_code != status.HTTP_400_BAD_REQUEST:
            raise
        raise ValidationError({name: [ErrorDetail(error.message, code=error.code)]}) from error


def _readable_or_refuse(request, goal: PlanGoal) -> None:
    """Nobody writes or answers for a goal they may not read (a health goal, leefgebied 9)."""
    if not goal_is_readable(request.user, goal):
        raise NotAllowed(
            _(
                "This health goal is only for the regisseur, the accounthouder and health "
                "organisations on the case team."
            )
        )


_IF_MATCH = conditional.if_match_parameter(
    "The plan's `ETag` as you read it. When the plan changed meanwhile the answer is 412 "
    "`precondition_failed` and nothing is written."
)


def _etag_header(*codes: int) -> OpenApiParameter:
    return conditional.etag_parameter(
        list(codes), 'The plan\'s version, `"<plan id>-<lock_version>"`: send it as `If-Match`.'
    )


_LOCKING = (
    " Optimistic locking: with `If-Match` naming an older ETag (or none: an empty or malformed "
    "header) the answer is 412 `precondition_failed`; without `If-Match`, a `lock_version` in "
    "the body that is no longer the plan's is a 409 `stale`; with neither the change applies. "
    "Nothing is written when refused."
)
