"""The programmes' figures, for the programme team: the flow (registrations, regie starts and
closings per month), where the cases are now (per status, per regie organisation, caseload per
regisseur), how long it takes from registration to an approved plan, ITAT's throughput per week,
the partners that decline commitments or miss agreements most (the report's second
recommendation: understand the barriers) — and the outcomes the city is judged on: arrests,
summonses and HIC/DG offences per person-year in the two years before regie, during regie and
after outflow, per programme and inflow cohort, and the persistent group.

Need-to-know: the figures count cases the viewer may not read (closed ones, other programmes);
a count of fewer than `REGIE_SMALL_GROUP` (default 5) cases or persons is shown as "< 5", and a
figure derived from so few (a median, a rate) is not shown at all (cases.figures). No person is
named. The scope narrows every table to a programme and/or a regie organisation.

Queries: a fixed number (one per table), whatever the number of cases."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.figures import Cell, Table, count, derived, outcomes, small_group
from cases.models import Case, MinorWatch, Programme
from cases.workflow import CaseStatus
from meetings.models import Agreement, AgreementStatus
from partners.models import Organisation
from plans.models import PlanGoal, PlanStatusChange
from plans.workflow import Commitment, PlanStatus


@dataclass
class Period:
    start: date  # first day of the first month
    end: date  # last day

    @property
    def months(self) -> list[date]:
        out, day = [], self.start
        while day <= self.end:
            out.append(day)
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        return out

    def bounds(self) -> tuple[datetime, datetime]:
        zone = timezone.get_current_timezone()
        start = datetime.combine(self.start, datetime.min.time(), tzinfo=zone)
        end = datetime.combine(self.end + timedelta(days=1), datetime.min.time(), tzinfo=zone)
        return start, end


def default_period(today: date | None = None) -> Period:
    """The last twelve months, this one included."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    start = first.replace(year=first.year - 1)
    start = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return Period(start, today)


# --- the flow and where the cases are -----------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Which cases the figures count: a programme, a regie organisation, or all."""

    programme: Programme | None = None
    organisation: Organisation | None = None

    def cases(self, prefix: str = "") -> Q:
        """The scope as a filter, from a model whose path to the case is `prefix`."""
        q = Q()
        if self.programme is not None:
            q &= Q(**{f"{prefix}programme": self.programme})
        if self.organisation is not None:
            q &= Q(**{f"{prefix}regie_organisation": self.organisation})
        return q

    def queryset(self) -> QuerySet:
        return Case.objects.filter(self.cases())

    def programmes(self) -> list[Programme]:
        if self.programme is not None:
            return [self.programme]
        return list(Programme.objects.filter(active=True).order_by("code"))


def flow(period: Period, scope: Scope) -> Table:
    """Per month: registrations, regie starts and closings (of the programme, or of all; three
    queries)."""
    start, end = period.bounds()
    counted: dict[tuple[date, int], int] = defaultdict(int)
    for column, field_name in enumerate(("registered_at", "regie_started_at", "closed_at")):
        rows = (
            scope.queryset()
            .filter(**{f"{field_name}__gte": start, f"{field_name}__lt": end})
            .annotate(month=TruncMonth(field_name))
            .values("month")
            .annotate(n=Count("*"))
            .order_by()
        )
        for row in rows:
            month = row["month"]
            month = month.date() if isinstance(month, datetime) else month
            counted[(month, column)] += row["n"]
    table = Table(
        "flow",
        str(_("Inflow and outflow per month")),
        [str(_("registered")), str(_("in regie")), str(_("closed"))],
    )
    for month in period.months:
        table.rows.append((month.strftime("%m-%Y"), [count(counted[(month, c)]) for c in range(3)]))
    return table


