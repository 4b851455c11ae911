"""Each day's scan is recorded: started before its transaction, completed with it. A scan that
died is visible (on /healthz and in the admin) and a second run finishes the job once."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from meetings.models import Notification, Reminder, ScanRun
from meetings.reminders import daily_scan_run, scan_status

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def overdue_case(case_at) -> Case:
    case = case_at("in_regie")
    Case.objects.filter(pk=case.pk).update(regie_started_at=timezone.now() - timedelta(days=100))
    return case


def test_a_run_is_recorded_with_what_it_made(overdue_case):
    today = timezone.localdate()
    daily_scan_run(today=today)
    run = ScanRun.objects.get(day=today)
    assert run.completed_at is not None
    assert (run.findings, run.reminders_created, run.notifications_created) == (2, 2, 4)
    assert run.attempts == 1


def test_a_run_that_died_shows_started_and_the_next_finishes_it_once(overdue_case):
    today = timezone.localdate()
    with (
        mock.patch("meetings.reminders.find_due_items", side_effect=SystemExit("killed")),
        pytest.raises(SystemExit),
    ):
        daily_scan_run(today=today)
    run = ScanRun.objects.get(day=today)
    assert run.completed_at is None  # the start is committed, nothing else
    assert Reminder.objects.count() == 0
    daily_scan_run(today=today)
    daily_scan_run(today=today)
    run.refresh_from_db()
    assert run.completed_at is not None
    assert run.attempts == 3
    assert (run.reminders_created, run.notifications_created) == (2, 4)
    assert Notification.objects.count() == 4


@pytest.mark.parametrize(
    ("clock", "ran_today", "expected"),
    [
        (time(7, 30), False, "ok"),  # before the deadline
        (time(8, 30), False, "late"),
        (time(8, 30), True, "ok"),
    ],
)
def test_the_scan_is_late_after_the_deadline_without_a_completed_run(clock, ran_today, expected):
    day = datetime(2026, 3, 2, tzinfo=AMS).date()
    ScanRun.objects.create(
        day=day - timedelta(days=1),
        started_at=datetime.combine(day - timedelta(days=1), time(7), AMS),
        completed_at=datetime.combine(day - timedelta(days=1), time(7, 1), AMS),
    )
    if ran_today:
        ScanRun.objects.create(
            day=day,
            started_at=datetime.combine(day, time(7), AMS),
            completed_at=datetime.combine(day, time(7, 1), AMS),
        )
    with time_machine.travel(datetime.combine(day, clock, AMS), tick=False):
        assert scan_status()["status"] == expected


def test_healthz_reports_a_late_scan_and_failed_mail_without_failing(
    client, settings, overdue_case
):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # a broker is configured (and down)
    from meetings.reminders import reminders_scan

    reminders_scan()
    Notification.objects.filter(pk=Notification.objects.first().pk).update(email_state="failed")
    with time_machine.travel(datetime.combine(timezone.localdate(), time(9), AMS), tick=False):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["daily_scan"]["status"] == "late"
    assert body["email"] == {"status": "attention", "failed": 1, "stuck": 0}


def test_the_beheerder_sees_the_scan_runs_in_the_admin(client, make_user, overdue_case):
    from partners.models import Role

    daily_scan_run(today=timezone.localdate())
    beheerder = make_user(Role.BEHEERDER, is_staff=True)
    client.force_login(beheerder)
    response = client.get(reverse("admin:meetings_scanrun_changelist"))
    assert response.status_code == 200
    assert "voltooid" in response.content.decode()
