"""Faults with real processes: a Celery worker killed with SIGKILL in the middle of the daily
scan or of sending e-mail. The scan still makes every reminder once and every mail goes out
once (docs/operations.md).

The test holds a lock the task needs (or an SMTP server that never answers), so the kill lands
at a known point: inside the scan's transaction, or between claiming a mail and its handover.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.utils import timezone

from cases.models import Case
from meetings.models import EmailState, Notification, Reminder, ScanRun
from meetings.tasks import daily_scan, email_sweep, send_notification_emails
from tests.meetings.processes import broker, database_url, worker

pytestmark = [
    pytest.mark.fault,
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

TIMEOUT = 60  # seconds for anything a worker must do


def wait_for(condition, what: str, log: Path, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out waiting for {what}:\n{log.read_text()[-4000:]}")
        time.sleep(0.1)


@pytest.fixture
def overdue_cases(case_at) -> list[Case]:
    """Three cases in regie for 100 days without a UVO or a plan: six overdue items, twelve
    notifications (regisseur and accounthouder)."""
    cases = [case_at("in_regie") for _ in range(3)]
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        regie_started_at=timezone.now() - timedelta(days=100)
    )
    return cases


@contextmanager
def table_locked(table: str):
    """Another session holds an exclusive lock on the table: writes to it wait."""
    with psycopg.connect(database_url().replace("postgres://", "postgresql://")) as conn:
        conn.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")  # in its transaction
        yield conn
        conn.rollback()


def waiting_on_lock(table: str) -> bool:
    """Whether a session waits for a lock to insert into the table. Asked over a connection of
    its own in autocommit: pg_stat_activity is a snapshot per transaction."""
    url = database_url().replace("postgres://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query LIKE %s",
            (f'INSERT INTO "{table}"%',),
        ).fetchone()
    return row[0] > 0


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


WORKER_ENV = {
    # The worker waits for the test's lock as long as it takes.
    "DB_LOCK_TIMEOUT_MS": "0",
    "DB_STATEMENT_TIMEOUT_MS": "0",
    # A killed worker's message comes back after 3 s, looked for every second.
    "CELERY_VISIBILITY_TIMEOUT": "3",
    "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    "CELERY_UNACKED_RESTORE_THROTTLE": "1",
}


def test_the_pool_process_killed_mid_scan_the_scan_is_redone_exactly_once(overdue_cases, tmp_path):
    """kill -9 of the process running the task: Celery sees WorkerLostError, rejects the
    message back to the queue (reject_on_worker_lost) and the new pool process runs the scan
    again; the first run's transaction was rolled back, so nothing is made twice."""
    queue = f"regie-fault-{uuid.uuid4().hex[:12]}"
    log = tmp_path / "worker.log"
    with (
        worker(queue, log, pool="prefork", env=WORKER_ENV) as process,
        broker(settings.REDIS_URL),
        table_locked("meetings_reminder") as lock,
    ):
        daily_scan.apply_async(queue=queue)
        wait_for(lambda: waiting_on_lock("meetings_reminder"), "the scan to block", log)
        (child,) = children(process.pid)
        os.kill(child, signal.SIGKILL)
        wait_for(lambda: children(process.pid) not in ([], [child]), "a new pool process", log)
        lock.rollback()  # release: the redelivered scan runs through
        wait_for(lambda: Notification.objects.count() >= 12, "the redone scan", log)
        wait_for(
            lambda: not Notification.objects.exclude(email_state=EmailState.SENT).exists(),
            "its mails",
            log,
        )
    assert "WorkerLostError" in log.read_text()
    assert Reminder.objects.count() == 6
    assert Notification.objects.count() == 12
    run = ScanRun.objects.get()
    assert run.completed_at is not None
    assert run.attempts == 2


def test_the_whole_worker_killed_mid_scan_a_new_worker_finishes_it_once(overdue_cases, tmp_path):
    """kill -9 of the worker itself: its message stays unacknowledged in Redis and a worker
    started later gets it after the visibility timeout."""
    queue = f"regie-fault-{uuid.uuid4().hex[:12]}"
    log = tmp_path / "worker.log"
    with broker(settings.REDIS_URL):
        with (
            worker(queue, log, env=WORKER_ENV, forget=False) as process,
            table_locked("meetings_reminder"),
        ):
            daily_scan.apply_async(queue=queue)
            wait_for(lambda: waiting_on_lock("meetings_reminder"), "the scan to block", log)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        assert ScanRun.objects.get().completed_at is None  # started, not completed
        assert Reminder.objects.count() == 0
        with worker(queue, log, env=WORKER_ENV):
            wait_for(
                lambda: ScanRun.objects.filter(completed_at__isnull=False).exists(),
                "the scan to complete",
                log,
            )
    assert Reminder.objects.count() == 6
    assert Notification.objects.count() == 12


