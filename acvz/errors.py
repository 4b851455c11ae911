"""The one domain error type. Views turn it into a form message, the API into problem+json."""

from __future__ import annotations


class DomainError(Exception):
    """A refused action: an invalid transition, a rule of the domain that the input breaks."""

    status_code = 409
    code = "conflict"
    title = "The action is not allowed in the object's current state."

    def __init__(self, message: str, *, code: str | None = None, status_code: int | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status_code:
            self.status_code = status_code


class NotAllowed(DomainError):
    """The actor's role does not allow the action on an object they can see."""

    status_code = 403
    code = "permission_denied"
    title = "You are not allowed to do this."
