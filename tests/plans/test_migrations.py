"""The data step of plans' migration 0002: `decided_at` back-filled from the status changes."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
import time_machine
from django.apps import apps

from plans import services
from plans.models import Plan
from tests.scenarios import OPEN_COMMITMENTS_OK

pytestmark = pytest.mark.django_db

migration = importlib.import_module("plans.migrations.0002_plan_decided_at_expertgroep")
AMS = dt.timezone(dt.timedelta(hours=1))


def test_decided_at_is_the_last_decision_of_itat(plan_at, people):
    returned_at = dt.datetime(2030, 2, 1, 10, tzinfo=AMS)
    approved_at = dt.datetime(2030, 2, 8, 10, tzinfo=AMS)
    plan = plan_at("submitted")
    with time_machine.travel(returned_at, tick=False):
        services.plan_return(plan=plan, by=people["itat"], advice="Fictief: opnieuw")
    services.plan_submit(plan=plan, by=people["regisseur"])
    with time_machine.travel(approved_at, tick=False):
        services.plan_approve(reason=OPEN_COMMITMENTS_OK, plan=plan, by=people["itat"])
    returned_only = plan_at("submitted")
    with time_machine.travel(returned_at, tick=False):
        services.plan_return(plan=returned_only, by=people["itat"], advice="Fictief")
    never = plan_at("draft")
    Plan.objects.update(decided_at=None)

    migration.backfill_decided_at(apps, None)

    decided = dict(Plan.objects.values_list("pk", "decided_at"))
    assert decided == {plan.pk: approved_at, returned_only.pk: returned_at, never.pk: None}
