"""Real Celery worker processes for the tests: started against the test database and a queue of
their own, stopped (or killed) by the test."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from acvz.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).parent / "celery"


@contextmanager
def broker(url: str):
    """Send tasks to a real broker at `url` instead of running them eagerly."""
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_url)
    conf.task_always_eager, conf.broker_url = False, url
    _drop_connections()
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_url = saved
        _drop_connections()


def _drop_connections() -> None:
    # The app keeps the connection and producer pools of the broker URL of their first use
    # (kombu keeps one pool per URL: forgetting the app's reference is enough).
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def database_url() -> str:
    """The test database as a URL, for a process of its own."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{quote(db['NAME'])}"


@contextmanager
def worker(
    queue: str, log: Path, *, pool: str = "solo", env: dict | None = None, forget: bool = True
):
    """A worker consuming `queue`; `forget=False` leaves the queue in Redis for the next one."""
    env = {
        **os.environ,
        **(env or {}),
        "DJANGO_SETTINGS_MODULE": "tests.meetings.celery_worker_settings",
        "DATABASE_URL": database_url(),
        "CONN_MAX_AGE": "0",  # no connection outlives a task: the test database can be dropped
        "REDIS_URL": settings.REDIS_URL,
        "REGIE_TEST_QUEUE": queue,
        "PYTHONPATH": str(ROOT),
    }
    command = [str(CELERY), "-A", "acvz", "worker", f"--pool={pool}", "-Q", queue]
    if pool == "prefork":
        command += ["--concurrency=1"]
    command += ["--loglevel=INFO", "-n", f"{queue}@%h", "--without-gossip", "--without-mingle"]
    with log.open("ab") as output:
        process = subprocess.Popen(  # noqa: S603  (our own command line)
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
            if forget:
                _forget_queue(queue)


def _forget_queue(queue: str) -> None:
    """Remove what the worker's queue left in Redis (kombu's bindings of the queue)."""
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
