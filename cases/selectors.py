"""Every read of cases beyond a plain `get`, always through the visible-queryset."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce, Concat
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from acvz.formats import short
from acvz.query import row_count
from cases.access import visible_get
from cases.models import (
    AccessLogEntry,
    AccessLogSubject,
    Basisdossier,
    Case,
    CaseTeamMembership,
    ContributionPart,
    DossierContribution,
    DossierSection,
    FamilyRelation,
    Leefgebied,
    MinorWatch,
    OffenceRecord,
    Person,
    Programme,
    TimelineEvent,
    minors_on,
)
from cases.policies import (
    ALL_PARTS,
    CasePart,
    actor_for,
    case_directed_by_filter,
    contribution_is_health,
    directed_cases_filter,
    leefgebied_is_health,
    person_readable_with_cases,
    person_visibility_filter,
)
from cases.workflow import CaseStatus
from partners.models import Organisation


def case_list(*, user, inline_ids: bool = False) -> QuerySet[Case]:
    """The cases this user may see, with what a list row shows. `inline_ids` for a page of the
    whole list (`cases.policies.case_scoped_filter`)."""
    return _as_list_rows(Case.objects.visible_to(user, inline_ids=inline_ids))


def _as_list_rows(cases: QuerySet[Case]) -> QuerySet[Case]:
    """What a row of a case list shows, newest registration first."""
    return cases.select_related("person", "programme", "regie_organisation", "regisseur").order_by(
        "-registered_at", "-pk"
    )


def my_cases(*, user) -> QuerySet[Case]:
    """Open cases the user directs as regisseur or accounthouder (without the visibility
    filter: whoever reads cases reads the cases they direct, `directed_cases_filter`)."""
    return _as_list_rows(
        Case.objects.filter(directed_cases_filter(user)).exclude(status=CaseStatus.CLOSED)
    )


def cases_waiting_for(*, user) -> QuerySet[Case]:
    """Cases whose next step is the user's to take: a dossier to contribute to, a case to
    assign, a regisseur to appoint."""
    actor = actor_for(user)
    waiting = Q(pk__in=[])
    if actor.has("cases.contribute_basisdossier"):
        waiting |= Q(status=CaseStatus.BASISDOSSIER)
    if actor.has("cases.assign_case"):
        waiting |= Q(status__in=[CaseStatus.REGISTERED, CaseStatus.AWAITING_ASSIGNMENT])
    if actor.has("cases.appoint_regisseur") and actor.organisation_id:
        waiting |= Q(status=CaseStatus.ASSIGNED, regie_organisation_id=actor.organisation_id)
    return case_list(user=user).filter(waiting)


def _team_prefetch() -> Prefetch:
    return Prefetch(
        "team",
        queryset=CaseTeamMembership.objects.select_related("organisation", "professional"),
    )


def case_get(*, user, pk, part: CasePart | None = None) -> Case:
    """One visible case with its team; 404 when missing or not visible (the same answer). With
    `part`, 404 too when the user does not read that part of it (`cases.policies.CasePart`)."""
    queryset = (
        Case.objects.visible_to(user, part)
        .select_related("person", "programme", "regie_organisation", "regisseur", "accounthouder")
        .prefetch_related(_team_prefetch())
    )
    return visible_get(queryset, pk=pk)


def case_previous(*, case: Case) -> Case:
    """The earlier case a re-inflow case continues (its history is read from the new one)."""
    return Case.objects.select_related("programme", "person").get(pk=case.previous_case_id)


def case_earlier(*, case: Case, user) -> Case | None:
    """The earlier case of a re-inflow case, when `user` may open it ("eerder in regie");
    None (and no query) for a case without one."""
    if case.previous_case_id is None:
        return None
    return (
        Case.objects.visible_to(user)
        .select_related("programme")
        .filter(pk=case.previous_case_id)
        .first()
    )


def _contributions_prefetch() -> Prefetch:
    return Prefetch(
        "contributions",
        queryset=DossierContribution.objects.select_related("organisation", "author").order_by(
            "part", "organisation__name", "pk"
        ),
    )


def case_dossier(*, case: Case) -> Basisdossier | None:
    """The dossier with its sections and every contribution (organisation, author) in three
    queries. Unredacted: pass each section through `cases.policies.redact_section` before
    showing it."""
    try:
        dossier = (
            Basisdossier.objects.select_related("established_by", "advised_organisation")
            .prefetch_related(
                Prefetch(
                    "sections",
                    queryset=DossierSection.objects.prefetch_related(_contributions_prefetch()),
                )
            )
            .get(case=case)
        )
    except Basisdossier.DoesNotExist:
        return None
    return dossier


def dossier_section(*, case: Case, leefgebied: int) -> DossierSection:
    """One section of the case's dossier with its contributions; 404 when there is none."""
    queryset = DossierSection.objects.select_related("dossier").prefetch_related(
        _contributions_prefetch()
    )
    return get_object_or_404(queryset, dossier__case=case, leefgebied=leefgebied)


