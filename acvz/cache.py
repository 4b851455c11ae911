"""The shared cache (Redis in production): counters every process must agree on — API and
password-reset throttles, the bad-token guard, the navigation's work counts and their
invalidation — live here, not in one worker's memory.

A cache is a help, not a source of truth: when Redis does not answer, a read is a miss and a
write is dropped (logged once a minute), so pages keep working; throttles then let requests
through until Redis is back (`/healthz` reports the broker, which is the same Redis)."""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

_last_warning = 0.0


def _warn(error: Exception) -> None:
    global _last_warning
    if time.monotonic() - _last_warning > 60:
        _last_warning = time.monotonic()
        logger.warning("cache unavailable, continuing without it: %s", error)


def _forgiving(name: str, default=None):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(ForgivingRedisCache, self), name)(*args, **kwargs)
        except self._errors as error:
            _warn(error)
            return default(*args, **kwargs) if callable(default) else default

    method.__name__ = name
    return method


class ForgivingRedisCache(RedisCache):
    """Django's Redis cache that answers like an empty cache while Redis is unreachable."""

    def __init__(self, server, params):
        super().__init__(server, params)
        import redis

        self._errors = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)

    get = _forgiving("get", lambda key, default=None, version=None: default)
    get_many = _forgiving("get_many", {})
    set = _forgiving("set")
    set_many = _forgiving("set_many", [])
    add = _forgiving("add", False)
    delete = _forgiving("delete", False)
    delete_many = _forgiving("delete_many")
    touch = _forgiving("touch", False)
    has_key = _forgiving("has_key", False)
    clear = _forgiving("clear")

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except self._errors as error:
            _warn(error)
            return delta  # as if the counter were new: a throttle lets the request through
