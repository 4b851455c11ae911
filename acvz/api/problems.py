"""RFC 9457 problem details for every API error.

Field errors are listed in `invalid_params` (name, code, reason), following the Dutch API design
rules (NLGov API Design Rules, "problem details") that Open Zaak and Signalen use.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from acvz.errors import DomainError

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "urn:regie:problem:"


def _flatten(errors, prefix: str = "") -> list[dict]:
    """Flatten DRF's nested error structure into a list of {name, code, reason}."""
    items: list[dict] = []
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = key if not prefix else f"{prefix}.{key}"
            items.extend(_flatten(value, name))
    elif isinstance(errors, list):
        if all(isinstance(e, dict | list) for e in errors) and errors:
            for index, value in enumerate(errors):
                items.extend(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        else:
            for error in errors:
                items.extend(_flatten(error, prefix))
    else:
        items.append(
            {
                "name": prefix or "non_field_errors",
                "code": getattr(errors, "code", "invalid"),
                "reason": str(errors),
            }
        )
    return items


def problem(
    *, status_code: int, code: str, title: str, detail: str = "", instance: str = "", **extra
) -> dict:
    body = {
        "type": f"{PROBLEM_TYPE_BASE}{code}",
        "code": code,
        "title": title,
        "status": status_code,
        "detail": detail or title,
        "instance": instance,
    }
    if status_code == 400:
        body["invalid_params"] = []  # the documented 400 shape, also for unparseable bodies
    body.update(extra)
    return body


#: Titles for the errors whose DRF text is a template ("Method \"{method}\" not allowed."):
#: the title names the kind of problem, the detail the case at hand.
STATIC_TITLES = {
    405: gettext_lazy("Method not allowed."),
    415: gettext_lazy("Unsupported media type: send application/json."),
    429: gettext_lazy("Too many requests: wait and retry."),
}


def exception_handler(exc, context):
    """DRF exception handler: every handled error becomes a problem+json response."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, DomainError):
        request = context.get("request")
        body = problem(
            status_code=exc.status_code,
            code=exc.code,
            title=exc.title,
            detail=exc.message,
            instance=request.get_full_path() if request else "",
        )
        return Response(body, status=exc.status_code, content_type=PROBLEM_CONTENT_TYPE)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    instance = request.get_full_path() if request else ""
    if isinstance(exc, exceptions.ValidationError):
        body = problem(
            status_code=response.status_code,
            code="invalid",
            title=_("The request has invalid parameters."),
            detail=_("See invalid_params for the fields and what is wrong with them."),
            instance=instance,
            invalid_params=_flatten(exc.detail),
        )
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        title = STATIC_TITLES.get(response.status_code) or getattr(exc, "default_detail", detail)
        body = problem(
            status_code=response.status_code,
            code=str(code),
            title=str(title),
            detail=str(detail),
            instance=instance,
        )
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_response(request, *, status_code: int, code: str, title: str) -> JsonResponse:
    """A problem+json response for errors raised outside DRF (URL not found, server error)."""
    return JsonResponse(
        problem(status_code=status_code, code=code, title=title, instance=request.get_full_path()),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def bad_request(request) -> JsonResponse:
    return problem_response(
        request,
        status_code=status.HTTP_400_BAD_REQUEST,
        code="bad_request",
        title=_("The request cannot be processed: it is malformed or too large."),
    )


def invalid_params_response(request, params: list[dict], *, instance: str = "") -> JsonResponse:
    """A 400 problem naming what is wrong outside a serializer (a query parameter, a NUL byte):
    `params` as `invalid_params` entries (`name`, `code`, `reason`)."""
    return JsonResponse(
        problem(
            status_code=status.HTTP_400_BAD_REQUEST,
            code="invalid",
            title=_("The request has invalid parameters."),
            detail=_("See invalid_params for the fields and what is wrong with them."),
            instance=instance or request.get_full_path(),
            invalid_params=params,
        ),
        status=status.HTTP_400_BAD_REQUEST,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def too_large(request) -> JsonResponse:
    return problem_response(
        request,
        status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        code="payload_too_large",
        title=_("The request body is too large."),
    )


def not_found(request) -> JsonResponse:
    return problem_response(
        request, status_code=status.HTTP_404_NOT_FOUND, code="not_found", title=_("Not found.")
    )


def server_error(request) -> JsonResponse:
    return problem_response(
        request,
        status_code=status.HTTP_500_INTERNAL_SERVER_ERROR,
        code="server_error",
        title=_("A server error occurred."),
    )
