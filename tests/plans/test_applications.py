"""Applications at outside bodies (issue 15: the bottlenecks): recorded per goal of the plan in
force, decided with a day, waiting times in the figures on a hand-made set."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from acvz.errors import DomainError, NotAllowed
from cases.models import Leefgebied
from meetings.figures import Period, Scope, waiting_times
from plans.applications import application_decide, application_record
from plans.models import Application
from plans.models import ApplicationKind as K

pytestmark = pytest.mark.django_db

TODAY = dt.date(2031, 6, 30)


def goal_of(plan, leefgebied):
    return plan.goals.get(leefgebied=leefgebied)


def test_an_application_is_recorded_and_decided(plan_at, people):
    plan = plan_at("approved")
    goal = goal_of(plan, Leefgebied.FINANCIEN)
    today = timezone.localdate()
    application = application_record(
        goal=goal,
        by=people["partner"],  # WPI, the goal's organisation
        kind="debt_help",
        body="Fictieve kredietbank",
        requested_on=today - dt.timedelta(days=20),
    )
    assert application.waiting_days() == 20
    with pytest.raises(DomainError):  # granted needs the day
        application_decide(
            application=application,
            by=people["regisseur"],
            status="granted",
            decided_on=None,
            note="",
        )
    with pytest.raises(DomainError):  # not before the request
        application_decide(
            application=application,
            by=people["regisseur"],
            status="granted",
            decided_on=today - dt.timedelta(days=30),
            note="",
        )
    with pytest.raises(NotAllowed):  # not its goal's organisation
        application_decide(
            application=application,
            by=people["outsider"],
            status="refused",
            decided_on=today,
            note="",
        )
    application.refresh_from_db()
    assert (application.status, application.decided_on) == ("requested", None)
    application_decide(
        application=application,
        by=people["regisseur"],
        status="granted",
        decided_on=today - dt.timedelta(days=2),
        note="Toegekend",
    )
    application.refresh_from_db()
    assert (application.status, application.waiting_days()) == ("granted", 18)
    assert application.history.count() == 2
    with pytest.raises(DomainError) as stale:
        application_decide(
            application=application,
            by=people["regisseur"],
            status="refused",
            decided_on=today,
            note="",
            expected_lock_version=0,
        )
    assert stale.value.code == "stale"


def test_only_on_the_plan_in_force_and_by_who_may(plan_at, people):
    draft = plan_at("draft")
    with pytest.raises(NotAllowed):
        application_record(
            goal=goal_of(draft, Leefgebied.FINANCIEN),
            by=people["regisseur"],
            kind="benefits",
            body="x",
            requested_on=timezone.localdate(),
        )
    plan = plan_at("approved")
    with pytest.raises(NotAllowed):  # a health goal WPI may not read
        application_record(
            goal=goal_of(plan, Leefgebied.GEZONDHEID),
            by=people["partner"],
            kind="treatment",
            body="x",
            requested_on=timezone.localdate(),
        )
    with pytest.raises(DomainError):
        application_record(
            goal=goal_of(plan, Leefgebied.FINANCIEN),
            by=people["regisseur"],
            kind="benefits",
            body="x",
            requested_on=timezone.localdate() + dt.timedelta(days=1),
        )
    assert not Application.objects.exists()


def test_the_pages_record_and_show_it(client, plan_at, people):
    plan = plan_at("approved")
    goal = goal_of(plan, Leefgebied.FINANCIEN)
    client.force_login(people["regisseur"])
    url = reverse("plans:application_add", args=[plan.pk, goal.pk])
    response = client.post(url, {"kind": "", "body": "", "requested_on": ""})
    assert set(response.context["form"].errors) == {"kind", "body", "requested_on"}
    response = client.post(
        url, {"kind": "benefits", "body": "Fictieve gemeente", "requested_on": "2026-01-05"}
    )
    assert response.status_code == 302
    application = Application.objects.get()
    detail = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "Fictieve gemeente" in detail
    edit = reverse("plans:application_edit", args=[application.pk])
    response = client.post(edit, {"status": "refused", "decided_on": "", "lock_version": 0})
    assert response.context["form"].errors["decided_on"]
    response = client.post(
        edit, {"status": "refused", "decided_on": "2026-02-01", "note": "", "lock_version": 0}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "refused"
    client.force_login(people["itat"])  # reads the plan, records nothing
    assert client.get(edit).status_code in (403, 404)


def test_waiting_times_on_a_hand_made_set(plan_at, people, settings):
    settings.REGIE_SMALL_GROUP = 1
    plans = [plan_at("approved") for _ in range(3)]
    made = [
        # (plan, kind, requested, status, decided)
        (0, "sheltered_housing", dt.date(2031, 1, 10), "granted", dt.date(2031, 3, 11)),  # 60
        (1, "sheltered_housing", dt.date(2031, 2, 1), "refused", dt.date(2031, 2, 21)),  # 20
        (2, "sheltered_housing", dt.date(2031, 5, 31), "requested", None),  # waits 30
        (0, "benefits", dt.date(2031, 6, 20), "requested", None),  # waits 10
        (1, "debt_help", dt.date(2030, 1, 1), "requested", None),  # before the period, waits
    ]
    for index, kind, requested, status, decided in made:
        Application.objects.create(
            goal=goal_of(plans[index], Leefgebied.FINANCIEN),
            kind=kind,
            body="Fictief",
            requested_on=requested,
            status=status,
            decided_on=decided,
            recorded_by=people["regisseur"],
        )
    table = waiting_times(Period(dt.date(2031, 1, 1), TODAY), Scope(), TODAY)
    rows = {label: [c.value for c in cells] for label, cells in table.rows}
    assert rows[str(K.SHELTERED_HOUSING.label)] == [3, 1, 1, 1, 40.0, 30.0]
    assert rows[str(K.BENEFITS.label)] == [1, 0, 0, 1, None, 10.0]
    assert rows[str(K.DEBT_HELP.label)] == [0, 0, 0, 1, None, 545.0]
    settings.REGIE_SMALL_GROUP = 5  # three cases: every figure over them suppressed
    table = waiting_times(Period(dt.date(2031, 1, 1), TODAY), Scope(), TODAY)
    cells = dict(table.rows)[str(K.SHELTERED_HOUSING.label)]
    assert all(c.suppressed for c in cells)


def test_the_accounthouder_reads_the_figures_of_its_own_organisation(client, people, orgs):
    client.force_login(people["accounthouder"])
    url = reverse("meetings:programme_figures")
    response = client.get(url, {"organisation": orgs["GGD"].pk})
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["organisation"].queryset) == [orgs["RN"]]
    client.force_login(people["partner"])
    assert client.get(url).status_code == 403
