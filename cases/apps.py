from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _seed_reference_data(sender, **kwargs) -> None:
    # Again after a flush (transactional tests); a no-op when the programmes exist.
    from cases.models import Programme
    from cases.seeds import seed_programmes

    seed_programmes(Programme)


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from cases.policies import reset_permission_ids

        post_migrate.connect(_seed_reference_data, sender=self)
        post_migrate.connect(reset_permission_ids, sender=self)
