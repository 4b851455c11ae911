"""The daily scan: what is due or overdue, as reminders and notifications, set-based.

A fixed number of queries whatever the number of cases: four reads find every item, one insert
records the reminders (the unique constraint makes a second run a no-op), one read picks the
ones this run created, one insert delivers them. Dates are computed in Python from the rows the
reads return, so the rules below stay readable and testable at their edges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.models import Case
from cases.workflow import CaseStatus
from meetings.models import (
    Agreement,
    AgreementStatus,
    Notification,
    Reminder,
    ReminderKind,
    UvoStatus,
)
from partners.models import User
from plans.models import Plan
from plans.workflow import PlanStatus


@dataclass
class Finding:
    kind: str
    model: type
    object_id: int
    due_date: date
    case_id: int
    recipients: set[int]
    message: str


@dataclass
class ScanResult:
    findings: int = 0
    reminders_created: int = 0
    notifications_created: int = 0
    notification_ids: list[int] = field(default_factory=list)


def effective_cadence_weeks(*, weeks: int | None, until: date | None, today: date) -> int:
    """The case's own cadence while it applies, else the default (8 weeks, DOMAIN.md)."""
    if weeks is not None and (until is None or today <= until):
        return weeks
    return settings.REGIE_UVO_CADENCE_WEEKS


def uvo_due_date(*, last_held: date | None, regie_started: date, weeks: int) -> date:
    """The next UVO is due `weeks` after the last held one (or after regie started)."""
    return (last_held or regie_started) + timedelta(weeks=weeks)


def uvo_is_overdue(*, due: date, today: date) -> bool:
    """Overdue once the grace period after the due date has passed."""
    return today > due + timedelta(days=settings.REGIE_UVO_GRACE_DAYS)


def _name(row: dict, prefix: str = "person__") -> str:
    return f"{row[prefix + 'first_name']} {row[prefix + 'last_name']}"


def _directors(row: dict, *, with_accounthouder: bool) -> set[int]:
    ids = {row["regisseur_id"]}
    if with_accounthouder:
        ids.add(row["accounthouder_id"])
    return {i for i in ids if i is not None}


def find_uvo_and_plan_items(today: date) -> list[Finding]:
    submitted = Plan.objects.filter(case=OuterRef("pk"), submitted_at__isnull=False)
    rows = (
        Case.objects.filter(status=CaseStatus.IN_REGIE, regie_started_at__isnull=False)
        .annotate(
            last_held=Max("uvo_meetings__held_on", filter=Q(uvo_meetings__status=UvoStatus.HELD)),
            has_submitted_plan=Exists(submitted),
        )
        .values(
            "pk",
            "regie_started_at",
            "last_held",
            "has_submitted_plan",
            "regisseur_id",
            "accounthouder_id",
            "uvo_cadence__weeks",
            "uvo_cadence__until",
            "person__first_name",
            "person__last_name",
        )
    )
    plan_days = timedelta(days=settings.REGIE_PLAN_SUBMIT_DAYS)
    findings = []
    for row in rows:
        started = timezone.localtime(row["regie_started_at"]).date()
        weeks = effective_cadence_weeks(
            weeks=row["uvo_cadence__weeks"], until=row["uvo_cadence__until"], today=today
        )
        due = uvo_due_date(last_held=row["last_held"], regie_started=started, weeks=weeks)
        if uvo_is_overdue(due=due, today=today):
            findings.append(
                Finding(
                    ReminderKind.UVO_OVERDUE,
                    Case,
                    row["pk"],
                    due,
                    row["pk"],
                    _directors(row, with_accounthouder=True),
                    _("The UVO for %(name)s was due on %(due)s.")
                    % {"name": _name(row), "due": due.strftime("%d-%m-%Y")},
                )
            )
        plan_due = started + plan_days
        if not row["has_submitted_plan"] and today > plan_due:
            findings.append(
                Finding(
                    ReminderKind.PLAN_NOT_SUBMITTED,
                    Case,
                    row["pk"],
                    plan_due,
                    row["pk"],
                    _directors(row, with_accounthouder=True),
                    _("The plan van aanpak for %(name)s was due at ITAT on %(due)s.")
                    % {"name": _name(row), "due": plan_due.strftime("%d-%m-%Y")},
                )
            )
    return findings


