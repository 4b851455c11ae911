"""The oracle: who may see what of a case, read its health content and do which write.

Written out from the rules (docs/domain.md's need-to-know, the health rule of the brief,
docs/decisions/0002 and issue #8), never by calling the product's policies: the sweep judges
the product against this table. Each rule is one row; where the product cannot yet express a
rule (programme-team membership, an Expertgroep role), the row stands and the world has nobody
it applies to until the product can (see world.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from cases.workflow import CaseStatus
from partners.models import Role

if TYPE_CHECKING:
    from tests.sweep.world import CaseFacts, Marker, SweepUser

# --- roles ----------------------------------------------------------------------------------------

REGISSEUR = "regisseur"
ACCOUNTHOUDER = "accounthouder"
IVG = "ivg"
PROGRAMME_TEAM = "programme_team"
ITAT = "itat"
EXPERTGROEP = "expertgroep"
INTERVENTIEPLEGER = "interventiepleger"
BEHEERDER = "beheerder"
PARTNER_SYSTEM = "partner_system"
DIRECTEURENOVERLEG = "directeurenoverleg"
STUURGROEP = "stuurgroep"

#: Every role of the product, by the name the rules below use. A new role is one line here
#: (and a row in the tables if it grants something); an unknown role fails the sweep.
ROLE_NAMES: dict[str, str] = {
    Role.REGISSEUR.value: REGISSEUR,
    Role.ACCOUNTHOUDER.value: ACCOUNTHOUDER,
    Role.IVG.value: IVG,
    Role.PROGRAMME_TEAM.value: PROGRAMME_TEAM,
    Role.ITAT.value: ITAT,
    Role.EXPERTGROEP.value: EXPERTGROEP,
    Role.INTERVENTIEPLEGER.value: INTERVENTIEPLEGER,
    Role.BEHEERDER.value: BEHEERDER,
    Role.PARTNER_SYSTEM.value: PARTNER_SYSTEM,
    # The top of the escalation ladder: they read no case (only the escalations that reach
    # them, without the person's name).
    Role.DIRECTEURENOVERLEG.value: DIRECTEURENOVERLEG,
    Role.STUURGROEP.value: STUURGROEP,
}


class UnknownRole(LookupError):
    pass


def role_name(role: Role) -> str:
    if role.value in ROLE_NAMES:
        return ROLE_NAMES[role.value]
    raise UnknownRole(
        f"Role {role.value!r} is unknown to the sweep's oracle: add it to ROLE_NAMES in "
        "tests/sweep/oracle.py (and a row below if it grants a read or a write)."
    )


# --- what a case consists of ----------------------------------------------------------------------

#: The parts of a case an operation shows. Full visibility is all of them; a role window may be
#: narrower (ITAT reads the plan and the non-health dossier only).
RESOURCES = frozenset(
    {
        "case",  # the overview: status, outflow, eligibility, status changes
        "dossier",
        "timeline",
        "history",
        "team",
        "plan",  # versions, goals, advice, evaluations, commitments
        "referral",
        "uvo",
        "agreement",
        "budget",  # the flexible budget: requests, decisions, payments
        "person",  # the person's details, offences, family
    }
)
EVERYTHING = RESOURCES
ITAT_READS = frozenset({"dossier", "plan"})
#: ITAT reads a case while its plan is on the agenda and this long after the decision.
ITAT_WINDOW_WEEKS = 4

BEFORE_REGIE = frozenset(
    {
        CaseStatus.REGISTERED,
        CaseStatus.BASISDOSSIER,
        CaseStatus.AWAITING_ASSIGNMENT,
        CaseStatus.ASSIGNED,
    }
)
IN_REGIE = frozenset({CaseStatus.IN_REGIE, CaseStatus.OUTFLOW})
OPEN_BEFORE_ASSIGNMENT = frozenset(
    {CaseStatus.REGISTERED, CaseStatus.BASISDOSSIER, CaseStatus.AWAITING_ASSIGNMENT}
)


# --- facts ------------------------------------------------------------------------------------


def has(u: SweepUser, role: str) -> bool:
    return role in u.roles


def directs(u: SweepUser, c: CaseFacts) -> bool:
    return u.pk is not None and u.pk in (c.regisseur, c.accounthouder)


def on_team(u: SweepUser, c: CaseFacts) -> bool:
    return u.org is not None and c.state_of(u.org.code) == "on"


def answers_at_level(u: SweepUser, c: CaseFacts, level: str) -> bool:
    if level == "accounthouder":
        return u.pk is not None and u.pk == c.accounthouder
    if level == "programme_team":
        return has(u, PROGRAMME_TEAM) and c.programme in u.programmes
    if level == "directors":
        return has(u, DIRECTEURENOVERLEG)
    return level == "stuurgroep" and has(u, STUURGROEP)


def compiling_ivg(u: SweepUser, c: CaseFacts) -> bool:
    return has(u, IVG) and u.org.kernpartner and c.status == CaseStatus.BASISDOSSIER


# --- who reads a case (docs/domain.md, need-to-know) ---------------------

Predicate = Callable[["SweepUser", "CaseFacts"], bool]

#: (who, when, what they read, read-only). The first rows are the team; the others the role
#: windows. An organisation that left the team reads nothing (no row grants it).
READ_RULES: list[tuple[str, Predicate, frozenset[str], bool]] = [
    ("the case's regisseur or accounthouder, always", directs, EVERYTHING, False),
    ("an organisation on the case team, while on it", on_team, EVERYTHING, False),
    ("a kernpartner's IVG member while the dossier is compiled", compiling_ivg, EVERYTHING, False),
    (
        "the programme team, from registration to assignment",
        lambda u, c: has(u, PROGRAMME_TEAM) and c.status in BEFORE_REGIE,
        EVERYTHING,
        False,
    ),
    (
        "a programme-team member, cases of its own programmes in regie or outflow (support)",
        lambda u, c: (
            has(u, PROGRAMME_TEAM) and c.programme in u.programmes and c.status in IN_REGIE
        ),
        EVERYTHING,
        True,
    ),
    (
        "ITAT, while the plan is on its agenda and 4 weeks after its decision",
        lambda u, c: has(u, ITAT) and c.itat_window,
        ITAT_READS,
        True,
    ),
    (
        "the ITAT-Expertgroep, while a referral of the case is open",
        lambda u, c: has(u, EXPERTGROEP) and c.referral_open,
        EVERYTHING,
        True,
    ),
]

#: Health (leefgebied 9, the GGD screening of 6, health goals, their evaluation, advice, history
#: and notifications). Nobody else: not ITAT, not the programme team, not the Expertgroep, not
#: non-health partners on the team.
HEALTH_RULES: list[tuple[str, Predicate]] = [
    ("the case's regisseur or accounthouder", directs),
    ("a health organisation on the team", lambda u, c: u.org.health and on_team(u, c)),
    (
        "a health kernpartner's IVG member while the dossier is compiled",
        lambda u, c: compiling_ivg(u, c) and u.org.health,
    ),
]
# ... and the organisation responsible for a health goal reads that goal (nothing else of 9):
# see `reads_marker`, class G.


def sees(u: SweepUser, c: CaseFacts) -> frozenset[str]:
    """The parts of case `c` that user `u` may read (empty: the case is a 404 for them)."""
    if u.user is None:
        return frozenset()
    seen: set[str] = set()
    for _who, applies, what, _read_only in READ_RULES:
        if applies(u, c):
            seen |= what
    return frozenset(seen)


def reads_health(u: SweepUser, c: CaseFacts) -> bool:
    return u.user is not None and any(applies(u, c) for _who, applies in HEALTH_RULES)


def reads_person(u: SweepUser, c: CaseFacts) -> bool:
    """The person's details: whoever reads the person's case; the programme team reads every
    person (it registers them)."""
    return "person" in sees(u, c) or (u.user is not None and has(u, PROGRAMME_TEAM))


def reads_record(u: SweepUser, c: CaseFacts, source: str | None) -> bool:
    """An offence record: whoever reads the person, and the partner systems of the record's
    source organisation (they read back, correct and retract what they pushed)."""
    return reads_person(u, c) or (
        has(u, PARTNER_SYSTEM) and u.org is not None and u.org.code == source
    )


def reads_marker(u: SweepUser, m: Marker, c: CaseFacts) -> bool:
    seen = sees(u, c)
    if m.cls == "N":  # the person's name: shown wherever any part of the case is
        return bool(seen) or reads_person(u, c)
    if m.cls == "P":
        return reads_person(u, c)
    if m.cls == "S":
        return reads_record(u, c, m.goal_org)
    if m.resource not in seen:
        return False
    if m.cls == "C":
        return True
    if m.cls == "H":
        return reads_health(u, c)
    if m.cls == "G":  # health goal H1: health readers, and its responsible organisation
        return reads_health(u, c) or (u.org is not None and u.org.code == m.goal_org)
    raise ValueError(m.cls)


# --- who may write ----------------------------------------------------------------------------


def writes_case(u: SweepUser, c: CaseFacts) -> bool:
    """Who may add to a case at all: the read-only windows (ITAT, Expertgroep, the programme
    team's support in regie) may not."""
    return any(applies(u, c) and not read_only for _who, applies, _what, read_only in READ_RULES)


WritePredicate = Callable[["SweepUser", "CaseFacts | None", dict], bool]


def _transition(name: str, statuses, who: Callable[[SweepUser, CaseFacts], bool]):
    return lambda u, c, t: c.status in statuses and who(u, c)


#: action: (who may, the rule). A closed case takes no more writes (its data is kept for the
#: retention period only). `t` holds the facts of the object written to (plan status, goal, ...).
WRITE_RULES: dict[str, tuple[str, WritePredicate]] = {
    "none": ("nobody: a read page changes nothing", lambda u, c, t: False),
    "any": ("every signed-in user, for themselves", lambda u, c, t: u.user is not None),
    "apikey.manage": ("the beheerder", lambda u, c, t: has(u, BEHEERDER)),
    "webhook.manage": ("the beheerder", lambda u, c, t: has(u, BEHEERDER)),
    "caseload.transfer": (
        "an accounthouder of the regisseur's organisation",
        lambda u, c, t: has(u, ACCOUNTHOUDER) and u.org is not None and u.org.code == t["org"],
    ),
    "profile.edit": (
        "the regisseur themself, or an accounthouder of the regisseur's organisation",
        lambda u, c, t: (
            (has(u, REGISSEUR) and u.pk == t["user_pk"])
            or (has(u, ACCOUNTHOUDER) and u.org is not None and u.org.code == t["org"])
        ),
    ),
    "scan.own": ("every regisseur, for themselves", lambda u, c, t: has(u, REGISSEUR)),
    "notification.own": ("the notification's own user", lambda u, c, t: t["owner"] == u.label),
    "person.create": ("the programme team", lambda u, c, t: has(u, PROGRAMME_TEAM)),
    "person.register": ("the programme team", lambda u, c, t: has(u, PROGRAMME_TEAM)),
    "person.edit": ("the programme team", lambda u, c, t: has(u, PROGRAMME_TEAM)),
    "person.relation": (
        "the programme team and regisseurs",
        lambda u, c, t: has(u, PROGRAMME_TEAM) or has(u, REGISSEUR),
    ),
    "person.offence": (
        "a partner system, for its own organisation",
        lambda u, c, t: has(u, PARTNER_SYSTEM),
    ),
    "offence.correct": (
        "a partner system of the record's source organisation",
        lambda u, c, t: has(u, PARTNER_SYSTEM) and u.org is not None and u.org.code == t["source"],
    ),
    "case.transition.start_dossier": (
        "the programme team, registered",
        _transition("start_dossier", {CaseStatus.REGISTERED}, lambda u, c: has(u, PROGRAMME_TEAM)),
    ),
    "case.transition.establish_dossier": (
        "a kernpartner's IVG member or the programme team, basisdossier",
        _transition(
            "establish_dossier",
            {CaseStatus.BASISDOSSIER},
            lambda u, c: compiling_ivg(u, c) or has(u, PROGRAMME_TEAM),
        ),
    ),
    "case.transition.assign": (
        "the programme team, awaiting assignment",
        _transition(
            "assign", {CaseStatus.AWAITING_ASSIGNMENT}, lambda u, c: has(u, PROGRAMME_TEAM)
        ),
    ),
    "case.transition.appoint_regisseur": (
        "an accounthouder of the regie organisation, assigned",
        _transition(
            "appoint_regisseur",
            {CaseStatus.ASSIGNED},
            lambda u, c: has(u, ACCOUNTHOUDER) and u.org.code == c.regie_org,
        ),
    ),
    "case.transition.start_outflow": (
        "the case's regisseur or accounthouder, in regie",
        _transition("start_outflow", {CaseStatus.IN_REGIE}, directs),
    ),
    "case.transition.close": (
        "the case's regisseur or accounthouder, outflow",
        _transition("close", {CaseStatus.OUTFLOW}, directs),
    ),
    "case.transition.withdraw": (
        "the programme team, before assignment",
        _transition("withdraw", OPEN_BEFORE_ASSIGNMENT, lambda u, c: has(u, PROGRAMME_TEAM)),
    ),
    "case.team": (
        "the case's regisseur or accounthouder, in regie or outflow",
        lambda u, c, t: directs(u, c) and c.status in IN_REGIE,
    ),
    "case.minors": (
        "the case's regisseur or accounthouder, in regie or outflow",
        lambda u, c, t: directs(u, c) and c.status in IN_REGIE,
    ),
    "case.timeline": (
        "whoever may write to the case, until it is closed",
        lambda u, c, t: writes_case(u, c) and c.status != CaseStatus.CLOSED,
    ),
    "dossier.advice": (
        "a kernpartner's IVG member, basisdossier",
        lambda u, c, t: compiling_ivg(u, c),
    ),
    "dossier.section": (
        "a kernpartner's IVG member, basisdossier; section 9 only a health organisation",
        lambda u, c, t: compiling_ivg(u, c) and (t["leefgebied"] != 9 or u.org.health),
    ),
    "dossier.screening": (
        "a health kernpartner's IVG member, basisdossier (the GGD screening of section 6)",
        lambda u, c, t: compiling_ivg(u, c) and u.org.health,
    ),
    "dossier.requests": (
        "the programme team, basisdossier (which kernpartners are asked)",
        lambda u, c, t: has(u, PROGRAMME_TEAM) and c.status == CaseStatus.BASISDOSSIER,
    ),
    "plan.start": (
        "the case's regisseur or accounthouder, in regie, no version open",
        lambda u, c, t: (
            directs(u, c)
            and c.status == CaseStatus.IN_REGIE
            and not any(p.status in ("draft", "submitted") for p in c.plans)
        ),
    ),
    "plan.edit": (
        "the case's regisseur or accounthouder, a draft of an open case",
        lambda u, c, t: (
            directs(u, c) and t["plan_status"] == "draft" and c.status != CaseStatus.CLOSED
        ),
    ),
    "plan.transition.submit": (
        "the case's regisseur or accounthouder, a draft, in regie",
        lambda u, c, t: (
            directs(u, c) and t["plan_status"] == "draft" and c.status == CaseStatus.IN_REGIE
        ),
    ),
    "plan.transition.return": (
        "ITAT, a submitted plan",
        lambda u, c, t: has(u, ITAT) and t["plan_status"] == "submitted",
    ),
    "plan.transition.approve": (
        "ITAT, a submitted plan",
        lambda u, c, t: has(u, ITAT) and t["plan_status"] == "submitted",
    ),
    "plan.advice": (
        "ITAT, a submitted plan",
        lambda u, c, t: has(u, ITAT) and t["plan_status"] == "submitted",
    ),
    "goal.commit": (
        "the goal's responsible organisation on the team, a draft or submitted plan",
        lambda u, c, t: (
            u.org is not None
            and u.org.code == t["goal_org"]
            and on_team(u, c)
            and t["plan_status"] in ("draft", "submitted")
        ),
    ),
    "goal.progress": (
        "the case's regisseur or accounthouder, or the goal's responsible organisation on the "
        "team; the plan in force, in regie or outflow",
        lambda u, c, t: (
            (directs(u, c) or (u.org is not None and u.org.code == t["goal_org"] and on_team(u, c)))
            and t["plan_status"] == "approved"
            and c.status in IN_REGIE
        ),
    ),
    "budget.request": (
        "the case's regisseur, in regie",
        lambda u, c, t: (
            u.pk is not None and u.pk == c.regisseur and c.status == CaseStatus.IN_REGIE
        ),
    ),
    "budget.decide": (
        "the case's accounthouder or another accounthouder of the regie organisation (never the "
        "regisseur who asked), a waiting request, in regie",
        lambda u, c, t: (
            (
                u.pk == c.accounthouder
                or (has(u, ACCOUNTHOUDER) and u.org is not None and u.org.code == c.regie_org)
            )
            and u.pk != c.regisseur
            and t["budget_status"] == "requested"
            and c.status == CaseStatus.IN_REGIE
        ),
    ),
    "budget.withdraw": (
        "the case's regisseur, a waiting request",
        lambda u, c, t: u.pk == c.regisseur and t["budget_status"] == "requested",
    ),
    "budget.payment": (
        "the case's regisseur or accounthouder, an approved request, in regie or outflow",
        lambda u, c, t: directs(u, c) and t["budget_status"] == "approved" and c.status in IN_REGIE,
    ),
    "plan.amend": (
        "the case's regisseur or accounthouder, the plan in force, in regie or outflow",
        lambda u, c, t: directs(u, c) and t["plan_status"] == "approved" and c.status in IN_REGIE,
    ),
    "review.close": (
        "the case's regisseur or accounthouder, an open look at the plan, in regie or outflow",
        lambda u, c, t: directs(u, c) and t["review_open"] and c.status in IN_REGIE,
    ),
    "escalation.raise": (
        "the case's regisseur, in regie or outflow",
        lambda u, c, t: u.pk is not None and u.pk == c.regisseur and c.status in IN_REGIE,
    ),
    "escalation.answer": (
        "who answers at the escalation's level (the case's accounthouder, the programme team of "
        "its programme, the Directeurenoverleg, the Stuurgroep); the case in regie or outflow",
        lambda u, c, t: c.status in IN_REGIE and answers_at_level(u, c, t["level"]),
    ),
    "plan.evaluate": (
        "the case's regisseur or accounthouder, the plan in force, in regie or outflow",
        lambda u, c, t: directs(u, c) and t["plan_status"] == "approved" and c.status in IN_REGIE,
    ),
    "referral.create": (
        "the case's regisseur or accounthouder, in regie or outflow",
        lambda u, c, t: directs(u, c) and c.status in IN_REGIE,
    ),
    "referral.answer": (
        "the ITAT-Expertgroep, an open referral",
        lambda u, c, t: has(u, EXPERTGROEP) and t["referral_open"],
    ),
    "uvo.manage": (
        "the case's regisseur or accounthouder, in regie or outflow",
        lambda u, c, t: directs(u, c) and c.status in IN_REGIE,
    ),
    "agreement.update": (
        "the owning organisation on the team, or the case's regisseur or accounthouder; "
        "until the case is closed",
        lambda u, c, t: (
            (directs(u, c) or (u.org is not None and u.org.code == t["owner"] and on_team(u, c)))
            and c.status != CaseStatus.CLOSED
        ),
    ),
}


def may(u: SweepUser, action: str, c: CaseFacts | None, t: dict) -> bool:
    """May `u` do this write (to an object they may see: the sweep asks only then)?"""
    return u.user is not None and WRITE_RULES[action][1](u, c, t)


#: Marker fields that hold a person's name (the case's person, a relative).
NAME_FIELDS = frozenset({"nm", "rl"})


def reads_for_inzage(u: SweepUser) -> bool:
    """The beheerder answers an inzage request (AVG art. 15): everything stored about the
    person except health content (H, G), which need-to-know keeps from the beheerder."""
    return u.user is not None and has(u, BEHEERDER)


#: What the inzage page may show its reader: all but health content.
INZAGE_CLASSES = frozenset({"N", "P", "S", "C"})


def reads_access_log(u: SweepUser) -> bool:
    """The beheerder's access log names persons (whose file was read, and to choose from):
    names only, nothing of their cases (NEN 7513's "who looked at this person")."""
    return u.user is not None and has(u, BEHEERDER)
