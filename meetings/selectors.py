"""Reads of meetings, agreements and notifications, through the case visible-queryset."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from acvz.query import row_count
from cases.access import visible_get
from meetings.models import (
    Agreement,
    AgreementStatus,
    EmailState,
    Notification,
    UvoAttendee,
    UvoMeeting,
    UvoStatus,
)
from meetings.policies import (
    agreement_owner_on_team,
    case_scoped_filter,
    notification_visibility_filter,
)
from meetings.reminders import (
    effective_cadence_weeks,
    last_held_uvo,
    uvo_clock_rule,
    uvo_clock_started_at,
    uvo_due_date,
    uvo_is_overdue,
)


def agreement_owner_candidates(*, case, organisation_ids) -> QuerySet:
    """The people an agreement may name: those around this case in the team's organisations
    (its named professionals, regisseur, accounthouder, UVO attendees and the organisations'
    contacts), not every user of those organisations (thousands at city scale)."""
    from cases.models import CaseTeamMembership
    from partners.models import User

    return User.objects.filter(
        Q(
            pk__in=CaseTeamMembership.objects.filter(
                case=case, left_on__isnull=True, professional__isnull=False
            ).values("professional_id")
        )
        | Q(pk__in=[case.regisseur_id, case.accounthouder_id])
        | Q(
            pk__in=UvoAttendee.objects.filter(meeting__case=case, user__isnull=False).values(
                "user_id"
            )
        )
        | Q(organisation_contact=True),
        organisation_id__in=organisation_ids,
        is_active=True,
    ).order_by("last_name", "first_name", "pk")


@dataclass
class UvoState:
    weeks: int
    overridden: bool
    last_held: date | None
    due: date | None
    overdue: bool
    #: In regie, but the UVO clock waits for the first approved plan (the programme's rule).
    waits_for_plan: bool = False


def case_uvo_state(*, case, today: date | None = None) -> UvoState:
    """When the next UVO is due for this case and whether it is overdue."""
    today = today or timezone.localdate()
    cadence = getattr(case, "uvo_cadence", None)
    weeks = effective_cadence_weeks(
        weeks=cadence.weeks if cadence else None,
        until=cadence.until if cadence else None,
        today=today,
    )
    last_held = (
        case.uvo_meetings.filter(status=UvoStatus.HELD)
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    if case.regie_started_at is None:
        return UvoState(weeks, cadence is not None, last_held, None, False)
    due = uvo_due_date(last_held=last_held, clock_started=_uvo_clock_started(case), weeks=weeks)
    if due is None:
        return UvoState(weeks, cadence is not None, last_held, None, False, waits_for_plan=True)
    overdue = uvo_is_overdue(due=due, today=today)
    return UvoState(weeks, cadence is not None, last_held, due, overdue)


def _uvo_clock_started(case) -> date | None:
    """`reminders.uvo_clock_started_at` for one case: a query only where the clock waits for
    the first approved plan."""
    from cases.models import UvoClockStart
    from plans.models import Plan

    if uvo_clock_rule(case.programme.uvo_clock_start) == UvoClockStart.PLAN_APPROVED:
        moment = (
            Plan.objects.filter(case=case, approved_at__isnull=False)
            .order_by("approved_at")
            .values_list("approved_at", flat=True)
            .first()
        )
    else:
        moment = case.regie_started_at
    return timezone.localtime(moment).date() if moment is not None else None


def case_uvos(*, case) -> QuerySet[UvoMeeting]:
    return case.uvo_meetings.select_related("chair").order_by("-planned_at")


def uvos_visible(*, user, inline_ids: bool = False) -> QuerySet[UvoMeeting]:
    """The UVOs of the cases this user may see, with their chair. `inline_ids` for a page of
    the whole list (`cases.policies.case_scoped_filter`)."""
    return UvoMeeting.objects.filter(
        case_scoped_filter(user, inline_ids=inline_ids)
    ).select_related("case", "chair")


def uvo_get(*, user, pk) -> UvoMeeting:
    queryset = (
        UvoMeeting.objects.filter(case_scoped_filter(user))
        .select_related(
            "case__person",
            "case__programme",
            "case__regisseur",
            "case__accounthouder",
            "case__regie_organisation",
            "chair",
        )
        .prefetch_related("attendees__organisation", "attendees__user")
    )
    return visible_get(queryset, pk=pk)


def case_agreements(*, case) -> QuerySet[Agreement]:
    return case.agreements.select_related("owner_organisation", "owner_person", "meeting")


def open_agreements_for_agenda(*, case, before: UvoMeeting | None = None) -> QuerySet[Agreement]:
    """Open agreements carry over to the next UVO's agenda."""
    queryset = case_agreements(case=case).filter(status=AgreementStatus.OPEN)
    if before is not None:
        queryset = queryset.exclude(meeting=before)
    return queryset


def agreements_visible(*, user, inline_ids: bool = False) -> QuerySet[Agreement]:
    """The agreements of the cases this user may see. `inline_ids` for a page of the whole list
    (`cases.policies.case_scoped_filter`)."""
    return (
        Agreement.objects.filter(case_scoped_filter(user, inline_ids=inline_ids))
        .annotate(owner_on_team=agreement_owner_on_team())
        .select_related("case__person", "owner_organisation", "owner_person", "meeting")
    )


