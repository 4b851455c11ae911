"""The daily scan: what is due or overdue, as reminders and notifications, set-based.

A fixed number of queries whatever the number of cases: three reads find every item, one read
loads the people they may reach, one insert records the reminders (the unique constraint makes
a second run a no-op), one read picks the ones this run created, one insert delivers them.
Dates are computed in Python from the rows the reads return, so the rules below stay readable
and testable at their edges. Messages are formatted only for reminders this run created (a
second run formats none).

Need-to-know (`meetings.policies`): a reminder reaches only people who see its case now, through
the team or by directing it, and who may sign in. An organisation that left the team hears no
more of the case; an open agreement it owned keeps reminding the regisseur and the
accounthouder, who decide what becomes of it. An agreement owned by an organisation without a
named person reaches the organisation's professional on the case team, or where none is named
its contact people (`User.organisation_contact`), never all of its people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.models import Case, CaseTeamMembership, UvoClockStart
from cases.workflow import CaseStatus
from meetings import webhooks
from meetings.models import (
    Agreement,
    AgreementStatus,
    Notification,
    Reminder,
    ReminderKind,
    ScanRun,
    UvoMeeting,
    UvoStatus,
)
from meetings.policies import organisation_sees_case, recipient_filter
from partners.models import User
from plans.models import BudgetRequest, BudgetStatus, Plan
from plans.workflow import PlanStatus


@dataclass(slots=True)
class Finding:
    kind: str
    model: type
    object_id: int
    due_date: date
    case_id: int
    #: The people who must act, each seeing the case (by directing it, or through the team).
    recipients: set[int]
    #: What the message needs besides the due date: a name, or an agreement's text.
    subject: str
    #: Organisations on the team whose contact people hear of it (an agreement without a person
    #: whose organisation names no professional on the team).
    organisations: set[int] = field(default_factory=set)


@dataclass
class ScanResult:
    findings: int = 0
    reminders_created: int = 0
    notifications_created: int = 0
    notification_ids: list[int] = field(default_factory=list)


def effective_cadence_weeks(*, weeks: int | None, until: date | None, today: date) -> int:
    """The case's own cadence while it applies, else the default (8 weeks, docs/domain.md)."""
    if weeks is not None and (until is None or today <= until):
        return weeks
    return settings.REGIE_UVO_CADENCE_WEEKS


def uvo_clock_rule(programme_rule: str) -> str:
    """The programme's agreement on when the UVO clock starts, else Regie's setting."""
    return programme_rule or settings.REGIE_UVO_CLOCK_START


def uvo_clock_started_at() -> models.Expression:
    """When each case's UVO clock started, as an expression over `Case` rows: the start of
    regie, or where its programme (or, for a programme without an agreement, Regie's setting)
    says so the approval of its first plan — NULL until then. One subquery, read only for the
    cases that need it."""
    first_approval = Subquery(
        Plan.objects.filter(case=OuterRef("pk"), approved_at__isnull=False)
        .order_by("approved_at")
        .values("approved_at")[:1]
    )
    by_approval = Q(programme__uvo_clock_start=UvoClockStart.PLAN_APPROVED)
    if settings.REGIE_UVO_CLOCK_START == UvoClockStart.PLAN_APPROVED:
        by_approval |= Q(programme__uvo_clock_start="")
    return models.Case(
        models.When(by_approval, then=first_approval),
        default=models.F("regie_started_at"),
        output_field=models.DateTimeField(),
    )


def last_held_uvo() -> Subquery:
    """The date of each case's last held UVO, as a subquery over `Case` rows (not a joined
    aggregate: its GROUP BY would carry every other annotation of the row)."""
    return Subquery(
        UvoMeeting.objects.filter(case=OuterRef("pk"), status=UvoStatus.HELD)
        .order_by("-held_on")
        .values("held_on")[:1]
    )


def uvo_due_date(*, last_held: date | None, clock_started: date | None, weeks: int) -> date | None:
    """The next UVO is due `weeks` after the last held one, or after the UVO clock started
    (`uvo_clock_started_at`); None while neither happened (no UVO is due yet)."""
    start = last_held or clock_started
    return None if start is None else start + timedelta(weeks=weeks)


def uvo_is_overdue(*, due: date, today: date) -> bool:
    """Overdue once the grace period after the due date has passed."""
    return today > due + timedelta(days=settings.REGIE_UVO_GRACE_DAYS)


