"""Need-to-know for meetings, agreements and notifications: the case's rules (cases.policies).

Notifications follow visibility twice. When the daily scan creates them, set-based, a reminder
about a case reaches only people who see the case at that moment through the team (their
organisation holds the case's view grant) or by directing it (regisseur, accounthouder), and
who may sign in: `recipient_filter`, `organisation_sees_case`. That is the part of
`Case.objects.visible_to` that is the same for every user, so it can be asked in SQL for
thousands of cases at once; the role windows (IVG, programme team, ITAT) bring no reminders.
Whenever a notification is shown or e-mailed, the full `visible_to` of its user is asked again
(`notification_visibility_filter`): what an organisation no longer sees, it is no longer shown.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from cases.models import Case
from cases.policies import actor_for, case_is_directed_by
from cases.workflow import CaseStatus

ACTIVE_STATUSES = (CaseStatus.IN_REGIE, CaseStatus.OUTFLOW)


def case_scoped_filter(user, field: str = "case") -> Q:
    """A Q over any model with a case foreign key: rows of cases this user may see."""
    return Q(Exists(Case.objects.visible_to(user).filter(pk=OuterRef(f"{field}_id"))))


def notification_visibility_filter(user) -> Q:
    """A Q over Notification: the user's own, about cases the user may see now."""
    return Q(user=user) & case_scoped_filter(user, "reminder__case")


def recipient_filter() -> Q:
    """A Q over User: people a reminder may reach at all (`visible_to` shows nothing to an
    inactive user or to one without an organisation)."""
    return Q(is_active=True, organisation__isnull=False)


def organisation_sees_case(*, case: str, group: str) -> Exists:
    """SQL for set-based reads: the organisation whose permission group is in column `group`
    is on the team of the case in column `case` now (it holds the view grant that
    `case_visibility_filter` reads; decision 0002)."""
    from cases.models import CaseGroupObjectPermission

    return Exists(
        CaseGroupObjectPermission.objects.filter(
            content_object_id=OuterRef(case),
            group_id=OuterRef(group),
            permission__codename="view_case",
            permission__content_type__app_label="cases",
        )
    )


def uvo_can_manage(user, case) -> bool:
    """The regisseur convenes and chairs UVOs (the accounthouder may stand in)."""
    return case.status in ACTIVE_STATUSES and case_is_directed_by(user, case)


def agreement_can_update(user, agreement) -> bool:
    """The owning organisation (its people and its partner system) or the regisseur."""
    own = agreement.owner_organisation_id == actor_for(user).organisation_id
    return own or case_is_directed_by(user, agreement.case)
