"""Celery: one real round trip through Redis, and a broker that is down.

The logic of the tasks is tested through the services (test_rules, test_exactly_once), with
tasks executed eagerly. Here a real worker process consumes the daily scan from Redis and writes
to the test's own database; and with the broker unreachable, queuing fails soft and fast.
"""

from __future__ import annotations

import logging
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from cases.models import Case
from meetings import services
from meetings.models import Notification, Reminder, ReminderKind
from meetings.tasks import daily_scan, send_notification_emails
from tests.meetings.processes import broker, worker

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).parent / "celery"
DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1
ROUND_TRIP_TIMEOUT = 60  # seconds; a solo worker starts in 2-5


@pytest.fixture
def overdue_case(case_at) -> Case:
    case = case_at("in_regie")
    Case.objects.filter(pk=case.pk).update(regie_started_at=timezone.now() - timedelta(days=100))
    return case


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
    assert "Subject: Regie: UVO te laat" in output  # the console mail backend of the worker


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
