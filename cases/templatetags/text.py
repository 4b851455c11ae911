"""`{{ value|clip:120 }}`: Django's `truncatechars` without its cost for the text that fits.

`truncatechars` normalises and walks every character of every value; a case's history shows
hundreds of short old and new values per page, and most fit."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import stringfilter, truncatechars

register = template.Library()

#: What a cell without a value shows (the tags that build rows in Python use it too).
DASH = "—"


@register.filter(is_safe=True)
@stringfilter
def clip(value: str, length: int) -> str:
    """The value as it is when it fits in `length` characters, else `truncatechars`'s."""
    try:
        fits = len(value) <= int(length)
    except ValueError:
        return value  # as truncatechars: an invalid length leaves the text alone
    return value if fits else truncatechars(value, length)
