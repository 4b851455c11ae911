import socket
import threading
import time
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse

from partners.models import Organisation, Role, User

pytestmark = pytest.mark.django_db


def _counts() -> dict:
    from django.apps import apps

    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"partners", "cases", "plans", "meetings"}
        and not model._meta.label.split(".")[1].startswith("Historical")
    }


def test_demo_runs_twice_without_duplicates_and_prints_credentials_once(capsys):
    call_command("demo", no_migrate=True)
    first = capsys.readouterr().out
    counts = _counts()
    call_command("demo", no_migrate=True)
    second = capsys.readouterr().out
    assert _counts() == counts
    assert "regisseur" in first
    assert "passwords are shown only now" in first
    assert "Demo data is up to date" in second
    for role in Role:
        assert User.objects.filter(groups__role_group__role=role).exists(), role
    assert Organisation.objects.filter(name__contains="fictief").exists()


def test_demo_users_can_log_in_with_printed_password(client, capsys):
    call_command("demo", no_migrate=True)
    out = capsys.readouterr().out
    line = next(li for li in out.splitlines() if li.strip().startswith("regisseur "))
    password = line.split()[1]
    response = client.post(reverse("login"), {"username": "regisseur", "password": password})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"].username == "regisseur"


def test_the_demo_itat_member_has_a_plan_to_review(capsys):
    """The demo's ITAT member finds a first plan on the next meeting's agenda, with the
    partner's commitment still open, in the work queue and on the agenda."""
    from meetings.work import work_queue
    from plans.models import Plan
    from plans.selectors import itat_agenda

    call_command("demo", no_migrate=True)
    itat = User.objects.get(username="itat")
    plan = Plan.objects.get(status="submitted")
    assert plan.case.person.last_name == "Kok (fictief, ITAT)"
    [section] = [s for s in work_queue(user=itat) if s.key == "itat"]
    assert section.count == 1
    assert section.items[0].url == reverse("plans:detail", args=[plan.pk])
    [on_agenda] = itat_agenda(user=itat, meeting=plan.itat_meeting)
    assert (on_agenda.pk, on_agenda.goal_count, on_agenda.open_commitments) == (plan.pk, 2, 1)
    assert "on the meeting of" in capsys.readouterr().out


def test_healthz_ok(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == {"status": "ok"}
    assert body["status"] == "ok"
    assert "broker" in body


def test_healthz_503_when_database_is_down(client):
    with mock.patch("partners.health._select_one", side_effect=OSError("connection refused")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == {"status": "error", "error": "OSError"}


@pytest.fixture
def hung_server():
    """A TCP server that accepts connections and never answers: a PostgreSQL stopped with
    SIGSTOP looks like this to a client (the kernel still completes the handshake)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def test_healthz_answers_503_within_2_seconds_when_the_database_hangs(client, hung_server):
    hung = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "regie",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": "127.0.0.1",
        "PORT": str(hung_server),
        "OPTIONS": {"connect_timeout": 2},
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "TIME_ZONE": None,
        "TEST": {},
    }
    with mock.patch("partners.health.database_settings", return_value=hung):
        started = time.monotonic()
        response = client.get(reverse("healthz"))
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["database"] == {"status": "error", "error": "timeout"}
    assert elapsed < 2.0


def _sleep_with_timeout(milliseconds: int) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL statement_timeout = {milliseconds}")  # as set, but shorter
        cursor.execute("SELECT pg_sleep(2)")


@pytest.mark.postgres
def test_every_connection_has_a_statement_timeout_and_it_cancels(settings):
    from django.db import OperationalError, connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "30s"
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "10s"
    with pytest.raises(OperationalError, match="statement timeout"):
        _sleep_with_timeout(100)


def test_healthz_reports_a_down_broker_without_failing(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["broker"]["status"] == "error"


@pytest.mark.redis
def test_healthz_reports_a_live_broker(client):
    response = client.get(reverse("healthz"))
    assert response.json()["broker"] == {"status": "ok"}