def case_timeline(*, case: Case) -> QuerySet[TimelineEvent]:
    return case.timeline.select_related("organisation", "created_by").order_by(
        "-occurred_at", "-pk"
    )


def person_family(*, person: Person, user, today: date | None = None) -> list[FamilyRelation]:
    """The person's relations, each with what the family list shows of the relative: `age`,
    `minor` (computed for `today`), `readable` (whether `user` reads the relative's file) and
    `case` (their open case, else their latest, when `user` reads its overview; else None, with
    no hint that one exists). Two queries whatever the family's size: the relations, and the
    relatives' visible cases."""
    today = today or timezone.localdate()
    relations = list(
        FamilyRelation.objects.filter(person=person)
        .select_related("relative")
        .order_by("kind", "relative__date_of_birth", "pk")
    )
    shown: dict[int, Case] = {}
    if relations:
        visible = (
            Case.objects.visible_to(user, part=CasePart.OVERVIEW)
            .filter(person_id__in=[r.relative_id for r in relations])
            .select_related("programme")
            .order_by("-registered_at", "-pk")
        )
        for case in visible:
            current = shown.get(case.person_id)
            if current is None or (
                current.status == CaseStatus.CLOSED and case.status != CaseStatus.CLOSED
            ):
                shown[case.person_id] = case
    for relation in relations:
        relation.age = relation.relative.age_on(today)
        relation.minor = relation.relative.is_minor_on(today)
        relation.case = shown.get(relation.relative_id)
        relation.readable = person_readable_with_cases(
            user, has_overview_case=relation.case is not None
        )
    return relations


def person_relatives(*, person_id: int) -> QuerySet[Person]:
    """The person's recorded relatives, oldest first (a goal may concern one of them)."""
    return Person.objects.filter(
        pk__in=FamilyRelation.objects.filter(person_id=person_id).values("relative_id")
    ).order_by("date_of_birth", "pk")


def minor_watch_list(*, case: Case) -> QuerySet[MinorWatch]:
    """The case's followed minors: open ones first, newest first (one query)."""
    return case.minor_watches.select_related("relative", "organisation").order_by(
        F("ended_on").desc(nulls_first=True), "-started_on", "-pk"
    )


def minor_watch_candidates(*, case: Case, today: date | None = None) -> QuerySet[Person]:
    """The relatives of the case's person who are minors today and not followed on the case
    now, youngest last."""
    today = today or timezone.localdate()
    return (
        Person.objects.filter(
            minors_on(today),
            pk__in=FamilyRelation.objects.filter(person_id=case.person_id).values("relative_id"),
        )
        .exclude(pk__in=case.minor_watches.filter(ended_on__isnull=True).values("relative_id"))
        .order_by("date_of_birth", "pk")
    )


def person_offences(*, person: Person) -> list[OffenceRecord]:
    return list(person.offences.select_related("source").order_by("-date", "-pk"))


def person_list(*, user) -> QuerySet[Person]:
    return Person.objects.filter(person_visibility_filter(user)).order_by(
        "last_name", "first_name", "pk"
    )


