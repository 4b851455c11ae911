"""Need-to-know: who may see a case, which parts of it, its health content, and what they may do.

One place answers "which cases may this user see" (`case_visibility_filter`, used by
`Case.objects.visible_to`), "which parts of this case may they read" (`case_read_scope`) and
"may this user do X to this case" (`case_can`). Every view, form, export and API viewset goes
through these. Out of scope is 404, exactly like missing.

A user reads a case on one or more *grounds* (docs/domain.md, need-to-know): their
organisation is on the case team, they direct it, the IVG compiles its dossier, the programme
team registers and assigns it or supports its regisseur, ITAT has its plan on the agenda, the
Expertgroep has an open referral of it. Each ground gives a *scope*: the parts of the case it
reads and whether it may act on the case at all. The grounds are one table, `CASE_GROUNDS`
(plans adds ITAT's and the Expertgroep's). Each ground names its cases as one simple, indexed
SELECT of case ids; the visible-queryset is `id IN (<those selects> UNION ALL ...)`, one SQL
expression the planner estimates from the arms' own indexes (an OR of correlated EXISTS it
could only estimate per row: on a large database that estimate switched on PostgreSQL's JIT,
which cost more than the query). `case_read_scope` takes the broadest scope among the grounds
that hold.

The basisdossier's field-level rules (section 9, the GGD screening) are here too:
`section_can_read`, `contribution_is_readable` and `redact_section`, used by pages, API and
history alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet

from acvz.query import AnyOf, first_column
from cases.models import HEALTH_LEEFGEBIEDEN, SCREENING_LEEFGEBIEDEN, ContributionPart
from cases.workflow import (
    PROGRAMME_TEAM_STATUSES,
    SUPPORT_STATUSES,
    TRANSITIONS,
    ActorRule,
    CaseStatus,
)
from partners.models import OrganisationKind

CONTRIBUTE = "cases.contribute_basisdossier"
ASSIGN = "cases.assign_case"
SUPPORT = "cases.support_case"


@dataclass(frozen=True)
class Actor:
    """A request's user with the facts the policies need, loaded once per user object."""

    user: object
    organisation_id: int | None
    group_id: int | None
    is_kernpartner: bool
    handles_health: bool
    permissions: frozenset[str]
    is_active: bool = True

    def has(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def reads_cases(self) -> bool:
        return bool(self.user.is_authenticated and self.is_active and self.organisation_id)


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
        is_active=bool(user.is_active),
    )
    if user.is_authenticated:
        user._regie_actor = actor
    return actor


# --- parts and scopes ---------------------------------------------------------------------------


class CasePart(StrEnum):
    """The parts of a case that are read separately: the case page's tabs and the API's
    sub-resources. The case header (person's name, programme, status, regie) goes with any."""

    #: The person's file (contact details, family, offences), the case team, status changes.
    OVERVIEW = "overview"
    #: The basisdossier; its health content only with `case_can_read_health`.
    DOSSIER = "dossier"
    #: Plan versions, goals, ITAT advice, evaluations.
    PLAN = "plan"
    #: The regisseur's questions to the ITAT-Expertgroep and its advice: not ITAT's to read.
    REFERRAL = "referral"
    #: UVOs, agreements, the UVO cadence.
    UVO = "uvo"
    TIMELINE = "timeline"
    #: The flexible budget: requests, decisions, payments (plans.budget).
    BUDGET = "budget"
    #: The history of the parts the reader may read, and of nothing else.
    HISTORY = "history"


ALL_PARTS = frozenset(CasePart)
_REVIEW_PARTS = frozenset({CasePart.DOSSIER, CasePart.PLAN, CasePart.HISTORY})


@dataclass(frozen=True)
class Scope:
    """What a user reads of one case, and whether they may act on it at all."""

    name: str
    #: Broader scopes rank higher; a user with several grounds reads with the broadest.
    rank: int
    parts: frozenset[CasePart]
    read_only: bool
    #: The tab a reader without the overview lands on.
    landing: CasePart = CasePart.OVERVIEW

    @property
    def visible(self) -> bool:
        return self.rank > 0

    def reads(self, part: CasePart | str) -> bool:
        return part in self.parts


#: Not visible: 404.
NO_SCOPE = Scope("none", 0, frozenset(), read_only=True)
#: ITAT while a plan of the case is on its agenda and a while after its decision: the plan and
#: the non-health dossier (docs/domain.md, need-to-know).
REVIEW_SCOPE = Scope("review", 1, _REVIEW_PARTS, read_only=True, landing=CasePart.PLAN)
#: The ITAT-Expertgroep while a referral of the case is open: the case to advise on, everything
#: but health, read-only.
EXPERT_SCOPE = Scope("expert", 2, ALL_PARTS, read_only=True)
#: The programme team supporting the regisseur of a case of its programmes: everything but
#: health, read-only.
SUPPORT_SCOPE = Scope("support", 3, ALL_PARTS, read_only=True)
#: The case team, the regisseur and accounthouder, the IVG while compiling, the programme team
#: from registration to appointment. Health content still needs `case_can_read_health`.
FULL_SCOPE = Scope("full", 4, ALL_PARTS, read_only=False)


