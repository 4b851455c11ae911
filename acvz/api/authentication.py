"""Token authentication that slows down guessing: a source address that sent more than
`REGIE_API_BAD_TOKENS_PER_MINUTE` unknown tokens in a minute gets 429 problem+json with
Retry-After, before its next token is even looked up. (DRF's throttles run after
authentication, so they never see a request with a wrong token.)"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from acvz.http import client_ip

WINDOW_SECONDS = 60


def _key(request) -> str:
    return f"regie:bad-token:{client_ip(request)}"


class GuardedTokenAuthentication(TokenAuthentication):
    def authenticate(self, request):
        key = _key(request)
        if cache.get(key, 0) >= settings.REGIE_API_BAD_TOKENS_PER_MINUTE:
            raise exceptions.Throttled(wait=WINDOW_SECONDS)
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            if cache.add(key, 1, WINDOW_SECONDS) is False:
                try:
                    cache.incr(key)
                except ValueError:  # expired meanwhile
                    cache.add(key, 1, WINDOW_SECONDS)
            raise