def offence_record_list(*, user) -> QuerySet[OffenceRecord]:
    """The offence records of the persons `user` may see and, for a system that records
    offences, those its own organisation recorded (the police read back, correct and retract
    what they pushed by BSN); `person_visible` says which persons the user may see, for the
    rest the record does not name the person."""
    visible = person_list(user=user)
    actor = actor_for(user)
    pushes = actor.organisation_id is not None and actor.has("cases.add_offencerecord")
    own = Q(source_id=actor.organisation_id) if pushes else Q(pk__in=[])
    return (
        OffenceRecord.objects.filter(Q(person__in=visible) | own)
        .annotate(person_visible=Exists(visible.filter(pk=OuterRef("person_id"))))
        .order_by("-date", "-pk")
    )


def person_get(*, user, pk) -> Person:
    return visible_get(person_list(user=user), pk=pk)


#: How many of an entry's subjects the access log page names.
ACCESS_LOG_SUBJECTS_SHOWN = 10


def access_log_list(
    *,
    username: str = "",
    organisation: Organisation | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    person: str = "",
) -> QuerySet[AccessLogEntry]:
    """The access log, newest first (two queries for a page). Each entry carries its first
    ACCESS_LOG_SUBJECTS_SHOWN subjects (`shown_subjects`) and how many it has
    (`subject_count`): a list page names hundreds of persons, and reading the log is logged
    too, so an entry's subjects are counted, not all rendered ("who read this person" has them
    per person). Dates are whole days in the site's time zone, both ends included."""
    queryset = (
        AccessLogEntry.objects.select_related("user", "organisation")
        .annotate(
            subject_count=row_count(AccessLogSubject.objects.filter(entry=OuterRef("pk")), "entry")
        )
        .prefetch_related(
            Prefetch(
                "subjects",
                # The name is all a row shows of its persons: read as one text, not as a
                # person each (a page names ~400; building them was a third of its time).
                queryset=AccessLogSubject.objects.annotate(
                    person_name=Concat("person__first_name", Value(" "), "person__last_name")
                ).order_by("pk")[:ACCESS_LOG_SUBJECTS_SHOWN],
                to_attr="shown_subjects",
            )
        )
    )
    if username:
        queryset = queryset.filter(user__username=username)
    if person:
        persons = persons_matching(query=person)
        queryset = queryset.filter(
            Exists(AccessLogSubject.objects.filter(entry=OuterRef("pk"), person__in=persons))
        )
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    if date_from is not None:
        queryset = queryset.filter(at__gte=_day_start(date_from))
    if date_to is not None:
        queryset = queryset.filter(at__lt=_day_start(date_to + timedelta(days=1)))
    return queryset.order_by("-at", "-pk")


def persons_matching(*, query: str) -> QuerySet[Person]:
    """Every person (no visibility: for the beheerder's access log and inzage) whose number or
    BSN is the query, or whose name holds each of its words."""
    persons = Person.objects.order_by("last_name", "first_name", "pk")
    query = query.strip()
    if query.isdigit():
        return (
            persons.filter(Q(pk=int(query)) | Q(bsn=query)) if len(query) < 19 else persons.none()
        )
    for word in query.split():
        persons = persons.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return persons


def access_log_of_person(*, person: Person) -> QuerySet[AccessLogEntry]:
    """Who looked at this person: every entry whose subjects include them (also lists,
    searches and refused reads), newest first, each with this person's subjects (the cases)."""
    return (
        AccessLogEntry.objects.filter(
            Exists(AccessLogSubject.objects.filter(entry=OuterRef("pk"), person=person))
        )
        .select_related("user", "organisation")
        .prefetch_related(
            Prefetch(
                "subjects",
                queryset=AccessLogSubject.objects.filter(person=person).order_by("pk"),
                to_attr="person_subjects",
            )
        )
        .order_by("-at", "-pk")
    )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# --- history ------------------------------------------------------------------------------------


@dataclass
class HistoryChange:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    at: datetime
    user: object
    what: str
    action: str
    changes: list[HistoryChange] = field(default_factory=list)


_HIDDEN_FIELDS = {
    "id",
    "version",
    "lock_version",
    "updated_at",
    "case",
    "dossier",
    "person",
    "programme",
    "plan",
    "origin",
    "section",
}


