"""Need-to-know for meetings and agreements: the case's rules (cases.policies) apply."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from cases.models import Case
from cases.policies import actor_for, case_is_directed_by
from cases.workflow import CaseStatus

ACTIVE_STATUSES = (CaseStatus.IN_REGIE, CaseStatus.OUTFLOW)


def case_scoped_filter(user, field: str = "case") -> Q:
    """A Q over any model with a case foreign key: rows of cases this user may see."""
    return Q(Exists(Case.objects.visible_to(user).filter(pk=OuterRef(f"{field}_id"))))


def uvo_can_manage(user, case) -> bool:
    """The regisseur convenes and chairs UVOs (the accounthouder may stand in)."""
    return case.status in ACTIVE_STATUSES and case_is_directed_by(user, case)


def agreement_can_update(user, agreement) -> bool:
    """The owning organisation (its people and its partner system) or the regisseur."""
    own = agreement.owner_organisation_id == actor_for(user).organisation_id
    return own or case_is_directed_by(user, agreement.case)