# --- the grounds --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ground:
    """One reason to read a case: for which actors it exists, which cases it covers and with
    which scope. `case_ids` returns a one-column queryset of case ids (no Python loop): a
    plain SELECT on one table, filtered on indexed columns."""

    name: str
    scope: Scope
    applies_to: Callable[[Actor], bool]
    case_ids: Callable[[Actor], QuerySet]

    def cases(self, actor: Actor) -> Q:
        """A Q over Case: the cases this ground covers for `actor`."""
        return Q(pk__in=self.case_ids(actor).order_by())


_PERMISSION_IDS: dict[str, int] = {}


def view_case_permission_id() -> int:
    """The id of `cases.view_case`, looked up once per process: the visible-queryset filters
    guardian's rows on it, a plain indexed equality the planner estimates well."""
    try:
        return _PERMISSION_IDS["view_case"]
    except KeyError:
        from django.contrib.auth.models import Permission

        pk = Permission.objects.values_list("pk", flat=True).get(
            codename="view_case", content_type__app_label="cases"
        )
        _PERMISSION_IDS["view_case"] = pk
        return pk


def reset_permission_ids(**kwargs) -> None:
    """After a migrate or flush (post_migrate) the permission rows may have new ids."""
    from django.core.exceptions import ObjectDoesNotExist
    from django.db import DatabaseError

    _PERMISSION_IDS.clear()
    try:
        view_case_permission_id()
    except (ObjectDoesNotExist, DatabaseError):  # a partial or backwards migrate: look it up later
        _PERMISSION_IDS.clear()


def case_directed_by_filter(user) -> Q:
    """A Q over Case: the cases `user` directs as regisseur or accounthouder."""
    return Q(regisseur=user) | Q(accounthouder=user)


def directed_cases_filter(user) -> Q:
    """A Q over Case: the cases `user` directs, as far as visible, without the visibility
    subquery: whoever reads cases at all reads every part of the cases they direct (the
    "director" ground below). Of `id IN (<visible ids>) AND regisseur = me` the planner joined
    a regisseur's 12 cases with the ~2,400 its organisation sees as a nested loop (24 k
    comparisons, 6 to 8 ms a query on the home page)."""
    if not actor_for(user).reads_cases:
        return Q(pk__in=[])
    return case_directed_by_filter(user)


def _case_ids(condition: Q) -> QuerySet:
    from cases.models import Case

    return Case.objects.filter(condition).values("pk")


def _team_cases(actor: Actor) -> QuerySet:
    from cases.models import CaseGroupObjectPermission

    return CaseGroupObjectPermission.objects.filter(
        group_id=actor.group_id, permission_id=view_case_permission_id()
    ).values("content_object_id")


def _supported_cases(actor: Actor) -> QuerySet:
    from cases.models import Programme

    programmes = Programme.team_members.through.objects.filter(user_id=actor.user.pk)
    return _case_ids(
        Q(status__in=SUPPORT_STATUSES, programme_id__in=programmes.values("programme_id"))
    )


#: Every ground, in the order the visible-queryset ORs them. Apps that build on cases add theirs
#: (plans: ITAT and the Expertgroep) with `case_ground_register`.
CASE_GROUNDS: list[Ground] = [
    Ground("team", FULL_SCOPE, lambda actor: actor.group_id is not None, _team_cases),
    Ground(
        "director",
        FULL_SCOPE,
        lambda actor: True,
        lambda actor: _case_ids(case_directed_by_filter(actor.user)),
    ),
    Ground(
        "compile",
        FULL_SCOPE,
        lambda actor: actor.has(CONTRIBUTE) and actor.is_kernpartner,
        lambda actor: _case_ids(Q(status=CaseStatus.BASISDOSSIER)),
    ),
    Ground(
        "assignment",
        FULL_SCOPE,
        lambda actor: actor.has(ASSIGN),
        lambda actor: _case_ids(Q(status__in=PROGRAMME_TEAM_STATUSES)),
    ),
    Ground("support", SUPPORT_SCOPE, lambda actor: actor.has(SUPPORT), _supported_cases),
]


def case_ground_register(ground: Ground) -> None:
    """Add a ground (idempotent, by name): called from an AppConfig.ready()."""
    if all(g.name != ground.name for g in CASE_GROUNDS):
        CASE_GROUNDS.append(ground)


