"""The permission sweep: every page and API operation, for every role and situation, on a case
in every status, judged against the oracle (tests/sweep/oracle.py). See tests/sweep/README.md.
"""

from __future__ import annotations

import pytest

from meetings.models import Notification
from partners.models import Role
from tests.sweep import oracle
from tests.sweep.known import KNOWN_LEAKS_TODAY
from tests.sweep.operations import api_routes_outside_schema, discover, stale_entries
from tests.sweep.runner import STATS, Failure, table

#: Each test runs in a savepoint inside the module's world transaction (see conftest.py).
pytestmark = pytest.mark.django_db

OPERATIONS = discover()


def settle(
    op_id: str, failures: list[Failure], requests: int = 0, seconds: float = 0.0, route: str = ""
) -> None:
    """Fail on what KNOWN_LEAKS_TODAY does not list, and on listed leaks that no longer
    reproduce here."""
    new = []
    hits: dict[str, int] = {}
    for failure in failures:
        leak = next((k for k in KNOWN_LEAKS_TODAY if k.matches(op_id, failure)), None)
        if leak is None:
            new.append(failure)
        else:
            hits[leak.id] = hits.get(leak.id, 0) + 1
    for leak_id, count in hits.items():
        STATS["known"][leak_id] += count
    stale = [k for k in KNOWN_LEAKS_TODAY if op_id in k.ops and k.id not in hits]
    STATS["operations"][op_id] = {"requests": requests, "seconds": seconds, "new": len(new)}
    message = []
    if new:
        message.append(
            f"{op_id}{f' ({route})' if route else ''}: {len(new)} failing checks (of {requests} "
            f"requests) that KNOWN_LEAKS_TODAY does not list:\n{table(new)}"
        )
    if stale:
        names = ", ".join(k.id for k in stale)
        message.append(
            f"{op_id}: KNOWN_LEAKS_TODAY lists {names} here, but it no longer reproduces: "
            "remove this operation from the entry (or the entry) in tests/sweep/known.py."
        )
    assert not message, "\n\n".join(message)


# --- the sweep knows every door -------------------------------------------------------------------


def test_every_role_is_known_to_the_oracle():
    for role in Role:
        oracle.role_name(role)


def test_every_api_route_is_in_the_schema_or_listed_as_a_page():
    assert not api_routes_outside_schema(), (
        "Routes under api/ that openapi.yaml does not list: run `make schema`, or add them to "
        "WEB in tests/sweep/operations.py"
    )


def test_the_registry_names_only_existing_operations():
    assert not stale_entries(), "Remove these entries from tests/sweep/operations.py"


# --- every operation ----------------------------------------------------------------------------


@pytest.mark.parametrize("operation", OPERATIONS, ids=[o.id for o in OPERATIONS])
def test_operation(operation, world, sweep):
    if operation.spec is None:
        kind = "API operation" if operation.api else "URL"
        where = "API" if operation.api else "WEB"
        pytest.fail(
            f"new {kind} `{operation.id}` unknown to the sweep: add it to {where} in "
            "tests/sweep/operations.py (its targets, resource, write action and body)."
        )
    STATS["users"] = len(world.users)
    STATS["cases"] = len(world.cases)
    failures, requests, seconds = sweep.run(operation)
    settle(
        operation.id, failures, requests, seconds, "" if operation.api else f"/{operation.route}"
    )


# --- what reaches people outside a request --------------------------------------------------------


def test_the_world_expresses_every_rule(world):
    """The oracle has rows the product may not express yet (they then apply to nobody)."""
    failures = [
        Failure(f"feature:{name}", "-", [], "world", "the product can express it", "it cannot")
        for name, present in world.features.items()
        if not present
    ]
    settle("world", failures)


def test_stored_notifications_follow_visibility(world, sweep):
    """Every notification a user is shown now (inbox, header count, API), judged for its
    recipient as things stand now. One told of a step while it read the case (an IVG member
    asked for the basisdossier) is kept, but no longer shown once that window closed."""
    from meetings.selectors import notifications_visible

    failures = []
    shown = [
        (user, notification)
        for user in world.users
        if user.user is not None
        for notification in notifications_visible(user=user.user)
    ]
    assert len(shown) < Notification.objects.count()  # some are kept, not shown
    for user, notification in shown:
        for token in sweep.leaks(user, notification.message):
            failures.append(
                Failure(
                    f"marker:{token[2]}",
                    user.label,
                    [],
                    f"notification {notification.pk}",
                    "no marker the recipient may not read",
                    sweep.describe([token]),
                    [token],
                )
            )
    settle("notifications", failures)


def test_mail_follows_visibility(world, sweep):
    """The e-mails the reminder scan sent while the world was built."""
    settle("e-mail", sweep.mail_failures(world.outbox, "of the reminder scan"))


@pytest.mark.parametrize(
    "leak", KNOWN_LEAKS_TODAY or [None], ids=[k.id for k in KNOWN_LEAKS_TODAY] or ["none"]
)
def test_known_leak_today(leak):
    """A leak the sweep found in today's code: fix it, then remove its KNOWN_LEAKS_TODAY entry."""
    if leak is None:
        return  # the list is empty: nothing known to leak
    hits = STATS["known"].get(leak.id, 0)
    pytest.fail(
        f"known leak {leak.id}: {leak.title} ({hits} failing checks in this run; "
        f"operations: {', '.join(leak.ops)})"
    )
