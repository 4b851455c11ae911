"""`manage.py backup FILE`: the whole PostgreSQL database in pg_dump's custom format."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


def libpq_environment() -> dict:
    """The connection of the running settings as libpq variables (no password on the command
    line, where `ps` would show it)."""
    settings = connection.settings_dict
    if connection.vendor != "postgresql":
        raise CommandError(
            "backup and restore work on PostgreSQL; the SQLite demo database is one file "
            f"({settings['NAME']}): copy it while the app is stopped."
        )
    env = {**os.environ, "PGDATABASE": settings["NAME"]}
    for key, name in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if settings.get(name):
            env[key] = str(settings[name])
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return env


def pg_tool(name: str) -> str:
    """The full path of a PostgreSQL client program (pg_dump, pg_restore)."""
    path = shutil.which(name)
    if path is None:
        raise CommandError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return path


class Command(BaseCommand):
    help = (
        "Back up the database with pg_dump (custom format, compressed) to FILE. Consistent "
        "while the app runs (one snapshot). Restore with `manage.py restore FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        env = libpq_environment()
        partial = file.with_name(file.name + ".partial")
        command = [
            pg_tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "-f",
            partial,
        ]
        try:
            subprocess.run(command, env=env, check=True)  # noqa: S603 (fixed command)
        except (OSError, subprocess.CalledProcessError) as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(f"pg_dump failed: {exc}") from exc
        partial.replace(file)  # never a half-written file under the name asked for
        size = file.stat().st_size
        self.stdout.write(f"Backed up {env['PGDATABASE']} to {file} ({size:,} bytes).")
