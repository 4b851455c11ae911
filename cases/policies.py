"""Need-to-know: who may see a case, read its health sections and do what to it.

One place answers both "which cases may this user see" (`case_visibility_filter`, used by
`Case.objects.visible_to`) and "may this user do X to this case" (`case_can`). Every view, form,
export and API viewset goes through these. Out of scope is 404, exactly like missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from cases.workflow import PROGRAMME_TEAM_STATUSES, TRANSITIONS, CaseStatus
from partners.models import OrganisationKind


@dataclass(frozen=True)
class Actor:
    """A request's user with the facts the policies need, loaded once per user object."""

    user: object
    organisation_id: int | None
    group_id: int | None
    is_kernpartner: bool
    handles_health: bool
    permissions: frozenset[str]

    def has(self, permission: str) -> bool:
        return permission in self.permissions


def actor_for(user) -> Actor:
    cached = getattr(user, "_regie_actor", None)
    if cached is not None:
        return cached
    organisation = getattr(user, "organisation", None) if user.is_authenticated else None
    actor = Actor(
        user=user,
        organisation_id=organisation.pk if organisation else None,
        group_id=organisation.group_id if organisation else None,
        is_kernpartner=bool(organisation and organisation.kind == OrganisationKind.KERNPARTNER),
        handles_health=bool(organisation and organisation.handles_health),
        permissions=frozenset(user.get_all_permissions()) if user.is_authenticated else frozenset(),
    )
    if user.is_authenticated:
        user._regie_actor = actor
    return actor


def case_visibility_filter(user) -> Q:
    """A Q over Case: the cases this user may see. One query, no Python loop over cases."""
    from cases.models import CaseGroupObjectPermission

    actor = actor_for(user)
    if not user.is_authenticated or not user.is_active or actor.organisation_id is None:
        return Q(pk__in=[])
    granted = CaseGroupObjectPermission.objects.filter(
        content_object=OuterRef("pk"),
        group_id=actor.group_id,
        permission__codename="view_case",
        permission__content_type__app_label="cases",
    )
    visible = Q(Exists(granted)) | Q(regisseur=user) | Q(accounthouder=user)
    if actor.has("cases.contribute_basisdossier") and actor.is_kernpartner:
        visible |= Q(status=CaseStatus.BASISDOSSIER)
    if actor.has("cases.assign_case"):
        visible |= Q(status__in=PROGRAMME_TEAM_STATUSES)
    return visible


def person_visibility_filter(user) -> Q:
    """A Q over Person: persons of visible cases; the programme team sees all (to register)."""
    from cases.models import Case

    actor = actor_for(user)
    if not user.is_authenticated or actor.organisation_id is None:
        return Q(pk__in=[])
    if actor.has("cases.register_case"):
        return Q()
    return Q(Exists(Case.objects.visible_to(user).filter(person=OuterRef("pk"))))


def _on_team(actor: Actor, case) -> bool:
    """Whether the actor's organisation is on the case team now (uses prefetched `team`)."""
    return any(
        m.organisation_id == actor.organisation_id and m.left_on is None for m in case.team.all()
    )


def case_can_read_health(user, case) -> bool:
    """Section 9 and the GGD screening part of 6: regisseur, accounthouder, health partners."""
    actor = actor_for(user)
    if user.pk in (case.regisseur_id, case.accounthouder_id):
        return True
    if not actor.handles_health:
        return False
    if case.status == CaseStatus.BASISDOSSIER and actor.has("cases.contribute_basisdossier"):
        return True
    return _on_team(actor, case)


def case_is_directed_by(user, case) -> bool:
    """The case's regisseur or its accounthouder (who may stand in)."""
    return user.pk is not None and user.pk in (case.regisseur_id, case.accounthouder_id)


def case_can(user, case, action: str) -> bool:
    """May `user` do `action` to `case`? The case must already be visible to the user."""
    actor = actor_for(user)
    transition = TRANSITIONS.get(action)
    if transition is not None:
        if case.status not in transition.sources:
            return False
        if action == "appoint_regisseur":
            return actor.has(transition.permission) and (
                actor.organisation_id == case.regie_organisation_id
            )
        if action in ("start_outflow", "close"):
            return case_is_directed_by(user, case)
        if action == "establish_dossier":
            return actor.has(transition.permission) or actor.has("cases.assign_case")
        return actor.has(transition.permission)
    if action == "manage_team":
        return case.status in (CaseStatus.IN_REGIE, CaseStatus.OUTFLOW) and case_is_directed_by(
            user, case
        )
    if action == "add_timeline_event":
        return case.status != CaseStatus.CLOSED
    if action == "advise":
        return case.status == CaseStatus.BASISDOSSIER and actor.has("cases.contribute_basisdossier")
    raise ValueError(f"Unknown case action {action!r}")


def section_can_edit(user, case, section) -> bool:
    """IVG members of kernpartners write their own organisation's sections while compiling."""
    actor = actor_for(user)
    if case.status != CaseStatus.BASISDOSSIER:
        return False
    if not (actor.has("cases.contribute_basisdossier") and actor.is_kernpartner):
        return False
    if section.organisation_id not in (None, actor.organisation_id):
        return False
    return not section.is_health or actor.handles_health


def section_can_write_screening(user, case, section) -> bool:
    return (
        section.has_screening
        and actor_for(user).handles_health
        and section_can_edit(user, case, section)
    )
