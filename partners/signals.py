from django.db.models.signals import post_save
from django.dispatch import receiver

from partners.models import User
from partners.services import user_sync_organisation_group


@receiver(post_save, sender=User)
def _user_saved(sender, instance: User, raw: bool = False, **kwargs) -> None:
    if not raw:
        user_sync_organisation_group(user=instance)
