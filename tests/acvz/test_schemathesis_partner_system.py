"""The API against its own contract (tests/acvz/schemathesis_run.py), as the police's
partner system."""

from __future__ import annotations

import pytest

from tests.acvz.schemathesis_run import holds_to_the_schema

pytestmark = [pytest.mark.contract, pytest.mark.django_db(transaction=True)]


def test_every_operation_holds_to_the_schema(live_server):
    holds_to_the_schema(live_server, "partnersysteem")
