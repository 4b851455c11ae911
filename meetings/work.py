"""The work queue: what waits for this user now, per role, each item linking to where it is done.

Read on the home page (every section, its first items and its count) and, as one number, in the
navigation (`work_count`, cached per user for a few minutes and dropped when an event reaches
them, meetings.notify). Each section is one or two queries, whatever the number of items; none
reads health content (items name the person, the case and what is due, never a goal's text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from acvz.formats import dmy
from cases.eligibility import outflow_signal_reason
from cases.models import Case, CaseTeamMembership, DossierContribution
from cases.policies import actor_for
from cases.selectors import cases_waiting_for, outflow_signals
from cases.workflow import REGIE_STATUSES, CaseStatus
from meetings.models import (
    Agreement,
    AgreementStatus,
    Escalation,
    EscalationLevel,
    EscalationStatus,
    UvoMeeting,
    UvoStatus,
)
from meetings.reminders import (
    effective_cadence_weeks,
    last_held_uvo,
    uvo_clock_started_at,
    uvo_due_date,
)
from plans.models import (
    BudgetRequest,
    BudgetStatus,
    Commitment,
    ExpertGroupReferral,
    Plan,
    PlanGoal,
    PlanReview,
)
from plans.workflow import PlanStatus

#: Items shown per section on the home page (the count says how many there are).
SHOWN = 10
#: A UVO or evaluation due within this many days is on the queue (overdue ones always).
AHEAD_DAYS = 14
WORK_COUNT_SECONDS = 300
UNREAD_COUNT_SECONDS = 60


@dataclass
class Item:
    name: str
    text: str
    url: str
    due: date | None = None
    overdue: bool = False


@dataclass
class Section:
    key: str
    title: str
    items: list[Item] = field(default_factory=list)
    count: int = 0
    #: The page with every item, when there is one.
    more_url: str = ""


def _section(key, title, items: list[Item]) -> Section:
    """A section of the user's own few items (their cases), computed in Python."""
    items.sort(key=lambda i: (i.due or date.max, i.name))
    return Section(key, title, items[:SHOWN], len(items))


def _listed(key, title, queryset, item) -> Section:
    """A section over the user's own few rows (of the cases they direct, about a dozen): read
    in one query, in the queryset's order, and counted in Python."""
    rows = list(queryset)
    return Section(key, title, [item(row) for row in rows[:SHOWN]], len(rows))


def _queried(key, title, queryset, item) -> Section:
    """A section over many rows (an organisation's, a role's): counted in SQL, the first
    SHOWN (in the queryset's order, most urgent first) made into items."""
    count = queryset.count()
    items = [item(row) for row in queryset[:SHOWN]] if count else []
    return Section(key, title, items, count)


# --- regisseur and accounthouder ----------------------------------------------------------------


def _directed(user, *, role: str):
    field_name = "regisseur" if role == "regisseur" else "accounthouder"
    return Case.objects.filter(**{field_name: user}, status=CaseStatus.IN_REGIE).select_related(
        "person", "programme", "uvo_cadence"
    )


def plans_to_write(user) -> Section:
    """Cases in regie without a plan in force or on ITAT's agenda, or with a draft (a new
    version, or one ITAT returned)."""
    plans = Plan.objects.filter(case=OuterRef("pk"))
    cases = (
        _directed(user, role="regisseur")
        .annotate(
            draft=Exists(plans.filter(status=PlanStatus.DRAFT)),
            live=Exists(plans.filter(status__in=[PlanStatus.SUBMITTED, PlanStatus.APPROVED])),
        )
        .filter(Q(draft=True) | Q(live=False))
        .order_by("pk")
    )
    items = [
        Item(
            c.person.full_name,
            _("Plan to revise") if c.draft else _("Plan to write"),
            reverse("plans:case_plan", args=[c.pk]),
        )
        for c in cases
    ]
    return _section("plans", _("Plans to write or revise"), items)


