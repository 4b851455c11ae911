"""`{% once %}`: a one-time submission token in a POST form, so that the same form posted twice
(a double click, a resend after a timeout, the back button) makes one object
(`partners.middleware.SubmitOnceMiddleware`). A builtin: every template has it."""

from __future__ import annotations

import uuid

from django import template
from django.utils.html import format_html

from partners.middleware import SUBMISSION_FIELD

register = template.Library()


@register.simple_tag
def once() -> str:
    return format_html(
        '<input type="hidden" name="{}" value="{}">', SUBMISSION_FIELD, uuid.uuid4().hex
    )
