"""Small helpers shared by the browser views of every app."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from acvz.errors import DomainError, NotAllowed


def posted(request: HttpRequest):
    """The submitted data, or None for GET (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


def refuse(form, error: DomainError) -> None:
    """A refused service call: not allowed is a 403 page; anything else a message on the form,
    which keeps the user's input."""
    if isinstance(error, NotAllowed):
        raise PermissionDenied(error.message)
    form.add_error(None, error.message)