def uvos_due(user, *, role: str = "regisseur", today: date) -> Section:
    """Cases whose next UVO falls due within two weeks, or is overdue, and is not planned."""
    cases = _directed(user, role=role).annotate(
        last_held=last_held_uvo(),
        planned=Exists(
            UvoMeeting.objects.filter(
                case=OuterRef("pk"), status=UvoStatus.PLANNED, planned_at__date__gte=today
            )
        ),
        uvo_clock_at=uvo_clock_started_at(),
    )
    items = []
    for c in cases:
        if c.planned or c.regie_started_at is None:
            continue
        cadence = getattr(c, "uvo_cadence", None)
        weeks = effective_cadence_weeks(
            weeks=cadence.weeks if cadence else None,
            until=cadence.until if cadence else None,
            today=today,
        )
        clock = c.uvo_clock_at
        due = uvo_due_date(
            last_held=c.last_held,
            clock_started=timezone.localtime(clock).date() if clock is not None else None,
            weeks=weeks,
        )
        if due is not None and due <= today + timedelta(days=AHEAD_DAYS):
            items.append(
                Item(
                    c.person.full_name,
                    _("UVO due on %(due)s") % {"due": dmy(due)},
                    reverse("meetings:case_uvos", args=[c.pk]),
                    due,
                    due < today,
                )
            )
    title = _("UVOs to plan") if role == "regisseur" else _("UVOs overdue in your cases")
    if role != "regisseur":
        items = [i for i in items if i.overdue]
    return _section("uvos" if role == "regisseur" else "uvos_overdue", title, items)


def evaluations_due(user, *, today: date) -> Section:
    """Plans in force whose evaluation falls due within two weeks, or is overdue."""
    plans = (
        Plan.objects.filter(
            status=PlanStatus.APPROVED,
            case__regisseur=user,
            case__status=CaseStatus.IN_REGIE,
        )
        .select_related("case__person", "case__programme")
        .annotate(last_evaluation=Max("evaluations__held_on"))
    )
    items = []
    for plan in plans:
        start = plan.last_evaluation or timezone.localtime(plan.approved_at).date()
        due = start + timedelta(weeks=plan.case.programme.evaluation_interval_weeks)
        if due <= today + timedelta(days=AHEAD_DAYS):
            items.append(
                Item(
                    plan.case.person.full_name,
                    _("Evaluation due on %(due)s") % {"due": dmy(due)},
                    reverse("plans:evaluate", args=[plan.case_id]),
                    due,
                    due < today,
                )
            )
    return _section("evaluations", _("Evaluations due"), items)


def plan_reviews_due(user, *, today: date) -> Section:
    """Justice-chain events that call for a look at the plan (plans.reviews), open, most
    urgent first."""
    reviews = (
        PlanReview.objects.filter(
            case__regisseur=user, case__status__in=REGIE_STATUSES, closed_at__isnull=True
        )
        .select_related("case__person", "event")
        .order_by("due_on", "pk")
    )
    return _queried(
        "plan_reviews",
        _("Events that call for a look at the plan"),
        reviews,
        lambda r: Item(
            r.case.person.full_name,
            _("%(event)s: look at the plan by %(due)s")
            % {"event": r.event.get_kind_display(), "due": dmy(r.due_on)},
            reverse("plans:case_plan", args=[r.case_id]) + "#reviews",
            r.due_on,
            r.due_on < today,
        ),
    )


def agreements_overdue(user, *, role: str = "regisseur", today: date) -> Section:
    field_name = "case__regisseur" if role == "regisseur" else "case__accounthouder"
    agreements = Agreement.objects.filter(
        **{field_name: user},
        case__status=CaseStatus.IN_REGIE,
        status=AgreementStatus.OPEN,
        deadline__lt=today,
    ).select_related("case__person", "owner_organisation")
    # One's own agreements are under "Agreements to deliver" already (marked overdue there).
    agreements = agreements.exclude(owner_person=user).order_by("deadline", "pk")
    title = (
        _("Agreements past their deadline")
        if role == "regisseur"
        else _("Agreements past their deadline in your cases")
    )
    return _queried(
        f"agreements_overdue_{role}",
        title,
        agreements,
        lambda a: Item(
            a.case.person.full_name,
            _("%(org)s, due %(due)s: %(what)s")
            % {"org": a.owner_organisation.name, "due": dmy(a.deadline), "what": a.description},
            reverse("meetings:case_uvos", args=[a.case_id]),
            a.deadline,
            True,
        ),
    )


