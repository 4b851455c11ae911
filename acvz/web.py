"""Small helpers shared by the browser views of every app."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from acvz.errors import DomainError, NotAllowed


def posted(request: HttpRequest):
    """The submitted data, or None for GET (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


def confirmed(request: HttpRequest) -> bool:
    """The POST of a question page (an irreversible step asks first): it carries `confirm`."""
    return request.method == "POST" and request.POST.get("confirm") == "1"


#: A change posted without the version its page showed is not saved: it could overwrite a change
#: made meanwhile. Only an incomplete post (an old or hand-made page) gets this.
PAGE_WITHOUT_VERSION = _(
    "This page was sent without the version it showed, so nothing was saved: open it again "
    "and repeat your change."
)

#: The errors of a hidden version field: missing, not a number or negative all mean the page
#: was not the one the product sent.
VERSION_ERRORS = dict.fromkeys(("required", "invalid", "min_value"), PAGE_WITHOUT_VERSION)


def posted_lock_version(request: HttpRequest) -> int:
    """The posted `lock_version` (the version the page showed). A page's change always carries
    it: without one (or not a number) a DomainError refuses the change instead of writing it
    unchecked over whatever changed meanwhile."""
    try:
        return int(request.POST.get("lock_version", ""))
    except ValueError:
        raise DomainError(PAGE_WITHOUT_VERSION, code="stale") from None


class VersionedForm(forms.Form):
    """A form that changes a versioned object: it carries the version its page showed, and a
    save against a changed object is refused by the service. Without the version the form is
    invalid, its error shown above the form (the field is hidden)."""

    lock_version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages=VERSION_ERRORS,
    )

    def clean(self):
        data = super().clean()
        for message in self.errors.pop("lock_version", ()):
            self.add_error(None, message)
        return data


def add_validation_errors(form, error: ValidationError) -> None:
    """A service's `ValidationError` (per model field) as the form's errors: each message on
    its field where the form has that field, otherwise above the form (also every message of
    an error that names no field)."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, field_messages in error.message_dict.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


def refuse(form, error: DomainError) -> None:
    """A refused service call: not allowed is a 403 page; anything else a message on the form,
    which keeps the user's input."""
    if isinstance(error, NotAllowed):
        raise PermissionDenied(error.message)
    form.add_error(None, error.message)


class UncountedPage:
    """A page of a list too long to count on every request (the access log): offset pages of
    `per_page` rows, one extra row telling whether there is a next page. No COUNT(*)."""

    def __init__(self, queryset, number, per_page: int) -> None:
        try:
            self.number = max(1, min(int(number), 100_000))
        except (TypeError, ValueError):
            self.number = 1
        start = (self.number - 1) * per_page
        rows = list(queryset[start : start + per_page + 1])
        self.object_list = rows[:per_page]
        self._more = len(rows) > per_page

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._more

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1
