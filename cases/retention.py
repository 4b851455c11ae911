"""Retention: a closed case is anonymised once its retention period has passed (the covenant:
"after the retention period a closed case is anonymised").

The period is the programme's `retention_years`, else REGIE_RETENTION_YEARS (default 5), counted
from the day the case was closed. When it has passed:
- the case's free text is removed, in every app and in the history of each of those objects
  (what `SCRUB` lists): outflow reasons, dossier contributions, plan analyses and goals, advice,
  evaluations, questions to the Expertgroep, budget requests and payees, UVO minutes,
  agreements, timeline descriptions, status-change reasons, the names in notifications;
- once every case of the person is anonymised, the person is too: the name is replaced, the date
  of birth becomes 1 January of its year, BSN, address and contact details are removed (also in
  the history), family links are removed, offence records lose their description and the
  partner's reference, and the searches of the access log that led to them lose their words;
- what figures are made of stays: the case with its programme, statuses and dates, the team,
  offence records by date and kind, plan versions and their statuses, UVOs and agreements by date
  and status. The access log and the disclosure register keep their rows (who, when, which
  case), now pointing at an anonymous person.

`anonymise_due(dry_run=True)` lists what would change; the daily task runs it for real.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import date, datetime

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from cases.models import AccessLogEntry, AccessLogSubject, Case, FamilyRelation, Person
from cases.workflow import CaseStatus

logger = logging.getLogger(__name__)

#: model label → (the lookup from that model to its case, the fields emptied). The same lookup
#: and fields apply to the model's history.
SCRUB: dict[str, tuple[str, tuple[str, ...]]] = {
    "cases.Case": ("pk", ("outflow_reason", "receiving_organisation", "handover_note")),
    "cases.CaseStatusChange": ("case", ("reason",)),
    "cases.TimelineEvent": ("case", ("description",)),
    "cases.Basisdossier": ("case", ("ivg_advice", "advised_language")),
    "cases.DossierContribution": ("section__dossier__case", ("text",)),
    "cases.MinorWatch": ("case", ("note", "ended_reason")),
    "plans.Plan": ("case", ("analysis",)),
    "plans.PlanGoal": ("plan__case", ("goal", "interventions", "commitment_reason")),
    "plans.PlanStatusChange": ("plan__case", ("reason",)),
    "plans.ItatAdvice": ("plan__case", ("text",)),
    "plans.ExpertGroupReferral": ("case", ("question", "advice")),
    "plans.Evaluation": ("plan__case", ("summary",)),
    "plans.GoalEvaluation": ("evaluation__plan__case", ("explanation",)),
    "plans.GoalProgress": ("goal__plan__case", ("note",)),
    "plans.PlanAmendment": ("plan__case", ("reason",)),
    "plans.PlanReview": ("case", ("note",)),
    "plans.Application": ("goal__plan__case", ("body", "note")),
    "plans.BudgetRequest": ("case", ("description", "provisions_checked", "decision_reason")),
    "plans.BudgetPayment": ("request__case", ("payee",)),
    "meetings.Escalation": ("case", ("question", "decision")),
    "meetings.EscalationStep": ("escalation__case", ("text",)),
    "meetings.UvoCadence": ("case", ("reason",)),
    "meetings.UvoMeeting": ("case", ("place", "cancel_reason", "minutes")),
    "meetings.UvoAttendee": ("meeting__case", ("name",)),
    "meetings.Agreement": ("case", ("description", "status_note")),
    "meetings.Notification": ("case", ("message",)),
}
#: The person's own fields: emptied (the name and date of birth are replaced, see `_person`).
PERSON_FIELDS = ("bsn", "address", "postcode", "city", "phone", "email")
ANONYMOUS_FIRST_NAME = "Geanonimiseerd"


def retention_years(case: Case) -> int:
    return case.programme.retention_years or settings.REGIE_RETENTION_YEARS


def _add_years(moment: datetime, years: int) -> date:
    day = timezone.localtime(moment).date()
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def due_on(case: Case) -> date | None:
    """The day the case's content is removed: its retention period after closing."""
    if case.closed_at is None:
        return None
    return _add_years(case.closed_at, retention_years(case))


@dataclasses.dataclass
class Due:
    cases: list[Case]
    persons: list[Person]

    @property
    def rows(self) -> dict[str, int]:
        """Model label → rows that lose content (live rows; their history besides): one count
        per model, so only for the dry run's list."""
        ids = {case.pk for case in self.cases}
        return {
            label: _queryset(label, lookup, ids).count() for label, (lookup, _f) in SCRUB.items()
        }


