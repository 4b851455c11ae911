"""Values the base layout needs from meetings: the unread count in the header."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject


def notifications(request) -> dict:
    """The header's unread count, asked only when a page shows it, through the same visibility
    as the inbox (a notification about a case one no longer sees is not counted); cached a
    minute (meetings.work.header_unread_count)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from meetings.work import header_unread_count, work_count

    return {
        "unread_notifications": SimpleLazyObject(lambda: header_unread_count(user=user)),
        "work_count": SimpleLazyObject(lambda: work_count(user=user)),
    }
