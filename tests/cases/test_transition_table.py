"""The transition tables say the truth: who may take each transition is the table's actor rule,
and `case_can`/`plan_can` only evaluate it (issue 8, item 9)."""

from __future__ import annotations

import pytest

from cases.policies import case_can
from cases.workflow import TRANSITIONS, ActorRule
from plans.policies import plan_can
from plans.workflow import PLAN_TRANSITIONS

pytestmark = pytest.mark.django_db

#: Who may take each transition in its source status, written out by hand from docs/domain.md.
WHO = {
    ("start_dossier", "registered"): {"programme"},
    ("withdraw", "registered"): {"programme"},
    ("establish_dossier", "basisdossier"): {"programme", "ivg_politie", "ivg_ggd"},
    ("assign", "awaiting_assignment"): {"programme"},
    # The regie organisation's accounthouder (RN); RN's regisseur lacks the permission.
    ("appoint_regisseur", "assigned"): {"accounthouder"},
    # The case's regisseur and its accounthouder, who holds no cases.direct_case.
    ("start_outflow", "in_regie"): {"regisseur", "accounthouder"},
    ("close", "outflow"): {"regisseur", "accounthouder"},
}


def test_every_transition_is_in_the_list():
    assert {name for name, _status in WHO} == set(TRANSITIONS)


@pytest.mark.parametrize(("name", "status"), list(WHO), ids=[n for n, _s in WHO])
def test_who_takes_each_transition(case_at, people, name, status):
    case = case_at(status)
    allowed = {who for who, user in people.items() if case_can(user, case, name)}
    assert allowed == WHO[(name, status)]


def test_the_table_names_the_rule_case_can_applies():
    assert TRANSITIONS["start_outflow"].actor == ActorRule.DIRECTOR
    assert TRANSITIONS["close"].actor == ActorRule.DIRECTOR
    assert TRANSITIONS["appoint_regisseur"].actor == ActorRule.REGIE_ORGANISATION
    assert set(TRANSITIONS["establish_dossier"].permissions) == {
        "cases.contribute_basisdossier",
        "cases.assign_case",
    }
    for transition in TRANSITIONS.values():
        assert bool(transition.permissions) is (transition.actor != ActorRule.DIRECTOR)


@pytest.mark.parametrize(
    ("name", "status", "who"),
    [
        ("submit", "draft", {"regisseur", "accounthouder"}),
        ("approve", "submitted", {"itat"}),
        ("return", "submitted", {"itat"}),
    ],
)
def test_who_takes_each_plan_transition(plan_at, people, name, status, who):
    plan = plan_at(status)
    assert {w for w, user in people.items() if plan_can(user, plan, name)} == who
    assert PLAN_TRANSITIONS[name].actor == (
        ActorRule.DIRECTOR if name == "submit" else ActorRule.PERMISSION
    )


def test_submit_needs_the_case_in_regie(plan_at, people):
    plan = plan_at("draft")
    plan.case.status = "outflow"
    assert not plan_can(people["regisseur"], plan, "submit")
