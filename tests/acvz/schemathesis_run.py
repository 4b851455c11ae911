"""The API against its own contract, as a client that knows only `openapi.yaml` would try it.

schemathesis runs every operation of the served schema (the schema's examples, boundary values
and generated requests, valid and invalid) and then its stateful phase, which follows the
schema's links from a list or a create to the operations on that object. It does so on the demo
world, as the police's partner system and as a programme team member (who sees every person and
the cases of the programme). Any failed check fails the test with schemathesis's report; each
failure there has a `curl` line to reproduce it against `make run`.

One test file per caller (`test_schemathesis_*.py`): pytest-xdist gives a whole file to one
worker, and pytest-django runs transactional tests such as these after all others, so two runs of
minutes each in one file were the suite's tail on one worker while the other stood idle."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command

from partners.models import User
from tests.factories import api_key

#: The checks left out, and why. Every other schemathesis check runs.
CHECKS_LEFT_OUT = {
    # "A request the schema allows was refused": the schema cannot say that an id must exist
    # and be visible to the caller, that a date lies between 1900 and 2100, or that a case must
    # be in the right state for a step. Such requests are rightly 400, 404 or 409 — and what
    # they answer is still checked against the schema (status, content type, body).
    "positive_data_acceptance",
}

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def load_demo() -> None:
    call_command("demo", no_migrate=True, stdout=_Quiet())


class _Quiet:
    def write(self, *args, **kwargs) -> None:
        pass

    def flush(self) -> None:
        pass


def holds_to_the_schema(server, username: str) -> None:
    """Every operation of the served schema, as `username` of the demo world (loaded first)."""
    load_demo()
    secret = api_key(User.objects.get(username=username))
    command = [
        str(SCHEMATHESIS),
        "run",
        f"{server.url}/api/v1/schema",
        "--url",
        server.url,
        "--header",
        f"Authorization: Token {secret}",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--checks",
        "all",
        "--exclude-checks",
        ",".join(sorted(CHECKS_LEFT_OUT)),
        "--max-examples",
        "8",
        "--seed",
        "1",
        "--workers",
        "1",
        "--generation-database",
        "none",
        "--no-color",
    ]
    run = subprocess.run(  # noqa: S603 (our own command line, no shell)
        command, capture_output=True, text=True, timeout=900, check=False
    )
    report = run.stdout[-20000:] + run.stderr[-2000:]
    assert run.returncode == 0, report
    selected = re.search(r"Selected: (\d+)/(\d+)", run.stdout)
    tested = re.search(r"Tested: (\d+)", run.stdout)
    assert selected, report
    assert tested, report
    assert selected[1] == selected[2] == tested[1], report  # every operation, none skipped
