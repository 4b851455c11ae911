"""The oracle read back against the rules in words, so that an edit to its tables that changes
what docs/domain.md and the health rule say fails here, not silently in the sweep."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from cases.workflow import CaseStatus
from tests.sweep import oracle
from tests.sweep.world import CaseFacts, Marker, OrgFacts, SweepUser

RN = OrgFacts("RN", 1, health=False, kernpartner=True)
GGD = OrgFacts("GGD", 2, health=True, kernpartner=True)
WPI = OrgFacts("WPI", 3, health=False, kernpartner=True)
ARKIN = OrgFacts("ARKIN", 4, health=True, kernpartner=False)
REGISSEUR_ID = 100


def user(role: str, org: OrgFacts, pk: int = 1, programmes=frozenset()) -> SweepUser:
    return SweepUser(
        f"{role}@{org.code}",
        SimpleNamespace(pk=pk),
        frozenset({role}),
        org,
        programmes=frozenset(programmes),
    )


def case(status: str, *, team=("RN", "GGD"), left=("WPI",), **facts) -> CaseFacts:
    c = CaseFacts("c", 1, 1, status, "TOP600", 1, regisseur=REGISSEUR_ID, **facts)
    c.org_state = {**dict.fromkeys(team, "on"), **dict.fromkeys(left, "left")}
    return c


IN_REGIE = case(CaseStatus.IN_REGIE)
CLOSED = case(CaseStatus.CLOSED, team=())
COMPILING = case(CaseStatus.BASISDOSSIER, team=())
ESTABLISHED = case(CaseStatus.AWAITING_ASSIGNMENT, team=())
REGISTERED = case(CaseStatus.REGISTERED, team=())
RN_ONLY = case(CaseStatus.IN_REGIE, team=("RN",))
ON_AGENDA = case(CaseStatus.IN_REGIE, itat_window=True)
REFERRED = case(CaseStatus.IN_REGIE, referral_open=True)
MEMBER = user("programme_team", WPI, programmes={"TOP600"})

# (who, case, reads the case at all, reads health)
EXAMPLES = [
    ("the regisseur, closed case", user("regisseur", RN, REGISSEUR_ID), CLOSED, True, True),
    ("a non-health team partner", user("interventiepleger", RN), IN_REGIE, True, False),
    ("a health team partner", user("interventiepleger", GGD), IN_REGIE, True, True),
    ("an organisation that left", user("interventiepleger", WPI), IN_REGIE, False, False),
    ("a health organisation never on the team", user("ivg", GGD), RN_ONLY, False, False),
    ("a health kernpartner's IVG, compiling", user("ivg", GGD), COMPILING, True, True),
    ("a health non-kernpartner's IVG, compiling", user("ivg", ARKIN), COMPILING, False, False),
    ("the IVG, dossier established", user("ivg", GGD), ESTABLISHED, False, False),
    ("the programme team, registered", user("programme_team", WPI), REGISTERED, True, False),
    ("the programme team, not its programme", user("programme_team", WPI), IN_REGIE, False, False),
    ("the programme team, its programme", MEMBER, IN_REGIE, True, False),
    ("ITAT outside its window", user("itat", WPI), IN_REGIE, False, False),
    ("ITAT inside its window", user("itat", WPI), ON_AGENDA, True, False),
    ("the Expertgroep, referral open", user("expertgroep", WPI), REFERRED, True, False),
]


@pytest.mark.parametrize(
    ("who", "u", "c", "reads", "health"), EXAMPLES, ids=[e[0] for e in EXAMPLES]
)
def test_who_reads_a_case_and_its_health(who, u, c, reads, health):
    assert bool(oracle.sees(u, c)) is reads
    assert oracle.reads_health(u, c) is health


def test_itat_reads_the_plan_and_the_dossier_only():
    assert oracle.sees(user("itat", WPI), ON_AGENDA) == {"plan", "dossier"}


def test_the_responsible_organisation_reads_its_health_goal_only():
    rn = user("interventiepleger", RN)
    goal = Marker("MKG01haZ", "c", "G", "ha", "plan", goal_org="RN")
    other_goal = Marker("MKH01hbZ", "c", "H", "hb", "plan")
    section_9 = Marker("MKH01siZ", "c", "H", "si", "dossier")
    assert oracle.reads_marker(rn, goal, IN_REGIE)
    assert not oracle.reads_marker(rn, other_goal, IN_REGIE)
    assert not oracle.reads_marker(rn, section_9, IN_REGIE)


def test_read_only_windows_do_not_write():
    c = case(CaseStatus.IN_REGIE, itat_window=True, referral_open=True)
    for u in (user("itat", WPI), user("expertgroep", WPI)):
        assert oracle.sees(u, c)
        assert not oracle.may(u, "case.timeline", c, {})


def test_a_closed_case_takes_no_more_writes():
    regisseur = user("regisseur", RN, REGISSEUR_ID)
    facts = {"owner": "RN", "plan_status": "approved"}
    for action in ("agreement.update", "plan.evaluate", "referral.create", "case.timeline"):
        assert not oracle.may(regisseur, action, CLOSED, facts), action
    assert oracle.may(regisseur, "agreement.update", IN_REGIE, facts)


def test_an_offence_record_is_read_by_the_persons_readers_and_its_source_system():
    record = Marker("MKS01oxZ", "c", "S", "ox", "person", goal_org="RN")
    rn_system, wpi_system = user("partner_system", RN), user("partner_system", WPI)
    assert oracle.reads_marker(rn_system, record, RN_ONLY)  # on the team: reads the person
    assert oracle.reads_marker(rn_system, record, REGISTERED)  # not on it: its own record
    assert not oracle.reads_marker(wpi_system, record, REGISTERED)
    assert not oracle.reads_marker(user("interventiepleger", RN), record, REGISTERED)


def test_only_the_worlds_markers_count_in_a_body():
    """A CSRF token spelled `MKP31dzZ` once (the world has eight cases): chance, not a leak; a
    marker the world wrote counts wherever it stands, a percent-encoded link included."""
    from tests.sweep.runner import planted

    world = {"MKP01phZ", "MKN01nmZ"}
    body = (
        '<input name="csrfmiddlewaretoken" value="q8MKP31dzZx0Vb">'
        '<a href="/zoek?q=Fictief%20MKN01nmZ%20tekst">'
    )
    assert planted(body, world) == {"MKN01nmZ"}
