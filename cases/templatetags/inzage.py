"""`{% record value %}`: the inzage data (cases.inzage) as nested HTML — a dict as a definition
list, a list as a numbered list, None as a dash, a date or time in the page's short format (the
file keeps ISO 8601); every value escaped."""

from __future__ import annotations

import functools
from datetime import date, datetime
from typing import Any

from django import template
from django.apps import apps
from django.db import models
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from acvz.formats import short
from cases.templatetags.text import DASH

register = template.Library()

#: The record's own keys (cases.inzage), and the fields no model gives words, in words.
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
    "amendments": _("amendments"),
    "goal_progress": _("progress per goal"),
    # Names several models use, each in its own sense ("created_at" of a budget request is
    # when it was asked): one neutral word for all.
    "action": _("action"),
    "at": _("when"),
    "author": _("author"),
    "by": _("by"),
    "case": _("case"),
    "closed_at": _("closed"),
    "created_at": _("created"),
    "decided_at": _("decided at"),
    "description": _("description"),
    "email": _("e-mail"),
    "event": _("event"),
    "external_id": _("source reference"),
    "goal": _("goal"),
    "kind": _("kind"),
    "level": _("level"),
    "meeting": _("meeting"),
    "organisation": _("organisation"),
    "part": _("part"),
    "person": _("person"),
    "programme": _("programme"),
    "reason": _("reason"),
    "receiver": _("receiving organisation"),
    "recorded_at": _("recorded at"),
    "text": _("text"),
    "updated_at": _("updated"),
    "user": _("user"),
    "version": _("version"),
    # Fields without words of their own on any model the inzage holds.
    "created_by": _("created by"),
    "dossier": _("basisdossier"),
    "plan": _("plan"),
    "from_status": _("from status"),
    "to_status": _("to status"),
    "lock_version": _("edit version"),
    "origin": _("copied from goal"),
    "section": _("section"),
    "status_changed_at": _("status changed at"),
    "status_changed_by": _("status changed by"),
}


def _fields():
    """The fields of the models an inzage holds."""
    for label in ("cases", "plans", "meetings"):
        for model in apps.get_app_config(label).get_models():
            yield from model._meta.concrete_fields


@functools.cache
def _field_labels() -> dict[str, str]:
    """Field name → its verbose name, over the models an inzage holds (the first model that
    gives the name words of its own, not the name with spaces, gives its words; lazy, so the
    page's language applies)."""
    labels: dict[str, str] = {}
    for field in _fields():
        known = labels.get(field.name)
        if known is None or (
            isinstance(field.verbose_name, Promise) and not isinstance(known, Promise)
        ):
            labels[field.name] = field.verbose_name
    return labels


@functools.cache
def _temporal_keys() -> frozenset[str]:
    """The keys whose values are dates or times: the date and time fields' names."""
    return frozenset(f.name for f in _fields() if isinstance(f, models.DateField))


def _when(value: str, language: str | None) -> str:
    """An ISO 8601 date or time of the record (in local time) in the page's short format."""
    try:
        if len(value) == 10:
            parsed, name = date.fromisoformat(value), "SHORT_DATE_FORMAT"
        else:
            parsed, name = datetime.fromisoformat(value), "SHORT_DATETIME_FORMAT"
    except (TypeError, ValueError):
        return value
    return short(parsed, name, language)


@functools.lru_cache(maxsize=4096)
def _label(key: str, language: str | None) -> str:
    """A key in words, escaped, in `language` (the page's: the cache is per language)."""
    label = SECTION_LABELS.get(key) or _field_labels().get(key) or key.replace("_", " ")
    return escape(str(label))


def _render(value: Any, language: str | None) -> str:
    """The value as HTML (built as plain strings, every value escaped: an inzage has thousands
    of values, and a `format_html` each was most of the page's time)."""
    if isinstance(value, dict):
        temporal = _temporal_keys()
        items = "".join(
            f"<dt>{_label(key, language)}</dt><dd>"
            f"{_render(_when(item, language) if item and key in temporal else item, language)}</dd>"
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


@register.filter
def when(value: str) -> str:
    """`{{ iso|when }}`: an ISO date or time of the record in the page's short format."""
    return _when(value, get_language()) if value else value


@register.simple_tag
def read_rows(reads: list[dict[str, Any]]) -> SafeString:
    """The table rows of "who looked at this person": one per logged read, years of them (a
    template loop of five cells was most of the page's time)."""
    if not reads:
        return format_html('<tr><td colspan="5" class="muted">{}</td></tr>', _("No reads logged."))
    language = get_language()
    return format_html_join(
        "\n",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} · {}{}</td><td>{}</td></tr>",
        (
            (
                _when(read["at"], language),
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