class SilentSmtp:
    """An SMTP server that greets, accepts the envelope and then never answers DATA's end: the
    mail is in flight, not accepted. Records every message it was sent in full."""

    def __init__(self, *, hang: bool) -> None:
        self.hang = hang
        self.messages: list[str] = []
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(4)
        self.port = self.server.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.server.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn) -> None:
        reader = conn.makefile("rb")
        conn.sendall(b"220 test ESMTP\r\n")
        data, lines = False, []
        for raw in reader:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if data:
                if line == ".":
                    data = False
                    if self.hang:
                        continue  # never say 250: the mail was not accepted
                    self.messages.append("\n".join(lines))
                    conn.sendall(b"250 accepted\r\n")
                else:
                    lines.append(line)
                continue
            verb = line[:4].upper()
            if verb in ("EHLO", "HELO"):
                conn.sendall(b"250 test\r\n")
            elif verb == "DATA":
                data, lines = True, []
                conn.sendall(b"354 go ahead\r\n")
            elif verb == "QUIT":
                conn.sendall(b"221 bye\r\n")
                break
            else:
                conn.sendall(b"250 ok\r\n")
        conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.server.close()


def smtp_env(port: int) -> dict:
    return {
        **WORKER_ENV,
        "REGIE_TEST_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_TIMEOUT": "120",
        "REGIE_EMAIL_STALE_SECONDS": "1",
    }


def test_a_worker_killed_while_handing_over_a_mail_the_sweeper_sends_it_once(
    overdue_cases, tmp_path
):
    """The mail was claimed (sending) and in the hands of an SMTP server that had not accepted
    it when the worker died: it is not marked sent, and the sweeper sends it, once, with the
    same Message-ID."""
    from meetings.reminders import reminders_scan

    reminders_scan()
    first = Notification.objects.order_by("pk").first()
    queue = f"regie-fault-{uuid.uuid4().hex[:12]}"
    log = tmp_path / "worker.log"
    hanging, answering = SilentSmtp(hang=True), SilentSmtp(hang=False)
    try:
        with broker(settings.REDIS_URL):
            with worker(queue, log, env=smtp_env(hanging.port), forget=False) as process:
                send_notification_emails.apply_async(args=[[first.pk]], queue=queue)
                wait_for(
                    lambda: Notification.objects.filter(
                        pk=first.pk, email_state=EmailState.SENDING
                    ).exists(),
                    "the claim",
                    log,
                )
                time.sleep(1)  # the mail is in flight: DATA sent, no answer
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)
            first.refresh_from_db()
            assert first.email_state == EmailState.SENDING  # never "sent" before accepted
            assert first.emailed_at is None
            time.sleep(1.5)  # the claim is stale (REGIE_EMAIL_STALE_SECONDS=1)
            with worker(queue, log, env=smtp_env(answering.port)):
                email_sweep.apply_async(queue=queue)
                wait_for(
                    lambda: not Notification.objects.exclude(email_state=EmailState.SENT).exists(),
                    "the sweeper",
                    log,
                )
    finally:
        hanging.close()
        answering.close()
    first.refresh_from_db()
    assert first.email_attempts == 2
    # The redelivered send task (visibility timeout) and the sweeper race; the claim lets one win.
    assert len(answering.messages) == Notification.objects.count() == 12
    with_id = [m for m in answering.messages if first.message_id in m]
    assert len(with_id) == 1


# --- Redis (the broker) killed while people work -------------------------------------------------


