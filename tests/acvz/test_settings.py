import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from acvz.env import env_bool, env_int, env_list, parse_broker_url, parse_database_url

ROOT = Path(__file__).resolve().parents[2]


def test_sqlite_url_parses_to_sqlite_backend():
    config = parse_database_url("sqlite:////tmp/regie.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/tmp/regie.sqlite3"  # noqa: S108


def test_postgres_url_parses_with_connection_reuse():
    config = parse_database_url("postgres://postgres@127.0.0.1:5432/regie", conn_max_age=30)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "regie"
    assert config["HOST"] == "127.0.0.1"
    assert config["PORT"] == 5432
    assert config["CONN_MAX_AGE"] == 30


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/regie", "unsupported scheme 'mysql'"),
        ("not a url", "unsupported scheme ''"),
        ("postgres://postgres@127.0.0.1:5432/", "names no database"),
        ("postgres://postgres@127.0.0.1:notaport/regie", "could not be parsed"),
    ],
)
def test_bad_database_url_is_a_clear_error(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_database_url(url)


def test_bad_broker_url_is_a_clear_error():
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL has an unsupported scheme"):
        parse_broker_url("amqp://guest@localhost//")
    assert parse_broker_url("") is None
    assert parse_broker_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"


def test_env_bool_and_list(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG must be a boolean"):
        env_bool("X_FLAG")
    monkeypatch.setenv("X_LIST", "a.example, b.example,,")
    assert env_list("X_LIST", []) == ["a.example", "b.example"]


def test_env_int(monkeypatch):
    monkeypatch.delenv("X_WEEKS", raising=False)
    assert env_int("X_WEEKS", 4) == 4
    monkeypatch.setenv("X_WEEKS", " 6 ")
    assert env_int("X_WEEKS", 4) == 6
    monkeypatch.setenv("X_WEEKS", "vier")
    with pytest.raises(ImproperlyConfigured, match="X_WEEKS must be a whole number"):
        env_int("X_WEEKS", 4)
    monkeypatch.setenv("X_WEEKS", "-1")
    with pytest.raises(ImproperlyConfigured, match="X_WEEKS must be at least 0"):
        env_int("X_WEEKS", 4)


def _start_django(**env) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "REGIE_TESTING", "SECRET_KEY", "DATABASE_URL"}
    }
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "acvz.settings"
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_start_up_without_secret_key_fails_clearly_when_debug_is_off():
    result = _start_django()
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_start_up_with_bad_database_url_fails_clearly():
    result = _start_django(SECRET_KEY="x" * 50, DATABASE_URL="oracle://db/regie")
    assert result.returncode != 0
    assert "DATABASE_URL has an unsupported scheme 'oracle'" in result.stderr


def test_start_up_with_secret_key_and_defaults_succeeds():
    result = _start_django(SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr


def test_project_defaults(settings):
    assert settings.TIME_ZONE == "Europe/Amsterdam"
    assert settings.LANGUAGE_CODE == "nl"
    assert [code for code, _ in settings.LANGUAGES] == ["nl", "en"]
    assert "acvz.middleware.DutchFirstLocaleMiddleware" in settings.MIDDLEWARE
    assert settings.AUTH_USER_MODEL == "partners.User"