#: What an object's name (its __str__) reads besides its own row, loaded with it.
NAME_NEEDS = {
    "cases.case": ("person", "programme"),
    "plans.plan": ("case__person", "case__programme"),
    "meetings.uvomeeting": ("case__person", "case__programme"),
}


def names_of(model, ids) -> dict[Any, str]:
    """The names of these objects of `model` by id, in one query however many there are
    (a plan's name is its version and its case's: the case, person and programme come with it)."""
    found = model._default_manager.filter(pk__in=ids)
    if needs := NAME_NEEDS.get(model._meta.label_lower):
        found = found.select_related(*needs)
    return {obj.pk: str(obj) for obj in found}


class _Resolver:
    """Names for foreign keys in history rows: one query per related model."""

    def __init__(self, records) -> None:
        wanted: dict[type, set] = {}
        for record in records:
            for f in record.instance_type._meta.concrete_fields:
                if f.is_relation and f.name not in _HIDDEN_FIELDS:
                    value = getattr(record, f.attname)
                    if value is not None:
                        wanted.setdefault(f.related_model, set()).add(value)
        self.names = {model: names_of(model, ids) for model, ids in wanted.items()}

    def display(self, record, model_field) -> str:
        """A field of a historical record in words: a choice's label, a link's name."""
        value = getattr(record, model_field.attname)
        if value in (None, ""):
            return "—"
        if model_field.choices:
            return str(choice_labels(model_field).get(value, value))
        if model_field.is_relation:
            return self.names.get(model_field.related_model, {}).get(value, f"#{value}")
        if isinstance(value, bool):
            return str(_("yes") if value else _("no"))
        if isinstance(value, datetime):
            return short(localtime(value), "SHORT_DATETIME_FORMAT")
        if isinstance(value, date):  # a day, as every page writes it (not ISO)
            return short(value, "SHORT_DATE_FORMAT")
        return str(value)


@functools.cache
def choice_labels(model_field) -> dict:
    """A choice field's value → label (lazy: read in the page's language), built once per
    field: `get_FOO_display` rebuilds it for every value, and a case's history or a person's
    inzage shows thousands."""
    return dict(model_field.flatchoices)


@functools.cache
def _diffed_fields(model) -> tuple:
    """The fields of `model` a history entry compares (not the hidden ones, nor creation times)."""
    return tuple(
        f
        for f in model._meta.concrete_fields
        if f.name not in _HIDDEN_FIELDS and f.name not in ("created_at", "at")
    )