def find_evaluation_items(today: date) -> list[Finding]:
    rows = (
        Plan.objects.filter(status=PlanStatus.APPROVED, case__status=CaseStatus.IN_REGIE)
        .annotate(last_evaluation=Max("evaluations__held_on"))
        .values(
            "pk",
            "case_id",
            "approved_at",
            "last_evaluation",
            "case__programme__evaluation_interval_weeks",
            "case__regisseur_id",
            "case__accounthouder_id",
            "case__person__first_name",
            "case__person__last_name",
        )
    )
    notice = timedelta(days=settings.REGIE_EVALUATION_NOTICE_DAYS)
    findings = []
    for row in rows:
        base = row["last_evaluation"] or timezone.localtime(row["approved_at"]).date()
        due = base + timedelta(weeks=row["case__programme__evaluation_interval_weeks"])
        directors = {
            "regisseur_id": row["case__regisseur_id"],
            "accounthouder_id": row["case__accounthouder_id"],
        }
        params = {"name": _name(row, "case__person__"), "due": due.strftime("%d-%m-%Y")}
        if today > due:
            findings.append(
                Finding(
                    ReminderKind.EVALUATION_OVERDUE,
                    Plan,
                    row["pk"],
                    due,
                    row["case_id"],
                    _directors(directors, with_accounthouder=True),
                    _("The evaluation of the plan for %(name)s was due on %(due)s.") % params,
                )
            )
        elif today >= due - notice:
            findings.append(
                Finding(
                    ReminderKind.EVALUATION_DUE,
                    Plan,
                    row["pk"],
                    due,
                    row["case_id"],
                    _directors(directors, with_accounthouder=False),
                    _("The evaluation of the plan for %(name)s is due on %(due)s.") % params,
                )
            )
    return findings


def find_agreement_items(today: date) -> list[Finding]:
    rows = list(
        Agreement.objects.filter(status=AgreementStatus.OPEN, deadline__lt=today)
        .exclude(case__status=CaseStatus.CLOSED)
        .values(
            "pk",
            "case_id",
            "deadline",
            "description",
            "owner_person_id",
            "owner_organisation_id",
            "case__regisseur_id",
        )
    )
    # The owning organisation's people, for agreements without a named person: one query.
    org_ids = {r["owner_organisation_id"] for r in rows if r["owner_person_id"] is None}
    people_by_org: dict[int, set[int]] = {}
    for user_id, org_id in (
        User.objects.filter(organisation_id__in=org_ids, is_active=True)
        .exclude(email="")
        .values_list("pk", "organisation_id")
    ):
        people_by_org.setdefault(org_id, set()).add(user_id)
    findings = []
    for row in rows:
        owners = (
            {row["owner_person_id"]}
            if row["owner_person_id"]
            else people_by_org.get(row["owner_organisation_id"], set())
        )
        recipients = owners | ({row["case__regisseur_id"]} - {None})
        findings.append(
            Finding(
                ReminderKind.AGREEMENT_OVERDUE,
                Agreement,
                row["pk"],
                row["deadline"],
                row["case_id"],
                recipients,
                _("Agreement past its deadline (%(due)s): %(what)s")
                % {"due": row["deadline"].strftime("%d-%m-%Y"), "what": row["description"][:200]},
            )
        )
    return findings


def find_due_items(today: date) -> list[Finding]:
    with translation.override(settings.LANGUAGE_CODE):
        return (
            find_uvo_and_plan_items(today)
            + find_evaluation_items(today)
            + find_agreement_items(today)
        )


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
    Reminder.objects.bulk_create(
        [
            Reminder(
                kind=f.kind,
                content_type=content_types[f.model],
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
        (r.kind, r.content_type_id, r.object_id, r.due_date): r.pk
        for r in Reminder.objects.filter(created_at=run_at).only(
            "pk", "kind", "content_type_id", "object_id", "due_date"
        )
    }
    result.reminders_created = len(created)
    notifications = []
    for f in findings:
        reminder_id = created.get((f.kind, content_types[f.model].pk, f.object_id, f.due_date))
        if reminder_id is None:
            continue
        notifications.extend(
            Notification(
                reminder_id=reminder_id, user_id=user_id, message=f.message, created_at=run_at
            )
            for user_id in sorted(f.recipients)
        )
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    result.notifications_created = len(notifications)
    result.notification_ids = list(
        Notification.objects.filter(created_at=run_at).values_list("pk", flat=True)
    )
    return result
