from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from acvz.audit import acting_as
from acvz.errors import NotAllowed
from partners.models import ApiToken, Role, User

#: History change reasons (data, not interface text): who set a password is the history's user.
REASON_SET_BY_ADMINISTRATOR = "password set by an administrator"
REASON_CHANGED_BY_USER = "password changed by the user"
REASON_RESET_BY_EMAIL = "password reset by the user through an e-mailed link"
REASON_CREATED_BY_ADMINISTRATOR = "created with a password set by an administrator"
REASON_UNLOCKED = "login unlocked by an administrator"


def user_sync_organisation_group(*, user: User) -> None:
    """Keep the user in exactly one organisation group: their organisation's.

    Case permissions are granted to organisation groups (django-guardian), so membership is what
    makes guardian's own checks agree with the visible-queryset.
    """
    org_groups = Group.objects.filter(organisation__isnull=False)
    stale = user.groups.filter(organisation__isnull=False)
    if user.organisation_id is not None:
        stale = stale.exclude(organisation__id=user.organisation_id)
    user.groups.remove(*stale)
    if user.organisation_id is not None:
        own = org_groups.get(organisation__id=user.organisation_id)
        user.groups.add(own)


def user_password_set(*, user: User, by: User, password: str | None) -> User:
    """An administrator sets a user's password (None: no password login at all). The user's
    history records who did it and when, never the password; a password set for someone else
    must be changed by them at their next login (`PasswordChangeRequiredMiddleware`)."""
    with acting_as(by):
        if password is None:
            user.set_unusable_password()
            user.must_change_password = False
        else:
            user.set_password(password)
            user.must_change_password = user.pk != by.pk
        user._change_reason = REASON_SET_BY_ADMINISTRATOR
        user.save(update_fields=["password", "must_change_password"])
    return user


def user_password_change(*, user: User, password: str, reset: bool = False) -> User:
    """The user chooses their own password (`reset`: through an e-mailed link); the obligation
    to change it ends, and so does a lockout of the account (the source's stays). Every other
    session of the user ends with it (Django's session hash follows the password)."""
    from axes.utils import reset as axes_reset

    with acting_as(user):
        user.set_password(password)
        user.must_change_password = False
        user._change_reason = REASON_RESET_BY_EMAIL if reset else REASON_CHANGED_BY_USER
        user.save(update_fields=["password", "must_change_password"])
    if reset:
        axes_reset(username=user.get_username())
    return user


@transaction.atomic
def api_token_issue(*, user: User, by: User) -> ApiToken:
    """A new API token for a partner system, replacing the one it had. The caller shows the
    key once; nothing shows it again."""
    if not user.is_active or not user.has_role(Role.PARTNER_SYSTEM):
        raise NotAllowed(_("API tokens are for active partner-system users."))
    ApiToken.objects.filter(user=user).delete()
    return ApiToken.objects.create(user=user)


def user_unlock_login(*, user: User, by: User) -> int:
    """The beheerder lifts the lockout of an account after too many failed logins (django-axes:
    the account's count; a locked source address is lifted under "Access attempts"). In the
    user's history. Returns how many counted attempts were removed."""
    from axes.utils import reset as axes_reset

    removed = axes_reset(username=user.get_username())
    with acting_as(by):
        user._change_reason = REASON_UNLOCKED
        user.save(update_fields=["last_login"])  # a history row; nothing else changes
    return removed
