from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

from partners import demo


class Command(BaseCommand):
    help = (
        "Migrate the database and load clearly fake demo data (organisations, one user per "
        "role, persons and cases). Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give every demo user a new password and print it.",
        )
        parser.add_argument("--no-migrate", action="store_true", help="Skip running migrate.")

    def handle(self, *args, reset_passwords: bool = False, no_migrate: bool = False, **options):
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        with transaction.atomic():
            credentials = demo.load(reset_passwords=reset_passwords)
            for loader in settings.REGIE_DEMO_LOADERS:
                import_string(loader)(stdout=self.stdout)
        if credentials:
            self.stdout.write(self.style.SUCCESS("Demo users (passwords are shown only now):"))
            for c in credentials:
                line = f"  {c.username:<18} {c.password:<14} {c.organisation:<9} {c.roles}"
                if c.token:
                    line += f"  API key: {c.token}"
                self.stdout.write(line)
        else:
            self.stdout.write(
                "Demo data is up to date. Users existed already; their passwords were printed "
                "when they were created (run with --reset-passwords for new ones)."
            )
