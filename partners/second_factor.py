"""The second factor at login (django-otp): a code from an authenticator app (TOTP), with ten
single-use recovery codes for when the phone is lost.

Who needs it is a setting (`REGIE_MFA_ROLES`: the roles, or every human user); such a user
who logged in with a password reaches nothing but the code page (or, the first time, the page
that sets up the app) until the code is given (`partners.middleware.SecondFactorMiddleware`).
The beheerder can reset a user's second factor (the user sets it up again at the next login);
the reset is in the user's history. API tokens of partner systems are not passwords and are not
asked for a code."""

from __future__ import annotations

import base64
import logging
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from acvz.audit import acting_as
from partners.models import Role, User

logger = logging.getLogger(__name__)

RECOVERY_CODES = 10
#: Device names (data): one app and one set of recovery codes per user.
APP = "app"
RECOVERY = "recovery"
#: History change reasons (data, not interface text).
REASON_SET_UP = "second factor set up by the user"
REASON_RESET = "second factor reset by an administrator"
REASON_NEW_RECOVERY_CODES = "new recovery codes made by the user"


def required_for(user: User) -> bool:
    """Whether this user must give a code at login: one of their roles is in
    REGIE_MFA_ROLES; an administrator (staff) whenever any role needs it. Partner systems
    never (they use tokens)."""
    needed = set(settings.REGIE_MFA_ROLES)
    if not needed or not user.is_authenticated:
        return False
    roles = {str(role) for role in user.roles}
    if Role.PARTNER_SYSTEM in roles and len(roles) == 1:
        return False
    return bool(roles & needed) or user.is_staff or user.is_superuser


def app_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, name=APP, confirmed=True).first()


def is_set_up(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, name=APP, confirmed=True).exists()


def enrolment(user: User) -> TOTPDevice:
    """The app device being set up (unconfirmed; the same one until it is confirmed, so that a
    reload does not invalidate the code the user scanned)."""
    device = TOTPDevice.objects.filter(user=user, name=APP, confirmed=False).first()
    if device is None:
        return TOTPDevice.objects.create(user=user, name=APP, confirmed=False)
    device.user = user  # the QR code's label names the user: no second read
    return device


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// link of the device as an SVG QR code (a data: URI: the page's
    Content-Security-Policy allows images from data:, and nothing leaves the server)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32 in groups of four, for an app that cannot scan."""
    key = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _history(user: User, *, by: User, reason: str) -> None:
    with acting_as(by):
        user._change_reason = reason
        user.save(update_fields=["last_login"])  # a history row; nothing else changes


@transaction.atomic
def confirm_enrolment(request, device: TOTPDevice, code: str) -> list[str] | None:
    """The first code from the app confirms it: the session counts as verified, any earlier app
    of the user is replaced, and the recovery codes are returned (shown once). None when the
    code is wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, confirmed=False)
    if not device.verify_token(code.strip().replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=device.user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(device.user)
    _history(device.user, by=device.user, reason=REASON_SET_UP)
    otp_login(request, device)
    return codes


def verify(request, code: str) -> bool:
    """A code from the app (six digits) or a recovery code (used up by this): when it is right,
    the session counts as verified. Wrong codes slow down further tries (django-otp's
    throttling, per device)."""
    user = request.user
    code = code.strip().replace(" ", "").lower()
    names = [APP] if code.isdigit() else [RECOVERY]
    devices = [
        *TOTPDevice.objects.filter(user=user, name__in=names, confirmed=True),
        *StaticDevice.objects.filter(user=user, name__in=names, confirmed=True),
    ]
    for device in devices:
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            otp_login(request, verified)
            if verified.name == RECOVERY:
                logger.info("user %s logged in with a recovery code", user.pk)
            return True
    return False


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY).count()


@transaction.atomic
def renew_recovery_codes(*, user: User) -> list[str]:
    """New recovery codes; the old ones stop working."""
    codes = _new_recovery_codes(user)
    _history(user, by=user, reason=REASON_NEW_RECOVERY_CODES)
    return codes


@transaction.atomic
def reset(*, user: User, by: User) -> None:
    """The beheerder removes a user's app and recovery codes (a lost phone): the user sets up
    the app again at the next login, and a session they have open now asks for that at once."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _history(user, by=by, reason=REASON_RESET)
    logger.info("second factor of user %s reset by user %s", user.pk, by.pk)
