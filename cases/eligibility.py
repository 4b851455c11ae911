"""A person's eligibility for a programme, computed from the programme's inflow criteria."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import OffenceCategory, OffenceRecord, Person, Programme


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
    start = _years_before(on, programme.period_years)
    counted = OffenceCategory.counted()
    kinds = set(programme.offence_kinds or [])
    if offences is None:
        offences = list(person.offences.filter(date__gte=start, date__lte=on))
    count = sum(
        1
        for o in offences
        if start <= o.date <= on and o.category in counted and (not kinds or o.kind in kinds)
    )
    params = {
        "count": count,
        "min": programme.min_offences,
        "years": programme.period_years,
        "start": start.isoformat(),
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
