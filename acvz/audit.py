"""Who is acting: the user a service acts for, so every history row names its author.

simple-history takes the user from the request (its middleware) for page and API writes; a
service also runs from commands, tasks and tests, where there is no request. Services run
inside `acting_as(by)` so the history names the actor in every case.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_actor: ContextVar = ContextVar("regie_actor", default=None)


@contextmanager
def acting_as(user) -> Iterator[None]:
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor():
    """The user set by the innermost `acting_as`, or None."""
    return _actor.get()


def audited(service):
    """Decorator for services taking a keyword `by`: history rows name `by` as the user."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        with acting_as(kwargs.get("by")):
            return service(*args, **kwargs)

    return wrapper


def history_user(instance=None, request=None, **kwargs):
    """`get_user` for HistoricalRecords: the acting user, else the request's user."""
    actor = _actor.get()
    if actor is not None and getattr(actor, "pk", None):
        return actor
    if request is not None and request.user.is_authenticated:
        return request.user
    return None
