"""`{% access_rows page %}`: the access log page's rows (`cases.selectors.access_log_list`),
built as plain strings with every value escaped. A page is 50 entries of seven cells, naming
about 400 persons (up to 10 an entry); as a template loop with a `{% url %}` per person that
was two thirds of the page's time. Here the link is reversed once a page and each person is one
string."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from acvz.formats import short
from cases.templatetags.text import DASH

register = template.Library()

# A person id no database holds: the reversed URL is this one's with the id swapped in.
_SENTINEL = 987654321987


def _person_link() -> tuple[str, str]:
    """The "who read this person" URL around its person id, escaped: reversed once a page."""
    url = reverse("cases:access_log_person", args=[_SENTINEL])
    head, tail = url.split(str(_SENTINEL))
    return escape(head), escape(tail)


def subject_links(subjects: list, link: tuple[str, str] | None = None) -> str:
    """Each subject's person as a link to "who read this person", with the case it was read
    through: "A (#12), B", as HTML with every value escaped. A subject carries its person's name
    as `person_name` (`cases.selectors.access_log_list`); `link` is `_person_link()`."""
    if not subjects:
        return DASH
    head, tail = link or _person_link()
    return ", ".join(
        f'<a href="{head}{subject.person_id:d}{tail}">{escape(subject.person_name)}</a>'
        + (f" (#{subject.case_id:d})" if subject.case_id else "")
        for subject in subjects
    )


def _persons(entry, link: tuple[str, str]) -> str:
    """The entry's persons: all of them for up to three, else folded under their number (and
    how many of them are listed, when not all)."""
    shown = entry.shown_subjects
    if entry.subject_count <= 3:
        return subject_links(shown, link)
    count = ngettext("%(n)s person", "%(n)s persons", entry.subject_count) % {
        "n": entry.subject_count
    }
    more = ""
    if entry.subject_count > len(shown):
        first = _("(the first %(shown)s of %(total)s)") % {
            "shown": len(shown),
            "total": entry.subject_count,
        }
        more = f' <span class="muted">{escape(first)}</span>'
    links = subject_links(shown, link)
    return f"<details><summary>{escape(count)}</summary>{links}{more}</details>"


@register.simple_tag
def access_rows(entries: Iterable) -> SafeString:
    language = get_language()
    link = _person_link()
    rows = []
    for e in entries:
        outcome = escape(e.get_outcome_display())
        if e.outcome == "refused":
            outcome = f'<span class="tag tag-danger">{outcome}</span>'
        query = f'<br><span class="muted">“{escape(e.query)}”</span>' if e.query else ""
        rows.append(
            f'<tr data-entry="{e.pk:d}">'
            f"<td>{short(localtime(e.at), 'SHORT_DATETIME_FORMAT', language)}</td>"
            f"<td>{escape(e.user)}</td>"
            f"<td>{escape((e.organisation.code if e.organisation else '') or DASH)}</td>"
            f"<td>{escape(e.get_action_display())} · {escape(e.get_channel_display())}{query}</td>"
            f"<td>{outcome}</td>"
            f"<td>{_persons(e, link)}</td>"
            f'<td>{escape(e.page_label or "")}<br><code class="muted">{escape(e.path)}</code></td>'
            "</tr>"
        )
    if not rows:
        return format_html('<tr><td colspan="7" class="muted">{}</td></tr>', _("No reads logged."))
    # Every value is escaped above; the dates and ids are numbers.
    return mark_safe("\n".join(rows))  # noqa: S308  # nosec B308 B703
