"""`manage.py restore FILE`: a backup made by `manage.py backup` back into the database."""

from __future__ import annotations

import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from partners.management.commands.backup import libpq_environment, pg_tool


class Command(BaseCommand):
    help = (
        "Restore FILE (made by `manage.py backup`) into the configured database, replacing what "
        "is there. Stop the web, worker and beat processes first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask: the database's contents are replaced."
        )

    def handle(self, *args, file: Path, yes: bool = False, **options):
        env = libpq_environment()
        if not file.is_file():
            raise CommandError(f"No backup at {file}.")
        try:  # a file pg_restore cannot read is refused before anything is dropped
            subprocess.run(  # noqa: S603 (fixed command)
                [pg_tool("pg_restore"), "--list", file], env=env, check=True, capture_output=True
            )
        except (OSError, subprocess.CalledProcessError) as exc:
            raise CommandError(f"{file} is not a backup pg_restore can read: {exc}") from exc
        if not yes:
            answer = input(f"Replace everything in {env['PGDATABASE']} with {file}? [y/N] ")
            if answer.strip().lower() not in ("y", "yes", "j", "ja"):
                raise CommandError("Not restored.")
        connection.close()  # our own session must not hold locks on what is dropped
        command = [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",  # all or nothing
            "--exit-on-error",
            "-d",
            env["PGDATABASE"],
            file,
        ]
        try:
            subprocess.run(command, env=env, check=True)  # noqa: S603 (fixed command)
        except (OSError, subprocess.CalledProcessError) as exc:
            raise CommandError(f"pg_restore failed; nothing was changed: {exc}") from exc
        self.stdout.write(f"Restored {file} into {env['PGDATABASE']}.")
