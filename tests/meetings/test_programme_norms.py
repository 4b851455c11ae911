"""A programme's norms, each marked as a fact of the report or a local agreement; the daily scan
reads the programme's own plan deadline (issue 15)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Programme
from meetings.models import ReminderKind
from meetings.norms import PROGRAMME, REGIE, REPORT, programme_norms
from meetings.reminders import find_uvo_and_plan_items
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_the_report_and_the_local_agreements_are_told_apart(settings):
    top600 = Programme.objects.get(code="TOP600")
    report = [n for n in programme_norms(top600) if n.source == REPORT]
    assert len(report) == 4  # leefgebieden, ITAT weekly, UVO every 8 weeks, the ladder
    assert any("8" in n.value for n in report)
    plan_due = next(n for n in programme_norms(top600) if n.source != REPORT and "42" in n.value)
    assert plan_due.source == REGIE
    top600.plan_submit_days = 21
    top600.event_review_days = {"arrest": 5}
    top600.save()
    norms = programme_norms(top600)
    plan_due = next(n for n in norms if "21" in n.value)
    assert plan_due.source == PROGRAMME
    events = next(n for n in norms if "5" in n.value and n.source == PROGRAMME and ";" in n.value)
    assert "14" in events.value  # the kinds it did not set keep Regie's days


def test_the_page_is_open_to_every_user_and_names_no_one(client, people):
    client.force_login(people["partner"])
    response = client.get(reverse("meetings:programme_norms", args=["TOP600"]))
    assert response.status_code == 200
    assert 'data-testid="norms"' in response.content.decode()
    assert client.get(reverse("meetings:programme_norms", args=["NOPE"])).status_code == 404


def test_the_scan_reads_the_programmes_plan_deadline(people, orgs):
    top600 = Programme.objects.get(code="TOP600")
    case = Case.objects.create(
        person=PersonFactory(),
        programme=top600,
        status="in_regie",
        regie_organisation=orgs["RN"],
        regisseur=people["regisseur"],
        accounthouder=people["accounthouder"],
        regie_started_at=timezone.now() - timedelta(days=15),
    )
    today = timezone.localdate()

    def late() -> list:
        return [
            f
            for f in find_uvo_and_plan_items(today)
            if f.kind == ReminderKind.PLAN_NOT_SUBMITTED and f.object_id == case.pk
        ]

    assert late() == []  # Regie's 42 days
    top600.plan_submit_days = 10
    top600.save()
    assert len(late()) == 1
