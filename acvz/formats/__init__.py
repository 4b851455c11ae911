"""Per-language date and number formats (`FORMAT_MODULE_PATH`), a quick way to write dates in
them, and the one date written the same in every language."""

import functools
from datetime import date, datetime

from django.utils.formats import date_format, get_format
from django.utils.translation import get_language


def dmy(day: date) -> str:
    """A date as the network writes it in a sentence that is stored or sent (an eligibility
    reason, a notification, a work item): 03-12-2020, in Dutch and English alike."""
    return f"{day.day:02d}-{day.month:02d}-{day.year}"


#: Django's date format characters that are plain numbers, as `str.format` fields.
_NUMBERS = {
    "Y": "{0.year}",
    "m": "{0.month:02d}",
    "n": "{0.month}",
    "d": "{0.day:02d}",
    "j": "{0.day}",
    "H": "{0.hour:02d}",
    "G": "{0.hour}",
    "i": "{0.minute:02d}",
    "s": "{0.second:02d}",
}


@functools.lru_cache(maxsize=16)
def _pattern(format_name: str, language: str | None) -> str | None:
    """The format (in `language`) as a `str.format` pattern when it has numbers only (the
    site's short formats have); None when it needs Django's formatter."""
    pattern = []
    for char in get_format(format_name):
        if char in _NUMBERS:
            pattern.append(_NUMBERS[char])
        elif char.isalpha() or char == "\\":
            return None
        else:
            pattern.append(char.replace("{", "{{").replace("}", "}}"))
    return "".join(pattern)


def short(value: date | datetime, format_name: str, language: str | None = None) -> str:
    """`date_format(value, format_name)` in the page's language (or `language`), without its
    cost for the short formats: a history or an inzage writes thousands of dates, and
    `date_format` on each was a fifth of such a page. `value` is already in local time."""
    pattern = _pattern(format_name, language or get_language())
    return pattern.format(value) if pattern is not None else date_format(value, format_name)
