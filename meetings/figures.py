"""The programmes' figures, for the programme team: the flow (registrations, regie starts and
closings per month), where the cases are now (per status, per regie organisation, caseload per
regisseur), how long it takes from registration to an approved plan, ITAT's throughput per week,
the partners that decline commitments or miss agreements most (the report's second
recommendation: understand the barriers) — and the outcomes the city is judged on: arrests,
summonses and HIC/DG offences per person-year in the two years before regie, during regie and
after outflow, per programme and inflow cohort, and the persistent group.

Need-to-know: the figures count cases the viewer may not read (closed ones, other programmes);
a count of fewer than `REGIE_SMALL_GROUP` (default 5) cases or persons is shown as "< 5", and a
figure derived from so few (a median, a rate) is not shown at all. No person is named.

Queries: a fixed number (one per table), whatever the number of cases."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, DateField, ExpressionWrapper, F, Min, Q
from django.db.models.functions import TruncDate, TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, OffenceCategory, OffenceKind, Programme
from cases.workflow import CaseStatus
from meetings.models import Agreement, AgreementStatus
from plans.models import PlanGoal, PlanStatusChange
from plans.workflow import Commitment, PlanStatus

#: Years before inflow that the outcomes compare with (the city's figures: two).
YEARS_BEFORE = 2
DAYS_PER_YEAR = 365.25


def small_group() -> int:
    return settings.REGIE_SMALL_GROUP


@dataclass(frozen=True)
class Cell:
    """A number as shown: suppressed when it counts fewer than the small-group threshold."""

    value: float | int | None
    suppressed: bool = False

    def __str__(self) -> str:
        if self.suppressed:
            return f"< {small_group()}"
        if self.value is None:
            return "—"
        if isinstance(self.value, float):
            return f"{self.value:.2f}".replace(".", ",") if self.value % 1 else f"{self.value:.0f}"
        return str(self.value)

    @property
    def export(self) -> str | float | int:
        """For CSV and spreadsheets: the number, or the suppression marker."""
        if self.suppressed:
            return f"<{small_group()}"
        return "" if self.value is None else self.value


def count(n: int) -> Cell:
    return Cell(n, suppressed=0 < n < small_group())


def derived(value: float | None, over: int) -> Cell:
    """A figure computed over `over` cases or persons: hidden below the threshold."""
    if over < small_group():
        return Cell(None, suppressed=over > 0)
    return Cell(value)


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


@dataclass
class Table:
    """A table as shown and exported: a title, column headings, rows of a label and cells."""

    key: str
    title: str
    columns: list[str]
    rows: list[tuple[str, list[Cell]]] = field(default_factory=list)
    note: str = ""


def _cases(programme: Programme | None):
    cases = Case.objects.all()
    return cases.filter(programme=programme) if programme is not None else cases


def _programmes(programme: Programme | None) -> list[Programme]:
    if programme is not None:
        return [programme]
    return list(Programme.objects.filter(active=True).order_by("code"))


def flow(period: Period, programme: Programme | None) -> Table:
    """Per month: registrations, regie starts and closings (of the programme, or of all; three
    queries)."""
    start, end = period.bounds()
    counted: dict[tuple[date, int], int] = defaultdict(int)
    for column, field_name in enumerate(("registered_at", "regie_started_at", "closed_at")):
        rows = (
            _cases(programme)
            .filter(**{f"{field_name}__gte": start, f"{field_name}__lt": end})
            .annotate(month=TruncMonth(field_name))
            .values("month")
            .annotate(n=Count("pk"))
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


def status_now(programme: Programme | None, programmes: list[Programme]) -> Table:
    rows = _cases(programme).values("programme__code", "status").annotate(n=Count("pk")).order_by()
    counted = {(r["programme__code"], r["status"]): r["n"] for r in rows}
    table = Table("status", str(_("Cases per status now")), [p.code for p in programmes])
    for status in CaseStatus:
        table.rows.append(
            (str(status.label), [count(counted.get((p.code, status.value), 0)) for p in programmes])
        )
    return table


def caseload(programme: Programme | None) -> Table:
    """Per regie organisation: cases in regie or outflow, regisseurs, and cases per regisseur
    (median and most)."""
    rows = (
        _cases(programme)
        .filter(status__in=(CaseStatus.IN_REGIE, CaseStatus.OUTFLOW))
        .values("regie_organisation__name", "regisseur")
        .annotate(n=Count("pk"))
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


def time_to_plan(period: Period, programme: Programme | None, programmes: list[Programme]) -> Table:
    """Days from registration to the first approved plan, for cases whose first plan was
    approved in the period: median, quartiles and the number of cases."""
    start, end = period.bounds()
    rows = (
        _cases(programme)
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


def itat_throughput(period: Period, programme: Programme | None) -> Table:
    """Plans ITAT decided per week: approved, and returned with advice."""
    start, end = period.bounds()
    changes = PlanStatusChange.objects.filter(
        from_status=PlanStatus.SUBMITTED,
        to_status__in=(PlanStatus.APPROVED, PlanStatus.DRAFT),
        at__gte=start,
        at__lt=end,
    )
    if programme is not None:
        changes = changes.filter(plan__case__programme=programme)
    rows = (
        changes.annotate(week=TruncWeek("at")).values("week", "to_status").annotate(n=Count("pk"))
    )
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


def barriers(period: Period, programme: Programme | None, today: date) -> Table:
    """Per partner organisation: agreements due in the period and how many were missed (not
    done, still open past the deadline, or done after it); commitments answered in the period
    and how many were declined. Sorted by the most missed and declined."""
    start, end = period.bounds()
    agreements = Agreement.objects.filter(
        deadline__gte=period.start, deadline__lte=min(period.end, today)
    )
    goals = PlanGoal.objects.filter(committed_at__gte=start, committed_at__lt=end)
    if programme is not None:
        agreements = agreements.filter(case__programme=programme)
        goals = goals.filter(plan__case__programme=programme)
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


# --- outcomes -------------------------------------------------------------------------------------


OUTCOME_MEASURES = (
    ("arrests", _("arrests"), Q(person__offences__kind=OffenceKind.ARREST)),
    ("summonses", _("summonses"), Q(person__offences__kind=OffenceKind.SUMMONS)),
    (
        "hic_dg",
        _("HIC/DG arrests"),
        Q(
            person__offences__kind=OffenceKind.ARREST,
            person__offences__category__in=OffenceCategory.counted(),
        ),
    ),
)
WINDOWS = ("before", "during", "after")
#: The outcome table's column words per measure.
OUTCOME_COLUMNS = (
    _("before"),
    _("during"),
    _("change during (%)"),
    _("after"),
    _("change after (%)"),
)


def _outcome_rows(programme: Programme | None):
    """Per case that started regie: its dates and its offences in each window (one query)."""
    started = TruncDate("regie_started_at")
    closed = TruncDate("closed_at")
    before_start = ExpressionWrapper(
        started - timedelta(days=round(YEARS_BEFORE * DAYS_PER_YEAR)), output_field=DateField()
    )
    offence_date = "person__offences__date"
    windows = {
        "before": Q(**{f"{offence_date}__gte": before_start, f"{offence_date}__lt": started}),
        "during": Q(**{f"{offence_date}__gte": started})
        & (Q(closed_at__isnull=True) | Q(**{f"{offence_date}__lt": closed})),
        "after": Q(closed_at__isnull=False, **{f"{offence_date}__gte": closed}),
    }
    annotations = {
        f"{key}_{window}": Count("person__offences", filter=measure & windows[window])
        for key, _label, measure in OUTCOME_MEASURES
        for window in WINDOWS
    }
    return (
        _cases(programme)
        .filter(regie_started_at__isnull=False)
        .values("pk", "programme__code", "status", "regie_started_at", "closed_at")
        .annotate(**annotations)
        .order_by()
    )


@dataclass
class Outcome:
    """One group (a programme's inflow cohort): persons, person-years and offences per window."""

    persons: int = 0
    years: dict[str, float] = field(default_factory=lambda: dict.fromkeys(WINDOWS, 0.0))
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    persons_after: int = 0

    def rate(self, key: str, window: str) -> Cell:
        years = self.years[window]
        persons = self.persons_after if window == "after" else self.persons
        value = self.counts[f"{key}_{window}"] / years if years else None
        return derived(round(value, 2) if value is not None else None, persons)

    def change(self, key: str, window: str = "during") -> Cell:
        before = self.counts[f"{key}_before"] / self.years["before"] if self.years["before"] else 0
        after = self.rate(key, window).value
        persons = self.persons_after if window == "after" else self.persons
        if not before or after is None:
            return derived(None, persons)
        return derived(round(100 * (after - before) / before), persons)


def outcomes(programme: Programme | None, today: date) -> tuple[Table, Table]:
    """Offences per person-year before, during and after regie, per programme and inflow
    cohort (the year regie started), with the change during and after against before; and the
    persistent group."""
    groups: dict[tuple[str, int], Outcome] = defaultdict(Outcome)
    persistent: dict[str, int] = defaultdict(int)
    persistent_years = settings.REGIE_PERSISTENT_YEARS
    for row in _outcome_rows(programme):
        start = timezone.localtime(row["regie_started_at"]).date()
        end = timezone.localtime(row["closed_at"]).date() if row["closed_at"] else today
        group = groups[(row["programme__code"], start.year)]
        group.persons += 1
        group.years["before"] += YEARS_BEFORE
        group.years["during"] += max((end - start).days, 0) / DAYS_PER_YEAR
        if row["closed_at"]:
            group.persons_after += 1
            group.years["after"] += max((today - end).days, 0) / DAYS_PER_YEAR
        for key, _label, _measure in OUTCOME_MEASURES:
            for window in WINDOWS:
                group.counts[f"{key}_{window}"] += row[f"{key}_{window}"]
        if (
            row["status"] in (CaseStatus.IN_REGIE, CaseStatus.OUTFLOW)
            and (today - start).days > persistent_years * DAYS_PER_YEAR
        ):
            persistent[row["programme__code"]] += 1
    table = Table(
        "outcomes",
        str(_("Offences per person-year, per inflow cohort")),
        [str(_("persons")), *(str(word) for word in OUTCOME_COLUMNS)],
        note=str(
            _(
                "Per person-year: in the %(years)s years before regie started, during regie "
                "(until closing, or today), and after closing (persons whose case closed). "
                "Change: against the years before, in %%. HIC/DG: arrests for a high-impact "
                "crime or a drugs, weapons or violent offence."
            )
            % {"years": YEARS_BEFORE}
        ),
    )
    for (code, year), group in sorted(groups.items()):
        for key, label, _measure in OUTCOME_MEASURES:
            table.rows.append(
                (
                    f"{code} {year} · {label}",
                    [
                        count(group.persons),
                        group.rate(key, "before"),
                        group.rate(key, "during"),
                        group.change(key, "during"),
                        group.rate(key, "after"),
                        group.change(key, "after"),
                    ],
                )
            )
    persistent_table = Table(
        "persistent",
        str(_("The persistent group")),
        [str(_("persons"))],
        note=str(
            _("Persons in regie (or outflow) for more than %(years)s years.")
            % {"years": persistent_years}
        ),
    )
    for code in sorted({code for code, _year in groups} | set(persistent)):
        persistent_table.rows.append((code, [count(persistent.get(code, 0))]))
    return table, persistent_table


def programme_figures(
    *, period: Period, programme: Programme | None = None, today: date | None = None
) -> list[Table]:
    """Every table of the programme dashboard, in page order."""
    today = today or timezone.localdate()
    programmes = _programmes(programme)
    outcome_table, persistent_table = outcomes(programme, today)
    return [
        flow(period, programme),
        status_now(programme, programmes),
        caseload(programme),
        time_to_plan(period, programme, programmes),
        itat_throughput(period, programme),
        barriers(period, programme, today),
        outcome_table,
        persistent_table,
    ]


def table_response(table: Table, fmt: str):
    """One table as CSV or a spreadsheet: the cells as the page shows them (suppressed ones as
    "<5")."""
    from meetings.exports import tabular_response

    rows = [[label, *(cell.export for cell in cells)] for label, cells in table.rows]
    return tabular_response(["", *table.columns], rows, fmt=fmt, name=table.key)
