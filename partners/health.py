from __future__ import annotations

from django.conf import settings


def broker_status() -> dict:
    """Ping the Celery broker (Redis) with a short timeout. Never raises."""
    if not settings.REDIS_URL:
        return {"status": "not_configured", "detail": "no REDIS_URL: tasks run eagerly"}
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
    except (redis.RedisError, OSError) as exc:
        return {"status": "error", "error": exc.__class__.__name__}
    return {"status": "ok"}
