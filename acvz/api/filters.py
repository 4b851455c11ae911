"""List ordering that pages can trust (issue 13): the primary key is always the last sort key,
so a page never repeats or skips a row. Ordering by a value many rows share (`?ordering=date`
over 1,100 offence records) left their order to the database, per query: 262 repeats."""

from __future__ import annotations

from datetime import UTC

import django_filters
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.filters import BaseFilterBackend, OrderingFilter

from acvz.api.input import YEARS

#: The order a partner system syncs in: every list with `?updated_since=` can be ordered by it,
#: and in that order its pages are keyset pages (`acvz.api.pagination`).
SYNC_ORDERING = "updated_at"


def syncs(view) -> bool:
    """Whether the view's list is a change feed a client can sync in order: it filters on
    `updated_since` and takes `?ordering=`."""
    backends = list(getattr(view, "filter_backends", ()))
    return any(getattr(b, "param", None) == "updated_since" for b in backends) and any(
        isinstance(b, type) and issubclass(b, OrderingFilter) for b in backends
    )


def _is_pk(term) -> bool:
    return isinstance(term, str) and term.lstrip("-") in ("pk", "id")


class StableOrderingFilter(OrderingFilter):
    """`?ordering=<field>` or `-<field>`, one of the operation's values (listed in the schema
    as an enum); any other value is a 400 naming the ones there are — DRF would quietly ignore
    it and leave the client believing its order held."""

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw is None:
            return self.get_default_ordering(view)
        allowed = self._values(queryset, view, request)
        if raw not in allowed:
            raise ValidationError(
                {
                    self.ordering_param: [
                        ErrorDetail(
                            _("Order by one of: %(values)s.") % {"values": ", ".join(allowed)},
                            code="invalid_choice",
                        )
                    ]
                }
            )
        return [raw]

    @staticmethod
    def _orders(fields, view) -> list[str]:
        """Each field up and down, and the sync order on a change feed."""
        values = [value for name in fields for value in (name, f"-{name}")]
        return [*values, SYNC_ORDERING] if syncs(view) else values

    def _values(self, queryset, view, request) -> list[str]:
        valid = self.get_valid_fields(queryset, view, {"request": request})
        return self._orders([name for name, _label in valid], view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        fields = getattr(view, "ordering_fields", None)
        if isinstance(fields, list | tuple):
            values = self._orders(fields, view)
            description = (
                "The order of the list: a field, or `-` and a field for descending. Rows "
                "that share the value keep a fixed order (by id)."
            )
            if syncs(view):
                description += (
                    f" `{SYNC_ORDERING}` is the order to sync in: oldest change first, and "
                    "the pages are keyset pages — `next` carries a `cursor`, so a row that "
                    "changes while you page moves to a later page instead of shifting one."
                )
            for parameter in parameters:
                parameter["description"] = description
                parameter["schema"] = {"type": "string", "enum": values}
        return parameters

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
        ordering = list(ordering)
        if not any(_is_pk(term) for term in ordering):
            first = ordering[0] if ordering else ""
            descending = isinstance(first, str) and first.startswith("-")
            ordering.append("-pk" if descending else "pk")
        return queryset.order_by(*ordering)


class UpdatedSinceFilter(BaseFilterBackend):
    """`?updated_since=<ISO 8601 with offset>`: the rows of a list changed at or after that
    moment (`updated_at`; inclusive, so a client that keeps the newest `updated_at` it saw and
    asks from there misses nothing — it sees that row again). With stable pages, a partner
    system syncs by paging through one such list."""

    param = "updated_since"

    def filter_queryset(self, request, queryset, view):
        raw = request.query_params.get(self.param)
        if raw is None or getattr(view, "action", None) != "list":
            return queryset
        try:
            moment = parse_datetime(raw.replace(" ", "+"))  # an unescaped "+" arrives as a space
        except ValueError:  # well-formed, but no moment (month 13, an offset of 25 hours)
            moment = None
        if (
            moment is not None
            and moment.tzinfo is not None
            and not YEARS[0] <= moment.year <= YEARS[1]
        ):
            raise ValidationError(
                {
                    self.param: [
                        ErrorDetail(
                            _("Give a date between %(first)s and %(last)s.")
                            % {"first": YEARS[0], "last": YEARS[1]},
                            code="out_of_range",
                        )
                    ]
                }
            )
        if moment is None or moment.tzinfo is None:
            raise ValidationError(
                {
                    self.param: [
                        ErrorDetail(
                            _("Give a moment in ISO 8601 with its offset, e.g. %(example)s.")
                            % {"example": "2026-12-01T08:00:00+01:00"},
                            code="invalid",
                        )
                    ]
                }
            )
        # In UTC: PostgreSQL refuses an offset beyond ±15:59 that ISO 8601 allows (a 500).
        return queryset.filter(updated_at__gte=moment.astimezone(UTC))

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.param,
                "required": False,
                "in": "query",
                "description": (
                    "Only rows changed at or after this moment (ISO 8601 with offset; "
                    "inclusive). Embedded parts (a case's team, a plan's goals) have their own "
                    "lists with their own `updated_at`."
                ),
                "schema": {"type": "string", "format": "date-time"},
            }
        ]


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, reading a boolean as its schema says: `true` or `false` (the
    form field behind it takes `yes`, `1` or `null` too, or quietly ignores them). Every bad
    filter is named in the one answer."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        errors = {}
        if not filterset.is_valid():
            errors = {
                name: [ErrorDetail(e["message"], code=e["code"]) for e in found]
                for name, found in filterset.errors.get_json_data().items()
            }
        for name, query_filter in filterset.filters.items():
            value = request.query_params.get(name)
            if (
                isinstance(query_filter, django_filters.BooleanFilter)
                and value is not None
                and value not in ("true", "false")
            ):
                errors[name] = [ErrorDetail(_("Give true or false."), code="invalid")]
        if errors:
            raise ValidationError(errors)
        return filterset.qs


#: Filtering by the FilterSet and ordering; name search where a viewset names `search_fields`.
FILTER_AND_ORDER = [FilterBackend, StableOrderingFilter]
