from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from partners import roles, signals  # noqa: F401

        post_migrate.connect(roles.sync_role_groups_handler, sender=self)
        pre_migrate.connect(lift_statement_timeout, sender=self)
        post_migrate.connect(restore_statement_timeout, sender=self)


def lift_statement_timeout(*, using: str = "default", **kwargs) -> None:
    """A data migration of a city-sized database may run for minutes: the statement timeout
    that protects the web and worker processes (settings.DATABASES) does not apply to it."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")


def restore_statement_timeout(*, using: str = "default", **kwargs) -> None:
    """Back to the connection's own timeout (its start-up options) once migrations are done."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