def status_now(scope: Scope, programmes: list[Programme]) -> Table:
    rows = scope.queryset().values("programme__code", "status").annotate(n=Count("*")).order_by()
    counted = {(r["programme__code"], r["status"]): r["n"] for r in rows}
    table = Table("status", str(_("Cases per status now")), [p.code for p in programmes])
    for status in CaseStatus:
        table.rows.append(
            (str(status.label), [count(counted.get((p.code, status.value), 0)) for p in programmes])
        )
    return table


def caseload(scope: Scope) -> Table:
    """Per regie organisation: cases in regie or outflow, regisseurs, and cases per regisseur
    (median and most)."""
    rows = (
        scope.queryset()
        .filter(status__in=(CaseStatus.IN_REGIE, CaseStatus.OUTFLOW))
        .values("regie_organisation__name", "regisseur")
        .annotate(n=Count("*"))
        .order_by()
    )
    per_org: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        per_org[row["regie_organisation__name"] or str(_("none"))].append(row["n"])
    table = Table(
        "caseload",
        str(_("Caseload per regie organisation")),
        [str(_("cases")), str(_("regisseurs")), str(_("median per regisseur")), str(_("most"))],
    )
    for name in sorted(per_org):
        loads = per_org[name]
        cases = sum(loads)
        table.rows.append(
            (
                name,
                [
                    count(cases),
                    Cell(len(loads)),
                    derived(float(statistics.median(loads)), cases),
                    derived(max(loads), cases),
                ],
            )
        )
    return table


def time_to_plan(period: Period, scope: Scope, programmes: list[Programme]) -> Table:
    """Days from registration to the first approved plan, for cases whose first plan was
    approved in the period: median, quartiles and the number of cases."""
    start, end = period.bounds()
    rows = (
        scope.queryset()
        .annotate(first_approved=Min("plans__approved_at"))
        .filter(first_approved__gte=start, first_approved__lt=end)
        .values_list("programme__code", "registered_at", "first_approved")
    )
    days: dict[str, list[int]] = defaultdict(list)
    for code, registered, approved in rows:
        days[code].append((approved - registered).days)
    table = Table(
        "time_to_plan",
        str(_("Days from registration to an approved plan")),
        [str(_("cases")), str(_("median")), str(_("25 %")), str(_("75 %"))],
        note=str(_("Cases whose first plan was approved in the period.")),
    )
    for p in programmes:
        values = sorted(days.get(p.code, []))
        quartiles = statistics.quantiles(values, n=4) if len(values) >= 2 else [None] * 3
        table.rows.append(
            (
                p.code,
                [
                    count(len(values)),
                    derived(float(statistics.median(values)) if values else None, len(values)),
                    derived(quartiles[0], len(values)),
                    derived(quartiles[2], len(values)),
                ],
            )
        )
    return table


def itat_throughput(period: Period, scope: Scope) -> Table:
    """Plans ITAT decided per week: approved, and returned with advice."""
    start, end = period.bounds()
    changes = PlanStatusChange.objects.filter(
        from_status=PlanStatus.SUBMITTED,
        to_status__in=(PlanStatus.APPROVED, PlanStatus.DRAFT),
        at__gte=start,
        at__lt=end,
    )
    changes = changes.filter(scope.cases("plan__case__"))
    rows = changes.annotate(week=TruncWeek("at")).values("week", "to_status").annotate(n=Count("*"))
    counted: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows.order_by():
        week = row["week"]
        counted[week.date() if isinstance(week, datetime) else week][row["to_status"]] += row["n"]
    table = Table(
        "itat",
        str(_("ITAT decisions per week")),
        [str(_("approved")), str(_("returned with advice"))],
    )
    for week in sorted(counted):
        table.rows.append(
            (
                _("week %(number)s (%(monday)s)")
                % {"number": week.isocalendar()[1], "monday": f"{week:%d-%m-%Y}"},
                [
                    count(counted[week][PlanStatus.APPROVED]),
                    count(counted[week][PlanStatus.DRAFT]),
                ],
            )
        )
    return table


