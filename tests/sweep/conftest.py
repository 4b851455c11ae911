"""The sweep's world, built once per module in a transaction that is rolled back at the end."""

from __future__ import annotations

import logging
import time

import pytest
from django.db import transaction

from tests.sweep.runner import STATS, Sweep, export_stats
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


def pytest_sessionfinish(session):
    """Under pytest-xdist the sweep runs in a worker: hand its numbers to the controller, which
    prints them (tests/conftest.py)."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None and STATS["operations"]:
        output["sweep_stats"] = export_stats()
