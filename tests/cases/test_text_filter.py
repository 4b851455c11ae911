"""The `clip` filter: `truncatechars` without its cost for text that fits."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.template.defaultfilters import truncatechars


def clip(value, length="10"):
    return Template("{% load text %}{{ value|clip:" + length + " }}").render(
        Context({"value": value})
    )


@pytest.mark.parametrize(
    "value", ["", "kort", "precies 10", "elf tekens!", "x" * 200, 1234567890123, None]
)
def test_clip_renders_what_truncatechars_renders(value):
    expected = Template("{{ value|truncatechars:10 }}").render(Context({"value": value}))
    assert clip(value) == expected


def test_clip_cuts_long_text_with_an_ellipsis_and_leaves_short_text_alone():
    assert clip("een lange zin over het plan") == truncatechars("een lange zin over het plan", 10)
    assert clip("een lange zin over het plan").endswith("…")
    assert clip("kort") == "kort"


def test_clip_escapes_as_any_value():
    assert clip("<b>") == "&lt;b&gt;"
    assert clip("<b>" * 10) == Template("{{ v|truncatechars:10 }}").render(
        Context({"v": "<b>" * 10})
    )


def test_an_invalid_length_leaves_the_text_alone():
    assert clip("een lange zin over het plan", '"x"') == "een lange zin over het plan"


def test_no_template_uses_truncatechars():
    """Pages show hundreds of values: `clip` is the one filter for cutting text."""
    templates = Path(settings.BASE_DIR, "templates")
    users = [p.name for p in templates.rglob("*.html") if "|truncatechars" in p.read_text()]
    assert users == []
