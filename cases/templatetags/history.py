"""`{% history_rows entries %}`: the rows of a history table (`cases.selectors.HistoryEntry`),
built as plain strings with every value escaped. A case's history holds hundreds of entries
with several changes each; a template loop over them was most of the page's time."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from acvz.formats import short
from cases.templatetags.text import DASH, clip

register = template.Library()


def _change(change) -> str:
    return (
        f"<div><strong>{escape(change.field)}</strong>: "
        f'<span class="diff-old">{escape(clip(change.old, 120))}</span> → '
        f'<span class="diff-new">{escape(clip(change.new, 120))}</span></div>'
    )


def _when(at, language: str | None) -> str:
    """The moment as the day and the time, each kept whole: a narrow column breaks the line
    between them, not inside the day ("2-12-" over "2026")."""
    day, _space, time = short(localtime(at), "SHORT_DATETIME_FORMAT", language).partition(" ")
    return f'<span class="nowrap">{day}</span> <span class="nowrap">{time}</span>'


@register.simple_tag
def history_rows(entries: Iterable) -> SafeString:
    language = get_language()
    rows = [
        f'<tr><td class="when">{_when(e.at, language)}</td>'
        f"<td>{escape(e.user) if e.user else DASH}</td>"
        f'<td>{escape(e.what)} <span class="muted">({escape(e.action)})</span></td>'
        f"<td>{''.join(_change(c) for c in e.changes)}</td></tr>"
        for e in entries
    ]
    if not rows:
        return format_html('<tr><td colspan="4" class="muted">{}</td></tr>', _("No history yet."))
    # Every value is escaped above; the dates are numbers.
    return mark_safe("\n".join(rows))  # noqa: S308  # nosec B308 B703