def _closed_long_enough(today: date) -> models.Q:
    """A first cut in SQL (one query for the programmes): closed at least each programme's
    period ago, with two days to spare (29 February); `due_on` decides exactly."""
    from datetime import timedelta

    from cases.models import Programme

    cut = models.Q(pk__in=[])
    for programme in Programme.objects.only("pk", "retention_years"):
        years = programme.retention_years or settings.REGIE_RETENTION_YEARS
        try:
            day = today.replace(year=today.year - years)
        except ValueError:  # 29 February
            day = today.replace(year=today.year - years, day=28)
        before = timezone.make_aware(datetime.combine(day + timedelta(days=2), datetime.min.time()))
        cut |= models.Q(programme_id=programme.pk, closed_at__lt=before)
    return cut


def due(*, today: date | None = None) -> Due:
    """What the retention period has passed for, and not yet anonymised: three queries."""
    today = today or timezone.localdate()
    closed = (
        Case.objects.filter(status=CaseStatus.CLOSED, anonymised_at__isnull=True)
        .filter(_closed_long_enough(today))
        .select_related("programme", "person")
        .order_by("closed_at", "pk")
    )
    cases = [case for case in closed if (day := due_on(case)) is not None and day <= today]
    ids = {case.pk for case in cases}
    candidates = {
        case.person_id: case.person for case in cases if case.person.anonymised_at is None
    }
    # A person keeps their name while any other case of theirs is not anonymised.
    kept = (
        set(
            Case.objects.filter(person__in=candidates, anonymised_at__isnull=True)
            .exclude(pk__in=ids)
            .values_list("person_id", flat=True)
        )
        if candidates
        else set()
    )
    persons = [person for pk, person in candidates.items() if pk not in kept]
    return Due(cases=cases, persons=persons)


def _queryset(label: str, lookup: str, case_ids, *, history: bool = False) -> models.QuerySet:
    model = apps.get_model(label)
    if history:
        model = model.history.model
        if lookup == "pk":
            return model.objects.filter(id__in=case_ids)
    return model._default_manager.filter(**{f"{lookup}__in": case_ids})


def _scrub_cases(case_ids: set[int], now: datetime) -> None:
    for label, (lookup, fields) in SCRUB.items():
        blank = dict.fromkeys(fields, "")
        _queryset(label, lookup, case_ids).update(**blank)
        if hasattr(apps.get_model(label), "history"):
            _queryset(label, lookup, case_ids, history=True).update(**blank)
    Case.objects.filter(pk__in=case_ids).update(anonymised_at=now)


def _person(person: Person, now: datetime) -> None:
    replaced = {
        "first_name": ANONYMOUS_FIRST_NAME,
        "last_name": f"persoon {person.pk}",
        "date_of_birth": person.date_of_birth.replace(month=1, day=1),
        "bsn": None,
        **{name: "" for name in PERSON_FIELDS if name != "bsn"},
    }
    Person.objects.filter(pk=person.pk).update(**replaced, anonymised_at=now)
    Person.history.model.objects.filter(id=person.pk).update(**replaced)
    FamilyRelation.objects.filter(
        models.Q(person_id=person.pk) | models.Q(relative_id=person.pk)
    ).delete()
    offences = apps.get_model("cases.OffenceRecord")
    for model in (offences, offences.history.model):
        model.objects.filter(person_id=person.pk).update(description="", external_id=None)
    # The access log is append-only; only the retention run may empty the words of a search
    # that found this person (a name typed in a search box is the person's name).
    entries = AccessLogSubject.objects.filter(person_id=person.pk).values("entry_id")
    models.QuerySet(model=AccessLogEntry).filter(pk__in=entries).exclude(query="").update(query="")


def anonymise_due(*, dry_run: bool = False, today: date | None = None) -> Due:
    """Anonymise what is due (see the module's docstring); with `dry_run` change nothing and
    return what would change."""
    found = due(today=today)
    if dry_run or not (found.cases or found.persons):
        return found
    now = timezone.now()
    with transaction.atomic():
        _scrub_cases({case.pk for case in found.cases}, now)
        for person in found.persons:
            _person(person, now)
    logger.info(
        "retention: %s cases and %s persons anonymised", len(found.cases), len(found.persons)
    )
    return found
