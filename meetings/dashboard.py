"""The accounthouder's dashboard: per regisseur of theirs, the figures to steer on — active cases
per programme and regie style, overdue UVOs, evaluations due or overdue, open and overdue
agreements (and by owning organisation), plans waiting for ITAT and for how long, cases without a
plan in force, declined commitments. Every figure is a count of cases (or of agreements) that the
same code lists behind it: a figure and its list cannot disagree.

Need-to-know: the accounthouder counts only the cases in regie they are accounthouder of (and may
see); nothing here is health content (no goal texts, no dossier).

Queries: two, whatever the number of cases — the cases with their per-case figures as
subqueries, and the agreements by owning organisation."""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    Max,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from acvz.query import row_count
from cases.models import Case, RegieStyle
from cases.workflow import CaseStatus
from meetings.models import Agreement, AgreementStatus
from meetings.reminders import (
    effective_cadence_weeks,
    last_held_uvo,
    uvo_clock_started_at,
    uvo_due_date,
    uvo_is_overdue,
)
from meetings.work import AHEAD_DAYS  # "due": within the work queue's horizon
from plans.models import Evaluation, Plan, PlanGoal
from plans.workflow import Commitment, PlanStatus


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    #: What the figure counts, for the page's definitions.
    definition: str
    #: "cases" or "agreements": what a row of its list is.
    counts: str = "cases"


FIGURES = (
    Figure("active", _("Active cases"), _("Cases in regie with you as accounthouder.")),
    Figure(
        "uvo_overdue",
        _("UVO overdue"),
        _("Cases whose next UVO (8 weeks after the last, or the agreed cadence) is past."),
    ),
    Figure(
        "evaluation_due",
        _("Evaluation due"),
        _("Plans in force whose evaluation falls in the next 14 days."),
    ),
    Figure(
        "evaluation_overdue",
        _("Evaluation overdue"),
        _("Plans in force whose evaluation date is past."),
    ),
    Figure(
        "agreements_open",
        _("Open agreements"),
        _("Agreements still open (neither done nor marked not done)."),
        "agreements",
    ),
    Figure(
        "agreements_overdue",
        _("Agreements overdue"),
        _("Open agreements past their deadline."),
        "agreements",
    ),
    Figure(
        "itat_waiting",
        _("Waiting for ITAT"),
        _("Cases with a plan submitted to ITAT and not yet decided; the longest wait in days."),
    ),
    Figure(
        "no_plan",
        _("No plan in force"),
        _("Cases in regie without an approved plan."),
    ),
    Figure(
        "declined",
        _("Declined commitments"),
        _("Goals of the current plan whose responsible organisation declined."),
    ),
)
FIGURE_KEYS = {f.key: f for f in FIGURES}


@dataclass
class CaseFigures:
    """One case's figures (no queries of its own). The case itself (`case`, with the person's
    name) is read only for the list behind a chosen figure (`with_cases`)."""

    case_id: int
    programme: str
    style: str
    uvo_due: date | None
    uvo_overdue: bool
    evaluation_due: date | None
    evaluation_state: str  # "", "due", "overdue"
    agreements_open: int
    agreements_overdue: int
    itat_since: date | None
    plan_in_force: bool
    declined: int
    case: Case | None = None

    def __post_init__(self) -> None:
        # The case's contribution to each figure: 0 or 1 case, or its number of agreements.
        self.values = {
            "active": 1,
            "uvo_overdue": int(self.uvo_overdue),
            "evaluation_due": int(self.evaluation_state == "due"),
            "evaluation_overdue": int(self.evaluation_state == "overdue"),
            "agreements_open": self.agreements_open,
            "agreements_overdue": self.agreements_overdue,
            "itat_waiting": int(self.itat_since is not None),
            "no_plan": int(not self.plan_in_force),
            "declined": self.declined,
        }

    def value(self, key: str) -> int:
        return self.values[key]


