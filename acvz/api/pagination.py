import base64
import binascii
from datetime import UTC, datetime

from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import remove_query_param, replace_query_param

from acvz.api.filters import SYNC_ORDERING, syncs

#: The largest primary key PostgreSQL's bigint holds; a cursor naming more is not ours.
_MAX_PK = 2**63 - 1


def _refuse(name: str, message: str) -> ValidationError:
    return ValidationError({name: [ErrorDetail(message, code="invalid")]})


class PagePagination(PageNumberPagination):
    """`?page=N&page_size=M`, at most 100 items a page; an out-of-range page is a 404 problem,
    a page size that is not a positive whole number a 400.

    In the sync order (`?ordering=updated_at`) the pages are keyset pages instead: each `next`
    link carries a `cursor`, the last row's (`updated_at`, `id`), and the following page holds
    the rows after it in that order. A row that changes while a partner system pages through
    moves to the end — it is seen again, never skipped, and no row is seen twice because
    another moved. `count` is the list's length, as on numbered pages; `previous` is null."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    cursor_query_param = "cursor"

    def get_page_size(self, request):
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        value = raw[-1]
        if not value.isascii() or not value.isdigit() or int(value) < 1:
            raise ValidationError(
                {self.page_size_query_param: ["A positive whole number is required."]},
                code="invalid",
            )
        return min(int(value), self.max_page_size)

    # --- keyset pages in the sync order -------------------------------------------------------

    def paginate_queryset(self, queryset, request, view=None):
        params = request.query_params
        self.keyset = params.get(api_settings.ORDERING_PARAM) == SYNC_ORDERING
        cursor = params.get(self.cursor_query_param)
        if not self.keyset:
            if cursor is not None:
                raise _refuse(
                    self.cursor_query_param,
                    _("A cursor belongs to the sync order: ask ordering=%(order)s.")
                    % {"order": SYNC_ORDERING},
                )
            return super().paginate_queryset(queryset, request, view)
        if self.page_query_param in params:
            raise _refuse(
                self.page_query_param,
                _("In the sync order the pages follow `next` (a cursor), not a number."),
            )
        self.request = request
        page_size = self.get_page_size(request)
        self.count = queryset.count()
        if cursor is not None:
            at, pk = self.decode_cursor(cursor)
            queryset = queryset.filter(
                Q(**{f"{SYNC_ORDERING}__gt": at}) | Q(**{SYNC_ORDERING: at, "pk__gt": pk})
            )
        rows = list(queryset[: page_size + 1])
        rows, more = rows[:page_size], len(rows) > page_size
        self.next_cursor = self.encode_cursor(rows[-1]) if more else None
        return rows

    def get_paginated_response(self, data):
        if not self.keyset:
            return super().get_paginated_response(data)
        return Response(
            {"count": self.count, "next": self.get_next_link(), "previous": None, "results": data}
        )

    def get_next_link(self):
        if not self.keyset:
            return super().get_next_link()
        if self.next_cursor is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, self.next_cursor)

    def get_previous_link(self):
        return None if self.keyset else super().get_previous_link()

    @staticmethod
    def encode_cursor(row) -> str:
        at = getattr(row, SYNC_ORDERING).astimezone(UTC).isoformat()
        return base64.urlsafe_b64encode(f"{at}|{row.pk}".encode()).decode().rstrip("=")

    def decode_cursor(self, cursor: str) -> tuple[datetime, int]:
        try:
            text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
            raw_at, raw_pk = text.split("|")
            at = parse_datetime(raw_at)
            pk = int(raw_pk) if raw_pk.isascii() and raw_pk.isdigit() else 0
        except (binascii.Error, UnicodeDecodeError, ValueError):
            at, pk = None, 0
        if at is None or at.tzinfo is None or not 0 < pk <= _MAX_PK:
            raise _refuse(
                self.cursor_query_param,
                _("Not a cursor of this list: follow the `next` link of the page before."),
            )
        return at, pk

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["description"] = "The page, from 1; past the last page is a 404."
                parameter["schema"] = {"type": "integer", "minimum": 1}
            elif parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Rows a page, {self.page_size} unless asked; a larger ask than "
                    f"{self.max_page_size} gets {self.max_page_size}."
                )
                parameter["schema"] = {"type": "integer", "minimum": 1}
        if syncs(view):
            parameters.append(
                {
                    "name": self.cursor_query_param,
                    "required": False,
                    "in": "query",
                    "description": (
                        f"Where a page of the sync order (`ordering={SYNC_ORDERING}`) starts: "
                        "opaque, taken from the `next` link of the page before. Not with `page`."
                    ),
                    "schema": {"type": "string"},
                }
            )
        return parameters
