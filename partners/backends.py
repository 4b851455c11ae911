from django.contrib.auth.backends import ModelBackend


class RegieModelBackend(ModelBackend):
    """Django's backend, loading with the user its organisation in the same query. (The unread
    count in the header is the meetings context processor's: it needs the user's visibility.)"""

    def get_user(self, user_id):
        from partners.models import User

        try:
            user = User._default_manager.select_related("organisation").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
