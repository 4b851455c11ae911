"""Query expressions shared by the apps' selectors."""

from __future__ import annotations

from django.db.models import Count, IntegerField, QuerySet, Subquery
from django.db.models.functions import Coalesce


def row_count(rows: QuerySet, key: str) -> Coalesce:
    """How many of `rows` (filtered on an `OuterRef` through `key`) each outer row has, as a
    subquery per row, 0 for none: the outer row is not joined to its rows and grouped over
    every column. `COUNT(*)`, not of a column: with no filter beside the key PostgreSQL counts
    from the key's index alone (index-only)."""
    counted = rows.order_by().values(key).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
