"""The checks behind /healthz: each bounded in time, so a hung database or broker makes the
answer a quick 503 (or a reported error), never a request that hangs with them."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.db import connections
from django.db.utils import load_backend

logger = logging.getLogger(__name__)

#: Seconds the database check may take before /healthz answers 503 (it answers within 2 s).
DATABASE_CHECK_SECONDS = 1.5


def database_settings() -> dict:
    """The settings of the default database, as the running process uses them (in tests: the
    test database)."""
    return dict(connections["default"].settings_dict)


def _select_one(params: dict) -> None:
    """`SELECT 1` over a connection of its own (not the request's): a connection stuck in a
    hung server is abandoned with its thread instead of poisoning the request's one."""
    wrapper = load_backend(params["ENGINE"]).DatabaseWrapper(params, alias="healthz")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        wrapper.close()


class DatabaseCheck:
    """`SELECT 1` started now in a thread of its own; `result()` waits until `timeout` seconds
    after the start at most, so other checks can run meanwhile. Never raises."""

    def __init__(self, timeout: float = DATABASE_CHECK_SECONDS) -> None:
        self.deadline = time.monotonic() + timeout
        self.timeout = timeout
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthz")
        self._future = self._executor.submit(_select_one, database_settings())

    def result(self) -> dict:
        try:
            self._future.result(timeout=max(0.0, self.deadline - time.monotonic()))
        except FutureTimeout:
            logger.warning("healthz: the database did not answer within %.1f s", self.timeout)
            return {"status": "error", "error": "timeout"}
        except Exception as exc:
            logger.warning("healthz: database check failed: %s", exc)
            return {"status": "error", "error": exc.__class__.__name__}
        finally:
            # Do not wait for a hung check: its thread ends with the connect timeout.
            self._executor.shutdown(wait=False)
        return {"status": "ok"}


def database_status(timeout: float = DATABASE_CHECK_SECONDS) -> dict:
    return DatabaseCheck(timeout).result()


def broker_status() -> dict:
    """Ping the Celery broker (Redis) with a short timeout. Never raises."""
    if not settings.REDIS_URL:
        return {"status": "not_configured", "detail": "no REDIS_URL: tasks run eagerly"}
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=0.25, socket_timeout=0.25
        )
        client.ping()
    except (redis.RedisError, OSError) as exc:
        return {"status": "error", "error": exc.__class__.__name__}
    return {"status": "ok"}


def scan_status() -> dict:
    """Whether today's reminder scan completed (late after settings.REGIE_SCAN_DEADLINE).
    Without a broker nothing schedules it: not configured."""
    if not settings.REDIS_URL:
        return {"status": "not_configured", "detail": "no REDIS_URL: no scheduled scan"}
    from meetings.reminders import scan_status as status

    return status()


def email_status() -> dict:
    """The outbox: e-mails that failed for good, and those stuck sending past the sweeper."""
    from datetime import timedelta

    from django.utils import timezone

    from meetings.models import EmailState, Notification

    stale = timezone.now() - timedelta(seconds=2 * settings.REGIE_EMAIL_STALE_SECONDS)
    failed = Notification.objects.filter(email_state=EmailState.FAILED).count()
    stuck = Notification.objects.filter(
        email_state=EmailState.SENDING, email_claimed_at__lt=stale
    ).count()
    return {
        "status": "ok" if not (failed or stuck) else "attention",
        "failed": failed,
        "stuck": stuck,
    }
