"""Two clients write the same plan at once, on a real PostgreSQL: with the same If-Match, one
write applies and the other is a 412 (the service re-checks the version under its row lock)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from plans.models import Plan
from tests.plans.api.helpers import etag

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def at_once(*requests):
    barrier = threading.Barrier(len(requests))
    responses = [None] * len(requests)

    def run(index, request):
        try:
            barrier.wait(timeout=10)
            responses[index] = request()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a request hangs"
    return responses


def test_two_patches_with_the_same_etag_one_wins(api_as, plan_at, people):
    plan = plan_at("draft")
    read = etag(plan)
    url = f"/api/v1/plans/{plan.pk}"
    regisseur, accounthouder = api_as(people["regisseur"]), api_as(people["accounthouder"])
    responses = at_once(
        lambda: regisseur.patch(url, {"analysis": "Van de regisseur"}, HTTP_IF_MATCH=read),
        lambda: accounthouder.patch(url, {"analysis": "Van de accounthouder"}, HTTP_IF_MATCH=read),
    )
    assert sorted(r.status_code for r in responses) == [200, 412]
    winner = next(r for r in responses if r.status_code == 200)
    assert Plan.objects.get(pk=plan.pk).analysis == winner.json()["analysis"]
    assert winner["ETag"] == etag(plan)


def test_two_goal_additions_with_the_same_lock_version_one_wins(api_as, plan_at, people):
    plan = plan_at("draft")
    plan.refresh_from_db()
    regisseur, accounthouder = api_as(people["regisseur"]), api_as(people["accounthouder"])
    body = {
        "plan": plan.pk,
        "leefgebied": 10,
        "goal": "Fictief netwerkdoel",
        "lock_version": plan.lock_version,
    }
    responses = at_once(
        lambda: regisseur.post("/api/v1/plan-goals", body),
        lambda: accounthouder.post("/api/v1/plan-goals", body),
    )
    assert sorted(r.status_code for r in responses) == [201, 409]
    assert plan.goals.count() == 4
