"""Every write operation of the API names the API key scope it needs (`acvz.api.scopes`): a
write that names none would be refused to every key. The table is the contract an integrator
reads in each operation's description; a new write operation must be added here."""

from __future__ import annotations

import pytest
import yaml
from django.conf import settings

WRITE_SCOPES = {
    "agreements_create": "agreements",
    "agreements_partial_update": "agreements",
    "cases_create": "cases",
    "cases_appoint_regisseur_create": "cases",
    "cases_assign_create": "cases",
    "cases_basisdossier_sections_partial_update": "cases",
    "cases_close_create": "cases",
    "cases_establish_dossier_create": "cases",
    "cases_start_dossier_create": "cases",
    "cases_start_outflow_create": "cases",
    "cases_team_create": "cases",
    "cases_team_leave_create": "cases",
    "cases_timeline_create": "timeline",
    "cases_withdraw_create": "cases",
    "evaluations_create": "plans",
    "notifications_read_create": "cases",
    "notifications_read_all_create": "cases",
    "offence_records_create": "offences",
    "offence_records_update": "offences",
    "offence_records_destroy": "offences",
    "offence_records_batch_create": "offences",
    "persons_create": "cases",
    "persons_partial_update": "cases",
    "persons_search_create": "read",
    "plan_goals_create": "plans",
    "plan_goals_partial_update": "plans",
    "plan_goals_destroy": "plans",
    "plan_goals_amendments_create": "plans",
    "plan_goals_commitment_create": "commitments",
    "plan_goals_progress_create": "plans",
    "plans_create": "plans",
    "plans_partial_update": "plans",
    "plans_advice_create": "plans",
    "plans_approve_create": "plans",
    "plans_return_create": "plans",
    "plans_submit_create": "plans",
    "uvo_meetings_create": "cases",
    "uvo_meetings_cancel_create": "cases",
    "uvo_meetings_record_create": "cases",
}


@pytest.fixture(scope="module")
def operations() -> dict[str, tuple[str, str]]:
    schema = yaml.safe_load((settings.BASE_DIR / "openapi.yaml").read_text())
    return {
        op["operationId"]: (method, op.get("description", ""))
        for path in schema["paths"].values()
        for method, op in path.items()
    }


def test_every_write_names_its_scope(operations):
    writes = {
        op_id: description.rsplit("API key scope: `", 1)[-1].split("`")[0]
        if "API key scope: `" in description
        else None
        for op_id, (method, description) in operations.items()
        if method in ("post", "put", "patch", "delete")
    }
    assert writes == WRITE_SCOPES


def test_every_read_needs_read(operations):
    reads = [d for method, d in operations.values() if method == "get"]
    assert reads
    assert all(d.endswith("API key scope: `read`.") for d in reads)