def barriers(period: Period, scope: Scope, today: date) -> Table:
    """Per partner organisation: agreements due in the period and how many were missed (not
    done, still open past the deadline, or done after it); commitments answered in the period
    and how many were declined. Sorted by the most missed and declined."""
    start, end = period.bounds()
    agreements = Agreement.objects.filter(
        deadline__gte=period.start, deadline__lte=min(period.end, today)
    )
    goals = PlanGoal.objects.filter(committed_at__gte=start, committed_at__lt=end)
    agreements = agreements.filter(scope.cases("case__"))
    goals = goals.filter(scope.cases("plan__case__"))
    late = Q(status__in=(AgreementStatus.OPEN, AgreementStatus.NOT_DONE)) | Q(
        status=AgreementStatus.DONE, status_changed_at__date__gt=F("deadline")
    )
    by_org: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        agreements.values("owner_organisation__name")
        .annotate(
            due=Count("pk"), missed=Count("pk", filter=late), cases=Count("case", distinct=True)
        )
        .order_by()
    ):
        by_org[row["owner_organisation__name"]].update(
            due=row["due"], missed=row["missed"], cases=row["cases"]
        )
    for row in (
        goals.values("responsible_organisation__name")
        .annotate(
            answered=Count("pk"),
            declined=Count("pk", filter=Q(commitment=Commitment.DECLINED)),
            goal_cases=Count("plan__case", distinct=True),
        )
        .order_by()
    ):
        by_org[row["responsible_organisation__name"]].update(
            answered=row["answered"], declined=row["declined"], goal_cases=row["goal_cases"]
        )
    table = Table(
        "barriers",
        str(_("Agreements missed and commitments declined per organisation")),
        [
            str(_("agreements due")),
            str(_("missed")),
            str(_("missed (%)")),
            str(_("commitments answered")),
            str(_("declined")),
            str(_("declined (%)")),
        ],
        note=str(
            _(
                "Missed: not done, still open after the deadline, or done after it. Figures "
                "over fewer than %(n)s cases are not shown."
            )
            % {"n": small_group()}
        ),
    )

    def share(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    ordered = sorted(
        by_org.items(), key=lambda item: (-(item[1]["missed"] + item[1]["declined"]), item[0])
    )
    for name, f in ordered:
        a, g = f["cases"], f["goal_cases"]
        table.rows.append(
            (
                name,
                [
                    derived(f["due"], a) if f["due"] else Cell(0),
                    derived(f["missed"], a) if f["due"] else Cell(0),
                    derived(share(f["missed"], f["due"]), a),
                    derived(f["answered"], g) if f["answered"] else Cell(0),
                    derived(f["declined"], g) if f["answered"] else Cell(0),
                    derived(share(f["declined"], f["answered"]), g),
                ],
            )
        )
    return table


def waiting_times(period: Period, scope: Scope, today: date) -> Table:
    """Applications at outside bodies per kind (plans.Application): requested in the period,
    granted and refused of those, still waiting now, and the median days to a decision and of
    waiting so far. Counts over fewer than the small group are suppressed (by cases)."""
    from plans.models import Application, ApplicationKind, ApplicationStatus

    rows = list(
        Application.objects.filter(scope.cases("goal__plan__case__"))
        .filter(
            Q(requested_on__gte=period.start, requested_on__lte=period.end)
            | Q(status=ApplicationStatus.REQUESTED)
        )
        .values_list("kind", "status", "requested_on", "decided_on", "goal__plan__case_id")
    )
    table = Table(
        "waiting_times",
        str(_("Applications at outside bodies: waiting times")),
        [
            str(_("requested")),
            str(_("granted")),
            str(_("refused")),
            str(_("waiting now")),
            str(_("median days to a decision")),
            str(_("median days waiting so far")),
        ],
        note=str(
            _(
                "Requested in the period; waiting now: every open application. Figures over "
                "fewer than %(n)s cases are not shown."
            )
            % {"n": small_group()}
        ),
    )
    for kind, label in ApplicationKind.choices:
        mine = [r for r in rows if r[0] == kind]
        asked = [r for r in mine if period.start <= r[2] <= period.end]
        decided = [r for r in asked if r[3] is not None and r[1] != ApplicationStatus.WITHDRAWN]
        waiting = [r for r in mine if r[1] == ApplicationStatus.REQUESTED]

        def cases(of) -> int:
            return len({r[4] for r in of})

        def median(days: list[int]) -> float | None:
            return float(statistics.median(days)) if days else None

        table.rows.append(
            (
                str(label),
                [
                    derived(len(asked), cases(asked)) if asked else Cell(0),
                    derived(
                        sum(1 for r in asked if r[1] == ApplicationStatus.GRANTED), cases(asked)
                    )
                    if asked
                    else Cell(0),
                    derived(
                        sum(1 for r in asked if r[1] == ApplicationStatus.REFUSED), cases(asked)
                    )
                    if asked
                    else Cell(0),
                    derived(len(waiting), cases(waiting)) if waiting else Cell(0),
                    derived(median([(r[3] - r[2]).days for r in decided]), cases(decided)),
                    derived(median([(today - r[2]).days for r in waiting]), cases(waiting)),
                ],
            )
        )
    return table


def minors_followed(scope: Scope, programmes: list[Programme]) -> Table:
    """Goal 3 (younger brothers and sisters, and the person's children, do not slide into
    crime): per programme, the minor relatives followed now and ever on its cases, and how many
    of those later had a case of their own registered, in any programme (registered on a later
    day than a watch of them started). Persons, counted once per programme (one query)."""
    own_case_later = Exists(
        Case.objects.filter(
            person=OuterRef("relative"), registered_at__date__gt=OuterRef("started_on")
        )
    )
    rows = (
        MinorWatch.objects.filter(scope.cases("case__"))
        .values("case__programme__code")
        .annotate(
            now=Count("relative", distinct=True, filter=Q(ended_on__isnull=True)),
            ever=Count("relative", distinct=True),
            later=Count("relative", distinct=True, filter=Q(own_case_later)),
        )
        .order_by()
    )
    counted = {r["case__programme__code"]: r for r in rows}
    table = Table(
        "minors",
        str(_("Minors in the family followed")),
        [str(_("followed now")), str(_("ever followed")), str(_("later a case of their own"))],
        note=str(
            _(
                "Brothers, sisters and children of persons in the programme, followed by an "
                "organisation such as youth protection. Later a case of their own: registered in "
                "any programme after they were first followed. Counts below %(n)s are not shown."
            )
            % {"n": small_group()}
        ),
    )
    for p in programmes:
        row = counted.get(p.code, {})
        table.rows.append((p.code, [count(row.get(k, 0)) for k in ("now", "ever", "later")]))
    return table


def programme_figures(
    *, period: Period, scope: Scope | None = None, today: date | None = None
) -> list[Table]:
    """Every table of the programme dashboard, in page order."""
    today = today or timezone.localdate()
    scope = scope or Scope()
    programmes = scope.programmes()
    outcome_table, persistent_table = outcomes(scope.queryset(), today)
    return [
        flow(period, scope),
        status_now(scope, programmes),
        caseload(scope),
        time_to_plan(period, scope, programmes),
        itat_throughput(period, scope),
        barriers(period, scope, today),
        waiting_times(period, scope, today),
        outcome_table,
        persistent_table,
        minors_followed(scope, programmes),
    ]


def table_response(table: Table, fmt: str):
    """One table as CSV or a spreadsheet: the cells as the page shows them (suppressed ones as
    "<5")."""
    from meetings.exports import tabular_response

    rows = [[label, *(cell.export for cell in cells)] for label, cells in table.rows]
    return tabular_response(["", *table.columns], rows, fmt=fmt, name=table.key)