def escalations_waiting(user, *, today: date) -> Section:
    """Escalations at a level of the ladder this user answers for: the accounthouder's cases,
    the programme team's programmes, the two bodies' levels. Named by case number: the bodies
    read no case."""
    from cases.models import Programme
    from meetings.escalations import LEVEL_PERMISSION

    actor = actor_for(user)
    at_level = Q(level=EscalationLevel.ACCOUNTHOUDER, case__accounthouder=user)
    if actor.has("cases.support_case"):
        programmes = Programme.team_members.through.objects.filter(user_id=user.pk)
        at_level |= Q(
            level=EscalationLevel.PROGRAMME_TEAM,
            case__programme_id__in=programmes.values("programme_id"),
        )
    for level, permission in LEVEL_PERMISSION.items():
        if actor.has(permission):
            at_level |= Q(level=level)
    waiting = (
        Escalation.objects.filter(at_level, status=EscalationStatus.OPEN)
        .select_related("organisation")
        .order_by("due_at", "pk")
    )
    return _queried(
        "escalations",
        _("Escalations waiting for your answer"),
        waiting,
        lambda e: Item(
            _("Case %(n)s") % {"n": e.case_id},
            _("%(subject)s (%(org)s), due %(due)s")
            % {
                "subject": e.get_subject_display(),
                "org": e.organisation.name,
                "due": dmy(timezone.localtime(e.due_at).date()),
            },
            reverse("meetings:escalation", args=[e.pk]),
            timezone.localtime(e.due_at).date(),
            timezone.localtime(e.due_at).date() < today,
        ),
    )


def commitments_declined(user) -> Section:
    goals = PlanGoal.objects.filter(
        plan__case__regisseur=user,
        plan__status__in=[PlanStatus.DRAFT, PlanStatus.SUBMITTED],
        commitment=Commitment.DECLINED,
    ).select_related("plan__case__person", "responsible_organisation")
    return _queried(
        "declined",
        _("Declined commitments"),
        goals.order_by("committed_at", "pk"),
        lambda g: Item(
            g.plan.case.person.full_name,
            _("%(org)s cannot deliver a goal") % {"org": g.responsible_organisation.name},
            reverse("plans:detail", args=[g.plan_id]),
        ),
    )


def budget_requests_to_decide(user, *, today: date) -> Section:
    """Budget requests of the accounthouder's cases that wait for a decision, the oldest first;
    overdue after REGIE_BUDGET_DECISION_DAYS. Named by purpose and amount, never description."""
    from django.conf import settings

    from plans.budget import euro

    waiting = (
        BudgetRequest.objects.filter(
            case__accounthouder=user,
            case__status=CaseStatus.IN_REGIE,
            status=BudgetStatus.REQUESTED,
        )
        .select_related("case__person")
        .order_by("requested_at", "pk")
    )
    days = timedelta(days=settings.REGIE_BUDGET_DECISION_DAYS)

    def item(r) -> Item:
        due = timezone.localtime(r.requested_at).date() + days
        return Item(
            r.case.person.full_name,
            _("Budget request: %(purpose)s, %(amount)s; decide by %(due)s")
            % {
                "purpose": r.get_purpose_display(),
                "amount": euro(r.amount_cents),
                "due": dmy(due),
            },
            reverse("plans:budget_request", args=[r.pk]),
            due,
            due < today,
        )

    return _queried("budget", _("Budget requests to decide"), waiting, item)


# --- the organisation's partners ----------------------------------------------------------------


def commitments_to_answer(user) -> Section:
    """Goals of plans on ITAT's agenda that the user's organisation is responsible for and has
    not answered, while it is on the team (as `goal_can_commit`)."""
    asked = PlanGoal.objects.filter(
        plan=OuterRef("pk"),
        responsible_organisation_id=user.organisation_id,
        commitment=Commitment.PENDING,
    )
    on_team = CaseTeamMembership.objects.filter(
        case=OuterRef("case"), organisation_id=user.organisation_id, left_on__isnull=True
    )
    plans = (
        Plan.objects.filter(status=PlanStatus.SUBMITTED)
        .filter(Exists(asked), Exists(on_team))
        .select_related("case__person")
        .order_by("submitted_at", "pk")
    )
    return _queried(
        "commitments",
        _("Commitments to answer"),
        plans,
        lambda p: Item(
            p.case.person.full_name,
            _("Commit to your goals in the plan"),
            reverse("plans:detail", args=[p.pk]),
        ),
    )


