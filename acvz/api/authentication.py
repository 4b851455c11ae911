"""API key authentication (`Authorization: Token <key>`): keys are `partners.ApiKey`, stored
hashed (djangorestframework-api-key), expiring, revocable and scoped (`acvz.api.scopes`). A key
acts as its user, with exactly the need-to-know of the user's organisation.

It also slows down guessing: a source address that sent more than
`REGIE_API_BAD_TOKENS_PER_MINUTE` unknown keys in a minute gets 429 problem+json with
Retry-After, before its next key is even looked up. (DRF's throttles run after authentication,
so they never see a request with a wrong key.)"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from acvz.http import client_ip

WINDOW_SECONDS = 60
#: How stale `ApiKey.last_used_at` may get before a request writes it again.
LAST_USED_EVERY = timedelta(minutes=15)


def _key(request) -> str:
    return f"regie:bad-token:{client_ip(request)}"


def _count_bad_key(request) -> None:
    key = _key(request)
    if cache.add(key, 1, WINDOW_SECONDS) is False:
        try:
            cache.incr(key)
        except ValueError:  # expired meanwhile
            cache.add(key, 1, WINDOW_SECONDS)


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give one key after “Token”."))
        if cache.get(_key(request), 0) >= settings.REGIE_API_BAD_TOKENS_PER_MINUTE:
            raise exceptions.Throttled(wait=WINDOW_SECONDS)
        try:
            secret = header[1].decode()
        except UnicodeError:
            secret = ""
        return self._check(request, secret)

    def _check(self, request, secret: str):
        from partners.models import ApiKey

        try:
            key = ApiKey.objects.get_from_key(secret) if secret.isprintable() else None
        except ApiKey.DoesNotExist:
            key = None
        if key is None or not key.user.is_active:
            _count_bad_key(request)
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if key.has_expired:
            raise exceptions.AuthenticationFailed(_("This key has expired."))
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > LAST_USED_EVERY:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return key.user, key

    def authenticate_header(self, request) -> str:
        return self.keyword


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """The key in the schema (`tokenAuth`, the name it had as a DRF token)."""

    target_class = ApiKeyAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "An API key issued by the beheerder, sent as `Token <key>`. It expires, can be "
                "revoked, and is scoped: reads need `read`, each write names its scope in its "
                "description; without it the answer is 403 `insufficient_scope`."
            ),
        }