@dataclass
class Row:
    """A regisseur (or the total) and their cases' figures."""

    label: str
    regisseur_id: int | None
    cases: list[CaseFigures] = field(default_factory=list)

    def total(self, key: str) -> int:
        return self.totals[key]

    @functools.cached_property
    def totals(self) -> dict[str, int]:
        totals = Counter()
        for case in self.cases:
            totals.update(case.values)
        return {f.key: totals[f.key] for f in FIGURES}

    @property
    def figures(self) -> list[tuple[Figure, int]]:
        return [(f, self.totals[f.key]) for f in FIGURES]

    @property
    def programmes(self) -> list[tuple[str, int]]:
        return sorted(Counter(c.programme for c in self.cases).items())

    @property
    def styles(self) -> list[tuple[str, int]]:
        counted = Counter(c.style for c in self.cases)
        return sorted((str(RegieStyle(k).label) if k else "—", v) for k, v in counted.items())

    @property
    def longest_itat_wait(self) -> int | None:
        today = timezone.localdate()
        waits = [(today - c.itat_since).days for c in self.cases if c.itat_since]
        return max(waits) if waits else None

    def behind(self, key: str) -> list[CaseFigures]:
        return [c for c in self.cases if c.value(key)]


@dataclass(frozen=True)
class OrganisationRow:
    organisation_id: int
    name: str
    open: int
    overdue: int


@dataclass
class Dashboard:
    rows: list[Row]
    total: Row
    organisations: list[OrganisationRow]
    today: date

    def row_of(self, regisseur_id: int | None) -> Row:
        if regisseur_id is None:
            return self.total
        return next((r for r in self.rows if r.regisseur_id == regisseur_id), self.total)

    @property
    def widest(self) -> int:
        return max((r.total("active") for r in self.rows), default=0)


def _cases(*, user, today: date, programme_id: int | None):

    def agreements(**extra) -> Coalesce:
        return row_count(
            Agreement.objects.filter(case=OuterRef("pk"), status=AgreementStatus.OPEN, **extra),
            "case",
        )

    in_force = Plan.objects.filter(case=OuterRef("pk"), status=PlanStatus.APPROVED)
    submitted = Plan.objects.filter(case=OuterRef("pk"), status=PlanStatus.SUBMITTED).values(
        "submitted_at"
    )[:1]
    last_evaluation = (
        Evaluation.objects.filter(plan__case=OuterRef("pk"), plan__status=PlanStatus.APPROVED)
        .order_by()
        .values("plan")
        .annotate(last=Max("held_on"))
        .values("last")
    )
    approved_at = in_force.values("approved_at")[:1]
    declined = PlanGoal.objects.filter(
        plan__case=OuterRef("pk"),
        plan__status__in=(PlanStatus.DRAFT, PlanStatus.SUBMITTED, PlanStatus.APPROVED),
        commitment=Commitment.DECLINED,
    )
    cases = (
        Case.objects.visible_to(user)
        .filter(accounthouder=user, status=CaseStatus.IN_REGIE)
        .annotate(
            last_held=last_held_uvo(),
            uvo_clock_at=uvo_clock_started_at(),
            n_open=agreements(),
            n_overdue=agreements(deadline__lt=today),
            has_plan_in_force=Exists(in_force),
            submitted_at=Subquery(submitted, output_field=DateTimeField()),
            approved_at=Subquery(approved_at, output_field=DateTimeField()),
            last_evaluation=Subquery(last_evaluation),
            n_declined=row_count(declined, "plan__case"),
        )
        .order_by("regisseur__last_name", "regisseur__first_name", "person__last_name", "pk")
    )
    if programme_id is not None:
        cases = cases.filter(programme_id=programme_id)
    return cases


#: What the figures need of a case: plain values, no model instances (a caseload of 300 cases
#: made 1,500 of them).
CASE_VALUES = (
    "pk",
    "regisseur_id",
    "regisseur__first_name",
    "regisseur__last_name",
    "regisseur__username",
    "programme__code",
    "programme__evaluation_interval_weeks",
    "regie_style",
    "uvo_clock_at",
    "uvo_cadence__weeks",
    "uvo_cadence__until",
    "last_held",
    "n_open",
    "n_overdue",
    "has_plan_in_force",
    "submitted_at",
    "approved_at",
    "last_evaluation",
    "n_declined",
)


