from __future__ import annotations

import os
import socket

import pytest
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread
from rest_framework.test import APIClient

from partners.models import Organisation, Role
from tests.factories import OrganisationFactory, new_user

#: The files that take longest (CI, 2 workers: the sweep about 15 of the suite's 43 worker
#: minutes, then the two schemathesis runs, 1-2 minutes each, and the migration tests), run
#: first. pytest-xdist hands out whole files in collection order (`make test`: --dist loadfile
#: --no-loadscope-reorder); by number of tests, its default, these few-test files came last and
#: one worker ran them alone while the other sat idle.
LONGEST_FIRST = (
    "tests/sweep/test_sweep.py",
    "tests/acvz/test_schemathesis_partner_system.py",
    "tests/acvz/test_schemathesis_programme_team.py",
    "tests/cases/test_dossier_migration.py",
    "tests/cases/test_migrate_reversal.py",
)


class NoDelayWSGIServer(ThreadedWSGIServer):
    """The test live server (`live_server`: schemathesis, the generated client, the browser)
    with Nagle's algorithm off on each connection. Django's server sends a response's headers
    and body in two writes; on a kept-alive connection the second waited for the client's
    delayed ACK, 40 ms per request (3 ms on a new connection): two thirds of the contract
    runs' minutes were that wait."""

    def get_request(self):
        sock, address = super().get_request()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock, address


LiveServerThread.server_class = NoDelayWSGIServer


@pytest.hookimpl(trylast=True)  # after pytest-django's order (transactional tests last)
def pytest_collection_modifyitems(config, items):
    """Run the longest files first; skip, with the reason, only what needs a server this run
    does not have."""
    rank = {path: i for i, path in enumerate(LONGEST_FIRST)}
    if gone := [path for path in rank if not (config.rootpath / path).exists()]:
        raise pytest.UsageError(f"LONGEST_FIRST in tests/conftest.py names no file: {gone}")
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))
    no_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
    no_redis = pytest.mark.skip(reason="needs Redis: set REDIS_URL=redis://...")
    no_chromium = pytest.mark.skip(reason="needs Debian's Chromium at /usr/bin/chromium")
    missing = {
        "postgres": connection.vendor != "postgresql",
        "redis": not settings.REDIS_URL,
        "browser": not os.path.exists("/usr/bin/chromium"),
    }
    if os.environ.get("REGIE_NO_SKIP") == "1" and any(missing.values()):
        # CI promises that nothing is skipped: a missing service is an error there.
        absent = ", ".join(name for name, gone in missing.items() if gone)
        raise pytest.UsageError(f"REGIE_NO_SKIP=1 but these are unavailable: {absent}")
    for item in items:
        if "postgres" in item.keywords and missing["postgres"]:
            item.add_marker(no_pg)
        if "redis" in item.keywords and missing["redis"]:
            item.add_marker(no_redis)
        if "browser" in item.keywords and missing["browser"]:
            item.add_marker(no_chromium)


@pytest.fixture
def organisation(db) -> Organisation:
    return OrganisationFactory(code="TESTORG", name="Testorganisatie")


@pytest.fixture
def make_user(db):
    return new_user


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user_api(api_client, make_user):
    """An API client authenticated with a partner system's key (every scope)."""
    from tests.factories import api_key

    user = make_user(Role.PARTNER_SYSTEM)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    api_client.user = user
    return api_client


from tests.scenarios import case_at, orgs, people, plan_at  # noqa: E402, F401  (fixtures)


@pytest.fixture(autouse=True)
def _empty_cache():
    """The work count in the navigation is cached per user id (meetings.work); ids come back
    after a rollback, so each test starts without another test's counts."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request activates its language in the thread
    (the API English, pages Dutch), which would otherwise leak into the next test."""
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


def pytest_terminal_summary(terminalreporter):
    from tests.sweep.runner import summary

    summary(terminalreporter)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """pytest-xdist: a worker finished; take the permission sweep's numbers if it ran there."""
    from tests.sweep.runner import merge_stats

    merge_stats(getattr(node, "workeroutput", {}).get("sweep_stats"))
