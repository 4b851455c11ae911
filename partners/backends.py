from django.contrib.auth.backends import ModelBackend


class RegieModelBackend(ModelBackend):
    """Django's backend, loading the user's organisation with the user (one query, not two)."""

    def get_user(self, user_id):
        from partners.models import User

        try:
            user = User._default_manager.select_related("organisation").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
