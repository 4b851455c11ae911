"""A person's eligibility for a programme, computed from the programme's inflow criteria."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from acvz.formats import dmy
from cases.models import Case, OffenceCategory, OffenceRecord, Person, Programme
from cases.workflow import CaseStatus


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str
    offence_count: int | None = None
    age: int | None = None


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def window_start(programme: Programme, on: date) -> date:
    """The first day whose offences count for `programme` on day `on` (inclusive)."""
    return _years_before(on, programme.period_years)


def born_by_for_age(age: int, on: date) -> date:
    """The latest date of birth of someone at least `age` years old on day `on` (a person born
    on 29 February turns a year older on 1 March in other years, as `Person.age_on` counts)."""
    return _years_before(on, age)


def _counts(offence: OffenceRecord, programme: Programme) -> bool:
    kinds = programme.offence_kinds or []
    return offence.category in OffenceCategory.counted() and (not kinds or offence.kind in kinds)


def programme_eligibility(
    *,
    person: Person,
    programme: Programme,
    on: date | None = None,
    offences: list[OffenceRecord] | None = None,
) -> Eligibility:
    """Whether `person` meets `programme`'s criteria on day `on`, with the reason why (not).

    Pass `offences` (already loaded) to avoid a query.
    """
    on = on or timezone.localdate()
    age = person.age_on(on)
    if programme.min_age is not None and age < programme.min_age:
        return Eligibility(
            False,
            _("age %(age)s is below %(min)s") % {"age": age, "min": programme.min_age},
            age=age,
        )
    if programme.max_age is not None and age > programme.max_age:
        return Eligibility(
            False,
            _("age %(age)s is above %(max)s") % {"age": age, "max": programme.max_age},
            age=age,
        )
    if programme.min_offences is None:
        return Eligibility(True, _("inflow on referral; age %(age)s fits") % {"age": age}, age=age)
    start = window_start(programme, on)
    if offences is None:
        offences = list(person.offences.filter(date__gte=start, date__lte=on))
    count = sum(1 for o in offences if start <= o.date <= on and _counts(o, programme))
    params = {
        "count": count,
        "min": programme.min_offences,
        "years": programme.period_years,
        "start": dmy(start),
    }
    if count < programme.min_offences:
        return Eligibility(
            False,
            _("%(count)s HIC/DG offences since %(start)s; %(min)s needed in %(years)s years")
            % params,
            count,
            age,
        )
    return Eligibility(
        True,
        _("%(count)s HIC/DG offences since %(start)s (at least %(min)s in %(years)s years)")
        % params,
        count,
        age,
    )


# --- the outflow signal: the same rules, set-based ----------------------------------------------


def _qualifying(programme: Programme, on: date) -> QuerySet[OffenceRecord]:
    """The offences of the case's person (OuterRef) that count for `programme`, up to `on`."""
    offences = OffenceRecord.objects.filter(
        person=OuterRef("person_id"), date__lte=on, category__in=OffenceCategory.counted()
    )
    if programme.offence_kinds:
        offences = offences.filter(kind__in=programme.offence_kinds)
    return offences.order_by()


def cases_no_longer_eligible(*, cases: QuerySet[Case], on: date | None = None) -> QuerySet[Case]:
    """The cases in regie among `cases` whose person no longer meets their programme's inflow
    criteria on day `on`: above its maximum age (Top400), below its minimum, or fewer counted
    offences in its window than it asks (no qualifying offence since …). The rule is the one
    `programme_eligibility` applies, as SQL over all cases at once (one query for the
    programmes, then one for the cases), so the signal and the register never disagree.

    Annotates `signal_offences` (counted offences in the window, None without an offence
    criterion), `signal_last_offence` (the last counted offence up to `on`) and
    `signal_too_old` / `signal_too_young`; `outflow_signal_reason` words it."""
    on = on or timezone.localdate()
    offences, last, too_old, too_young, lapsed = [], [], [], [], Q(pk__in=[])
    for programme in Programme.objects.order_by("pk"):
        of = Q(programme_id=programme.pk)
        if programme.max_age is not None:
            old = of & Q(person__date_of_birth__lte=born_by_for_age(programme.max_age + 1, on))
            too_old.append(When(old, then=Value(True)))
            lapsed |= old
        if programme.min_age is not None:
            young = of & Q(person__date_of_birth__gt=born_by_for_age(programme.min_age, on))
            too_young.append(When(young, then=Value(True)))
            lapsed |= young
        if programme.min_offences is None:
            continue
        qualifying = _qualifying(programme, on)
        count = Subquery(
            qualifying.filter(date__gte=window_start(programme, on))
            .values("person_id")
            .annotate(n=Count("*"))
            .values("n"),
            output_field=IntegerField(),
        )
        offences.append(When(of, then=Coalesce(count, 0)))
        last.append(When(of, then=Subquery(qualifying.order_by("-date").values("date")[:1])))
        lapsed |= of & Q(signal_offences__lt=programme.min_offences)
    none = Value(None)
    return (
        cases.filter(status=CaseStatus.IN_REGIE)
        .annotate(
            signal_offences=models.Case(*offences, default=none, output_field=IntegerField())
            if offences
            else Value(None, output_field=IntegerField()),
            signal_last_offence=models.Case(*last, default=none) if last else none,
            signal_too_old=models.Case(*too_old, default=Value(False)) if too_old else Value(False),
            signal_too_young=models.Case(*too_young, default=Value(False))
            if too_young
            else Value(False),
        )
        .filter(lapsed)
    )


def outflow_signal_reason(case: Case, *, on: date | None = None) -> str:
    """Why a case from `cases_no_longer_eligible` no longer meets the criteria, in words."""
    on = on or timezone.localdate()
    programme = case.programme
    if case.signal_too_old:
        return _("older than %(max)s (age %(age)s)") % {
            "max": programme.max_age,
            "age": case.person.age_on(on),
        }
    if case.signal_too_young:
        return _("younger than %(min)s") % {"min": programme.min_age}
    params = {
        "count": case.signal_offences,
        "min": programme.min_offences,
        "years": programme.period_years,
        "start": dmy(window_start(programme, on)),
    }
    if case.signal_last_offence is None:
        return _("no qualifying offence; %(min)s needed in %(years)s years") % params
    params["last"] = dmy(case.signal_last_offence)
    if not case.signal_offences:
        return _("no qualifying offence since %(last)s; %(min)s needed in %(years)s years") % params
    return (
        ngettext(
            "%(count)s qualifying offence since %(start)s, %(min)s needed in %(years)s years "
            "(the last on %(last)s)",
            "%(count)s qualifying offences since %(start)s, %(min)s needed in %(years)s years "
            "(the last on %(last)s)",
            case.signal_offences,
        )
        % params
    )
