"""`{% record value %}`: the inzage data (cases.inzage) as nested HTML — a dict as a definition
list, a list as a numbered list, None as a dash; every value escaped."""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.apps import apps
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()

#: The record's own keys (cases.inzage), in words.
SECTION_LABELS = {
    "status_changes": _("status changes"),
    "team": _("case team"),
    "timeline": _("timeline"),
    "basisdossier": _("basisdossier"),
    "sections": _("sections"),
    "contributions": _("contributions"),
    "plans": _("plans"),
    "goals": _("goals"),
    "itat_advice": _("ITAT advice"),
    "evaluations": _("evaluations"),
    "results": _("results"),
    "expert_group_questions": _("questions to the ITAT-Expertgroep"),
    "uvo_cadence": _("UVO cadence"),
    "uvo_meetings": _("UVOs"),
    "attendees": _("attendees"),
    "agreements": _("agreements"),
    "health_withheld": _("health items withheld"),
    "content": _("content"),
    "relative": _("relative"),
    "id": _("number"),
}


@functools.cache
def _field_labels() -> dict[str, str]:
    """Field name → its verbose name, over the models an inzage holds (the first model that has
    the name gives its words; lazy, so the page's language applies)."""
    labels: dict[str, str] = {}
    for label in ("cases", "plans", "meetings"):
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.concrete_fields:
                labels.setdefault(field.name, field.verbose_name)
    return labels


@functools.lru_cache(maxsize=4096)
def _label(key: str, language: str | None) -> str:
    """A key in words, escaped, in `language` (the page's: the cache is per language)."""
    label = SECTION_LABELS.get(key) or _field_labels().get(key) or key.replace("_", " ")
    return escape(str(label))


DASH = "—"


def _render(value: Any, language: str | None) -> str:
    """The value as HTML (built as plain strings, every value escaped: an inzage has thousands
    of values, and a `format_html` each was most of the page's time)."""
    if isinstance(value, dict):
        items = "".join(
            f"<dt>{_label(key, language)}</dt><dd>{_render(item, language)}</dd>"
            for key, item in value.items()
        )
        return f'<dl class="record">{items}</dl>'
    if isinstance(value, list):
        if not value:
            return DASH
        items = "".join(f"<li>{_render(item, language)}</li>" for item in value)
        return f'<ol class="record-list">{items}</ol>'
    if value is None or value == "":
        return DASH
    return conditional_escape(value)


@register.simple_tag
def record(value: Any) -> SafeString:
    # Every value and label is escaped in _render.
    return mark_safe(_render(value, get_language()))  # noqa: S308  # nosec B308 B703


@register.simple_tag
def read_rows(reads: list[dict[str, Any]]) -> SafeString:
    """The table rows of "who looked at this person": one per logged read, years of them (a
    template loop of five cells was most of the page's time)."""
    if not reads:
        return format_html('<tr><td colspan="5" class="muted">{}</td></tr>', _("No reads logged."))
    return format_html_join(
        "\n",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} · {}{}</td><td>{}</td></tr>",
        (
            (
                read["at"],
                read["user"],
                read["organisation"] or DASH,
                read["action"],
                read["page"],
                f" (#{read['case']:d})" if read["case"] else "",
                read["outcome"],
            )
            for read in reads
        ),
    )
