"""Reads of plans, always through the visible-queryset."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from acvz.query import row_count
from cases.access import visible_get
from cases.models import CaseTeamMembership, Leefgebied
from cases.selectors import HistoryEntry, HistorySource, _entries_for, _Resolver
from plans.models import (
    Evaluation,
    ExpertGroupReferral,
    ItatAdvice,
    ItatMeeting,
    Plan,
    PlanGoal,
    PlanStatusChange,
)
from plans.policies import (
    goal_change_is_readable,
    goal_version_is_readable,
    plan_visibility_filter,
    redact_goal,
    referral_visibility_filter,
)
from plans.workflow import Commitment, PlanStatus


def _goals_prefetch() -> Prefetch:
    return Prefetch(
        "goals",
        queryset=PlanGoal.objects.select_related(
            "responsible_organisation", "professional", "committed_by", "concerns"
        )
        .prefetch_related(Prefetch("advice", queryset=ItatAdvice.objects.select_related("author")))
        .order_by("leefgebied", "pk"),
    )


def plan_header_get(*, user, pk) -> Plan:
    """One visible plan with its header and case team (a form about one goal); 404 when
    missing or not visible."""
    queryset = _plan_with_header(user).prefetch_related(_team_prefetch())
    return visible_get(queryset, pk=pk)


def _team_prefetch() -> Prefetch:
    return Prefetch(
        "case__team",
        queryset=CaseTeamMembership.objects.select_related("organisation", "professional"),
    )


def _plan_with_header(user) -> QuerySet[Plan]:
    return Plan.objects.visible_to(user).select_related(
        "case__person",
        "case__programme",
        "case__regie_organisation",
        "case__regisseur",
        "case__accounthouder",
        "itat_meeting",
        "approved_by",
        "created_by",
    )


def plan_get(*, user, pk) -> Plan:
    """One visible plan with what its page shows; 404 when missing or not visible."""
    queryset = _plan_with_header(user).prefetch_related(
        _goals_prefetch(),
        Prefetch("advice", queryset=ItatAdvice.objects.select_related("author", "goal")),
        Prefetch("status_changes", queryset=PlanStatusChange.objects.select_related("by")),
        _team_prefetch(),
    )
    return visible_get(queryset, pk=pk)


def case_plan_versions(*, case) -> QuerySet[Plan]:
    return case.plans.select_related("approved_by").order_by("-version")


def plan_in_force(*, case) -> Plan | None:
    """The approved version with its goals (and their advice) loaded."""
    return (
        case.plans.filter(status=PlanStatus.APPROVED)
        .select_related("approved_by")
        .prefetch_related(_goals_prefetch())
        .first()
    )


def _plans_on_meeting(**filters) -> Coalesce:
    """The number of plans on each meeting (`filters` on Plan), as a subquery per meeting.
    Without filters PostgreSQL counts from the meeting index alone (index-only; 6.6 → 0.9 ms
    for a page of past meetings at ten times the city)."""
    return row_count(Plan.objects.filter(itat_meeting=OuterRef("pk"), **filters), "itat_meeting")


def itat_meetings(*, upcoming_only: bool = True, today: date | None = None):
    """ITAT meetings with their submitted plans counted (`plan_count`). With `upcoming_only`:
    those to come and those with plans still waiting for a decision. The meetings are chosen
    first and counted per meeting, not grouped over every meeting joined to every plan."""
    queryset = ItatMeeting.objects.all()
    if upcoming_only:
        today = today or timezone.localdate()
        waiting = Plan.objects.filter(itat_meeting=OuterRef("pk"), status=PlanStatus.SUBMITTED)
        queryset = queryset.filter(Q(date__gte=today) | Exists(waiting))
    return queryset.annotate(plan_count=_plans_on_meeting(status=PlanStatus.SUBMITTED)).order_by(
        "date"
    )


def itat_meetings_past(*, today: date | None = None):
    """The meetings before today with no plan waiting any more (the complement of
    `itat_meetings()`), latest first, with the plans that were on their agenda counted."""
    today = today or timezone.localdate()
    waiting = Plan.objects.filter(itat_meeting=OuterRef("pk"), status=PlanStatus.SUBMITTED)
    return (
        ItatMeeting.objects.filter(date__lt=today)
        .exclude(Exists(waiting))
        .annotate(plan_count=_plans_on_meeting())
        .order_by("-date", "-pk")
    )


def _goal_count(*conditions: Q) -> Coalesce:
    """How many goals of the outer plan match `conditions` (the agenda's joins made a
    GROUP BY over them dear)."""
    return row_count(PlanGoal.objects.filter(*conditions, plan=OuterRef("pk")), "plan")


def itat_agenda(*, user, meeting: ItatMeeting) -> QuerySet[Plan]:
    """The submitted plans on a meeting's agenda, with their open commitments counted. Only
    the columns the agenda (page and API) shows are read: an agenda holds hundreds of plans at
    ten times the city.

    The visible case ids are read first (`inline_ids`): the planner reckons a meeting's
    submitted plans at one row (meeting and status are estimated as independent), and
    against the subquery it then scanned the ITAT's visible case ids once per plan (581 k
    comparisons for 207 plans: 90 ms of a 160 ms page)."""
    return (
        Plan.objects.visible_to(user, inline_ids=True)
        .filter(itat_meeting=meeting, status=PlanStatus.SUBMITTED)
        .select_related(
            "case__person", "case__programme", "case__regie_organisation", "case__regisseur"
        )
        .only(
            "version",
            "updated_at",
            "submitted_at",
            "case__status",
            "case__person__first_name",
            "case__person__last_name",
            "case__programme__name",
            "case__regie_organisation__code",
            "case__regie_organisation__name",
            "case__regisseur__username",
            "case__regisseur__first_name",
            "case__regisseur__last_name",
            "case__regisseur__organisation",
        )
        .annotate(
            goal_count=_goal_count(),
            open_commitments=_goal_count(~Q(commitment=Commitment.COMMITTED)),
        )
        .order_by("submitted_at", "pk")
    )


def commitments_waiting_for(*, user) -> QuerySet[PlanGoal]:
    """Goals the user's organisation is asked to commit to, with the columns the page shows
    (the goal, the person's name): the plan's, case's and person's other columns, a thousand
    dates converted per page for a partner with a hundred goals to answer, are not read."""
    if not user.organisation_id:
        return PlanGoal.objects.none()
    return (
        PlanGoal.objects.filter(
            responsible_organisation_id=user.organisation_id,
            commitment=Commitment.PENDING,
            plan__status__in=[PlanStatus.DRAFT, PlanStatus.SUBMITTED],
        )
        .filter(plan_visibility_filter(user, "plan__case"))
        .select_related("plan__case__person")
        .only(
            "leefgebied",
            "goal",
            "commitment",
            "responsible_organisation",
            "plan__status",
            "plan__case__status",
            "plan__case__person__first_name",
            "plan__case__person__last_name",
        )
        .order_by("plan__case_id", "leefgebied")
    )


def case_evaluations(*, case) -> QuerySet[Evaluation]:
    return (
        Evaluation.objects.filter(plan__case=case)
        .select_related("plan", "created_by")
        .prefetch_related("results__goal")
    )


def case_referrals(*, case) -> QuerySet[ExpertGroupReferral]:
    return case.expert_referrals.select_related("referred_by", "advised_by")


def open_referrals(*, user) -> QuerySet[ExpertGroupReferral]:
    """The open referrals this user sees: all of them for the Expertgroep, none for others."""
    return (
        ExpertGroupReferral.objects.filter(referral_visibility_filter(user))
        .filter(advised_at__isnull=True)
        .select_related("case__person", "referred_by")
        .order_by("referred_at", "pk")
    )


def referral_get(*, user, pk) -> ExpertGroupReferral:
    """One referral this user sees; 404 when missing, answered or not the user's to see."""
    queryset = ExpertGroupReferral.objects.filter(referral_visibility_filter(user)).select_related(
        "case__person", "referred_by"
    )
    return visible_get(queryset, pk=pk)


# --- version comparison -------------------------------------------------------------------------


@dataclass
class GoalChange:
    leefgebied: int
    kind: str  # "added", "removed", "changed", "same"; "restricted" for a row not to be read
    old: PlanGoal | None
    new: PlanGoal | None
    fields: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def leefgebied_label(self) -> str:
        return Leefgebied(self.leefgebied).label


_COMPARED = (
    "goal",
    "interventions",
    "responsible_organisation",
    "professional",
    "concerns",
    "start_date",
    "target_date",
    "leefgebied",
)


def _show(value) -> str:
    return "—" if value in (None, "") else str(value)


def plan_compare(
    *, user, old: Plan, new: Plan
) -> tuple[list[tuple[str, str]] | None, list[GoalChange]]:
    """What changed from `old` to `new`: the analysis, and each goal matched by its origin.

    A row is shown only when `user` may read both sides (`goal_change_is_readable`); otherwise
    it only says that a goal on a restricted leefgebied exists (kind "restricted"), under the
    leefgebied of a side the user may not read. Both plans need their case with its team."""
    analysis = None if old.analysis == new.analysis else [(old.analysis, new.analysis)]
    old_goals = {g.pk: g for g in old.goals.all()}
    changes: list[GoalChange] = []
    matched: set[int] = set()
    for goal in new.goals.all():
        before = old_goals.get(goal.origin_id)
        if before is None:
            changes.append(GoalChange(goal.leefgebied, "added", None, goal))
            continue
        matched.add(before.pk)
        diffs = []
        for name in _COMPARED:
            a, b = getattr(before, name), getattr(goal, name)
            if a != b:
                label = str(PlanGoal._meta.get_field(name).verbose_name)
                diffs.append((label, _show(a), _show(b)))
        changes.append(
            GoalChange(goal.leefgebied, "changed" if diffs else "same", before, goal, diffs)
        )
    for pk, goal in old_goals.items():
        if pk not in matched:
            changes.append(GoalChange(goal.leefgebied, "removed", goal, None))
    changes = [_shown_change(user, change, case=new.case) for change in changes]
    changes.sort(key=lambda c: (c.leefgebied, c.kind))
    return analysis, changes


def _shown_change(user, change: GoalChange, *, case) -> GoalChange:
    if goal_change_is_readable(user, change.old, change.new, case=case):
        return change
    sides = [g for g in (change.old, change.new) if g is not None]
    hidden = next(g for g in sides if redact_goal(user, g, case=case) is not g)
    return GoalChange(
        hidden.leefgebied,
        "restricted",
        change.old and redact_goal(user, change.old, case=case),
        change.new and redact_goal(user, change.new, case=case),
    )


# --- history on the case page -------------------------------------------------------------------


def _readable_goal_records(records, *, user, case) -> list:
    """The historical versions of goals `user` may read: those readable then and now (the
    goal's newest version). The others are left out, with who changed them and when."""
    latest = {}
    for record in records:
        if record.id not in latest or (record.history_date, record.history_id) > (
            latest[record.id].history_date,
            latest[record.id].history_id,
        ):
            latest[record.id] = record
    return [r for r in records if goal_version_is_readable(user, r, latest=latest[r.id], case=case)]


def plan_history_sources(*, case, user, **_context) -> list[HistorySource]:
    """Plan versions, goals and advice for the case's history tab (approval included)."""
    plan_records = list(Plan.history.filter(case_id=case.pk).select_related("history_user"))
    plan_ids = {r.id for r in plan_records}
    goal_records = _readable_goal_records(
        list(PlanGoal.history.filter(plan_id__in=plan_ids).select_related("history_user")),
        user=user,
        case=case,
    )
    versions = {r.id: r.version for r in plan_records}
    return [
        HistorySource(plan_records, lambda r: f"{Plan._meta.verbose_name} v{r.version}"),
        HistorySource(
            goal_records,
            lambda r: (
                f"{PlanGoal._meta.verbose_name} (v{versions.get(r.plan_id, '?')}, {r.leefgebied})"
            ),
        ),
    ]


def plan_history(*, plan: Plan, user) -> list[HistoryEntry]:
    """Who changed what on this plan version and its goals, newest first, in a fixed number of
    queries. Goal versions `user` may not read are left out. `plan` needs its case and team."""
    plan_records = list(Plan.history.filter(id=plan.pk).select_related("history_user"))
    goal_records = _readable_goal_records(
        list(PlanGoal.history.filter(plan_id=plan.pk).select_related("history_user")),
        user=user,
        case=plan.case,
    )
    resolver = _Resolver([*plan_records, *goal_records])
    entries = _entries_for(
        plan_records,
        label=lambda r: f"{Plan._meta.verbose_name} v{r.version}",
        resolver=resolver,
    ) + _entries_for(
        goal_records,
        label=lambda r: (
            f"{PlanGoal._meta.verbose_name} ({r.leefgebied}. {Leefgebied(r.leefgebied).label})"
        ),
        resolver=resolver,
    )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


# --- the flexible budget ------------------------------------------------------------------------


def budget_requests_visible(*, user) -> QuerySet:
    from plans.models import BudgetRequest
    from plans.policies import budget_visibility_filter

    return BudgetRequest.objects.filter(budget_visibility_filter(user))


def budget_request_get(*, user, pk) -> object:
    """A request the user may see (404 otherwise), with its case and people, for its page."""
    return visible_get(
        budget_requests_visible(user=user).select_related(
            "case__person", "case__programme", "requested_by", "decided_by"
        ),
        pk=pk,
    )


def case_budget_requests(*, case) -> QuerySet:
    """A case's requests, newest first, with their payments (two queries a page)."""
    from plans.models import BudgetPayment, BudgetRequest

    return (
        BudgetRequest.objects.filter(case=case)
        .select_related("requested_by", "decided_by")
        .prefetch_related(Prefetch("payments", BudgetPayment.objects.order_by("paid_on", "pk")))
        .order_by("-requested_at", "-pk")
    )


def budget_requests_waiting(*, user, programme_id: int | None = None) -> QuerySet:
    """Requests that wait for a decision, of the cases the user reads the budget of; the oldest
    first (a unique tiebreaker: pk)."""
    from plans.models import BudgetStatus

    waiting = budget_requests_visible(user=user).filter(status=BudgetStatus.REQUESTED)
    if programme_id is not None:
        waiting = waiting.filter(case__programme_id=programme_id)
    return waiting.select_related("case__person", "case__programme", "requested_by").order_by(
        "requested_at", "pk"
    )


@dataclass
class BudgetUse:
    programme: str
    year: int
    purpose: str
    count: int = 0
    approved: int = 0
    paid: int = 0
    decision_days: list[int] = field(default_factory=list)

    def get_purpose_display(self) -> str:
        from plans.models import BudgetPurpose

        return str(dict(BudgetPurpose.choices).get(self.purpose, self.purpose))

    @property
    def median_days(self) -> float | None:
        if not self.decision_days:
            return None
        days = sorted(self.decision_days)
        middle = len(days) // 2
        return float(days[middle]) if len(days) % 2 else (days[middle - 1] + days[middle]) / 2


def budget_use(*, user, programme_id: int | None = None, year: int | None = None) -> list:
    """Use of the budget per programme, year and purpose over the cases the user reads the
    budget of: requests (withdrawn ones not counted), the approved and the paid sums, and the
    median of whole days from request to decision. Three queries, whatever the number of rows."""
    from plans.models import BudgetPayment, BudgetPurpose, BudgetStatus

    requests = budget_requests_visible(user=user).exclude(status=BudgetStatus.WITHDRAWN)
    if programme_id is not None:
        requests = requests.filter(case__programme_id=programme_id)
    if year is not None:
        requests = requests.filter(year=year)
    key = ("case__programme__code", "year", "purpose")
    table: dict[tuple, BudgetUse] = {}

    def row(programme, year_, purpose) -> BudgetUse:
        if (programme, year_, purpose) not in table:
            table[(programme, year_, purpose)] = BudgetUse(programme, year_, purpose)
        return table[(programme, year_, purpose)]

    for programme, year_, purpose, count, approved in (
        requests.values(*key)
        .annotate(n=Count("*"), approved=Sum("amount_cents", filter=Q(status="approved")))
        .order_by()
        .values_list(*key, "n", "approved")
    ):
        use = row(programme, year_, purpose)
        use.count, use.approved = count, approved or 0
    payments = BudgetPayment.objects.filter(request__in=requests.values("pk"))
    for programme, year_, purpose, paid in (
        payments.values("request__case__programme__code", "request__year", "request__purpose")
        .annotate(total=Sum("amount_cents"))
        .order_by()
        .values_list("request__case__programme__code", "request__year", "request__purpose", "total")
    ):
        row(programme, year_, purpose).paid = paid or 0
    local = timezone.get_current_timezone()
    for programme, year_, purpose, requested_at, decided_at in requests.filter(
        status__in=[BudgetStatus.APPROVED, BudgetStatus.REJECTED]
    ).values_list(*key, "requested_at", "decided_at"):
        row(programme, year_, purpose).decision_days.append(
            (decided_at.astimezone(local).date() - requested_at.astimezone(local).date()).days
        )
    order = {value: index for index, value in enumerate(BudgetPurpose.values)}
    return sorted(table.values(), key=lambda u: (u.programme, -u.year, order.get(u.purpose, 99)))


def case_handed_over_goals(*, case) -> QuerySet:
    """The goals handed over at the case's outflow, with their responsible organisation."""
    from plans.models import HandedOverGoal

    return HandedOverGoal.objects.filter(case=case).select_related(
        "goal__responsible_organisation", "receiver"
    )
