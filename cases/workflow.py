"""The case lifecycle as data: states and the transitions allowed between them (DOMAIN.md)."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[CaseStatus]
    target: CaseStatus
    permission: str
    label: str


def _t(name, sources, target, permission, label) -> Transition:
    return Transition(name, frozenset(sources), target, permission, label)


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t(
            "start_dossier",
            {CaseStatus.REGISTERED},
            CaseStatus.BASISDOSSIER,
            "cases.assign_case",
            _("Start the basisdossier"),
        ),
        _t(
            "establish_dossier",
            {CaseStatus.BASISDOSSIER},
            CaseStatus.AWAITING_ASSIGNMENT,
            "cases.contribute_basisdossier",
            _("Establish the basisdossier"),
        ),
        _t(
            "assign",
            {CaseStatus.AWAITING_ASSIGNMENT},
            CaseStatus.ASSIGNED,
            "cases.assign_case",
            _("Assign to an organisation"),
        ),
        _t(
            "appoint_regisseur",
            {CaseStatus.ASSIGNED},
            CaseStatus.IN_REGIE,
            "cases.appoint_regisseur",
            _("Appoint a regisseur"),
        ),
        _t(
            "start_outflow",
            {CaseStatus.IN_REGIE},
            CaseStatus.OUTFLOW,
            "cases.direct_case",
            _("Start outflow"),
        ),
        _t(
            "close",
            {CaseStatus.OUTFLOW},
            CaseStatus.CLOSED,
            "cases.direct_case",
            _("Close the case"),
        ),
        _t(
            "withdraw",
            {CaseStatus.REGISTERED, CaseStatus.BASISDOSSIER, CaseStatus.AWAITING_ASSIGNMENT},
            CaseStatus.CLOSED,
            "cases.assign_case",
            _("Withdraw (not taken into the programme)"),
        ),
    ]
}


def transitions_from(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]