class AgreementShow(models.TextChoices):
    """The status filter of the agreements page."""

    OPEN = "open", _("Open")
    OVERDUE = "overdue", _("Open, past the deadline")
    DONE = "done", _("Done or not done")
    ALL = "all", _("All")


def agreements_of_my_organisation(
    *, user, show: str = AgreementShow.OPEN, search: str = "", today: date | None = None
) -> QuerySet[Agreement]:
    """The agreements owned by the user's organisation on cases the user may see, filtered by
    status (`AgreementShow`) and by a case number or words of the person's name; in a stable
    order for paging (finished ones most recent first)."""
    today = today or timezone.localdate()
    queryset = agreements_visible(user=user).filter(owner_organisation_id=user.organisation_id)
    if show == AgreementShow.OPEN:
        queryset = queryset.filter(status=AgreementStatus.OPEN)
    elif show == AgreementShow.OVERDUE:
        queryset = queryset.filter(status=AgreementStatus.OPEN, deadline__lt=today)
    elif show == AgreementShow.DONE:
        queryset = queryset.exclude(status=AgreementStatus.OPEN)
    search = search.strip()
    if search.isascii() and search.isdigit() and len(search) < 19:  # a case number
        queryset = queryset.filter(case_id=int(search))
    else:
        for word in search.split()[:5]:
            queryset = queryset.filter(
                Q(case__person__first_name__icontains=word)
                | Q(case__person__last_name__icontains=word)
            )
    if show == AgreementShow.DONE:
        return queryset.order_by("-deadline", "-pk")
    return queryset.order_by("deadline", "pk")


def notifications_visible(*, user) -> QuerySet[Notification]:
    """The user's own notifications about cases the user may see now."""
    return Notification.objects.filter(notification_visibility_filter(user))


def inbox(*, user) -> QuerySet[Notification]:
    """Unread first, newest first; then the most recently read. (NULLs placed explicitly:
    PostgreSQL and SQLite sort them at opposite ends.)"""
    return (
        notifications_visible(user=user)
        .select_related("case__person", "reminder")
        .order_by(F("read_at").desc(nulls_first=True), "-created_at", "-pk")
    )


def unread_count(*, user) -> int:
    """The number in the header."""
    return notifications_visible(user=user).filter(read_at__isnull=True).count()


def notifications_deliverable(*, notification_ids) -> list[Notification]:
    """Of these notifications, the ones whose e-mail waits and whose user may still see the
    case, with their users. One query per user besides the first: visibility is asked per user,
    as when the notification is shown."""
    pending: dict[int, list[Notification]] = {}
    for notification in Notification.objects.filter(
        pk__in=notification_ids, email_state=EmailState.PENDING
    ).select_related("user__organisation", "case"):
        pending.setdefault(notification.user_id, []).append(notification)
    deliverable = []
    for notifications in pending.values():
        visible = set(
            notifications_visible(user=notifications[0].user)
            .filter(pk__in=[n.pk for n in notifications])
            .values_list("pk", flat=True)
        )
        deliverable += [n for n in notifications if n.pk in visible]
    return sorted(deliverable, key=lambda n: n.pk)


def calendar_items(*, user, start: date, end: date):
    """The user's UVOs (cases they direct or whose team their organisation is on) and, for
    ITAT members, the ITAT meetings, between two dates."""
    from plans.models import ItatMeeting

    uvos = (
        UvoMeeting.objects.filter(case_scoped_filter(user, writable=True))
        .filter(planned_at__date__gte=start, planned_at__date__lte=end)
        .exclude(status=UvoStatus.CANCELLED)
        .only("pk", "case_id", "planned_at", "status")
        .order_by("planned_at")
    )
    itat = (
        ItatMeeting.objects.filter(date__gte=start, date__lte=end).order_by("date")
        if user.has_perm("plans.review_plan")
        else ItatMeeting.objects.none()
    )
    return list(uvos), list(itat)


# --- the three-weekly casuistry meeting --------------------------------------------------------


@dataclass
class CasuistryItem:
    case: object
    uvo: UvoState
    overdue_agreements: int
    plan_status: str | None


