"""Reading settings from the environment (12-factor), with clear errors for bad values."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

SUPPORTED_DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql", "pgsql")
SUPPORTED_BROKER_SCHEMES = ("redis", "rediss", "memory")


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no); got {raw!r}.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def parse_database_url(url: str, *, conn_max_age: int = 60) -> dict:
    """Turn a DATABASE_URL into Django's DATABASES['default'], refusing what it cannot use."""
    scheme = urlsplit(url).scheme.split("+")[0]
    if scheme not in SUPPORTED_DATABASE_SCHEMES:
        raise ImproperlyConfigured(
            f"DATABASE_URL has an unsupported scheme {scheme!r}; use "
            "postgres://user@host:port/name or sqlite:///path/to/file.sqlite3."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    except Exception as exc:  # dj_database_url raises several types for malformed URLs
        raise ImproperlyConfigured(f"DATABASE_URL could not be parsed: {exc}") from exc
    if not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL names no database (the path part is empty).")
    if scheme == "sqlite":
        config["CONN_MAX_AGE"] = 0
    return config


def parse_broker_url(url: str | None) -> str | None:
    if not url:
        return None
    scheme = urlsplit(url).scheme
    if scheme not in SUPPORTED_BROKER_SCHEMES:
        raise ImproperlyConfigured(
            f"REDIS_URL has an unsupported scheme {scheme!r}; use redis://host:6379/0."
        )
    return url