def _figures(row: dict, today: date) -> CaseFigures:
    weeks = effective_cadence_weeks(
        weeks=row["uvo_cadence__weeks"], until=row["uvo_cadence__until"], today=today
    )
    clock = row["uvo_clock_at"]
    uvo_due = uvo_due_date(
        last_held=row["last_held"],
        clock_started=timezone.localtime(clock).date() if clock is not None else None,
        weeks=weeks,
    )
    evaluation_due = None
    state = ""
    if row["approved_at"] is not None:
        start = row["last_evaluation"] or timezone.localtime(row["approved_at"]).date()
        evaluation_due = start + timedelta(weeks=row["programme__evaluation_interval_weeks"])
        if evaluation_due < today:
            state = "overdue"
        elif evaluation_due <= today + timedelta(days=AHEAD_DAYS):
            state = "due"
    submitted = row["submitted_at"]
    return CaseFigures(
        case_id=row["pk"],
        programme=row["programme__code"],
        style=row["regie_style"],
        uvo_due=uvo_due,
        uvo_overdue=uvo_due is not None and uvo_is_overdue(due=uvo_due, today=today),
        evaluation_due=evaluation_due,
        evaluation_state=state,
        agreements_open=row["n_open"],
        agreements_overdue=row["n_overdue"],
        itat_since=timezone.localtime(submitted).date() if submitted else None,
        plan_in_force=row["has_plan_in_force"],
        declined=row["n_declined"],
    )


def with_cases(items: list[CaseFigures]) -> list[CaseFigures]:
    """The cases behind a figure, with the person, regisseur and programme (one query)."""
    cases = Case.objects.select_related("person", "regisseur", "programme").in_bulk(
        [item.case_id for item in items]
    )
    for item in items:
        item.case = cases[item.case_id]
    return items


def accounthouder_dashboard(
    *, user, today: date | None = None, programme_id: int | None = None
) -> Dashboard:
    today = today or timezone.localdate()
    cases = _cases(user=user, today=today, programme_id=programme_id)
    rows: dict[int | None, Row] = {}
    total = Row(str(_("All your regisseurs")), None)
    for row in cases.values(*CASE_VALUES):
        figures = _figures(row, today)
        key = row["regisseur_id"]
        if key not in rows:
            name = f"{row['regisseur__first_name']} {row['regisseur__last_name']}".strip()
            label = (name or row["regisseur__username"]) if key else _("none")
            rows[key] = Row(str(label), key)
        rows[key].cases.append(figures)
        total.cases.append(figures)
    by_org = (
        Agreement.objects.filter(
            case__in=cases.values("pk").order_by(), status=AgreementStatus.OPEN
        )
        .order_by()
        .values("owner_organisation_id", "owner_organisation__name")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=today)))
        .order_by("-overdue", "-open", "owner_organisation__name")
    )
    organisations = [
        OrganisationRow(
            o["owner_organisation_id"], o["owner_organisation__name"], o["open"], o["overdue"]
        )
        for o in by_org
    ]
    return Dashboard(list(rows.values()), total, organisations, today)


def agreements_of(board: Dashboard, *, organisation_id: int, overdue: bool) -> list[Agreement]:
    """The open (or overdue) agreements an organisation owns in the dashboard's cases, by
    deadline (one query)."""
    found = Agreement.objects.filter(
        case__in=[c.case_id for c in board.total.cases],
        owner_organisation_id=organisation_id,
        status=AgreementStatus.OPEN,
    ).select_related("case__person")
    if overdue:
        found = found.filter(deadline__lt=board.today)
    return list(found.order_by("deadline", "pk"))


CSV_COLUMNS = ("regisseur", *(f.key for f in FIGURES), "longest_itat_wait_days")


def csv_rows(board: Dashboard) -> list[list]:
    """The table as the page shows it: a row per regisseur and the total."""
    return [
        [row.label, *(value for _f, value in row.figures), row.longest_itat_wait or ""]
        for row in [*board.rows, board.total]
    ]


def file_response(board: Dashboard, fmt: str):
    """The table as CSV or a spreadsheet (meetings.exports)."""
    from meetings.exports import tabular_response

    return tabular_response(CSV_COLUMNS, csv_rows(board), fmt=fmt, name="dashboard")
