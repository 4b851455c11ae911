from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
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
    assert client.login(username="regisseur", password=password)


def test_healthz_ok(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == {"status": "ok"}
    assert body["status"] == "ok"
    assert "broker" in body


def test_healthz_503_when_database_is_down(client):
    with mock.patch.object(connection, "cursor", side_effect=OSError("connection refused")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"]["status"] == "error"


def test_healthz_reports_a_down_broker_without_failing(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["broker"]["status"] == "error"


@pytest.mark.redis
def test_healthz_reports_a_live_broker(client):
    response = client.get(reverse("healthz"))
    assert response.json()["broker"] == {"status": "ok"}