def _grounds(actor: Actor, part: CasePart | str | None, writable: bool) -> list[Ground]:
    return [
        g
        for g in CASE_GROUNDS
        if g.applies_to(actor)
        and (part is None or g.scope.reads(part))
        and not (writable and g.scope.read_only)
    ]


def visible_case_ids(
    user, part: CasePart | str | None = None, *, writable: bool = False
) -> QuerySet | None:
    """The ids of the cases this user may see, as one SQL expression (no Python loop over
    cases): `SELECT ... UNION ALL SELECT ...`, one arm per ground that applies; None when no
    ground applies. With `part`: only the cases of which the user reads that part (e.g. the
    UVOs); with `writable`: only the cases the user may act on (the case team and its
    directors)."""
    actor = actor_for(user)
    if not actor.reads_cases:
        return None
    selects = [g.case_ids(actor).order_by() for g in _grounds(actor, part, writable)]
    if not selects:
        return None
    return selects[0].union(*selects[1:], all=True) if len(selects) > 1 else selects[0]


def visible_case_ids_per_parts(user, parts) -> list[tuple[list[str], QuerySet]]:
    """`visible_case_ids` for several parts at once: the parts the user reads on the same
    grounds share one id set, so a filter over all of them (the notifications a user sees)
    carries one subquery per distinct set, not one per part (a regisseur reads every part but
    health on the same grounds). Parts the user reads on no ground are left out."""
    actor = actor_for(user)
    if not actor.reads_cases:
        return []
    shared: dict[tuple[str, ...], list[str]] = {}
    for part in parts:
        grounds = tuple(g.name for g in _grounds(actor, part, False))
        if grounds:
            shared.setdefault(grounds, []).append(CasePart(part).value)
    return [(names, visible_case_ids(user, names[0])) for names in shared.values()]


def case_visibility_filter(
    user, part: CasePart | str | None = None, *, writable: bool = False, inline_ids: bool = False
) -> Q:
    """A Q over Case: `id IN (<visible_case_ids>)`."""
    return case_scoped_filter(user, "pk", part=part, writable=writable, inline_ids=inline_ids)


def case_scoped_filter(
    user,
    field: str = "case",
    *,
    part: CasePart | str | None = None,
    writable: bool = False,
    inline_ids: bool = False,
) -> Q:
    """A Q over any model with a case foreign key `field`: `case_id IN (<visible_case_ids>)`,
    straight on the foreign key. Not `EXISTS (SELECT FROM case WHERE id = case_id AND id IN
    ...)`: on 1.4 M agreements the planner misjudged that semi-join (a nested loop comparing
    every open agreement with every visible case: 2.4 s for /afspraken/); on the key it probes
    the agreements' case index once per visible case (0.1 s).

    `inline_ids`: the ids are read first (one query) and written into the filter
    (`acvz.query.AnyOf`), for a page of a long list in the order of an indexed column (the
    API's lists). Of a subquery the planner cannot tell whether the user sees 12 cases or
    8,000; it sorted every visible agreement of the police (274 k) to return 100 (0.45 s).
    Knowing the number it walks the order's index when the user sees many (0.4 ms) and
    probes the case key when they see a few."""
    ids = visible_case_ids(user, part, writable=writable)
    if ids is None:
        return Q(pk__in=[])
    if inline_ids:
        return Q(AnyOf(F(field), first_column(ids)))
    return Q(**{f"{field}__in": ids})


def person_visibility_filter(user) -> Q:
    """A Q over Person: persons whose file (a case's overview) is visible; the programme team
    sees all (to register)."""
    from cases.models import Case

    actor = actor_for(user)
    if not actor.reads_cases:
        return Q(pk__in=[])
    if actor.has("cases.register_case"):
        return Q()
    cases = Case.objects.visible_to(user, part=CasePart.OVERVIEW)
    return Q(Exists(cases.filter(person=OuterRef("pk"))))


def person_readable_with_cases(user, *, has_overview_case: bool) -> bool:
    """Whether `user` reads a person's file, given whether one of the person's cases has its
    overview visible to the user: `person_visibility_filter` for one person, with no query
    (the family list links relatives by this)."""
    actor = actor_for(user)
    return actor.reads_cases and (has_overview_case or actor.has("cases.register_case"))


def _on_team(actor: Actor, case) -> bool:
    """Whether the actor's organisation is on the case team now (uses prefetched `team`)."""
    return actor.organisation_id is not None and any(
        m.organisation_id == actor.organisation_id and m.left_on is None for m in case.team.all()
    )