def casuistry_dates(
    *, today: date, count: int = 4, weeks: int | None = None, anchor: date | None = None
) -> list[date]:
    """The next casuistry meetings from today: every `weeks` weeks from `anchor` (a programme's
    own rhythm), else Regie's (REGIE_CASUISTRY_WEEKS from REGIE_CASUISTRY_ANCHOR)."""
    from datetime import timedelta

    from django.conf import settings

    anchor = anchor or date.fromisoformat(settings.REGIE_CASUISTRY_ANCHOR)
    period = timedelta(weeks=weeks or settings.REGIE_CASUISTRY_WEEKS)
    steps = max(0, -(-(today - anchor).days // period.days))
    first = anchor + steps * period
    return [first + i * period for i in range(count)]


@dataclass
class CasuistryRhythm:
    programme: object
    weeks: int
    #: The programme's own agreement (else Regie's setting).
    own: bool
    dates: list[date]


def casuistry_rhythms(*, user, today: date) -> list[CasuistryRhythm]:
    """The casuistry rhythm of each programme of the accounthouder's cases in regie, with its
    next dates (a local agreement per programme, docs/domain.md). One query."""
    from django.conf import settings

    from cases.models import Programme
    from cases.workflow import CaseStatus

    programmes = (
        Programme.objects.filter(
            pk__in=models.Subquery(
                user.accounted_cases.filter(status=CaseStatus.IN_REGIE).values("programme_id")
            )
        )
        .only("code", "name", "casuistry_weeks", "casuistry_anchor")
        .order_by("name")
    )
    return [
        CasuistryRhythm(
            programme,
            programme.casuistry_weeks or settings.REGIE_CASUISTRY_WEEKS,
            bool(programme.casuistry_weeks or programme.casuistry_anchor),
            casuistry_dates(
                today=today, weeks=programme.casuistry_weeks, anchor=programme.casuistry_anchor
            ),
        )
        for programme in programmes
    ]


def casuistry_cases(*, user, today: date | None = None) -> QuerySet:
    """The accounthouder's cases in regie, each with its last held UVO, its open agreements past
    their deadline and its current plan's status, in a stable order for paging. Per-case
    subqueries, not a joined GROUP BY: that multiplied every case by its UVOs times its agreements
    before aggregating (135 k rows for 309 cases at ten times the city)."""
    from django.db.models import OuterRef, Subquery

    from cases.models import Case
    from cases.workflow import CaseStatus
    from plans.models import Plan
    from plans.workflow import PlanStatus

    today = today or timezone.localdate()
    overdue = Agreement.objects.filter(
        case=OuterRef("pk"), status=AgreementStatus.OPEN, deadline__lt=today
    )
    plan_status = (
        Plan.objects.filter(case=OuterRef("pk"))
        .exclude(status=PlanStatus.SUPERSEDED)
        .order_by("-version")
        .values("status")[:1]
    )
    return (
        Case.objects.visible_to(user)
        .filter(accounthouder=user, status=CaseStatus.IN_REGIE)
        .select_related("person", "regisseur", "uvo_cadence")
        .annotate(
            last_held=last_held_uvo(),
            uvo_clock_at=uvo_clock_started_at(),
            overdue_agreements=row_count(overdue, "case"),
            plan_status=Subquery(plan_status),
        )
        .order_by("regisseur__last_name", "person__last_name", "pk")
    )


def casuistry_items(*, cases, today: date | None = None) -> list[CasuistryItem]:
    """What needs discussing per case of `casuistry_cases`: overdue UVO, agreements past their
    deadline, the plan's state. No queries of its own."""
    from plans.workflow import PlanStatus

    today = today or timezone.localdate()
    items = []
    for case in cases:
        cadence = getattr(case, "uvo_cadence", None)
        weeks = effective_cadence_weeks(
            weeks=cadence.weeks if cadence else None,
            until=cadence.until if cadence else None,
            today=today,
        )
        clock = case.uvo_clock_at
        due = uvo_due_date(
            last_held=case.last_held,
            clock_started=timezone.localtime(clock).date() if clock is not None else None,
            weeks=weeks,
        )
        overdue = due is not None and uvo_is_overdue(due=due, today=today)
        state = UvoState(weeks, cadence is not None, case.last_held, due, overdue)
        label = PlanStatus(case.plan_status).label if case.plan_status else None
        items.append(CasuistryItem(case, state, case.overdue_agreements, label))
    return items


# --- webhooks -----------------------------------------------------------------------------------


def webhook_subscriptions():
    """Every subscription with what waits and what failed, each counted on its partial index."""
    from meetings.models import WebhookDelivery, WebhookDeliveryState, WebhookSubscription

    def count(**states):
        rows = WebhookDelivery.objects.filter(subscription=OuterRef("pk"), **states)
        return Subquery(
            rows.order_by().values("subscription").annotate(n=Count("*")).values("n")[:1]
        )

    waiting = (WebhookDeliveryState.PENDING, WebhookDeliveryState.SENDING)
    return (
        WebhookSubscription.objects.select_related("organisation", "user")
        .annotate(
            waiting=Coalesce(count(state__in=waiting), 0),
            failed=Coalesce(count(state=WebhookDeliveryState.FAILED), 0),
        )
        .order_by("organisation__name", "pk")
    )


def webhook_deliveries(*, subscription):
    """The delivery log of a subscription, newest first, each with its last attempt."""
    from meetings.models import WebhookAttempt, WebhookDelivery

    last = WebhookAttempt.objects.filter(delivery=OuterRef("pk")).order_by("-at", "-pk")
    return (
        WebhookDelivery.objects.filter(subscription=subscription)
        .select_related("event")
        .annotate(
            last_at=Subquery(last.values("at")[:1]),
            last_status=Subquery(last.values("status_code")[:1]),
            last_error=Subquery(last.values("error")[:1]),
        )
        .order_by("-created_at", "-pk")
    )
