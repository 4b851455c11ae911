"""What the three benchmark commands share: the database guard and Django set-up."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/regie_bench"
#: Every generated user has this password (the data set is fake; the bench logs in with it).
BENCH_PASSWORD = "bench-only-password-600"  # noqa: S105
#: The last names of generated persons and users start with it.
MARK = "Bench"


def database_url() -> str:
    """DATABASE_URL, refusing anything but a PostgreSQL database named "...bench...".

    The generator truncates tables: the name check keeps it away from real data.
    """
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    parts = urlsplit(url)
    if parts.scheme.split("+")[0] not in ("postgres", "postgresql", "pgsql"):
        sys.exit(f"The benchmarks run on PostgreSQL only, not on {parts.scheme!r}.")
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(
            f"Refusing database {name!r}: its name must contain 'bench' "
            f"(e.g. {DEFAULT_URL}), to protect real data."
        )
    os.environ["DATABASE_URL"] = url
    return url


def ensure_database(url: str) -> bool:
    """CREATE DATABASE when it does not exist yet. True when it was created."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
    print(f"created database {name}")
    return True


def setup_django(*, settings: str = "bench.settings") -> None:
    """Django with the bench settings: production settings, plus the empty views' URLs."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def signed_in_client(user):
    """A test client logged in as `user` with the second factor given, as in production (where
    every human role needs one): the user gets a confirmed authenticator device when they have
    none, and the session is verified by it — the second-factor check runs on every request."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from partners.second_factor import APP

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, name=APP, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