def find_uvo_and_plan_items(today: date) -> list[Finding]:
    submitted = Plan.objects.filter(case=OuterRef("pk"), submitted_at__isnull=False)
    rows = (
        Case.objects.filter(status=CaseStatus.IN_REGIE, regie_started_at__isnull=False)
        .annotate(
            last_held=last_held_uvo(),
            has_submitted_plan=Exists(submitted),
            # Local days, converted by the database: 20,000 moments read and converted in
            # Python were half the scan's read phase at ten times the city.
            started_on=TruncDate("regie_started_at"),
            uvo_clock_on=TruncDate(uvo_clock_started_at()),
        )
        .values_list(
            "pk",
            "started_on",
            "uvo_clock_on",
            "last_held",
            "has_submitted_plan",
            "regisseur_id",
            "accounthouder_id",
            "uvo_cadence__weeks",
            "uvo_cadence__until",
            "programme__plan_submit_days",
            "person__first_name",
            "person__last_name",
        )
        .order_by()
    )
    default_weeks = timedelta(weeks=settings.REGIE_UVO_CADENCE_WEEKS)
    grace = timedelta(days=settings.REGIE_UVO_GRACE_DAYS)
    default_plan_days = settings.REGIE_PLAN_SUBMIT_DAYS
    findings = []
    for (
        pk,
        started,
        clock_on,
        last_held,
        submitted_plan,
        regisseur,
        accounthouder,
        weeks,
        until,
        programme_plan_days,
        first_name,
        last_name,
    ) in rows:
        # effective_cadence_weeks and uvo_due_date, inlined for the 10,000-row loop.
        cadence = (
            timedelta(weeks=weeks)
            if weeks is not None and (until is None or today <= until)
            else default_weeks
        )
        clock = last_held or clock_on
        due = clock + cadence if clock is not None else None
        overdue_uvo = due is not None and today > due + grace
        # The programme's own agreement, else Regie's (a local agreement either way).
        plan_days = timedelta(days=programme_plan_days or default_plan_days)
        late_plan = not submitted_plan and today > started + plan_days
        if not (overdue_uvo or late_plan):
            continue
        people = {i for i in (regisseur, accounthouder) if i is not None}
        name = f"{first_name} {last_name}"
        if overdue_uvo:
            findings.append(Finding(ReminderKind.UVO_OVERDUE, Case, pk, due, pk, people, name))
        if late_plan:
            findings.append(
                Finding(
                    ReminderKind.PLAN_NOT_SUBMITTED, Case, pk, started + plan_days, pk, people, name
                )
            )
    return findings


def find_evaluation_items(today: date) -> list[Finding]:
    rows = (
        Plan.objects.filter(status=PlanStatus.APPROVED, case__status=CaseStatus.IN_REGIE)
        .annotate(last_evaluation=Max("evaluations__held_on"), approved_on=TruncDate("approved_at"))
        .values_list(
            "pk",
            "case_id",
            "approved_on",
            "last_evaluation",
            "case__programme__evaluation_interval_weeks",
            "case__regisseur_id",
            "case__accounthouder_id",
            "case__person__first_name",
            "case__person__last_name",
        )
        .order_by()
    )
    notice = timedelta(days=settings.REGIE_EVALUATION_NOTICE_DAYS)
    findings = []
    for (
        pk,
        case_id,
        approved_on,
        last_evaluation,
        interval,
        regisseur,
        accounthouder,
        first_name,
        last_name,
    ) in rows:
        due = (last_evaluation or approved_on) + timedelta(weeks=interval)
        if today > due:
            people = {i for i in (regisseur, accounthouder) if i is not None}
            kind = ReminderKind.EVALUATION_OVERDUE
        elif today >= due - notice:
            people = {regisseur} - {None}
            kind = ReminderKind.EVALUATION_DUE
        else:
            continue
        findings.append(Finding(kind, Plan, pk, due, case_id, people, f"{first_name} {last_name}"))
    return findings


