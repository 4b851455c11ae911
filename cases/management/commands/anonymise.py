"""`manage.py anonymise [--dry-run]`: the retention run (cases.retention) by hand. With
--dry-run it lists what the daily task would anonymise, and changes nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from cases.retention import anonymise_due, due_on


class Command(BaseCommand):
    help = "Anonymise the closed cases (and persons) whose retention period has passed."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would change; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        found = anonymise_due(dry_run=dry_run)
        verb = "would be anonymised" if dry_run else "anonymised"
        self.stdout.write(f"{len(found.cases)} cases {verb}:")
        for case in found.cases:
            self.stdout.write(
                f"  case {case.pk} ({case.programme.code}), closed "
                f"{case.closed_at:%Y-%m-%d}, due {due_on(case):%Y-%m-%d}"
            )
        persons = ", ".join(str(person.pk) for person in found.persons) or "-"
        self.stdout.write(f"{len(found.persons)} persons {verb}: {persons}")
        for label, count in found.rows.items():
            if count:
                self.stdout.write(f"  {label}: {count} rows lose their text (and their history)")