@contextmanager
def private_redis(port: int):
    """A redis-server of the test's own (the suite's Redis is shared by parallel workers)."""
    import shutil
    import subprocess

    command = [
        shutil.which("redis-server"),
        "--port",
        str(port),
        "--save",
        "",
        "--appendonly",
        "no",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield process
    finally:
        process.kill()
        process.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_redis_killed_while_people_work_loses_nothing(client, overdue_cases, people, mailoutbox):
    """Pages and forms do not need the broker; the scan run meanwhile records everything and
    cannot queue its mails; once Redis is back the outbox's sweep sends each mail once."""
    from django.urls import reverse

    from meetings import outbox
    from meetings.models import Notification

    case = overdue_cases[0]
    port = free_port()
    client.force_login(people["regisseur"])
    timeline = reverse("cases:timeline", args=[case.pk])
    with broker(f"redis://127.0.0.1:{port}/0"):
        with private_redis(port) as redis_process:
            assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
            redis_process.kill()  # kill -9 in the middle of the working day
            redis_process.wait(timeout=10)
        assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
        response = client.post(timeline, {"kind": "arrest", "description": "Fictief zonder Redis"})
        assert response.status_code == 302
        started = time.monotonic()
        daily_scan()  # beat's scan, run by hand while the broker is gone
        assert time.monotonic() - started < 10  # queuing failed soft and fast
        assert Notification.objects.count() == 12
        assert mailoutbox == []  # could not be queued; pending in the outbox
        with private_redis(port):
            assert outbox.sweep() == 12  # what beat runs every 5 minutes
    assert len(mailoutbox) == 12
    assert not Notification.objects.exclude(email_state=EmailState.SENT).exists()


class HangingReceiver:
    """A partner system's webhook endpoint whose first request never gets an answer (the
    event is in flight), and which answers 200 to every later one. Records the webhook-ids."""

    def __init__(self) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.ids: list[str] = []
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                receiver.ids.append(self.headers["webhook-id"])
                if len(receiver.ids) == 1:
                    receiver.release.wait(TIMEOUT)
                    return
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def sweeps_done(log: Path) -> int:
    return sum(
        "webhooks_sweep[" in line and "succeeded" in line for line in log.read_text().splitlines()
    )


def test_a_worker_killed_mid_delivery_the_event_goes_out_again_once(
    team_case, people, make_user, orgs, tmp_path
):
    """The webhook was claimed (sending) and POSTed, with no answer yet, when the worker died:
    it is not marked delivered; after the stale time the sweeper sends it again with the same
    webhook-id, it is delivered, and never sent after that."""
    from meetings import webhooks
    from meetings.models import WebhookDelivery, WebhookDeliveryState, WebhookEvent
    from meetings.tasks import webhooks_dispatch, webhooks_sweep
    from partners.models import Role

    receiver = HangingReceiver()
    system = make_user(Role.PARTNER_SYSTEM, username="sys-wpi", organisation=orgs["WPI"])
    webhooks.webhook_subscribe(
        by=people["beheerder"], user=system, url=receiver.url, event_types=["uvo.planned"]
    )
    # The outbox row a service writes (its own after-commit dispatch is what the test sends).
    WebhookEvent.objects.create(type="uvo.planned", case_id=team_case.pk, part="uvo")
    queue = f"regie-fault-{uuid.uuid4().hex[:12]}"
    log = tmp_path / "worker.log"
    env = {**WORKER_ENV, "REGIE_WEBHOOK_STALE_SECONDS": "1"}
    try:
        with broker(settings.REDIS_URL):
            with worker(queue, log, env=env, forget=False) as process:
                webhooks_dispatch.apply_async(queue=queue)
                wait_for(lambda: len(receiver.ids) == 1, "the POST", log)
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)
            delivery = WebhookDelivery.objects.get()
            assert delivery.state == WebhookDeliveryState.SENDING  # never "delivered" unanswered
            assert delivery.log.count() == 0
            time.sleep(1.5)  # the claim is stale
            with worker(queue, log, env=env):
                webhooks_sweep.apply_async(queue=queue)
                wait_for(
                    lambda: WebhookDelivery.objects.filter(
                        state=WebhookDeliveryState.DELIVERED
                    ).exists(),
                    "the sweeper",
                    log,
                )
                webhooks_sweep.apply_async(queue=queue)  # again: nothing more goes out
                wait_for(lambda: sweeps_done(log) == 2, "the second sweep", log)
    finally:
        receiver.close()
    delivery.refresh_from_db()
    assert receiver.ids == [delivery.message_id, delivery.message_id]
    assert [a.status_code for a in delivery.log.all()] == [200]
