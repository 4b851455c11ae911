"""The sweep's world, built once per module in a transaction that is rolled back at the end."""

from __future__ import annotations

import logging
import time

import pytest
from django.db import transaction

from tests.sweep.runner import STATS, Sweep
from tests.sweep.world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    quiet = logging.getLogger("django.request")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # 404s and 403s are the point here, not news
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            started = time.perf_counter()
            built = build_world()
            STATS["world_seconds"] = time.perf_counter() - started
            yield built
        finally:
            transaction.set_rollback(True)
            quiet.setLevel(level)


@pytest.fixture(scope="module")
def sweep(world) -> Sweep:
    return Sweep(world)


def pytest_terminal_summary(terminalreporter):
    ops = STATS["operations"]
    if not ops:
        return
    from tests.sweep.known import KNOWN_LEAKS_TODAY

    write = terminalreporter.write_line
    requests = sum(o["requests"] for o in ops.values())
    seconds = sum(o["seconds"] for o in ops.values())
    web = sum(
        1
        for key in ops
        if not key.startswith(("GET /api", "POST /api", "PATCH /api", "PUT /api", "DELETE /api"))
    )
    terminalreporter.section("permission sweep")
    write(
        f"{len(ops)} operations ({web} page, {len(ops) - web} API) × {STATS.get('users', '?')} "
        f"users × {STATS.get('cases', '?')} cases → {requests} requests in {seconds:.0f} s "
        f"({STATS.get('cpu', 0):.0f} s CPU; world built in {STATS.get('world_seconds', 0):.1f} s)"
    )
    write(
        f"failing checks: {sum(o['new'] for o in ops.values())} new, "
        f"{sum(STATS['known'].values())} known ({len(KNOWN_LEAKS_TODAY)} KNOWN_LEAKS_TODAY entries)"
    )
    for leak in KNOWN_LEAKS_TODAY:
        write(f"  known leak {leak.id}: {STATS['known'][leak.id]} failing checks — {leak.title}")
    slowest = sorted(ops.items(), key=lambda kv: -kv[1]["seconds"])[:5]
    write(
        "slowest: " + "; ".join(f"{k} {v['requests']} req {v['seconds']:.1f} s" for k, v in slowest)
    )
