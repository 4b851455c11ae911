"""Sessions end when idle and when the browser closes; nothing personal is cached; https is
required where cookies are secure; `check --deploy` is clean with production settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_a_session_left_idle_ends_and_the_user_is_sent_to_log_in(client, people):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(people["regisseur"])
        assert client.get(reverse("cases:list")).status_code == 200
    idle = settings.REGIE_SESSION_IDLE_MINUTES * 60
    with time_machine.travel(start.timestamp() + idle - 5, tick=False):
        assert client.get(reverse("cases:list")).status_code == 200  # still within the window
    with time_machine.travel(start.timestamp() + 2 * idle - 10, tick=False):
        # The last request reset the clock (written at most once a minute).
        assert client.get(reverse("cases:list")).status_code == 200
    with time_machine.travel(start.timestamp() + 3 * idle + 60, tick=False):
        response = client.get(reverse("cases:list"))
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('login')}?next=")
        assert client.get(reverse("cases:list")).status_code == 302  # signed out for good


def test_an_idle_api_session_gets_a_401_problem(client, people):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(people["regisseur"])
        client.get("/api/v1/cases")
    with time_machine.travel(start.timestamp() + settings.REGIE_SESSION_IDLE_MINUTES * 61):
        response = client.get("/api/v1/cases")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "session_expired"


def test_the_session_cookie_ends_with_the_browser(client, people):
    client.force_login(people["regisseur"])
    client.get(reverse("home"))
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert client.cookies[settings.SESSION_COOKIE_NAME]["expires"] == ""
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600


def test_pages_and_api_answers_are_not_stored(client, people, case_at):
    case = case_at("in_regie")
    client.force_login(people["regisseur"])
    for url in (reverse("home"), reverse("cases:detail", args=[case.pk])):
        assert "no-store" in client.get(url)["Cache-Control"]
    assert "no-store" in client.get("/api/v1/cases")["Cache-Control"]
    client.logout()
    assert "no-store" in client.get(reverse("login"))["Cache-Control"]


def csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in header.split(";")) if part}


def test_pages_and_api_answers_forbid_inline_scripts_and_styles(client, people, case_at):
    case = case_at("in_regie")
    client.force_login(people["regisseur"])
    for url in (reverse("home"), reverse("cases:detail", args=[case.pk]), "/api/v1/cases"):
        policy = csp(client.get(url))
        assert policy["script-src"] == "script-src 'self'"
        assert policy["style-src"] == "style-src 'self'"
        assert policy["frame-ancestors"] == "frame-ancestors 'none'"
        assert policy["object-src"] == "object-src 'none'"
        assert "unsafe" not in " ".join(policy.values())


def test_no_template_carries_an_inline_script_style_or_handler():
    """What the policy would refuse in the browser is not in the templates (the API
    documentation's own template, with its own policy, aside)."""
    import re

    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=\"|\son[a-z]+=\"", re.I)
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in (ROOT / "templates").rglob("*.html")
        if "drf_spectacular" not in path.parts
        for match in inline.finditer(path.read_text())
    ]
    assert offenders == []


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31_536_000)
def test_https_is_required_except_for_the_health_check(client, people):
    response = client.get(reverse("login"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert client.get("/healthz").status_code in (200, 503)
    secure = client.get(reverse("login"), secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


def test_check_deploy_is_clean_with_production_settings():
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in (
            "DEBUG",
            "REGIE_TESTING",
            "SECURE_COOKIES",
            "DATABASE_URL",
            # Set by the browser tests' conftest for Playwright in the same process.
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        )
    }
    env.update(
        SECRET_KEY="a-long-random-production-like-secret-" + "x" * 40,
        ALLOWED_HOSTS="regie.example.org",
        DJANGO_SETTINGS_MODULE="acvz.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