def _full_without_query(actor: Actor, case) -> bool:
    """The FULL grounds that Python can check on the case row itself."""
    return (
        case_is_directed_by(actor.user, case)
        or (
            actor.has(CONTRIBUTE)
            and actor.is_kernpartner
            and case.status == CaseStatus.BASISDOSSIER
        )
        or (actor.has(ASSIGN) and case.status in PROGRAMME_TEAM_STATUSES)
    )


def case_read_scope(user, case) -> Scope:
    """What `user` reads of `case`: NO_SCOPE (404), or a scope with its readable parts.

    Free for the case team (with `team` prefetched) and its directors; otherwise one query that
    evaluates the grounds' own SQL for this case (so it agrees with the visible-queryset),
    remembered on the case object for the rest of the request."""
    actor = actor_for(user)
    if not actor.reads_cases:
        return NO_SCOPE
    if _full_without_query(actor, case):
        return FULL_SCOPE
    remembered = case.__dict__.setdefault("_regie_read_scopes", {})
    key = (user.pk, case.status)
    if key in remembered:
        return remembered[key]
    scope = FULL_SCOPE if _on_team(actor, case) else _scope_by_query(actor, case)
    remembered[key] = scope
    return scope


def _scope_by_query(actor: Actor, case) -> Scope:
    from cases.models import Case

    grounds = _grounds(actor, None, writable=False)
    if not grounds:
        return NO_SCOPE
    names = [f"ground_{i}" for i in range(len(grounds))]
    flags = (
        Case.objects.filter(pk=case.pk)
        .annotate(
            **{
                name: ExpressionWrapper(g.cases(actor), output_field=BooleanField())
                for name, g in zip(names, grounds, strict=True)
            }
        )
        .values_list(*names)
        .first()
    )
    held = [g.scope for g, flag in zip(grounds, flags or (), strict=False) if flag]
    return max(held, key=lambda scope: scope.rank, default=NO_SCOPE)


def case_can_read(user, case, part: CasePart | str) -> bool:
    return case_read_scope(user, case).reads(part)


def case_can_read_health(user, case) -> bool:
    """Section 9 and the GGD screening part of 6: the regisseur, the accounthouder, health
    partners on the team and a health organisation's IVG member while compiling. Every one of
    these reads the case in FULL scope: ITAT, the Expertgroep and the programme team (SUPPORT)
    never read health content."""
    actor = actor_for(user)
    if case_is_directed_by(user, case):
        return True
    if not actor.handles_health or not actor.reads_cases:
        return False
    if case.status == CaseStatus.BASISDOSSIER and actor.has(CONTRIBUTE):
        return True
    return _on_team(actor, case)


def case_is_directed_by(user, case) -> bool:
    """The case's regisseur or its accounthouder (who may stand in)."""
    return user.pk is not None and user.pk in (case.regisseur_id, case.accounthouder_id)


def actor_rule_holds(user, case, rule: ActorRule, permissions: tuple[str, ...]) -> bool:
    """Whether `user` is who a workflow table says may take a transition (cases and plans)."""
    actor = actor_for(user)
    if rule == ActorRule.DIRECTOR:
        return case_is_directed_by(user, case)
    holds_permission = any(actor.has(p) for p in permissions)
    if rule == ActorRule.PERMISSION:
        return holds_permission
    if rule == ActorRule.REGIE_ORGANISATION:
        return holds_permission and actor.organisation_id == case.regie_organisation_id
    raise ValueError(f"Unknown actor rule {rule!r}")


def case_can(user, case, action: str) -> bool:
    """May `user` do `action` to `case`? The case must already be visible to the user. Only a
    writable scope acts: ITAT, the Expertgroep and the programme team's support read only."""
    transition = TRANSITIONS.get(action)
    if transition is not None:
        allowed = case.status in transition.sources and actor_rule_holds(
            user, case, transition.actor, transition.permissions
        )
    elif action == "manage_team":
        allowed = case.status in (CaseStatus.IN_REGIE, CaseStatus.OUTFLOW) and (
            case_is_directed_by(user, case)
        )
    elif action == "follow_minors":
        # Goal 3: the regisseur (or accounthouder standing in) keeps the family's minors in view
        # while the case is directed.
        allowed = case.status in (CaseStatus.IN_REGIE, CaseStatus.OUTFLOW) and (
            case_is_directed_by(user, case)
        )
    elif action == "add_timeline_event":
        allowed = case.status != CaseStatus.CLOSED
    elif action == "advise":
        allowed = case.status == CaseStatus.BASISDOSSIER and actor_for(user).has(CONTRIBUTE)
    else:
        raise ValueError(f"Unknown case action {action!r}")
    return allowed and not case_read_scope(user, case).read_only


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
    if not (actor.has(CONTRIBUTE) and actor.is_kernpartner):
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
