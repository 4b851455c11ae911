"""`updated_at` kept true for the API's change feed (`?updated_since=`): `auto_now` covers
`save()`; this queryset covers `update()`, which skips `save()` — the feed must not miss a
notification marked read or a case anonymised in bulk."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class TrackedQuerySet(models.QuerySet):
    def update(self, **kwargs):
        kwargs.setdefault("updated_at", timezone.now())
        return super().update(**kwargs)
