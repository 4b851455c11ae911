"""Small helpers every app's services share."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from acvz.errors import DomainError, NotAllowed


def require(condition: bool, message: str) -> None:
    """Refuse with NotAllowed (a 403 page or problem) unless the actor may do this."""
    if not condition:
        raise NotAllowed(message)


def save_validated(instance):
    """Validate and save; a unique constraint lost to a concurrent write is a clear error."""
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise DomainError(
            _("Someone else saved the same data at the same moment; check and try again."),
            code="conflict",
        ) from exc
    return instance
