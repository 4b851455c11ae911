from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from acvz.audit import acting_as
from acvz.errors import NotAllowed
from partners.models import ApiKey, ApiScope, Role, User

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


def _key_days(expires_on: date) -> date:
    today = timezone.localdate()
    if not today < expires_on <= today + timedelta(days=settings.REGIE_API_KEY_MAX_DAYS):
        raise ValidationError(
            {
                "expires_on": _("Choose a date after today and at most %(n)s days ahead.")
                % {"n": settings.REGIE_API_KEY_MAX_DAYS}
            }
        )
    return expires_on


def _end_of(day: date) -> datetime:
    """A key issued until a day works through that day, Amsterdam time."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


@transaction.atomic
def api_key_issue(
    *, user: User, by: User, name: str, scopes: list[str], expires_on: date
) -> tuple[ApiKey, str]:
    """A new API key for a partner system: returns the key and its secret, which the caller
    shows once; only its hash is stored. Keys the system already has keep working (rotate or
    revoke them separately)."""
    if not user.is_active or not user.has_role(Role.PARTNER_SYSTEM):
        raise NotAllowed(_("API keys are for active partner-system users."))
    _key_days(expires_on)
    key = ApiKey(
        user=user,
        name=name,
        scopes=sorted(set(scopes), key=ApiScope.values.index),
        created_by=by,
        expiry_date=_end_of(expires_on),
    )
    key.full_clean(exclude=["id", "prefix", "hashed_key"])
    with acting_as(by):
        key, secret = ApiKey.objects.create_key(
            **{f: getattr(key, f) for f in ("user", "name", "scopes", "created_by", "expiry_date")}
        )
    return key, secret


@transaction.atomic
def api_key_rotate(*, key: ApiKey, by: User) -> tuple[ApiKey, str]:
    """A successor with the same system, name and scopes, valid as long again; the old key keeps
    working for `REGIE_API_KEY_OVERLAP_DAYS` (the system switches over), then expires."""
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.state != "active" or ApiKey.objects.filter(rotated_from=key).exists():
        raise NotAllowed(_("Only an active key that was not rotated yet can be rotated."))
    lifetime = key.expiry_date - key.created if key.expiry_date else timedelta(days=365)
    lifetime = min(lifetime, timedelta(days=settings.REGIE_API_KEY_MAX_DAYS))
    now = timezone.now()
    with acting_as(by):
        successor, secret = ApiKey.objects.create_key(
            user=key.user,
            name=key.name,
            scopes=key.scopes,
            created_by=by,
            expiry_date=now + lifetime,
            rotated_from=key,
        )
        overlap = now + timedelta(days=settings.REGIE_API_KEY_OVERLAP_DAYS)
        if key.expiry_date is None or key.expiry_date > overlap:
            key.expiry_date = overlap
            key._change_reason = "rotated"
            key.save(update_fields=["expiry_date"])
    return successor, secret


@transaction.atomic
def api_key_revoke(*, key: ApiKey, by: User) -> ApiKey:
    """The key stops working at once (for good)."""
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if not key.revoked:
        with acting_as(by):
            key.revoked = True
            key._change_reason = "revoked"
            key.save(update_fields=["revoked"])
    return key


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
