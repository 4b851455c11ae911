"""drf-spectacular AutoSchema that documents the problem+json errors of every operation."""

from __future__ import annotations

import re

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

PROBLEM_MEDIA_TYPES = ["application/problem+json"]


class InvalidParamSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The field, dotted for nested fields.")
    code = serializers.CharField(help_text="A machine-readable error code.")
    reason = serializers.CharField(help_text="What is wrong, in the user's language.")


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField(help_text="A URI identifying the problem type.")
    code = serializers.CharField(help_text="The problem type's short code.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField(help_text="The request path that caused the problem.")


class ValidationProblemSerializer(ProblemSerializer):
    invalid_params = InvalidParamSerializer(many=True)


ERROR_DESCRIPTIONS = {
    "400": "Invalid input: a parameter, filter or body field is wrong (see `invalid_params`).",
    "401": "Not authenticated.",
    "403": "Authenticated, but this action is not allowed for this user.",
    "404": "Not found, or not visible to this user (the two are not distinguished).",
    "405": "Method not allowed.",
    "406": "The requested media type cannot be produced.",
    "409": "The object's state does not allow this action.",
    "412": "The object changed since it was read (If-Match carries an old ETag).",
    "413": "The request body is too large (over 2.5 MB).",
    "415": "Unsupported media type: send application/json.",
    "429": "Too many requests: wait the number of seconds in `Retry-After`.",
}


class AutoSchema(SpectacularAutoSchema):
    """Adds the problem+json error responses an operation can produce."""

    #: Status codes a view adds beyond the defaults, e.g. ("409", "412") for transitions.
    extra_error_codes_attr = "extra_error_codes"

    def _error_codes(self) -> list[str]:
        codes = ["400", "401", "403", "406", "429"]
        if self.method in ("PUT", "PATCH", "POST"):
            codes += ["413", "415"]
        if self._is_list_view() and self.method == "GET":
            codes.append("404")  # a page number past the end
        elif "{" in self.path:
            codes.append("404")
        codes.extend(getattr(self.view, self.extra_error_codes_attr, ()))
        return sorted(set(codes))

    def get_operation(self, *args, **kwargs):
        """Every operation says which API key scope it needs (`acvz.api.scopes`)."""
        from acvz.api.scopes import scope_for

        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        scope = scope_for(self.view, self.method)
        note = f"API key scope: `{scope}`." if scope else "Not for API keys."
        description = operation.get("description", "")
        operation["description"] = f"{description}\n\n{note}" if description else note
        return operation

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code in responses:
                continue
            serializer = ValidationProblemSerializer if code == "400" else ProblemSerializer
            body = self._get_response_for_code(serializer, code, PROBLEM_MEDIA_TYPES)
            body["description"] = ERROR_DESCRIPTIONS[code]
            responses[code] = body
        return responses


def write_error_codes(
    view, conflict: frozenset[str], locked: frozenset[str] = frozenset()
) -> tuple[str, ...]:
    """A view's `extra_error_codes` for its writes: 409 on the actions in `conflict` (a
    DomainError can refuse them), 412 on those in `locked` (If-Match); none on a GET."""
    request = getattr(view, "request", None)
    if getattr(request, "method", "GET") == "GET":
        return ()
    codes = ()
    if view.action in conflict:
        codes += ("409",)
    if view.action in locked:
        codes += ("412",)
    return codes


def transition_schema(
    summary: str, description: str, request=None, *, noun: str, responses, parameters=None
):
    """The schema of a transition action (one POST per workflow transition): it answers with the
    object (`noun`), 409 when the object's status does not allow it, 403 when the role does not."""
    return extend_schema(
        summary=summary,
        description=description
        + f" Returns the {noun}. 409 (`invalid_transition`) when the {noun}'s status does not "
        "allow it, 403 when the user's role does not.",
        request=request,
        responses=responses,
        parameters=parameters,
    )


_ON_ONE = re.compile(r"(?P<list>/api/v1/[a-z-]+)/\{id\}(?:/|$)")


def add_links(result, generator, request, public):
    """drf-spectacular post-processing: OpenAPI links from where a client learns an id — a
    list's first row, a create's answer — to every operation on that one object, so that a
    generated client and a stateful test (schemathesis) can follow them."""
    paths = result.get("paths", {})
    for path, operations in paths.items():
        found = _ON_ONE.match(path)
        if found is None or found["list"] not in paths:
            continue
        sources = paths[found["list"]]
        for method, target in operations.items():
            if not isinstance(target, dict) or "operationId" not in target:
                continue
            for source_method, status, expression in (
                ("get", "200", "$response.body#/results/0/id"),
                ("post", "201", "$response.body#/id"),
            ):
                response = sources.get(source_method, {}).get("responses", {}).get(status)
                if response is None:
                    continue
                name = target["operationId"]
                response.setdefault("links", {})[name] = {
                    "operationId": name,
                    "parameters": {"id": expression},
                    "description": f"{method.upper()} {path} on this object.",
                }
    return result