def find_agreement_items(today: date) -> list[Finding]:
    rows = (
        Agreement.objects.filter(status=AgreementStatus.OPEN, deadline__lt=today)
        .exclude(case__status=CaseStatus.CLOSED)
        .annotate(
            organisation_on_team=organisation_sees_case(
                case="case_id", group="owner_organisation__group_id"
            ),
            person_on_team=organisation_sees_case(
                case="case_id", group="owner_person__organisation__group_id"
            ),
            # The owning organisation's professional named on the team (one active membership
            # per organisation), if they still work there.
            team_professional=Subquery(
                CaseTeamMembership.objects.filter(
                    case_id=OuterRef("case_id"),
                    organisation_id=OuterRef("owner_organisation_id"),
                    left_on__isnull=True,
                    professional__organisation_id=OuterRef("owner_organisation_id"),
                ).values("professional_id")[:1]
            ),
        )
        .values_list(
            "pk",
            "case_id",
            "deadline",
            "description",
            "owner_person_id",
            "owner_organisation_id",
            "case__regisseur_id",
            "case__accounthouder_id",
            "organisation_on_team",
            "person_on_team",
            "team_professional",
        )
        .order_by()
    )
    findings = []
    for (
        pk,
        case_id,
        deadline,
        description,
        person,
        org,
        regisseur,
        accounthouder,
        org_on_team,
        person_on_team,
        team_professional,
    ) in rows:
        # Past its deadline is overdue: the regisseur and the accounthouder hear of it too.
        recipients = {regisseur, accounthouder} - {None}
        if person is not None and person_on_team:
            recipients.add(person)
        organisations = set()
        if person is None and org_on_team:
            if team_professional is not None:
                recipients.add(team_professional)
            else:
                organisations.add(org)
        findings.append(
            Finding(
                ReminderKind.AGREEMENT_OVERDUE,
                Agreement,
                pk,
                deadline,
                case_id,
                recipients,
                description[:200],
                organisations,
            )
        )
    return findings


def find_budget_items(today: date) -> list[Finding]:
    """Budget requests that wait longer than REGIE_BUDGET_DECISION_DAYS for the accounthouder
    (plans.budget): due on the last day to decide, reminded once (the reminder's unique key)."""
    days = timedelta(days=settings.REGIE_BUDGET_DECISION_DAYS)
    rows = (
        BudgetRequest.objects.filter(
            status=BudgetStatus.REQUESTED, case__status=CaseStatus.IN_REGIE
        )
        .annotate(requested_on=TruncDate("requested_at"))
        .values_list(
            "pk",
            "case_id",
            "requested_on",
            "case__accounthouder_id",
            "case__person__first_name",
            "case__person__last_name",
        )
        .order_by()
    )
    findings = []
    for pk, case_id, requested_on, accounthouder, first_name, last_name in rows:
        due = requested_on + days
        if today > due and accounthouder is not None:
            findings.append(
                Finding(
                    ReminderKind.BUDGET_UNDECIDED,
                    BudgetRequest,
                    pk,
                    due,
                    case_id,
                    {accounthouder},
                    f"{first_name} {last_name}",
                )
            )
    return findings


def reach(findings: list[Finding]) -> None:
    """Settle each finding's recipients in one query: only people who may sign in, and for an
    organisation's agreement its contact people who may sign in and have an e-mail address."""
    people = set().union(*(f.recipients for f in findings))
    organisations = set().union(*(f.organisations for f in findings))
    if not (people or organisations):
        return
    reachable: set[int] = set()
    people_by_org: dict[int, set[int]] = {}
    for user_id, org_id, email, contact in (
        User.objects.filter(recipient_filter())
        .filter(
            Q(pk__in=people)
            | Q(organisation_id__in=organisations, organisation_contact=True) & ~Q(email="")
        )
        .values_list("pk", "organisation_id", "email", "organisation_contact")
    ):
        if user_id in people:
            reachable.add(user_id)
        if contact and email and org_id in organisations:
            people_by_org.setdefault(org_id, set()).add(user_id)
    for finding in findings:
        finding.recipients &= reachable
        for org_id in finding.organisations:
            finding.recipients |= people_by_org.get(org_id, set())


def find_due_items(today: date) -> list[Finding]:
    """What is due on `today`, each with the people it reaches."""
    findings = (
        find_uvo_and_plan_items(today)
        + find_evaluation_items(today)
        + find_agreement_items(today)
        + find_budget_items(today)
    )
    reach(findings)
    return findings


