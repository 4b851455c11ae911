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

from datetime import date, datetime
from typing import Any

from django.db import models
from django.utils import timezone

from cases.disclosure import disclosures_of
from cases.models import AccessLogSubject, Case, Person
from cases.policies import contribution_is_health, leefgebied_is_health

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
    if isinstance(value, models.Model):
        return str(value)
    return value


def fields(obj: models.Model) -> dict[str, Any]:
    """The object's own fields by their (English) verbose names: choices as their label, links
    to other objects as their name."""
    out: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in SKIPPED_FIELDS or field.name == "id":
            continue
        if field.is_relation:
            if getattr(obj, field.attname) is None:
                value = None
            elif field.related_model._meta.label_lower in NAMED_LINKS:
                value = getattr(obj, field.name)
            else:
                value = getattr(obj, field.attname)
        elif field.choices:
            value = getattr(obj, f"get_{field.name}_display")()
        else:
            value = getattr(obj, field.attname)
        out[str(field.name)] = _value(value)
    return {"id": obj.pk, **out}


WITHHELD = "withheld: health content (need-to-know), added by the regisseur of the case"


class _Reader:
    """Withholds the health content of one case (see the module's docstring) and counts it."""

    def __init__(self) -> None:
        self.withheld = 0

    def hold(self, kept: dict[str, Any]) -> dict[str, Any]:
        self.withheld += 1
        return {**kept, "content": WITHHELD}

    def goal_readable(self, goal) -> bool:
        from plans.policies import goal_is_health

        return not goal_is_health(goal)

    def section(self, section) -> dict[str, Any]:
        if leefgebied_is_health(section.leefgebied):
            return self.hold({"id": section.pk, "leefgebied": section.get_leefgebied_display()})
        return {
            **fields(section),
            "contributions": [
                self.hold({"id": c.pk, "part": c.get_part_display()})
                if contribution_is_health(leefgebied=section.leefgebied, part=c.part)
                else fields(c)
                for c in section.contributions.select_related("organisation", "author").order_by(
                    "pk"
                )
            ],
        }

    def goal(self, goal) -> dict[str, Any]:
        if not self.goal_readable(goal):
            return self.hold({"id": goal.pk, "leefgebied": goal.get_leefgebied_display()})
        return fields(goal)

    def advice(self, advice) -> dict[str, Any]:
        if advice.goal_id is not None and not self.goal_readable(advice.goal):
            return self.hold({"id": advice.pk, "goal": advice.goal_id})
        return fields(advice)

    def result(self, result) -> dict[str, Any]:
        if not self.goal_readable(result.goal):
            return self.hold({"id": result.pk, "goal": result.goal_id})
        return fields(result)


def _case(case: Case) -> dict[str, Any]:
    reader = _Reader()
    data = fields(case)
    data["status_changes"] = [fields(c) for c in case.status_changes.order_by("at", "pk")]
    data["team"] = [
        fields(m) for m in case.team.select_related("organisation", "professional").order_by("pk")
    ]
    data["timeline"] = [
        fields(e) for e in case.timeline.select_related("organisation", "created_by").order_by("pk")
    ]
    dossier = getattr(case, "basisdossier", None)
    if dossier is not None:
        data["basisdossier"] = {
            **fields(dossier),
            "sections": [reader.section(section) for section in dossier.sections.order_by("pk")],
        }
    data["plans"] = [
        {
            **fields(plan),
            "goals": [
                reader.goal(g)
                for g in plan.goals.select_related(
                    "responsible_organisation", "professional", "committed_by"
                ).order_by("pk")
            ],
            "status_changes": [fields(c) for c in plan.status_changes.order_by("at", "pk")],
            "itat_advice": [
                reader.advice(a) for a in plan.advice.select_related("goal").order_by("pk")
            ],
            "evaluations": [
                {
                    **fields(e),
                    "results": [
                        reader.result(r) for r in e.results.select_related("goal").order_by("pk")
                    ],
                }
                for e in plan.evaluations.order_by("pk")
            ],
        }
        for plan in case.plans.order_by("version")
    ]
    data["expert_group_questions"] = [fields(r) for r in case.expert_referrals.order_by("pk")]
    cadence = getattr(case, "uvo_cadence", None)
    data["uvo_cadence"] = fields(cadence) if cadence is not None else None
    data["uvo_meetings"] = [
        {**fields(m), "attendees": [fields(a) for a in m.attendees.order_by("pk")]}
        for m in case.uvo_meetings.order_by("planned_at", "pk")
    ]
    data["agreements"] = [
        fields(a)
        for a in case.agreements.select_related("owner_organisation", "owner_person").order_by("pk")
    ]
    data["health_withheld"] = reader.withheld
    return data


def person_record(person: Person, *, user) -> dict[str, Any]:
    """Everything stored about the person that `user` may read, as plain data (JSON-ready);
    health content `user` may not read is marked withheld and counted per case."""
    accessed = (
        AccessLogSubject.objects.filter(person=person)
        .select_related("entry__user", "entry__organisation")
        .order_by("-entry__at", "-entry_id")
    )
    return {
        "generated_at": _value(timezone.now()),
        "person": fields(person),
        "family": [
            {**fields(r), "relative": str(r.relative)}
            for r in person.relations.select_related("relative").order_by("pk")
        ],
        "offences": [fields(o) for o in person.offences.select_related("source").order_by("date")],
        "cases": [
            _case(case)
            for case in Case.objects.filter(person=person)
            .select_related("programme", "regie_organisation", "regisseur", "accounthouder")
            .order_by("registered_at")
        ],
        "accessed_by": [
            {
                "at": _value(s.entry.at),
                "user": str(s.entry.user),
                "organisation": str(s.entry.organisation or ""),
                "channel": s.entry.get_channel_display(),
                "action": s.entry.get_action_display(),
                "outcome": s.entry.get_outcome_display(),
                "page": s.entry.page_label,
                "case": s.case_id,
            }
            for s in accessed
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
