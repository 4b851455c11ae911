"""Need-to-know: who may see a case, read its health sections and do what to it.

One place answers both "which cases may this user see" (`case_visibility_filter`, used by
`Case.objects.visible_to`) and "may this user do X to this case" (`case_can`). Every view, form,
export and API viewset goes through these. Out of scope is 404, exactly like missing. The
basisdossier's field-level rules (section 9, the GGD screening) are here too: `section_can_read`,
`contribution_is_readable` and `redact_section`, used by pages, API and history alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from cases.models import HEALTH_LEEFGEBIEDEN, SCREENING_LEEFGEBIEDEN, ContributionPart
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


# --- the basisdossier: sections and contributions ------------------------------------------------


def leefgebied_is_health(leefgebied: int) -> bool:
    """The health leefgebied (9): its basisdossier section is health content whole."""
    return leefgebied in HEALTH_LEEFGEBIEDEN


def contribution_is_health(*, leefgebied: int, part: str) -> bool:
    """Health content of the basisdossier: every part of the health section (9) and the GGD
    screening (the `screening` part of section 6)."""
    return leefgebied_is_health(leefgebied) or part == ContributionPart.SCREENING


def organisation_can_answer(*, handles_health: bool, leefgebied: int, part: str) -> bool:
    """Which parts an organisation may be asked for and may write: health content only by a
    health organisation; a screening only where the section has one."""
    if part == ContributionPart.SCREENING and leefgebied not in SCREENING_LEEFGEBIEDEN:
        return False
    return handles_health or not contribution_is_health(leefgebied=leefgebied, part=part)


def section_can_read(user, case, section, *, can_read_health: bool | None = None) -> bool:
    """May the user read the section's content (its contributions, who is still asked, whether
    it is complete)? Every section of a visible case, except the health section for readers
    without health access: for them it exists, and nothing more."""
    if not leefgebied_is_health(section.leefgebied):
        return True
    return case_can_read_health(user, case) if can_read_health is None else can_read_health


def contribution_is_readable(
    user, case, contribution, section=None, *, can_read_health: bool | None = None
) -> bool:
    """May the user read this contribution (or this request for one): its text, organisation,
    author and dates? Not when it is health content and the user has no health access."""
    section = section or contribution.section
    if not contribution_is_health(leefgebied=section.leefgebied, part=contribution.part):
        return True
    return case_can_read_health(user, case) if can_read_health is None else can_read_health


def contribution_can_write(user, case, section, part: str) -> bool:
    """IVG members of kernpartners write their own organisation's part of a section while the
    dossier is compiled; health content only a health organisation's IVG member. `section` is
    a section or its `SectionView`: only its leefgebied is read."""
    actor = actor_for(user)
    if case.status != CaseStatus.BASISDOSSIER:
        return False
    if not (actor.has("cases.contribute_basisdossier") and actor.is_kernpartner):
        return False
    return organisation_can_answer(
        handles_health=actor.handles_health, leefgebied=section.leefgebied, part=part
    )


def dossier_can_manage_requests(user, case) -> bool:
    """The programme team decides which kernpartners are asked while the dossier is compiled."""
    return case.status == CaseStatus.BASISDOSSIER and actor_for(user).has("cases.assign_case")


@dataclass(frozen=True)
class SectionView:
    """What one reader may see of a basisdossier section; built only by `redact_section`.

    It holds no reference to the section object, so a template or serializer cannot reach the
    unredacted contributions through it. For a section the reader may not read, every list is
    empty and `is_complete` is None: the section exists, and nothing more is said.
    """

    leefgebied: int
    title: str
    has_screening: bool
    readable: bool
    screening_readable: bool
    contributions: tuple = ()
    still_asked: tuple = ()
    screenings: tuple = ()
    screening_still_asked: tuple = ()

    @property
    def restricted(self) -> bool:
        """Whether health content of this section is withheld from this reader."""
        return not self.readable or (self.has_screening and not self.screening_readable)

    @property
    def is_complete(self) -> bool | None:
        """Every part this reader may read answered, and at least one answer; None when the
        section is not readable."""
        if not self.readable:
            return None
        answered = self.contributions or self.screenings
        return bool(answered) and not (self.still_asked or self.screening_still_asked)


def redact_section(user, case, section, *, can_read_health: bool | None = None) -> SectionView:
    """The section as this user may see it. Uses the section's prefetched `contributions`
    (with organisation and author), in their order."""
    if can_read_health is None:
        can_read_health = case_can_read_health(user, case)
    readable = section_can_read(user, case, section, can_read_health=can_read_health)
    screening_readable = readable and can_read_health
    view = {
        "leefgebied": section.leefgebied,
        "title": section.get_leefgebied_display(),
        "has_screening": section.has_screening,
        "readable": readable,
        "screening_readable": screening_readable,
    }
    if not readable:
        return SectionView(**view)
    lists: dict[str, list] = {
        "contributions": [],
        "still_asked": [],
        "screenings": [],
        "screening_still_asked": [],
    }
    for contribution in section.contributions.all():
        if not contribution_is_readable(
            user, case, contribution, section, can_read_health=can_read_health
        ):
            continue
        screening = contribution.part == ContributionPart.SCREENING
        if contribution.is_answered:
            lists["screenings" if screening else "contributions"].append(contribution)
        else:
            key = "screening_still_asked" if screening else "still_asked"
            lists[key].append(contribution.organisation)
    return SectionView(**view, **{key: tuple(value) for key, value in lists.items()})


def redact_sections(user, case, sections) -> list[SectionView]:
    can_read_health = case_can_read_health(user, case)
    return [
        redact_section(user, case, section, can_read_health=can_read_health) for section in sections
    ]
