"""The shared cache: Redis in production (every worker counts the same throttles and sees the
same invalidations), this process's memory without Redis; a Redis that does not answer is an
empty cache, not an error page."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from acvz.cache import ForgivingRedisCache

ROOT = Path(__file__).resolve().parents[2]


def _cache_backend(**env) -> str:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "REGIE_TESTING", "REDIS_URL", "REDIS_CACHE_URL"}
    }
    clean.update(SECRET_KEY="x" * 50, DJANGO_SETTINGS_MODULE="acvz.settings", **env)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "c = settings.CACHES['default']; print(c['BACKEND'], c.get('LOCATION', ''))",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_production_with_redis_shares_the_cache_without_it_keeps_its_own():
    assert _cache_backend(REDIS_URL="redis://cache.example:6379/0") == (
        "acvz.cache.ForgivingRedisCache redis://cache.example:6379/0"
    )
    assert _cache_backend(
        REDIS_URL="redis://broker.example:6379/0", REDIS_CACHE_URL="redis://cache.example:6379/2"
    ) == ("acvz.cache.ForgivingRedisCache redis://cache.example:6379/2")
    assert _cache_backend().startswith("django.core.cache.backends.locmem.LocMemCache")


def test_an_unreachable_redis_is_an_empty_cache():
    # Nothing listens on port 9 (discard) of this machine's loopback.
    cache = ForgivingRedisCache(
        "redis://127.0.0.1:9/0", {"OPTIONS": {"socket_connect_timeout": 0.2}}
    )
    assert cache.get("work:1") is None
    assert cache.get("work:1", 7) == 7
    cache.set("work:1", 3)
    assert cache.add("reset:a", 1, 60) is False
    assert cache.incr("reset:a") == 1
    cache.delete_many(["work:1"])
    assert cache.get_many(["a", "b"]) == {}


@pytest.mark.redis
def test_two_processes_count_on_the_same_counter():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("needs REDIS_URL")
    one, two = (ForgivingRedisCache(url, {"KEY_PREFIX": "regie-test"}) for _ in range(2))
    one.delete("shared")
    assert one.add("shared", 1, 60)
    assert two.incr("shared") == 2
    assert one.get("shared") == 2
    two.delete("shared")
