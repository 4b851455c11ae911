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

from cases.models import CaseTeamMembership
from cases.policies import (
    CasePart,
    actor_for,
    case_is_directed_by,
    visible_case_ids_per_parts,
)
from cases.policies import case_scoped_filter as cases_case_scoped_filter
from cases.workflow import REGIE_STATUSES, CaseStatus

ACTIVE_STATUSES = REGIE_STATUSES


def case_scoped_filter(
    user, field: str = "case", *, writable: bool = False, inline_ids: bool = False
) -> Q:
    """A Q over any model with a case foreign key: rows of cases whose UVOs and agreements this
    user reads (not ITAT's); with `writable`, of cases they act on. `inline_ids`: see
    `cases.policies.case_scoped_filter`."""
    return cases_case_scoped_filter(
        user, field, part=CasePart.UVO, writable=writable, inline_ids=inline_ids
    )


#: The parts of a case notifications are about (Notification.part).
NOTIFICATION_PARTS = (
    CasePart.UVO,
    CasePart.PLAN,
    CasePart.OVERVIEW,
    CasePart.DOSSIER,
    CasePart.REFERRAL,
    CasePart.TIMELINE,
    CasePart.BUDGET,
)


def notification_visibility_filter(user) -> Q:
    """A Q over Notification: the user's own, about cases of which the user reads now the part
    the notification is about (a plan's return is shown to who reads the plan, an agreement's
    reminder to who reads the UVOs)."""
    arms = Q(pk__in=[])
    for parts, ids in visible_case_ids_per_parts(user, NOTIFICATION_PARTS):
        arms |= Q(part__in=parts, case__in=ids)
    return Q(user=user) & arms


def user_reads_part(user, case, part: CasePart) -> bool:
    """Whether a notification about this part of this case may reach the user at all."""
    from cases.models import Case

    return Case.objects.visible_to(user, part=part).filter(pk=case.pk).exists()


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
    """The owning organisation (its people and its partner system) while it is on the case
    team, or the regisseur, until the case is closed (then it takes no more writes). An
    organisation that reads the case only through a role (the programme team's support) does
    not act on it."""
    if agreement.case.status == CaseStatus.CLOSED:
        return False
    if case_is_directed_by(user, agreement.case):
        return True
    own = agreement.owner_organisation_id == actor_for(user).organisation_id
    return own and _owner_on_team(agreement)


def _owner_on_team(agreement) -> bool:
    """`agreement_owner_on_team()` annotated by the selectors; looked up otherwise."""
    on_team = getattr(agreement, "owner_on_team", None)
    if on_team is None:
        on_team = agreement.case.team.filter(
            organisation_id=agreement.owner_organisation_id, left_on__isnull=True
        ).exists()
    return on_team


def agreement_owner_on_team() -> Exists:
    """Annotate agreements with whether their owning organisation is on the case team now."""
    return Exists(
        CaseTeamMembership.objects.filter(
            case_id=OuterRef("case_id"),
            organisation_id=OuterRef("owner_organisation_id"),
            left_on__isnull=True,
        )
    )