def agreements_to_deliver(user, *, today: date) -> Section:
    """Open agreements given to the user, or to their organisation without a named person when
    they are its contact, on cases their organisation is on the team of."""
    mine = Q(owner_person=user)
    if user.organisation_contact:
        mine |= Q(owner_person__isnull=True, owner_organisation_id=user.organisation_id)
    on_team = CaseTeamMembership.objects.filter(
        case=OuterRef("case"), organisation_id=user.organisation_id, left_on__isnull=True
    )
    agreements = (
        Agreement.objects.filter(mine, status=AgreementStatus.OPEN)
        .filter(Exists(on_team))
        .select_related("case__person")
        .order_by("deadline", "pk")
    )
    return _queried(
        "deliver",
        _("Agreements to deliver"),
        agreements,
        lambda a: Item(
            a.case.person.full_name,
            _("Due %(due)s: %(what)s") % {"due": dmy(a.deadline), "what": a.description},
            reverse("meetings:agreements"),
            a.deadline,
            a.deadline < today,
        ),
    )


def contributions_asked(user) -> Section:
    """Basisdossiers being compiled that still wait for the user's organisation."""
    open_requests = DossierContribution.objects.filter(
        section__dossier__case=OuterRef("pk"),
        organisation_id=user.organisation_id,
        nothing_known=False,
        text="",
    )
    cases = (
        Case.objects.filter(status=CaseStatus.BASISDOSSIER)
        .filter(Exists(open_requests))
        .select_related("person")
        .order_by("dossier_started_at", "pk")
    )
    return _queried(
        "contributions",
        _("Basisdossier contributions asked of you"),
        cases,
        lambda c: Item(
            c.person.full_name,
            _("Your organisation's part of the basisdossier"),
            reverse("cases:dossier", args=[c.pk]),
        ),
    )


# --- review roles and the programme team --------------------------------------------------------


def itat_agenda(user, *, today: date) -> Section:
    """The submitted plans, the earliest meeting first. Their meeting dates are read whole
    and sorted here, then the first SHOWN plans fetched: asked for the first ten in date order,
    the planner walked every meeting there ever was against every submitted plan (426 x 262
    comparisons, 11 ms at ten times the city) where reading the 262 dates takes under 1 ms."""
    waiting = sorted(
        (meeting_date, pk)
        for pk, meeting_date in Plan.objects.filter(
            status=PlanStatus.SUBMITTED, itat_meeting__isnull=False
        )
        .order_by()
        .values_list("pk", "itat_meeting__date")
    )
    first = waiting[:SHOWN]
    plans = Plan.objects.select_related("case__person").in_bulk([pk for _date, pk in first])
    items = [
        Item(
            plans[pk].case.person.full_name,
            _("ITAT of %(date)s") % {"date": dmy(meeting_date)},
            reverse("plans:detail", args=[pk]),
            meeting_date,
            meeting_date < today,
        )
        for meeting_date, pk in first
    ]
    return Section("itat", _("Plans on the ITAT agenda"), items, len(waiting))


def referrals_open(user) -> Section:
    referrals = (
        ExpertGroupReferral.objects.filter(advised_at__isnull=True)
        .select_related("case__person")
        .order_by("referred_at", "pk")
    )
    return _queried(
        "referrals",
        _("Open questions for the expert group"),
        referrals,
        lambda r: Item(
            r.case.person.full_name,
            _("Question of %(date)s") % {"date": dmy(timezone.localtime(r.referred_at).date())},
            reverse("plans:referral_answer", args=[r.pk]),
        ),
    )


def cases_waiting(user) -> Section:
    """Cases to register further, assign, appoint a regisseur to (cases.selectors)."""
    labels = {
        CaseStatus.REGISTERED: _("Start the basisdossier"),
        CaseStatus.AWAITING_ASSIGNMENT: _("Assign to a regie organisation"),
        CaseStatus.BASISDOSSIER: _("Basisdossier complete: establish it"),
        CaseStatus.ASSIGNED: _("Appoint a regisseur"),
    }
    unanswered = DossierContribution.objects.filter(
        section__dossier__case=OuterRef("pk"), nothing_known=False, text=""
    )
    # A dossier still being compiled waits for the kernpartners (their own queue), until every
    # request is answered: then it waits to be established.
    cases = (
        cases_waiting_for(user=user)
        .annotate(unanswered=Exists(unanswered))
        .exclude(status=CaseStatus.BASISDOSSIER, unanswered=True)
    )
    return _queried(
        "waiting",
        _("Cases waiting for you"),
        cases.order_by("registered_at", "pk"),
        lambda c: Item(
            c.person.full_name, labels.get(c.status, ""), reverse("cases:detail", args=[c.pk])
        ),
    )