def _messages() -> dict[str, str]:
    """The message of each kind, translated once per scan (in the site's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return {
            ReminderKind.UVO_OVERDUE: _("The UVO for %(name)s was due on %(due)s."),
            ReminderKind.PLAN_NOT_SUBMITTED: _(
                "The plan van aanpak for %(name)s was due at ITAT on %(due)s."
            ),
            ReminderKind.EVALUATION_OVERDUE: _(
                "The evaluation of the plan for %(name)s was due on %(due)s."
            ),
            ReminderKind.EVALUATION_DUE: _(
                "The evaluation of the plan for %(name)s is due on %(due)s."
            ),
            ReminderKind.AGREEMENT_OVERDUE: _("Agreement past its deadline (%(due)s): %(what)s"),
            ReminderKind.BUDGET_UNDECIDED: _(
                "A budget request for %(name)s was to be decided by %(due)s."
            ),
        }


def finding_message(finding: Finding, messages: dict[str, str] | None = None) -> str:
    template = (messages or _messages())[finding.kind]
    due = f"{finding.due_date.day:02d}-{finding.due_date.month:02d}-{finding.due_date.year}"
    return template % {"name": finding.subject, "what": finding.subject, "due": due}


@transaction.atomic
def reminders_scan(*, today: date | None = None) -> ScanResult:
    """Find what is due and notify the people who must act, each item exactly once."""
    today = today or timezone.localdate()
    run_at = timezone.now()
    findings = find_due_items(today)
    result = ScanResult(findings=len(findings))
    if not findings:
        return result
    content_types = ContentType.objects.get_for_models(*{f.model for f in findings})
    type_ids = {model: ct.pk for model, ct in content_types.items()}
    Reminder.objects.bulk_create(
        [
            Reminder(
                kind=f.kind,
                content_type_id=type_ids[f.model],
                object_id=f.object_id,
                due_date=f.due_date,
                case_id=f.case_id,
                created_at=run_at,
            )
            for f in findings
        ],
        ignore_conflicts=True,
    )
    # The rows this run inserted carry its timestamp; existing ones (earlier runs) do not.
    created = {
        (kind, type_id, object_id, due): pk
        for pk, kind, type_id, object_id, due in Reminder.objects.filter(
            created_at=run_at
        ).values_list("pk", "kind", "content_type_id", "object_id", "due_date")
    }
    result.reminders_created = len(created)
    if not created:
        return result
    agreement_type = type_ids.get(Agreement)
    webhooks.agreements_due(
        [
            (f.object_id, f.case_id, f.due_date)
            for f in findings
            if f.kind == ReminderKind.AGREEMENT_OVERDUE
            and (f.kind, agreement_type, f.object_id, f.due_date) in created
        ]
    )
    messages = _messages()
    notifications = []
    for f in findings:
        reminder_id = created.get((f.kind, type_ids[f.model], f.object_id, f.due_date))
        if reminder_id is None:
            continue
        message = finding_message(f, messages)
        notifications.extend(
            Notification(
                reminder_id=reminder_id,
                case_id=f.case_id,
                user_id=user_id,
                message=message,
                created_at=run_at,
            )
            for user_id in sorted(f.recipients)
        )
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    if notifications:
        from meetings.work import forget_work_counts

        forget_work_counts({n.user_id for n in notifications})
    result.notifications_created = len(notifications)
    result.notification_ids = list(
        Notification.objects.filter(created_at=run_at).values_list("pk", flat=True)
    )
    return result


def daily_scan_run(*, today: date) -> ScanResult:
    """The day's scan, recorded: its start is committed first (so a run that dies shows as
    started, not completed), its completion in one transaction with what it created. Run again
    after a crash, it finishes the job: what the first run committed is not made twice."""
    started = timezone.now()
    run, created = ScanRun.objects.get_or_create(day=today, defaults={"started_at": started})
    if not created:
        ScanRun.objects.filter(pk=run.pk).update(
            started_at=started, attempts=models.F("attempts") + 1
        )
    with transaction.atomic():
        result = reminders_scan(today=today)
        ScanRun.objects.filter(pk=run.pk).update(
            completed_at=timezone.now(),
            findings=result.findings,
            reminders_created=models.F("reminders_created") + result.reminders_created,
            notifications_created=models.F("notifications_created") + result.notifications_created,
        )
    return result


def scan_status(*, now: datetime | None = None) -> dict:
    """Whether today's scan completed; late once the deadline passed without it."""
    now = timezone.localtime(now)
    today = now.date()
    last = ScanRun.objects.filter(completed_at__isnull=False).order_by("-day").first()
    hour, minute = settings.REGIE_SCAN_DEADLINE
    due = (now.hour, now.minute) >= (hour, minute)
    late = due and (last is None or last.day < today)
    return {
        "status": "late" if late else "ok",
        "last_completed_day": last.day.isoformat() if last else None,
    }
