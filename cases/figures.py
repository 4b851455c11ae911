"""Figures as shown to people who may not read every case behind them: counts of fewer than
`REGIE_SMALL_GROUP` (default 5) cases or persons are shown as "< 5", figures derived from so few
are not shown; and the outcomes the city is judged on — arrests, summonses and HIC/DG arrests per
person-year in the two years before regie, during regie and after outflow — per inflow cohort
(`outcomes`) and for one person (`person_line`, on their case page, where the reader may read
their offences and nothing is suppressed). The windows are defined once (`WINDOWS`, `window_of`)
and the cohort figures and one person's line count by the same rule."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    Max,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, OffenceCategory, OffenceKind, OffenceRecord
from cases.workflow import REGIE_STATUSES

#: Years before inflow that the outcomes compare with (the city's figures: two).
YEARS_BEFORE = 2
DAYS_PER_YEAR = 365.25
DAYS_BEFORE = round(YEARS_BEFORE * DAYS_PER_YEAR)


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
    """A count of cases or persons; a small one keeps no number at all (nothing downstream — a
    chart's bar, an export — can show it)."""
    if 0 < n < small_group():
        return Cell(None, suppressed=True)
    return Cell(n)


def derived(value: float | None, over: int) -> Cell:
    """A figure computed over `over` cases or persons: hidden below the threshold."""
    if over < small_group():
        return Cell(None, suppressed=over > 0)
    return Cell(value)


@dataclass
class Table:
    """A table as shown and exported: a title, column headings, rows of a label and cells."""

    key: str
    title: str
    columns: list[str]
    rows: list[tuple[str, list[Cell]]] = field(default_factory=list)
    note: str = ""
    #: A picture of the table (SVG), drawn by the page that shows it.
    chart: str = ""


# --- outcomes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    kinds: tuple[str, ...]
    categories: tuple[str, ...] | None = None  # None: any category

    def matches(self, kind: str, category: str) -> bool:
        return kind in self.kinds and (self.categories is None or category in self.categories)

    def counts(self, offence) -> bool:
        return self.matches(offence.kind, offence.category)


OUTCOME_MEASURES = (
    Measure("arrests", _("arrests"), (OffenceKind.ARREST,)),
    Measure("summonses", _("summonses"), (OffenceKind.SUMMONS,)),
    Measure("hic_dg", _("HIC/DG arrests"), (OffenceKind.ARREST,), tuple(OffenceCategory.counted())),
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


def window_of(day: date, *, started: date, closed: date | None) -> str | None:
    """Which window an offence on `day` falls in for a case (None: none)."""
    if started - timedelta(days=DAYS_BEFORE) <= day < started:
        return "before"
    if day >= started and (closed is None or day < closed):
        return "during"
    if closed is not None and day >= closed:
        return "after"
    return None


def _outcome_rows(cases: QuerySet):
    """Per person and programme that started regie: its dates and its offences in each window.
    A re-inflow (a later case of the same person in the same programme, linked by
    `Case.previous_case`) continues the first: the person counts once, in the cohort of the
    first inflow, in regie until the last case closes (docs/decisions: outflow and re-inflow).

    Three queries: the first cases in `cases`, the ends of their chains (one GROUP BY over the
    chains' cases) and the persons' offences of the measured kinds, put in their windows here by
    `window_of`, the rule `person_line` uses. In one SQL statement the chain's end is a
    correlated subquery that PostgreSQL evaluates again inside each of the nine counts: 3.3 s at
    ten times the city, against a few hundred ms this way (bench/run, "programme figures")."""
    same = Case.objects.filter(
        person=OuterRef("person"), programme=OuterRef("programme"), regie_started_at__isnull=False
    )
    first = (
        cases.filter(regie_started_at__isnull=False)
        .exclude(Exists(same.filter(regie_started_at__lt=OuterRef("regie_started_at"))))
        .order_by()
    )
    rows = list(
        first.values("pk", "person_id", "programme_id", "programme__code").annotate(
            started=TruncDate("regie_started_at")
        )
    )
    persons = first.values("person_id")
    ends = {
        (e["person_id"], e["programme_id"]): e
        for e in Case.objects.filter(person__in=persons, regie_started_at__isnull=False)
        .values("person_id", "programme_id")
        .annotate(
            open=Count("pk", filter=Q(closed_at__isnull=True)),
            last_closed=Max(TruncDate("closed_at")),
            directed=Count("pk", filter=Q(status__in=REGIE_STATUSES)),
        )
        .order_by()
    }
    keys = [f"{m.key}_{w}" for m in OUTCOME_MEASURES for w in WINDOWS]
    chains: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        end = ends[(row["person_id"], row["programme_id"])]
        row["closed"] = None if end["open"] else end["last_closed"]
        row["chain_directed"] = bool(end["directed"])
        row.update(dict.fromkeys(keys, 0))
        chains[row["person_id"]].append(row)
    measures: dict[tuple[str, str], list[str]] = {}  # (kind, category): the measures it counts in
    offences = OffenceRecord.objects.filter(
        person__in=persons, kind__in={kind for m in OUTCOME_MEASURES for kind in m.kinds}
    ).values_list("person_id", "kind", "category", "date")
    for person_id, kind, category, day in offences:
        counted = measures.get((kind, category))
        if counted is None:
            counted = [m.key for m in OUTCOME_MEASURES if m.matches(kind, category)]
            measures[(kind, category)] = counted
        for row in chains[person_id]:
            window = window_of(day, started=row["started"], closed=row["closed"])
            if window is not None:
                for key in counted:
                    row[f"{key}_{window}"] += 1
    return rows


@dataclass
class Outcome:
    """One group (a programme's inflow cohort): persons, person-years and offences per window."""

    persons: int = 0
    years: dict[str, float] = field(default_factory=lambda: dict.fromkeys(WINDOWS, 0.0))
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    persons_after: int = 0

    #: False for one person's own line, read by someone who may read their file.
    suppress: bool = True

    def add(self, *, started: date, closed: date | None, today: date) -> None:
        """A person's case in the group: their years in each window."""
        end = closed or today
        self.persons += 1
        self.years["before"] += YEARS_BEFORE
        self.years["during"] += max((end - started).days, 0) / DAYS_PER_YEAR
        if closed is not None:
            self.persons_after += 1
            self.years["after"] += max((today - closed).days, 0) / DAYS_PER_YEAR

    def _cell(self, value, persons: int) -> Cell:
        return derived(value, persons) if self.suppress else Cell(value)

    def rate(self, key: str, window: str) -> Cell:
        years = self.years[window]
        persons = self.persons_after if window == "after" else self.persons
        value = self.counts[f"{key}_{window}"] / years if years else None
        return self._cell(round(value, 2) if value is not None else None, persons)

    def change(self, key: str, window: str = "during") -> Cell:
        before = self.counts[f"{key}_before"] / self.years["before"] if self.years["before"] else 0
        after = self.rate(key, window).value
        persons = self.persons_after if window == "after" else self.persons
        if not before or after is None:
            return self._cell(None, persons)
        return self._cell(round(100 * (after - before) / before), persons)

    def cells(self, key: str) -> list[Cell]:
        """The row of one measure: before, during, change during, after, change after."""
        return [
            self.rate(key, "before"),
            self.rate(key, "during"),
            self.change(key, "during"),
            self.rate(key, "after"),
            self.change(key, "after"),
        ]


def outcomes(cases: QuerySet, today: date) -> tuple[Table, Table]:
    """Offences per person-year before, during and after regie, per programme and inflow
    cohort (the year regie started), with the change during and after against before; and the
    persistent group."""
    groups: dict[tuple[str, int], Outcome] = defaultdict(Outcome)
    persistent: dict[str, int] = defaultdict(int)
    persistent_years = settings.REGIE_PERSISTENT_YEARS
    for row in _outcome_rows(cases):
        start, closed = row["started"], row["closed"]
        group = groups[(row["programme__code"], start.year)]
        group.add(started=start, closed=closed, today=today)
        for m in OUTCOME_MEASURES:
            for window in WINDOWS:
                group.counts[f"{m.key}_{window}"] += row[f"{m.key}_{window}"]
        if row["chain_directed"] and (today - start).days > persistent_years * DAYS_PER_YEAR:
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
        for m in OUTCOME_MEASURES:
            table.rows.append(
                (f"{code} {year} · {m.label}", [count(group.persons), *group.cells(m.key)])
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


def person_line(case: Case, offences, today: date | None = None) -> list[tuple[str, list[Cell]]]:
    """One person's own outcome line for a case: per measure the rates before, during and
    after regie, and the change (no suppression: shown to readers of their offences). No
    query: `offences` are the person's offence records, already read for the page."""
    if case.regie_started_at is None:
        return []
    today = today or timezone.localdate()
    started = timezone.localtime(case.regie_started_at).date()
    closed = timezone.localtime(case.closed_at).date() if case.closed_at else None
    line = Outcome(suppress=False)
    line.add(started=started, closed=closed, today=today)
    for offence in offences:
        window = window_of(offence.date, started=started, closed=closed)
        if window is None:
            continue
        for m in OUTCOME_MEASURES:
            if m.counts(offence):
                line.counts[f"{m.key}_{window}"] += 1
    return [(str(m.label), line.cells(m.key)) for m in OUTCOME_MEASURES]
