"""The City of Amsterdam's design tokens and font are used when a deployment fetched them
(scripts/fetch-amsterdam-design-system; proprietary, never committed), before Regie's own
stylesheet, which falls back to its own values without them."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_without_the_tokens_only_regies_stylesheet_is_loaded(client):
    page = client.get(reverse("login")).content.decode()
    assert "vendor/amsterdam" not in page
    assert "css/regie" in page


@override_settings(REGIE_AMSTERDAM_STYLES=["vendor/amsterdam/tokens.css"])
def test_fetched_tokens_are_loaded_before_regies_stylesheet(client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    page = client.get(reverse("login")).content.decode()
    assert page.index("vendor/amsterdam/tokens.css") < page.index("css/regie")


def test_the_stylesheet_reads_the_tokens_with_its_own_fallbacks():
    from django.conf import settings

    css = (settings.BASE_DIR / "static" / "css" / "regie.css").read_text()
    assert "var(--ams-color-interactive, #004699)" in css
    assert "var(--ams-typography-font-family," in css
    assert "http" not in css.split("*/", 1)[1]  # nothing fetched from elsewhere
