from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, Q


class RegieModelBackend(ModelBackend):
    """Django's backend, loading with the user its organisation and unread notification count
    (shown in every page's header) in the same query."""

    def get_user(self, user_id):
        from partners.models import User

        try:
            user = (
                User._default_manager.select_related("organisation")
                .annotate(
                    unread_notifications=Count(
                        "notifications", filter=Q(notifications__read_at__isnull=True)
                    )
                )
                .get(pk=user_id)
            )
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
