from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from partners import roles, signals  # noqa: F401

        post_migrate.connect(roles.sync_role_groups_handler, sender=self)
