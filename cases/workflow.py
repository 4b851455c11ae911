"""The case lifecycle as data: states and the transitions allowed between them (docs/domain.md)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    BASISDOSSIER = "basisdossier", _("Basisdossier being compiled")
    AWAITING_ASSIGNMENT = "awaiting_assignment", _("Awaiting assignment")
    ASSIGNED = "assigned", _("Assigned, awaiting regisseur")
    IN_REGIE = "in_regie", _("In regie")
    OUTFLOW = "outflow", _("Outflow")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = frozenset(s for s in CaseStatus if s is not CaseStatus.CLOSED)
#: Statuses in which the programme team follows a case (registration up to appointment).
PROGRAMME_TEAM_STATUSES = frozenset(
    {
        CaseStatus.REGISTERED,
        CaseStatus.BASISDOSSIER,
        CaseStatus.AWAITING_ASSIGNMENT,
        CaseStatus.ASSIGNED,
    }
)


#: Statuses in which a case is directed: its plan evaluated, its questions put to the
#: Expertgroep. A closed case takes no more writes (kept for the retention period only).
REGIE_STATUSES = frozenset({CaseStatus.IN_REGIE, CaseStatus.OUTFLOW})
#: Statuses in which the programme team supports the regisseur of a case of its programmes
#: (read-only; docs/domain.md, need-to-know).
SUPPORT_STATUSES = REGIE_STATUSES


class ActorRule(StrEnum):
    """Who may take a transition; `cases.policies.actor_rule_holds` evaluates it."""

    #: Holds one of the transition's permissions (a role).
    PERMISSION = "permission"
    #: The case's regisseur or its accounthouder (`cases.policies.case_is_directed_by`).
    DIRECTOR = "director"
    #: Holds one of the permissions and works for the case's regie organisation.
    REGIE_ORGANISATION = "regie_organisation"


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[CaseStatus]
    target: CaseStatus
    actor: ActorRule
    #: For PERMISSION and REGIE_ORGANISATION: any one of these; empty for DIRECTOR.
    permissions: tuple[str, ...]
    label: str


def _t(name, sources, target, actor, permissions, label) -> Transition:
    return Transition(name, frozenset(sources), target, actor, tuple(permissions), label)


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t(
            "start_dossier",
            {CaseStatus.REGISTERED},
            CaseStatus.BASISDOSSIER,
            ActorRule.PERMISSION,
            ["cases.assign_case"],
            _("Start the basisdossier"),
        ),
        _t(
            "establish_dossier",
            {CaseStatus.BASISDOSSIER},
            CaseStatus.AWAITING_ASSIGNMENT,
            ActorRule.PERMISSION,
            # The IVG establishes it; the programme team may too (it started it).
            ["cases.contribute_basisdossier", "cases.assign_case"],
            _("Establish the basisdossier"),
        ),
        _t(
            "assign",
            {CaseStatus.AWAITING_ASSIGNMENT},
            CaseStatus.ASSIGNED,
            ActorRule.PERMISSION,
            ["cases.assign_case"],
            _("Assign to an organisation"),
        ),
        _t(
            "appoint_regisseur",
            {CaseStatus.ASSIGNED},
            CaseStatus.IN_REGIE,
            ActorRule.REGIE_ORGANISATION,
            ["cases.appoint_regisseur"],
            _("Appoint a regisseur"),
        ),
        _t(
            "start_outflow",
            {CaseStatus.IN_REGIE},
            CaseStatus.OUTFLOW,
            ActorRule.DIRECTOR,
            [],
            _("Start outflow"),
        ),
        _t(
            "close",
            {CaseStatus.OUTFLOW},
            CaseStatus.CLOSED,
            ActorRule.DIRECTOR,
            [],
            _("Close the case"),
        ),
        _t(
            "withdraw",
            {CaseStatus.REGISTERED, CaseStatus.BASISDOSSIER, CaseStatus.AWAITING_ASSIGNMENT},
            CaseStatus.CLOSED,
            ActorRule.PERMISSION,
            ["cases.assign_case"],
            _("Withdraw (not taken into the programme)"),
        ),
    ]
}


def transitions_from(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]
