"""The API as a partner system's developer meets it: a client generated from the committed
`openapi.yaml` by openapi-python-client, used against a live server on the demo world.

The police's system pushes an offence record by BSN, repeats the push and corrects it, and
cannot read a case it is not on; the probation service's system (Reclassering Nederland) reads
its cases and commits to its goal in the regisseur's new plan version, holding the commitment to
the goal as it read it (If-Match). Every answer is read through the generated, typed models —
an answer the schema does not describe fails to parse, and a field it leaves out shows up in
`additional_properties` — and every write is checked in the database as well.

The scenario calls the generated functions (module names from the operationIds), never a path:
the paths may change shape, the operations stay."""

from __future__ import annotations

import datetime
import importlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.models import Case, Leefgebied, OffenceRecord, Person
from partners.models import ApiScope, Organisation, Role, User
from plans import services as plan_services
from plans.models import Commitment, Plan
from tests.factories import UserFactory, api_key

pytestmark = pytest.mark.contract

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PACKAGE = "regie_client"
BSN = "111222333"  # passes the 11-test; fictitious


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The generator's run on the committed schema (offline), and the package it wrote."""
    out = tmp_path_factory.mktemp("generated")
    run = subprocess.run(  # noqa: S603 (our own command line, no shell)
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(ROOT / "openapi.yaml"),
            "--output-path",
            str(out / PACKAGE),
            "--meta",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        # The generator formats its output with ruff, which it looks for on PATH.
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    sys.path.insert(0, str(out))
    try:
        yield run, importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def test_the_schema_generates_a_client_without_warnings(generated):
    """A warning is a construct the generator skipped or guessed at: an operation or model a
    partner's client would silently lack. Fix it in the schema's source, not here."""
    run, _package = generated
    output = run.stdout + run.stderr
    assert "warning" not in output.lower(), output
    assert "skipping" not in output.lower(), output


@pytest.fixture
def world(live_server):
    """The demo world, with the regisseur revising the plan of the demo case in regie: version
    2 is a draft whose behaviour goal, Reclassering Nederland's, was reworded and so awaits RN's
    commitment again. The police and probation systems each have a key with only the scopes
    their work needs."""
    call_command("demo", no_migrate=True, stdout=io.StringIO())
    regisseur = User.objects.get(username="regisseur")
    case = Case.objects.get(person__last_name="de Vries (fictief)")
    draft = plan_services.plan_start_version(case=case, by=regisseur)
    goal = plan_services.goal_update(
        goal=draft.goals.get(leefgebied=Leefgebied.HOUDING),
        by=regisseur,
        text="Deelname aan een gedragsinterventie, met de start binnen zes weken (demo).",
    )
    assert goal.commitment == Commitment.PENDING
    police = User.objects.get(username="partnersysteem")
    probation = UserFactory(
        username="reclasseringssysteem",
        first_name="Reclasseringssysteem",
        last_name="(API)",
        organisation=Organisation.objects.get(code="RN"),
        roles=[Role.PARTNER_SYSTEM],
    )
    return {
        "url": live_server.url,
        "case": case,
        "other_case": Case.objects.get(person__last_name="Bakker (fictief)"),
        "plan": draft,
        "goal": goal,
        "regisseur": regisseur,
        "police": police,
        "police_key": api_key(police, scopes=[ApiScope.READ, ApiScope.OFFENCES]),
        "probation": probation,
        "probation_key": api_key(probation, scopes=[ApiScope.READ, ApiScope.COMMITMENTS]),
    }


def _api(package, name: str):
    """The generated module of one operation, by its operationId (the generator files it under
    the operation's tag)."""
    (module,) = Path(package.__file__).parent.glob(f"api/*/{name}.py")
    return importlib.import_module(f"{package.__name__}.api.{module.parent.name}.{name}")


def _exact(model) -> None:
    """The answer had no field the schema does not name (it would land here, untyped)."""
    assert model.additional_properties == {}, (type(model).__name__, model.additional_properties)


@pytest.mark.django_db(transaction=True)
def test_police_and_probation_work_through_the_generated_client(generated, world):
    _run, client_package = generated
    models = importlib.import_module(f"{PACKAGE}.models")
    api = lambda name: _api(client_package, name)  # noqa: E731

    def client(key: str):
        return client_package.AuthenticatedClient(
            base_url=world["url"], token=key, prefix="Token", raise_on_unexpected_status=True
        )

    police = client(world["police_key"])
    probation = client(world["probation_key"])

    # --- the police -----------------------------------------------------------------------
    me = api("me_retrieve").sync(client=police)
    assert isinstance(me, models.Me)
    _exact(me)
    assert (me.username, me.organisation.code) == ("partnersysteem", "POLITIE")
    assert me.roles == [Role.PARTNER_SYSTEM.value]

    days_ago = timezone.localdate() - datetime.timedelta(days=2)
    push = models.OffenceRecordInputRequest(
        date=days_ago,
        kind=models.OffenceKindEnum.ARREST,
        category=models.CategoryEnum.HIC_STREET_ROBBERY,
        external_id="BVH-2026-0042",
        description="Fictief: tasjesroof op het Mercatorplein.",
        subject=models.OffenceSubjectRequest(
            bsn=BSN,
            first_name="Fictief",
            last_name="Onbekend-Generated",
            date_of_birth=datetime.date(2001, 3, 14),
        ),
    )
    create = api("offence_records_create")
    first = create.sync_detailed(client=police, body=push)
    assert first.status_code == 201, first.content
    record = first.parsed
    assert isinstance(record, models.OffenceRecord)
    _exact(record)
    assert record.person is None  # the police are on no case of this person: no one is named
    assert (record.external_id, record.source.code, record.kind) == (
        "BVH-2026-0042",
        "POLITIE",
        models.OffenceKindEnum.ARREST,
    )
    stored = OffenceRecord.objects.select_related("person", "source").get(pk=record.id)
    assert (stored.person.bsn, stored.person.last_name, stored.person.date_of_birth) == (
        BSN,
        "Onbekend-Generated",
        datetime.date(2001, 3, 14),
    )
    assert (stored.source.code, stored.date, stored.category) == (
        "POLITIE",
        days_ago,
        "hic_street_robbery",
    )

    again = create.sync_detailed(client=police, body=push)
    assert again.status_code == 200, again.content  # a repeat, not a second record
    assert isinstance(again.parsed, models.OffenceRecord)
    assert again.parsed.id == record.id
    assert OffenceRecord.objects.filter(external_id="BVH-2026-0042").count() == 1
    assert Person.objects.filter(bsn=BSN).count() == 1

    corrected = api("offence_records_update").sync(
        record.id,
        client=police,
        body=models.OffenceRecordCorrectRequest(
            date=days_ago,
            kind=models.OffenceKindEnum.SUMMONS,
            category=models.CategoryEnum.HIC_ROBBERY,
            description="Fictief: gecorrigeerd na verhoor, een overval.",
        ),
    )
    assert isinstance(corrected, models.OffenceRecord), corrected
    _exact(corrected)
    assert (corrected.id, corrected.kind, corrected.category) == (
        record.id,
        models.OffenceKindEnum.SUMMONS,
        models.CategoryEnum.HIC_ROBBERY,
    )
    stored.refresh_from_db()
    assert (stored.kind, stored.category, stored.description) == (
        "summons",
        "hic_robbery",
        "Fictief: gecorrigeerd na verhoor, een overval.",
    )

    # Not on the case's team: exactly as if it did not exist.
    case = world["case"]
    hidden = api("cases_retrieve").sync_detailed(case.pk, client=police)
    assert hidden.status_code == 404, hidden.content
    assert hidden.headers["content-type"].startswith("application/problem+json")
    assert isinstance(hidden.parsed, models.Problem)
    assert (hidden.parsed.status, hidden.parsed.code) == (404, "not_found")
    assert case.person.last_name.encode() not in hidden.content

    # --- probation ------------------------------------------------------------------------
    listed = api("cases_list").sync(client=probation, page_size=100)
    assert isinstance(listed, models.PaginatedCaseListList), listed
    for row in listed.results:
        _exact(row)
    visible = set(Case.objects.visible_to(world["probation"]).values_list("pk", flat=True))
    assert {row.id for row in listed.results} == visible
    assert listed.count == len(visible)
    assert case.pk in visible
    assert world["other_case"].pk not in visible  # RN is not on its team
    elsewhere = api("cases_retrieve").sync_detailed(world["other_case"].pk, client=probation)
    assert elsewhere.status_code == 404, elsewhere.content
    assert isinstance(elsewhere.parsed, models.Problem)

    detail = api("cases_retrieve").sync(case.pk, client=probation)
    assert isinstance(detail, models.CaseDetail), detail
    _exact(detail)
    assert (detail.person.id, detail.status, detail.regisseur.id) == (
        case.person_id,
        models.StatusEnum.IN_REGIE,
        world["regisseur"].pk,
    )
    assert "RN" in {member.organisation.code for member in detail.team}

    goals = api("plan_goals_list").sync(
        client=probation,
        plan=world["plan"].pk,
        responsible_organisation=world["probation"].organisation_id,
    )
    assert isinstance(goals, models.PaginatedPlanGoalList), goals
    for row in goals.results:
        _exact(row)
    pending = [g for g in goals.results if g.commitment == models.CommitmentEnum.PENDING]
    assert [g.id for g in pending] == [world["goal"].pk]

    read = api("plan_goals_retrieve").sync_detailed(world["goal"].pk, client=probation)
    assert read.status_code == 200, read.content
    goal = read.parsed
    assert isinstance(goal, models.PlanGoal)
    _exact(goal)
    assert goal.can_commit is True
    assert goal.goal.startswith("Deelname aan een gedragsinterventie, met de start")
    etag = read.headers["ETag"]
    assert etag == f'"{world["plan"].pk}-{goal.lock_version}"'

    commit = api("plan_goals_commitment_create")
    committed = commit.sync_detailed(
        goal.id,
        client=probation,
        body=models.GoalCommitmentRequest(committed=True),
        if_match=etag,
    )
    assert committed.status_code == 200, committed.content
    assert isinstance(committed.parsed, models.PlanGoal)
    _exact(committed.parsed)
    assert committed.parsed.commitment == models.CommitmentEnum.COMMITTED
    assert committed.parsed.committed_by.id == world["probation"].pk
    stored_goal = world["goal"]
    stored_goal.refresh_from_db()
    assert (stored_goal.commitment, stored_goal.committed_by_id) == (
        Commitment.COMMITTED,
        world["probation"].pk,
    )

    # Meanwhile the regisseur rewords the goal again: RN's commitment lapses, and a commitment
    # sent with the ETag read before that change is refused — one commits to what one read.
    plan_services.goal_update(
        goal=stored_goal,
        by=world["regisseur"],
        text="Deelname aan een gedragsinterventie in een groep (demo).",
    )
    stale = commit.sync_detailed(
        goal.id,
        client=probation,
        body=models.GoalCommitmentRequest(committed=True),
        if_match=etag,
    )
    assert stale.status_code == 412, stale.content
    assert stale.headers["content-type"].startswith("application/problem+json")
    assert isinstance(stale.parsed, models.Problem)
    _exact(stale.parsed)
    assert (stale.parsed.status, stale.parsed.code) == (412, "precondition_failed")
    stored_goal.refresh_from_db()
    assert stored_goal.commitment == Commitment.PENDING
    assert stored_goal.committed_by_id is None
    plan = Plan.objects.get(pk=world["plan"].pk)
    assert etag != f'"{plan.pk}-{plan.lock_version}"'
