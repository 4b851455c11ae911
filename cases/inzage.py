"""AVG inzage (art. 15): everything stored about one person, for the beheerder to hand over —
the person, family relations, offence records, every case with its status changes, team,
timeline, basisdossier and contributions, plans with goals, ITAT advice and evaluations,
expert-group questions, UVOs with attendees and agreements; who read the person's file (the
access log) and to whom data were disclosed (the disclosure register).

Read by the beheerder only (`cases.export_person_data`); the readable page is logged as a
read of the person, the JSON download as an export, and handing it over is a disclosure to
the person concerned (AVG art. 15).

Need-to-know holds here too: health content (the health section 9, the GGD screening, health
goals with their advice and evaluation results) is read only by those the rules name — the
beheerder is not one of them, whatever their organisation (the responsible organisation's
reading of its health goal is for its work on the case). So it is withheld from the page and
the file, each item marked as withheld and counted (`health_withheld`), for the regisseur of
the case to add."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.encoding import force_str

from cases.access import page_label
from cases.disclosure import disclosures_of
from cases.models import AccessLogEntry, AccessLogSubject, Case, MinorWatch, Person
from cases.policies import contribution_is_health, leefgebied_is_health
from cases.selectors import choice_labels, names_of
from plans.policies import goal_is_health

#: Fields never handed over: internal keys of the software, not data about the person.
SKIPPED_FIELDS = frozenset({"fingerprint", "message_id"})
#: Linked objects shown by their name; any other link by its id (a goal's or a question's name
#: is its text, which may be health content or belong to another part).
NAMED_LINKS = frozenset(
    {
        "partners.user",
        "partners.organisation",
        "cases.programme",
        "cases.person",
        "cases.case",
        "cases.legalbasis",
        "plans.plan",
        "plans.itatmeeting",
        "meetings.uvomeeting",
    }
)


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _named_links(model) -> list:
    return [
        f
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model._meta.label_lower in NAMED_LINKS
    ]


class _Names:
    """The names of the objects the record links to, loaded in one query per kind of object
    (a user, an organisation, a case …) after all rows are read: the record's query count does
    not grow with the number of its rows."""

    def __init__(self) -> None:
        self.wanted: dict[str, set[int]] = defaultdict(set)
        self.names: dict[tuple[str, Any], str] = {}

    def want(self, rows: Iterable[models.Model]) -> None:
        for row in rows:
            for field in _named_links(type(row)):
                value = getattr(row, field.attname)
                if value is not None:
                    self.wanted[field.related_model._meta.label_lower].add(value)

    def load(self) -> None:
        for label, ids in self.wanted.items():
            named = names_of(apps.get_model(label), ids)
            self.names.update({(label, pk): name for pk, name in named.items()})
        self.wanted.clear()

    def fields(self, obj: models.Model) -> dict[str, Any]:
        """The object's own fields by their (English) verbose names: choices as their label,
        links to other objects as their name (or their id)."""
        out: dict[str, Any] = {"id": obj.pk}
        names = self.names
        for name, attname, link, choices in _field_plan(type(obj)):
            value = getattr(obj, attname)
            if link is not None:
                if value is not None:
                    value = names.get((link, value), value)
            elif choices is not None:
                # As get_FOO_display, without rebuilding the choices for every value.
                value = force_str(choices.get(value, value), strings_only=True)
            out[name] = _value(value)
        return out


@functools.cache
def _field_plan(model) -> tuple[tuple[str, str, str | None, dict | None], ...]:
    """How `_Names.fields` reads a model: each handed-over field's name and attribute, the kind
    of object a named link is to, and a choice field's labels (lazy). Worked out once per model:
    `get_FOO_display` rebuilds its choices for every value, and an inzage has thousands."""
    plan = []
    for field in model._meta.concrete_fields:
        if field.name in SKIPPED_FIELDS or field.name == "id":
            continue
        link = choices = None
        if field.is_relation:
            label = field.related_model._meta.label_lower
            link = label if label in NAMED_LINKS else None
        elif field.choices:
            choices = choice_labels(field)
        plan.append((str(field.name), field.attname, link, choices))
    return tuple(plan)


WITHHELD = "withheld: health content (need-to-know), added by the regisseur of the case"


class _Reader:
    """Withholds the health content of a case (see the module's docstring) and counts it."""

    def __init__(self, names: _Names) -> None:
        self.names = names
        self.withheld = 0

    def hold(self, kept: dict[str, Any]) -> dict[str, Any]:
        self.withheld += 1
        return {**kept, "content": WITHHELD}

    def section(self, section, contributions) -> dict[str, Any]:
        if leefgebied_is_health(section.leefgebied):
            return self.hold({"id": section.pk, "leefgebied": section.get_leefgebied_display()})
        return {
            **self.names.fields(section),
            "contributions": [
                self.hold({"id": c.pk, "part": c.get_part_display()})
                if contribution_is_health(leefgebied=section.leefgebied, part=c.part)
                else self.names.fields(c)
                for c in contributions
            ],
        }

    def goal(self, goal) -> dict[str, Any]:
        if goal_is_health(goal):
            return self.hold({"id": goal.pk, "leefgebied": goal.get_leefgebied_display()})
        return self.names.fields(goal)

    def about_goal(self, row) -> dict[str, Any]:
        """An ITAT advice, an evaluation result, a goal's progress or an amendment: health
        content when its goal is."""
        if row.goal_id is not None and goal_is_health(row.goal):
            return self.hold({"id": row.pk, "goal": row.goal_id})
        return self.names.fields(row)


class _Rows:
    """Every row of the person's cases, one query per kind of row, grouped by what they belong
    to (`by`: the case, the plan, the section …)."""

    def __init__(self, names: _Names) -> None:
        self.names = names

    def of(self, queryset, by: str, *related: str) -> dict[Any, list]:
        grouped: dict[Any, list] = defaultdict(list)
        # Only the links asked for: select_related() without names would follow every
        # non-null foreign key (the case, its person and programme, the users …).
        rows = list(queryset.select_related(*related) if related else queryset)
        self.names.want(rows)
        for row in rows:
            grouped[getattr(row, by)].append(row)
        return grouped


def _cases(cases: list[Case], names: _Names) -> list[dict[str, Any]]:
    from cases.models import (
        Basisdossier,
        CaseStatusChange,
        CaseTeamMembership,
        DossierContribution,
        DossierSection,
        TimelineEvent,
    )
    from meetings.models import Agreement, UvoAttendee, UvoCadence, UvoMeeting
    from plans.models import (
        Evaluation,
        ExpertGroupReferral,
        GoalEvaluation,
        GoalProgress,
        ItatAdvice,
        Plan,
        PlanAmendment,
        PlanGoal,
        PlanStatusChange,
    )

    rows = _Rows(names)
    ids = [case.pk for case in cases]
    names.want(cases)
    status_changes = rows.of(
        CaseStatusChange.objects.filter(case__in=ids).order_by("at", "pk"), "case_id"
    )
    team = rows.of(CaseTeamMembership.objects.filter(case__in=ids).order_by("pk"), "case_id")
    timeline = rows.of(TimelineEvent.objects.filter(case__in=ids).order_by("pk"), "case_id")
    dossiers = rows.of(Basisdossier.objects.filter(case__in=ids), "case_id")
    sections = rows.of(
        DossierSection.objects.filter(dossier__case__in=ids).order_by("pk"), "dossier_id"
    )
    contributions = rows.of(
        DossierContribution.objects.filter(section__dossier__case__in=ids).order_by("pk"),
        "section_id",
    )
    plans = rows.of(Plan.objects.filter(case__in=ids).order_by("version"), "case_id")
    goals = rows.of(PlanGoal.objects.filter(plan__case__in=ids).order_by("pk"), "plan_id")
    progress = rows.of(
        GoalProgress.objects.filter(goal__plan__case__in=ids).order_by("pk"), "goal_id", "goal"
    )
    amendments = rows.of(
        PlanAmendment.objects.filter(plan__case__in=ids).order_by("pk"), "plan_id", "goal"
    )
    plan_changes = rows.of(
        PlanStatusChange.objects.filter(plan__case__in=ids).order_by("at", "pk"), "plan_id"
    )
    advice = rows.of(
        ItatAdvice.objects.filter(plan__case__in=ids).order_by("pk"), "plan_id", "goal"
    )
    evaluations = rows.of(Evaluation.objects.filter(plan__case__in=ids).order_by("pk"), "plan_id")
    results = rows.of(
        GoalEvaluation.objects.filter(evaluation__plan__case__in=ids).order_by("pk"),
        "evaluation_id",
        "goal",
    )
    questions = rows.of(ExpertGroupReferral.objects.filter(case__in=ids).order_by("pk"), "case_id")
    cadences = rows.of(UvoCadence.objects.filter(case__in=ids), "case_id")
    meetings = rows.of(
        UvoMeeting.objects.filter(case__in=ids).order_by("planned_at", "pk"), "case_id"
    )
    attendees = rows.of(
        UvoAttendee.objects.filter(meeting__case__in=ids).order_by("pk"), "meeting_id"
    )
    agreements = rows.of(Agreement.objects.filter(case__in=ids).order_by("pk"), "case_id")
    names.load()

    fields = names.fields
    out = []
    for case in cases:
        reader = _Reader(names)
        data = fields(case)
        data["status_changes"] = [fields(c) for c in status_changes[case.pk]]
        data["team"] = [fields(m) for m in team[case.pk]]
        data["timeline"] = [fields(e) for e in timeline[case.pk]]
        for dossier in dossiers[case.pk]:
            data["basisdossier"] = {
                **fields(dossier),
                "sections": [
                    reader.section(section, contributions[section.pk])
                    for section in sections[dossier.pk]
                ],
            }
        data["plans"] = [
            {
                **fields(plan),
                "goals": [reader.goal(g) for g in goals[plan.pk]],
                "goal_progress": [
                    reader.about_goal(step) for g in goals[plan.pk] for step in progress[g.pk]
                ],
                "amendments": [reader.about_goal(a) for a in amendments[plan.pk]],
                "status_changes": [fields(c) for c in plan_changes[plan.pk]],
                "itat_advice": [reader.about_goal(a) for a in advice[plan.pk]],
                "evaluations": [
                    {**fields(e), "results": [reader.about_goal(r) for r in results[e.pk]]}
                    for e in evaluations[plan.pk]
                ],
            }
            for plan in plans[case.pk]
        ]
        data["expert_group_questions"] = [fields(r) for r in questions[case.pk]]
        cadence = cadences[case.pk]
        data["uvo_cadence"] = fields(cadence[0]) if cadence else None
        data["uvo_meetings"] = [
            {**fields(m), "attendees": [fields(a) for a in attendees[m.pk]]}
            for m in meetings[case.pk]
        ]
        data["agreements"] = [fields(a) for a in agreements[case.pk]]
        data["health_withheld"] = reader.withheld
        out.append(data)
    return out


def person_record(person: Person, *, user) -> dict[str, Any]:
    """Everything stored about the person that `user` may read, as plain data (JSON-ready);
    health content `user` may not read is marked withheld and counted per case. The number of
    queries does not depend on how much is stored (tests/cases/test_query_counts.py)."""
    names = _Names()
    # Who read the person: a row per logged read, for years of reads (hundreds to thousands);
    # read as values, the users and organisations named with the record's other names.
    accessed = list(
        AccessLogSubject.objects.filter(person=person)
        .order_by("-entry__at", "-entry_id")
        .values_list(
            "entry__at",
            "entry__user_id",
            "entry__organisation_id",
            "entry__channel",
            "entry__action",
            "entry__outcome",
            "entry__path",
            "case_id",
        )
    )
    names.wanted["partners.user"].update(row[1] for row in accessed if row[1] is not None)
    names.wanted["partners.organisation"].update(row[2] for row in accessed if row[2] is not None)
    relations = list(person.relations.select_related("relative").order_by("pk"))
    offences = list(person.offences.order_by("date"))
    # Followed as a minor relative of someone's case (goal 3): by whom, when, the notes; not
    # the case, which is the relative's.
    followed = list(
        MinorWatch.objects.filter(relative=person)
        .select_related("organisation")
        .order_by("started_on", "pk")
    )
    names.want([person, *relations, *offences])
    cases = _cases(list(Case.objects.filter(person=person).order_by("registered_at")), names)
    channels, actions, outcomes = (
        choice_labels(AccessLogEntry._meta.get_field(name))
        for name in ("channel", "action", "outcome")
    )
    return {
        "generated_at": _value(timezone.now()),
        "person": names.fields(person),
        "family": [{**names.fields(r), "relative": str(r.relative)} for r in relations],
        "offences": [names.fields(o) for o in offences],
        "followed_as_minor": [
            {
                "organisation": str(w.organisation),
                "started_on": _value(w.started_on),
                "ended_on": _value(w.ended_on),
                "note": w.note,
                "ended_reason": w.ended_reason,
            }
            for w in followed
        ],
        "cases": cases,
        "accessed_by": [
            {
                "at": _value(at),
                "user": names.names.get(("partners.user", user_id), ""),
                "organisation": names.names.get(("partners.organisation", organisation_id), ""),
                "channel": force_str(channels.get(channel, channel)),
                "action": force_str(actions.get(action, action)),
                "outcome": force_str(outcomes.get(outcome, outcome)),
                "page": page_label(path),
                "case": case_id,
            }
            for at, user_id, organisation_id, channel, action, outcome, path, case_id in accessed
        ],
        "disclosed_to": [
            {
                "at": _value(d.at),
                "channel": d.channel_label,
                "recipient": d.recipient,
                "what": d.what,
                "basis": d.basis,
                "case": d.case_id,
            }
            for d in disclosures_of(person)
        ],
    }
