"""Query parameters the API does not know are a 400 (`unknown_parameter`), not silently
ignored: `?modified_since=…` that quietly returned everything misled an integrator.

What a viewset operation knows is read from the view itself, the same attributes the schema
is generated from: its filter set's filters, `search` and `ordering` when those filters are on,
the page parameters of a GET, `format`, and a view's own `extra_query_params`.

The values are read as strictly as their schema: a parameter given twice is a 400
(`repeated_parameter`: which one would count?), and a parameter of any type but text is not
empty (`?date_before=` used to mean "no filter")."""

from __future__ import annotations

import functools

import django_filters
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.settings import api_settings

from acvz.api import problems

#: What a known parameter's value may be (a boolean's `true` or `false` is the filter
#: backend's to check, with the other filters' values: acvz.api.filters.FilterBackend).
TEXT, VALUE = "text", "value"  # VALUE: anything but empty


def _kind(query_filter) -> str:
    if isinstance(query_filter, django_filters.CharFilter):
        return TEXT
    return VALUE


@functools.cache
def _known(view_func, method: str) -> dict[str, str] | None:
    """{parameter: its kind} for the operation; None for what is not a viewset operation or
    a method the view does not have (DRF answers 405 for that, whatever the query)."""
    cls = getattr(view_func, "cls", None)
    actions = getattr(view_func, "actions", None)
    if cls is None or actions is None or method.lower() not in actions:
        return None
    initkwargs = getattr(view_func, "initkwargs", {})

    def attr(name, default=None):
        return initkwargs.get(name, getattr(cls, name, default))

    known = {api_settings.URL_FORMAT_OVERRIDE or "format": TEXT}
    known |= dict.fromkeys(attr("extra_query_params", ()), VALUE)
    if method == "GET":
        paginator = attr("pagination_class")
        if paginator is not None:
            for name in ("page_query_param", "page_size_query_param", "cursor_query_param"):
                if getattr(paginator, name, None):
                    known[getattr(paginator, name)] = VALUE
    for backend in attr("filter_backends", ()) or ():
        if getattr(backend, "param", None) == "updated_since":
            known[backend.param] = VALUE
        elif issubclass(backend, OrderingFilter):
            known[api_settings.ORDERING_PARAM] = VALUE
        elif issubclass(backend, SearchFilter):
            if attr("search_fields"):
                known[api_settings.SEARCH_PARAM] = TEXT
        elif issubclass(backend, DjangoFilterBackend):
            filterset = attr("filterset_class")
            if filterset is not None:
                known |= {name: _kind(f) for name, f in filterset.base_filters.items()}
            known |= dict.fromkeys(attr("filterset_fields", ()) or (), VALUE)
    return known


def _problems(query, known: dict[str, str]) -> list[dict]:
    problems = []
    for name in sorted(query):
        kind, values = known.get(name), query.getlist(name)
        if kind is None:
            code, reason = (
                "unknown_parameter",
                _("Unknown query parameter: this operation does not take it."),
            )
        elif len(values) > 1:
            code, reason = "repeated_parameter", _("Give this parameter once.")
        elif kind != TEXT and values[0] == "":
            code, reason = "invalid", _("Give a value, or leave the parameter out.")
        else:
            continue
        problems.append({"name": name, "code": code, "reason": reason})
    return problems


class StrictQueryParametersMiddleware:
    """For `/api/` viewset operations: a query parameter the operation does not take, or a value
    its schema does not allow in the query's own terms, is a 400 problem naming it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path.startswith("/api/"):
            return None
        known = _known(view_func, request.method)
        if known is None:
            return None
        found = _problems(request.GET, known)
        return problems.invalid_params_response(request, found) if found else None