def outflow_signalled(user, *, today: date, role: str = "regisseur") -> Section:
    """Cases whose person no longer meets the inflow criteria (`cases.selectors.outflow_signals`):
    the regisseur's own, or for the programme team those of its programmes; with the reason."""
    cases = outflow_signals(user=user, on=today)
    if role == "regisseur":
        cases = cases.filter(regisseur=user)
    # The eligibility count is the costly part of the query: the regisseur's own dozen cases
    # are read once, not counted and then read.
    section = (_listed if role == "regisseur" else _queried)(
        f"outflow_{role}",
        _("No longer meets the inflow criteria"),
        cases,
        lambda c: Item(
            c.person.full_name,
            outflow_signal_reason(c, on=today),
            reverse("cases:detail", args=[c.pk]),
        ),
    )
    section.more_url = reverse("cases:outflow_signals")
    return section


# --- the queue ----------------------------------------------------------------------------------


def work_queue(*, user, today: date | None = None) -> list[Section]:
    """The sections that apply to the user's roles, in the order of the day's work."""
    today = today or timezone.localdate()
    actor = actor_for(user)
    sections: list[Section] = []
    if actor.has("cases.direct_case"):
        sections += [
            plans_to_write(user),
            uvos_due(user, today=today),
            evaluations_due(user, today=today),
            plan_reviews_due(user, today=today),
            agreements_overdue(user, today=today),
            commitments_declined(user),
            outflow_signalled(user, today=today),
        ]
    if actor.has("cases.assign_case") or actor.has("cases.appoint_regisseur"):
        sections.append(cases_waiting(user))
    if actor.has("cases.account_case"):
        sections += [
            uvos_due(user, role="accounthouder", today=today),
            agreements_overdue(user, role="accounthouder", today=today),
            budget_requests_to_decide(user, today=today),
        ]
    if actor.has("cases.support_case"):
        sections.append(outflow_signalled(user, today=today, role="programme"))
    if actor.has("plans.review_plan"):
        sections.append(itat_agenda(user, today=today))
    if (
        actor.has("cases.account_case")
        or actor.has("cases.support_case")
        or actor.has("meetings.answer_as_directors")
        or actor.has("meetings.answer_as_stuurgroep")
    ):
        sections.append(escalations_waiting(user, today=today))
    if actor.has("plans.answer_referral"):
        sections.append(referrals_open(user))
    if actor.has("cases.contribute_basisdossier") and user.organisation_id:
        sections.append(contributions_asked(user))
    if user.organisation_id and actor.reads_cases:
        sections += [commitments_to_answer(user), agreements_to_deliver(user, today=today)]
    return sections


def _cache_key(user_id: int) -> str:
    return f"regie:work:{user_id}"


def work_count(*, user) -> int:
    """The number in the navigation: the items of the user's queue (cached a few minutes)."""
    key = _cache_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = sum(section.count for section in work_queue(user=user))
        cache.set(key, count, WORK_COUNT_SECONDS)
    return count


def _unread_key(user_id: int) -> str:
    return f"regie:unread:{user_id}"


def header_unread_count(*, user) -> int:
    """The header's number of unread notifications, cached a minute: every page shows it, and
    asking it through the visibility rules costs ~5 ms of every page. A new notification or
    marking one read forgets it at once (`forget_work_counts`); a change of visibility (leaving
    a team) shows within the minute. The inbox itself is always asked afresh."""
    from meetings.selectors import unread_count

    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = unread_count(user=user)
        cache.set(key, count, UNREAD_COUNT_SECONDS)
    return count


def forget_work_counts(user_ids) -> None:
    """Something changed for these users (an event reached them, they acted): the header's
    counts (work and unread) are asked afresh."""
    ids = [pk for pk in user_ids if pk]
    cache.delete_many([_cache_key(pk) for pk in ids] + [_unread_key(pk) for pk in ids])


def remember_work_count(*, user, sections: list[Section]) -> None:
    cache.set(_cache_key(user.pk), sum(s.count for s in sections), WORK_COUNT_SECONDS)
