"""Concurrent writes on a real PostgreSQL: the database keeps one plan in force per case, and
approvals, new versions and edits of one plan are serialised (docs/conventions.md, "Domain
logic")."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from acvz.errors import DomainError
from cases.models import TimelineEvent
from plans import services
from plans.models import Plan, PlanStatusChange
from plans.workflow import PlanStatus
from tests.scenarios import OPEN_COMMITMENTS_OK

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*actions: Callable[[], object]) -> list[tuple[str, object]]:
    """Run the actions at the same moment, each in its own thread with its own connection.
    Returns ("ok", result) or ("error", exception) per action, in order."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[tuple[str, object] | None] = [None] * len(actions)

    def run(index: int, action) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = ("ok", action())
        except Exception as exc:  # reported to the test
            outcomes[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a thread hangs (deadlock?)"
    return outcomes


def test_the_database_refuses_a_second_plan_in_force(plan_at, people):
    plan = plan_at("approved")
    with pytest.raises(IntegrityError, match="plan_one_in_force_per_case"), transaction.atomic():
        Plan.objects.create(
            case=plan.case,
            version=plan.version + 1,
            status=PlanStatus.APPROVED,
            created_by=people["regisseur"],
            approved_at=timezone.now(),
            approved_by=people["itat"],
            fingerprint="0" * 64,
        )
    assert list(plan.case.plans.all()) == [plan]


def test_the_database_refuses_a_second_open_version(plan_at, people):
    plan = plan_at("submitted")
    with (
        pytest.raises(IntegrityError, match="plan_one_open_version_per_case"),
        transaction.atomic(),
    ):
        Plan.objects.create(
            case=plan.case, version=plan.version + 1, created_by=people["regisseur"]
        )


def test_the_database_refuses_an_approval_without_its_record(plan_at, people):
    plan = plan_at("draft")
    with pytest.raises(IntegrityError, match="plan_approved_has_record"), transaction.atomic():
        Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.APPROVED)


def test_two_itat_members_approve_the_same_plan_at_once(plan_at, people, make_user, orgs):
    from partners.models import Role

    plan = plan_at("submitted")
    second_itat = make_user(Role.ITAT, username="itat-2", organisation=orgs["POLITIE"])

    outcomes = race(
        lambda: services.plan_approve(
            reason=OPEN_COMMITMENTS_OK, plan=Plan.objects.get(pk=plan.pk), by=people["itat"]
        ),
        lambda: services.plan_approve(
            reason=OPEN_COMMITMENTS_OK, plan=Plan.objects.get(pk=plan.pk), by=second_itat
        ),
    )

    assert sorted(kind for kind, _value in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, DomainError), repr(error)
    assert error.code == "invalid_transition"
    assert plan.case.plans.filter(status=PlanStatus.APPROVED).count() == 1
    assert PlanStatusChange.objects.filter(plan=plan, to_status=PlanStatus.APPROVED).count() == 1
    plan.refresh_from_db()
    approvals = TimelineEvent.objects.filter(
        case=plan.case, description__contains=plan.fingerprint[:12]
    )
    assert approvals.count() == 1


def test_approve_and_return_at_once_one_wins(plan_at, people, make_user, orgs, monkeypatch):
    """Both lock the case before the plan, so they queue instead of deadlocking."""
    from partners.models import Role

    plan = plan_at("submitted")
    second_itat = make_user(Role.ITAT, username="itat-2", organisation=orgs["POLITIE"])
    approval_holds_locks = threading.Event()
    fingerprint = services.plan_fingerprint

    def fingerprint_then_pause(plan):
        # The interleaving that real traffic produces now and then, made certain: the approval
        # holds the case's and the plan's row locks while the return starts.
        value = fingerprint(plan)
        approval_holds_locks.set()
        time.sleep(0.5)
        return value

    monkeypatch.setattr(services, "plan_fingerprint", fingerprint_then_pause)

    def return_plan():
        assert approval_holds_locks.wait(timeout=10)
        return services.plan_return(
            plan=Plan.objects.get(pk=plan.pk), by=second_itat, advice="Terug"
        )

    outcomes = race(
        lambda: services.plan_approve(
            reason=OPEN_COMMITMENTS_OK, plan=Plan.objects.get(pk=plan.pk), by=people["itat"]
        ),
        return_plan,
    )

    assert [kind for kind, _value in outcomes] == ["ok", "error"], outcomes
    error = outcomes[1][1]
    assert isinstance(error, DomainError), repr(error)
    assert error.code == "invalid_transition"
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert plan.status_changes.count() == 2  # submitted, approved
    assert not plan.advice.exists()  # the refused return wrote nothing


def test_two_revisions_started_at_once_make_one_version(plan_at, people):
    plan = plan_at("approved")

    outcomes = race(
        lambda: services.plan_start_version(case=plan.case, by=people["regisseur"]),
        lambda: services.plan_start_version(case=plan.case, by=people["accounthouder"]),
    )

    assert sorted(kind for kind, _value in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, DomainError)
    assert error.code == "open_version_exists"
    assert plan.case.plans.filter(status=PlanStatus.DRAFT).count() == 1
    assert plan.case.plans.get(version=2).goals.count() == 3


def test_two_edits_against_the_same_lock_version_one_is_stale(plan_at, people):
    plan = plan_at("draft")
    seen = plan.lock_version

    def edit(by, text):
        return lambda: services.plan_update(
            plan=Plan.objects.get(pk=plan.pk), by=by, analysis=text, expected_lock_version=seen
        )

    outcomes = race(
        edit(people["regisseur"], "Van de regisseur"),
        edit(people["accounthouder"], "Van de accounthouder"),
    )

    assert sorted(kind for kind, _value in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, DomainError)
    assert error.code == "stale"
    winner = next(value for kind, value in outcomes if kind == "ok")
    plan.refresh_from_db()
    assert (plan.analysis, plan.lock_version) == (winner.analysis, seen + 1)
