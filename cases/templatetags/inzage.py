"""`{% record value %}`: the inzage data (cases.inzage) as nested HTML — a dict as a definition
list, a list as a numbered list, None as a dash; every value escaped."""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.apps import apps
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
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


def _label(key: str) -> str:
    label = SECTION_LABELS.get(key) or _field_labels().get(key) or key.replace("_", " ")
    return str(label)


DASH = format_html("{}", "—")


def _render(value: Any) -> SafeString:
    if isinstance(value, dict):
        return format_html(
            '<dl class="record">{}</dl>',
            format_html_join(
                "",
                "<dt>{}</dt><dd>{}</dd>",
                ((_label(key), _render(item)) for key, item in value.items()),
            ),
        )
    if isinstance(value, list):
        if not value:
            return DASH
        return format_html(
            '<ol class="record-list">{}</ol>',
            format_html_join("", "<li>{}</li>", ((_render(item),) for item in value)),
        )
    if value is None or value == "":
        return DASH
    return format_html("{}", value)


@register.simple_tag
def record(value: Any) -> SafeString:
    return _render(value)
