"""Query parameters the API does not know are a 400 (`unknown_parameter`), not silently
ignored: `?modified_since=…` that quietly returned everything misled an integrator.

What a viewset operation knows is read from the view itself, the same attributes the schema
is generated from: its filter set's filters, `search` and `ordering` when those filters are on,
the page parameters of a GET, `format`, and a view's own `extra_query_params`."""

from __future__ import annotations

import functools

from django.utils.translation import gettext as _
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.settings import api_settings

from acvz.api import problems


@functools.cache
def _known(view_func, method: str) -> frozenset[str] | None:
    cls = getattr(view_func, "cls", None)
    actions = getattr(view_func, "actions", None)
    if cls is None or actions is None:  # not a viewset operation: not checked here
        return None
    initkwargs = getattr(view_func, "initkwargs", {})

    def attr(name, default=None):
        return initkwargs.get(name, getattr(cls, name, default))

    known = {api_settings.URL_FORMAT_OVERRIDE or "format"}
    known |= set(attr("extra_query_params", ()))
    if method == "GET":
        paginator = attr("pagination_class")
        if paginator is not None:
            for name in ("page_query_param", "page_size_query_param", "cursor_query_param"):
                if getattr(paginator, name, None):
                    known.add(getattr(paginator, name))
    for backend in attr("filter_backends", ()) or ():
        if getattr(backend, "param", None) == "updated_since":
            known.add(backend.param)
        elif issubclass(backend, OrderingFilter):
            known.add(api_settings.ORDERING_PARAM)
        elif issubclass(backend, SearchFilter):
            if attr("search_fields"):
                known.add(api_settings.SEARCH_PARAM)
        elif getattr(backend, "__name__", "") == "DjangoFilterBackend":
            filterset = attr("filterset_class")
            if filterset is not None:
                known |= set(filterset.base_filters)
            known |= set(attr("filterset_fields", ()) or ())
    return frozenset(known)


class StrictQueryParametersMiddleware:
    """For `/api/` viewset operations: a query parameter the operation does not take is a 400
    problem naming it."""

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
        unknown = sorted(set(request.GET) - known)
        if not unknown:
            return None
        reason = _("Unknown query parameter: this operation does not take it.")
        return problems.invalid_params_response(
            request,
            [{"name": name, "code": "unknown_parameter", "reason": reason} for name in unknown],
        )