def _entries_for(records, *, label, resolver, restricted_fields=frozenset()) -> list[HistoryEntry]:
    """Turn historical records (all versions of some objects) into readable diffs. Each
    version's values are put in words once, and compared with the version before."""
    entries = []
    previous_by_id: dict[int, dict[str, str]] = {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        previous = previous_by_id.get(record.id)
        action = {"+": _("created"), "~": _("changed"), "-": _("deleted")}[record.history_type]
        shown: dict[str, str] = {}
        changes = []
        for f in _diffed_fields(record.instance_type):
            new = shown[f.name] = resolver.display(record, f)
            old = previous[f.name] if previous is not None else "—"
            if old == new:
                continue
            if f.name in restricted_fields:
                old, new = ("…" if old != "—" else "—"), "…"
            changes.append(HistoryChange(str(f.verbose_name), old, new))
        previous_by_id[record.id] = shown
        if changes or record.history_type != "~":
            entries.append(
                HistoryEntry(
                    record.history_date, record.history_user, label(record), str(action), changes
                )
            )
    return entries


@dataclass
class HistorySource:
    """Historical records of one kind of object, with how to label them."""

    records: list
    label: Callable
    restricted_fields: frozenset = frozenset()


#: Providers of more history on a case, added by apps that build on cases (plans: versions,
#: goals, approvals), each with the part of the case it belongs to: (part, provider). A provider
#: is called as provider(case=..., user=..., can_read_health=...) for readers of its part only.
CASE_HISTORY_SOURCES: list[tuple[CasePart, Callable[..., list[HistorySource]]]] = []


def _case_own_history(
    *, case: Case, can_read_health: bool, parts: frozenset[CasePart]
) -> list[HistorySource]:
    sources = []
    if CasePart.OVERVIEW in parts:
        case_records = list(Case.history.filter(id=case.pk).select_related("history_user"))
        team_records = list(
            CaseTeamMembership.history.filter(case_id=case.pk).select_related("history_user")
        )
        watch_records = list(
            MinorWatch.history.filter(case_id=case.pk).select_related("history_user", "relative")
        )
        sources += [
            HistorySource(case_records, lambda r: str(Case._meta.verbose_name)),
            HistorySource(team_records, lambda r: str(CaseTeamMembership._meta.verbose_name)),
            HistorySource(
                watch_records, lambda r: f"{MinorWatch._meta.verbose_name}: {r.relative}"
            ),
        ]
    if CasePart.DOSSIER in parts:
        dossier_records = list(
            Basisdossier.history.filter(case_id=case.pk).select_related("history_user")
        )
        all_section_records = list(
            DossierSection.history.filter(
                dossier_id__in=[r.id for r in dossier_records]
            ).select_related("history_user")
        )
        leefgebied_of = {r.id: r.leefgebied for r in all_section_records}
        section_records = [
            r
            for r in all_section_records
            if can_read_health or not leefgebied_is_health(r.leefgebied)
        ]
        # Health content (all of 9, every screening) is left out whole for readers without
        # health access: not its text, nor who wrote it or when.
        contribution_records = [
            r
            for r in DossierContribution.history.filter(
                section_id__in=list(leefgebied_of)
            ).select_related("history_user", "organisation")
            if can_read_health
            or not contribution_is_health(leefgebied=leefgebied_of[r.section_id], part=r.part)
        ]
        sources += [
            HistorySource(dossier_records, lambda r: str(Basisdossier._meta.verbose_name)),
            HistorySource(
                section_records, lambda r: f"{r.leefgebied}. {Leefgebied(r.leefgebied).label}"
            ),
            HistorySource(contribution_records, lambda r: _contribution_label(r, leefgebied_of)),
        ]
    return sources


def _contribution_label(record, leefgebied_of: dict[int, int]) -> str:
    leefgebied = leefgebied_of[record.section_id]
    label = f"{leefgebied}. {Leefgebied(leefgebied).label} — {record.organisation}"
    if record.part == ContributionPart.SCREENING:
        label += f" ({ContributionPart(record.part).label})"
    return label


def case_history(
    *, case: Case, user, can_read_health: bool, parts: frozenset[CasePart] = ALL_PARTS
) -> list[HistoryEntry]:
    """Who changed what on this case, newest first: the case, its dossier, its team, and what
    other apps add (plans), each only when the reader reads that part of the case
    (`cases.policies.case_read_scope(...).parts`; ITAT, for one, reads plan and dossier only).

    A fixed number of queries, whatever the length of the history. Health content (section 9
    and every GGD screening) is left out whole for readers without health access.
    """
    sources = _case_own_history(case=case, can_read_health=can_read_health, parts=parts)
    for part, provider in CASE_HISTORY_SOURCES:
        if part in parts:
            sources += provider(case=case, user=user, can_read_health=can_read_health)
    resolver = _Resolver([record for source in sources for record in source.records])
    entries = [
        entry
        for source in sources
        for entry in _entries_for(
            source.records,
            label=source.label,
            resolver=resolver,
            restricted_fields=source.restricted_fields,
        )
    ]
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


# --- a regisseur's caseload, and matching at appointment (issue 16) ------------------------------

#: A regisseur's caseload: the cases they direct now — in regie or flowing out. The one count of
#: a caseload: the handover (`services.caseload_of`) and the matching at appointment use it.
CASELOAD_STATUSES = (CaseStatus.IN_REGIE, CaseStatus.OUTFLOW)


def caseload_filter(*, regisseur=None, prefix: str = "") -> Q:
    """The cases of a regisseur's caseload (`prefix`: the path to the case, e.g. "regie_cases__";
    without a regisseur: the statuses only)."""
    condition = Q(**{f"{prefix}status__in": CASELOAD_STATUSES})
    if regisseur is not None:
        condition &= Q(**{f"{prefix}regisseur": regisseur})
    return condition


def caseload_count() -> Coalesce:
    """An annotation on users: the size of each one's caseload, as a subquery (no join that
    multiplies rows with the permission joins)."""
    return row_count(Case.objects.filter(caseload_filter(), regisseur=OuterRef("pk")), "regisseur")


#: Which expertise of a regisseur answers a leefgebied with content in the basisdossier.
LEEFGEBIED_EXPERTISE: dict[int, tuple[str, ...]] = {
    Leefgebied.POLITIE: ("justice",),
    Leefgebied.OPENSTAANDE_ZAKEN: ("justice",),
    Leefgebied.JURIDISCH_KADER: ("justice",),
    Leefgebied.VERBLIJF: ("residence",),
    Leefgebied.HUISELIJKE_RELATIES: ("domestic", "youth_family"),
    Leefgebied.FINANCIEN: ("finances",),
    Leefgebied.OPLEIDING_WERK: ("work",),
    Leefgebied.SOCIAAL_NETWERK: ("social_network",),
    Leefgebied.HOUDING: ("attitude", "lvb"),
}
#: What health content of the basisdossier (as the policy defines it) calls for.
HEALTH_EXPERTISE = ("health", "addiction", "psychiatry", "lvb")


@dataclass(frozen=True)
class Candidate:
    """A regisseur as the ranking sees them: plain values, no model."""

    user_id: int
    name: str
    style: str = ""
    expertise: frozenset[str] = frozenset()
    languages: tuple[str, ...] = ()
    capacity: int | None = None
    caseload: int = 0


@dataclass(frozen=True)
class CaseNeed:
    """What the case asks of its regisseur: the IVG's advised style and language, and the
    expertise its basisdossier's leefgebieden with content call for."""

    style: str = ""
    expertise: frozenset[str] = frozenset()
    language: str = ""


@dataclass(frozen=True)
class Suggestion:
    candidate: Candidate
    score: int
    style_fits: bool
    expertise: tuple[str, ...]
    language_fits: bool
    full: bool
    over: bool

    @property
    def free(self) -> int | None:
        c = self.candidate
        return None if c.capacity is None else c.capacity - c.caseload


#: The weights of the fit; a full regisseur sinks below every one with room, whatever the fit.
STYLE_WEIGHT = 3
BOTH_STYLES_WEIGHT = 2
LANGUAGE_WEIGHT = 2
EXPERTISE_WEIGHT = 1


def regisseurs_rank(*, candidates: list[Candidate], need: CaseNeed) -> list[Suggestion]:
    """The organisation's regisseurs ordered by fit for a case (pure: no queries).

    Fit: the advised style (3; a regisseur of both styles 2), the advised language (2), and
    one per kind of expertise the case calls for. Regisseurs at or over their capacity come
    after all others. Ties: the lower caseload, then the name, then the id. The ranking only
    orders and explains; the accounthouder chooses."""
    language = need.language.casefold().strip()
    suggestions = []
    for c in candidates:
        style_fits = bool(need.style) and c.style in (need.style, "both")
        hits = tuple(sorted(need.expertise & c.expertise))
        language_fits = bool(language) and language in (x.casefold() for x in c.languages)
        score = len(hits) * EXPERTISE_WEIGHT + LANGUAGE_WEIGHT * language_fits
        if style_fits:
            score += STYLE_WEIGHT if c.style == need.style else BOTH_STYLES_WEIGHT
        full = c.capacity is not None and c.caseload >= c.capacity
        over = c.capacity is not None and c.caseload > c.capacity
        suggestions.append(Suggestion(c, score, style_fits, hits, language_fits, full, over))
    suggestions.sort(
        key=lambda s: (
            s.full,
            -s.score,
            s.candidate.caseload,
            s.candidate.name.casefold(),
            s.candidate.user_id,
        )
    )
    return suggestions


def case_need(*, case: Case, can_read_health: bool) -> CaseNeed:
    """The case's need from its basisdossier: the IVG's advised style and language, and the
    leefgebieden where an organisation wrote something (not "nothing known"). Health content
    counts only for who may read it. One query (the dossier is read with the case)."""
    dossier = getattr(case, "basisdossier", None)
    if dossier is None:
        return CaseNeed()
    with_content = (
        DossierContribution.objects.filter(section__dossier=dossier, nothing_known=False)
        .exclude(text="")
        .values_list("section__leefgebied", "part")
        .distinct()
    )
    expertise: set[str] = set()
    for leefgebied, part in with_content:
        if contribution_is_health(leefgebied=leefgebied, part=part):
            if can_read_health:
                expertise.update(HEALTH_EXPERTISE)
            continue
        expertise.update(LEEFGEBIED_EXPERTISE.get(leefgebied, ()))
    return CaseNeed(
        style=dossier.advised_style,
        expertise=frozenset(expertise),
        language=dossier.advised_language,
    )


def regisseur_suggestions(
    *, case: Case, can_read_health: bool
) -> tuple[CaseNeed, list[Suggestion]]:
    """The regie organisation's regisseurs ranked for the case, each with the reasons. Two
    queries whatever the number of regisseurs: the case's need, and the regisseurs with their
    profile and caseload."""
    from partners.selectors import organisation_regisseurs

    need = case_need(case=case, can_read_health=can_read_health)
    regisseurs = (
        organisation_regisseurs(organisation=case.regie_organisation)
        .select_related("regisseur_profile")
        .annotate(caseload=caseload_count())
    )
    candidates = []
    for user in regisseurs:
        profile = getattr(user, "regisseur_profile", None)
        candidates.append(
            Candidate(
                user_id=user.pk,
                name=str(user),
                style=profile.style if profile else "",
                expertise=frozenset(profile.expertise) if profile else frozenset(),
                languages=tuple(profile.languages) if profile else (),
                capacity=profile.capacity if profile else None,
                caseload=user.caseload,
            )
        )
    return need, regisseurs_rank(candidates=candidates, need=need)


def suggestion_reasons(*, suggestion: Suggestion, need: CaseNeed | None = None) -> list[str]:
    """Why a regisseur is where they are in the ranking, in words, e.g. "style fits:
    network-oriented", "expertise: finances, addiction", "12 of 15 cases"."""
    from partners.models import Expertise, RegisseurStyle

    c = suggestion.candidate
    styles = dict(RegisseurStyle.choices)
    reasons = []
    if suggestion.style_fits:
        reasons.append(_("style fits: %(style)s") % {"style": styles[c.style].lower()})
    elif c.style:
        reasons.append(_("style: %(style)s") % {"style": styles[c.style].lower()})
    else:
        reasons.append(_("style not given"))
    if suggestion.expertise:
        labels = dict(Expertise.choices)
        reasons.append(
            _("expertise: %(list)s")
            % {"list": ", ".join(str(labels[k]).lower() for k in suggestion.expertise)}
        )
    if suggestion.language_fits and need is not None:
        reasons.append(_("speaks %(language)s") % {"language": need.language})
    if c.capacity is None:
        reasons.append(_("%(n)s cases (no capacity given)") % {"n": c.caseload})
    else:
        reasons.append(_("%(n)s of %(capacity)s cases") % {"n": c.caseload, "capacity": c.capacity})
    return reasons


# --- the outflow signal (issue 16) ------------------------------------------------------------


def outflow_signals(*, user, on: date | None = None) -> QuerySet[Case]:
    """The cases in regie whose person no longer meets the programme's inflow criteria
    (`cases.eligibility.cases_no_longer_eligible`), for this user: the cases they direct, and
    for the programme team the cases of the programmes they support; always within what they
    may see. Longest in regie first (pk breaks ties)."""
    from cases.eligibility import cases_no_longer_eligible

    if actor_for(user).has("cases.support_case"):
        supported = Programme.team_members.through.objects.filter(user_id=user.pk)
        cases = Case.objects.visible_to(user).filter(
            case_directed_by_filter(user) | Q(programme_id__in=supported.values("programme_id"))
        )
    else:
        cases = Case.objects.filter(directed_cases_filter(user))  # no visibility subquery
    cases = cases.select_related("person", "programme", "regisseur", "regie_organisation")
    return cases_no_longer_eligible(cases=cases, on=on).order_by("regie_started_at", "pk")
