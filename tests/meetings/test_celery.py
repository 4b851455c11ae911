"""Celery: one real round trip through Redis, and a broker that is down.

The logic of the tasks is tested through the services (test_rules, test_exactly_once), with
tasks executed eagerly. Here a real worker process consumes the daily scan from Redis and writes
to the test's own database; and with the broker unreachable, queuing fails soft and fast.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from acvz.celery import app as celery_app
from cases.models import Case
from meetings import services
from meetings.models import Notification, Reminder, ReminderKind
from meetings.tasks import daily_scan, send_notification_emails

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).parent / "celery"
DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1
ROUND_TRIP_TIMEOUT = 60  # seconds; a solo worker starts in 2-5


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


@pytest.fixture
def overdue_case(case_at) -> Case:
    case = case_at("in_regie")
    Case.objects.filter(pk=case.pk).update(regie_started_at=timezone.now() - timedelta(days=100))
    return case


@contextmanager
def worker(queue: str, log: Path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.meetings.celery_worker_settings",
        "DATABASE_URL": database_url(),
        "CONN_MAX_AGE": "0",  # no connection outlives a task: the test database can be dropped
        "REDIS_URL": settings.REDIS_URL,
        "REGIE_TEST_QUEUE": queue,
        "PYTHONPATH": str(ROOT),
    }
    command = [str(CELERY), "-A", "acvz", "worker", "--pool=solo", "-Q", queue]
    command += ["--loglevel=INFO", "-n", f"{queue}@%h", "--without-gossip", "--without-mingle"]
    with log.open("wb") as output:
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
            _forget_queue(queue)


def _forget_queue(queue: str) -> None:
    """Remove what the worker's queue left in Redis (kombu's bindings of the queue)."""
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


@pytest.mark.redis
@pytest.mark.postgres  # the worker needs the test database over the network; SQLite's is in memory
@pytest.mark.django_db(transaction=True)
def test_the_daily_scan_round_trip_through_redis(overdue_case, people, tmp_path):
    queue = f"regie-test-{uuid.uuid4().hex[:12]}"
    log = tmp_path / "worker.log"
    with worker(queue, log) as process, broker(settings.REDIS_URL):
        daily_scan.apply_async(queue=queue)
        deadline = time.monotonic() + ROUND_TRIP_TIMEOUT
        # The scan writes the reminders and queues the mails; the same worker sends them.
        while Notification.objects.filter(emailed_at__isnull=False).count() < 4:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"No round trip (worker exit {process.poll()}):\n{log.read_text()}")
            time.sleep(0.25)
    assert set(Reminder.objects.values_list("kind", flat=True)) == {
        ReminderKind.UVO_OVERDUE,
        ReminderKind.PLAN_NOT_SUBMITTED,
    }
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"reg", "ah"}
    assert process.returncode is not None
    output = log.read_text()
    assert "meetings.tasks.daily_scan" in output
    assert "daily_scan: 2 findings, 2 new reminders, 4 notifications" in output
    assert "Regie: herinnering" in output  # the console mail backend of the worker


# --- the broker is down -------------------------------------------------------------------------


@pytest.mark.django_db
def test_queuing_fails_soft_and_fast_when_the_broker_is_down(caplog):
    caplog.set_level(logging.WARNING, logger="meetings.services")
    with broker(DOWN):
        started = time.monotonic()
        queued = services.enqueue(send_notification_emails, [1])
        elapsed = time.monotonic() - started
    assert queued is False
    assert elapsed < 5
    assert "Could not queue meetings.tasks.send_notification_emails" in caplog.text


@pytest.mark.django_db
def test_the_scan_records_with_the_broker_down_and_mails_on_the_next_run(overdue_case, people):
    with broker(DOWN):
        result = daily_scan()  # e.g. run by hand, or the broker went down during the run
    assert result == {"findings": 2, "reminders": 2, "notifications": 4}
    assert Notification.objects.count() == 4
    assert mail.outbox == []
    daily_scan.delay()  # the next morning, the broker is back (eager in tests)
    assert len(mail.outbox) == 4
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


@pytest.mark.django_db
def test_pages_do_not_need_the_broker(client, overdue_case, people):
    from django.urls import reverse

    from meetings.reminders import reminders_scan

    reminders_scan()
    client.force_login(people["regisseur"])
    with broker(DOWN):
        for url in (
            reverse("meetings:inbox"),
            reverse("meetings:case_uvos", args=[overdue_case.pk]),
            reverse("meetings:agreements"),
            reverse("healthz"),
        ):
            assert client.get(url).status_code == 200, url
        response = client.post(reverse("meetings:read_all"))
        assert response.status_code == 302
