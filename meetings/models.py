"""UVOs on a cadence, agreements, notifications and the personal calendar feed."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from acvz.audit import history_user
from acvz.tracking import TrackedQuerySet
from cases.models import Case
from cases.validators import validate_no_nul
from partners.models import Organisation


class UvoCadence(models.Model):
    """A case's own UVO cadence, overriding the default of 8 weeks, with the reason why.

    `until` makes the override temporary ("temporarily less often"); changes are in history.
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="uvo_cadence")
    weeks = models.PositiveSmallIntegerField(
        _("every (weeks)"), validators=[MinValueValidator(1), MaxValueValidator(26)]
    )
    reason = models.TextField(_("reason"), validators=[validate_no_nul])
    until = models.DateField(
        _("until"), null=True, blank=True, help_text=_("Empty: until changed again.")
    )

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("UVO cadence")
        verbose_name_plural = _("UVO cadences")

    def __str__(self) -> str:
        return f"{self.case}: {self.weeks}w"


class UvoStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class UvoMeeting(models.Model):
    """An uitvoerdersoverleg of a case team, chaired by the regisseur."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="uvo_meetings")
    planned_at = models.DateTimeField(_("planned for"))
    place = models.CharField(_("place"), max_length=200, blank=True, validators=[validate_no_nul])
    status = models.CharField(
        _("status"), max_length=10, choices=UvoStatus.choices, default=UvoStatus.PLANNED
    )
    held_on = models.DateField(_("held on"), null=True, blank=True)
    cancel_reason = models.TextField(
        _("reason for cancelling"), blank=True, validators=[validate_no_nul]
    )
    minutes = models.TextField(_("minutes"), blank=True, validators=[validate_no_nul])
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("chair"),
    )
    #: Optimistic locking for the minutes form.
    lock_version = models.PositiveIntegerField(default=0)

    #: When this row last changed (`?updated_since=` in the API); embedded parts have their own.
    #: Indexed with the id: the API's sync order (`?ordering=updated_at`).
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    objects = TrackedQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user, excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-planned_at", "-pk"]
        verbose_name = _("UVO")
        verbose_name_plural = _("UVOs")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=UvoStatus.HELD) | Q(held_on__isnull=False),
                name="uvo_held_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=UvoStatus.CANCELLED) | ~Q(cancel_reason=""),
                name="uvo_cancelled_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "status", "held_on"]),
            # The API list's order and its sync order (docs/conventions.md, "Lists").
            models.Index(fields=["planned_at", "id"]),
            models.Index(fields=["updated_at", "id"]),
        ]

    def __str__(self) -> str:
        return f"UVO {timezone.localtime(self.planned_at):%d-%m-%Y %H:%M} · {self.case}"


class UvoAttendee(models.Model):
    """Someone at a UVO: a team organisation (its person, if named), or someone named by hand,
    with their own organisation when it is in Regie and none otherwise (a neighbourhood team),
    never the regie organisation's by default."""

    meeting = models.ForeignKey(UvoMeeting, on_delete=models.CASCADE, related_name="attendees")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True, validators=[validate_no_nul])
    present = models.BooleanField(_("present"), default=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["organisation__name", "pk"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")

    def __str__(self) -> str:
        return self.name or str(self.user or self.organisation)

    def clean(self) -> None:
        if self.organisation_id is None and not self.name.strip():
            raise ValidationError(_("An attendee without an organisation needs a name."))


class AgreementStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    NOT_DONE = "not_done", _("Not done")


class Agreement(models.Model):
    """An afspraak made at a UVO: what, which organisation (and person), by when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="agreements")
    meeting = models.ForeignKey(
        UvoMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("made at"),
    )
    description = models.TextField(_("agreement"), validators=[validate_no_nul])
    owner_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("organisation"),
    )
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("person"),
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=AgreementStatus.choices, default=AgreementStatus.OPEN
    )
    status_note = models.TextField(_("note"), blank=True, validators=[validate_no_nul])
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    #: When this row last changed (`?updated_since=` in the API); embedded parts have their own.
    #: Indexed with the id: the API's sync order (`?ordering=updated_at`).
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    objects = TrackedQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user, excluded_fields=["updated_at"])

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        indexes = [
            models.Index(fields=["status", "deadline"]),
            # The API's sync order (docs/conventions.md, "Lists"). None on (deadline, id) for
            # the list's own order: the earliest deadlines are of old cases few partners were
            # on, and the police's first page walked 377 k of them (0.6 s).
            models.Index(fields=["updated_at", "id"]),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    def clean(self) -> None:
        if self.owner_person_id and self.owner_person.organisation_id != self.owner_organisation_id:
            raise ValidationError(
                {"owner_person": _("The person must work for the owning organisation.")}
            )


class ReminderKind(models.TextChoices):
    UVO_OVERDUE = "uvo_overdue", _("UVO overdue")
    EVALUATION_DUE = "evaluation_due", _("Evaluation due")
    EVALUATION_OVERDUE = "evaluation_overdue", _("Evaluation overdue")
    AGREEMENT_OVERDUE = "agreement_overdue", _("Agreement past its deadline")
    PLAN_NOT_SUBMITTED = "plan_not_submitted", _("Plan not yet submitted")
    BUDGET_UNDECIDED = "budget_undecided", _("Budget request undecided")


class Reminder(models.Model):
    """One finding of the daily scan. Exactly once per (kind, object, due date): a retried or
    twice-run scan finds the row and sends nothing again (database unique constraint)."""

    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    due_date = models.DateField(_("due"))
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reminders")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id", "due_date"],
                name="reminder_once_per_kind_object_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.due_date})"


class ScanRun(models.Model):
    """One day's reminder scan: started (committed before the scan's own transaction) and
    completed (committed with the reminders it made). A day without a completed run by the
    deadline is late: /healthz reports it and the beheerder sees it in the admin."""

    day = models.DateField(_("day"), unique=True)
    started_at = models.DateTimeField(_("started"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    findings = models.PositiveIntegerField(_("items found"), default=0)
    reminders_created = models.PositiveIntegerField(_("new reminders"), default=0)
    notifications_created = models.PositiveIntegerField(_("new notifications"), default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("daily scan")
        verbose_name_plural = _("daily scans")

    def __str__(self) -> str:
        return f"{self.day}"


class EmailState(models.TextChoices):
    """A notification's e-mail, as an outbox (docs/operations.md): pending until a task claims
    it (sending), sent once the mail server accepted it, failed after the last attempt, skipped
    when its user does not want e-mail or no longer sees the case."""

    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent")


class NotificationEvent(models.TextChoices):
    """Steps that ask something of someone: they are told at once (meetings.notify), not at
    the next daily scan. A notification without an event is a reminder of that scan."""

    CASE_APPOINTED = "case_appointed", _("Case appointed to you")
    CONTRIBUTION_ASKED = "contribution_asked", _("Basisdossier contribution asked")
    PLAN_SUBMITTED = "plan_submitted", _("Plan on the ITAT agenda")
    PLAN_RETURNED = "plan_returned", _("Plan returned by ITAT")
    PLAN_APPROVED = "plan_approved", _("Plan approved by ITAT")
    COMMITMENT_ASKED = "commitment_asked", _("Commitment asked")
    COMMITMENT_DECLINED = "commitment_declined", _("Commitment declined")
    GOAL_PROGRESS = "goal_progress", _("Progress on a goal")
    PLAN_AMENDED = "plan_amended", _("Plan in force amended")
    ESCALATION = "escalation", _("Escalation")
    AGREEMENT_ASSIGNED = "agreement_assigned", _("Agreement assigned")
    UVO_PLANNED = "uvo_planned", _("UVO planned")
    REFERRAL_ASKED = "referral_asked", _("Question for the expert group")
    REFERRAL_ANSWERED = "referral_answered", _("Expert group answered")
    TEAM_JOINED = "team_joined", _("Joined the case team")
    TEAM_LEFT = "team_left", _("Left the case team")
    TIMELINE = "timeline", _("On the timeline")
    BUDGET_REQUESTED = "budget_requested", _("Budget request")
    BUDGET_DECIDED = "budget_decided", _("Budget request decided")


class Notification(models.Model):
    """A reminder of the daily scan, or an event (`event`), delivered to one person's inbox
    (and, by preference, e-mail). Shown only while its user reads `part` of its case."""

    reminder = models.ForeignKey(
        Reminder, on_delete=models.CASCADE, related_name="notifications", null=True, blank=True
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(
        _("event"), max_length=24, choices=NotificationEvent.choices, blank=True, default=""
    )
    #: The part of the case it is about (cases.policies.CasePart): read with that part only.
    part = models.CharField(max_length=12, default="uvo", db_default="uvo")
    #: Where the work is done (a path of this site); the case page when empty.
    link = models.CharField(max_length=300, blank=True, default="", db_default="")
    #: The UVO an invitation is about (its e-mail carries an iCal invitation).
    meeting = models.ForeignKey(
        "UvoMeeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    #: When the mail server accepted its e-mail (state sent).
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(
        max_length=8, choices=EmailState.choices, default=EmailState.PENDING, db_default="pending"
    )
    email_attempts = models.PositiveSmallIntegerField(default=0, db_default=0)
    #: When a task claimed it (state sending): one that stays sending long after crashed.
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=200, blank=True, default="", db_default="")

    #: When this row last changed (`?updated_since=` in the API); embedded parts have their own.
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    objects = TrackedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["reminder", "user"], name="notification_once_per_user")
        ]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            # The outbox: what waits, hangs or failed (few rows of many).
            models.Index(
                fields=["email_state", "created_at"],
                condition=models.Q(email_state__in=["pending", "sending", "failed"]),
                name="notification_email_outbox",
            ),
        ]

    def __str__(self) -> str:
        return self.message[:60]

    @property
    def title(self) -> str:
        """What kind of notification it is, for the inbox and the e-mail's subject."""
        if self.event:
            return self.get_event_display()
        return self.reminder.get_kind_display() if self.reminder_id else ""

    def get_link(self) -> str:
        from django.urls import reverse

        return self.link or reverse("cases:detail", args=[self.case_id])

    @property
    def message_id(self) -> str:
        """The stable Message-ID of its e-mail: a mail sent again after a crash carries the same
        one, so a mail server or client that saw it already can drop the duplicate."""
        return f"<regie.notification.{self.pk}@{settings.REGIE_MAIL_DOMAIN}>"


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(_("also by e-mail"), default=True)
    #: One e-mail a day with what came in, instead of one per notification.
    digest = models.BooleanField(_("one e-mail a day (digest)"), default=False, db_default=False)

    def __str__(self) -> str:
        return f"{self.user}: email={self.email}, digest={self.digest}"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A personal iCal feed of UVO and ITAT meetings; the secret token can be revoked."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"feed {self.user}"

    def rotate(self) -> None:
        self.token = _new_token()
        self.created_at = timezone.now()
        self.save(update_fields=["token", "created_at"])


class EscalationLevel(models.TextChoices):
    """The escalation ladder of the report (§4), bottom to top (`ESCALATION_LADDER`)."""

    ACCOUNTHOUDER = "accounthouder", _("Accounthouder")
    PROGRAMME_TEAM = "programme_team", _("Programme team")
    DIRECTORS = "directors", _("Directeurenoverleg")
    STUURGROEP = "stuurgroep", _("Stuurgroep Veiligheid en Zorg")


ESCALATION_LADDER: tuple[str, ...] = tuple(EscalationLevel.values)


class EscalationSubject(models.TextChoices):
    DECLINED_COMMITMENT = "declined_commitment", _("A declined commitment")
    OVERDUE_AGREEMENT = "overdue_agreement", _("An agreement past its deadline")
    BLOCKED_INTERVENTION = "blocked_intervention", _("A blocked intervention")
    CASE_TRANSCENDING = "case_transcending", _("A case-transcending issue")


class EscalationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DECIDED = "decided", _("Decided")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class EscalationAction(models.TextChoices):
    RAISED = "raised", _("Raised")
    ANSWERED = "answered", _("Answered")
    ESCALATED = "escalated", _("Escalated further")
    DECIDED = "decided", _("Decided")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Escalation(models.Model):
    """The regisseur's question up the ladder, about an organisation that does not deliver: a
    declined commitment, an agreement past its deadline, a blocked intervention, or an issue
    beyond the case. Each level answers, decides or escalates further within its time
    (`REGIE_ESCALATION_DAYS`); after that the regisseur may take it up a level."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="escalations")
    subject = models.CharField(_("about"), max_length=24, choices=EscalationSubject.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation concerned"),
    )
    goal = models.ForeignKey(
        "plans.PlanGoal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("goal"),
    )
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreement"),
    )
    question = models.TextField(_("question"), validators=[validate_no_nul])
    level = models.CharField(_("level"), max_length=16, choices=EscalationLevel.choices)
    level_since = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(_("answer due"))
    status = models.CharField(
        _("status"), max_length=10, choices=EscalationStatus.choices, default="open"
    )
    decision = models.TextField(_("decision"), blank=True, validators=[validate_no_nul])
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    #: Optimistic locking: two answers at once never both land.
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        permissions = [
            ("answer_as_directors", _("Answers escalations as the Directeurenoverleg")),
            ("answer_as_stuurgroep", _("Answers escalations as the Stuurgroep")),
        ]
        indexes = [
            models.Index(
                fields=["level", "due_at"],
                condition=Q(status="open"),
                name="escalation_open_level",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | (~Q(status="open") & Q(closed_at__isnull=False)),
                name="escalation_closed_when_not_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_display()} ({self.get_level_display()})"


class EscalationStep(models.Model):
    """Append-only: what happened to an escalation, at which level, by whom."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="steps")
    level = models.CharField(max_length=16, choices=EscalationLevel.choices)
    action = models.CharField(max_length=10, choices=EscalationAction.choices)
    text = models.TextField(blank=True, validators=[validate_no_nul])
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.get_level_display()})"


# --- webhooks: partner systems told of changes (meetings.webhooks) ------------------------------


class WebhookEventType(models.TextChoices):
    CASE_ASSIGNED = "case.assigned", _("Case assigned (regisseur appointed or handed over)")
    TEAM_JOINED = "case.team_joined", _("Organisation joined the case team")
    TEAM_LEFT = "case.team_left", _("Organisation left the case team")
    PLAN_SUBMITTED = "plan.submitted", _("Plan submitted to ITAT")
    PLAN_APPROVED = "plan.approved", _("Plan approved by ITAT")
    PLAN_RETURNED = "plan.returned", _("Plan returned by ITAT")
    COMMITMENT_ASKED = "commitment.asked", _("Commitment to a goal asked")
    UVO_PLANNED = "uvo.planned", _("UVO planned")
    UVO_HELD = "uvo.held", _("UVO held")
    AGREEMENT_CREATED = "agreement.created", _("Agreement made")
    AGREEMENT_DUE = "agreement.due", _("Agreement past its deadline")
    AGREEMENT_DONE = "agreement.done", _("Agreement settled (done or not done)")
    TIMELINE_EVENT = "timeline.event", _("Event on the case timeline")


class WebhookSubscription(models.Model):
    """A partner system's endpoint for events of the cases its organisation is on. Events are
    sent with the need-to-know of `user` (the system's account, the same one its API key acts
    as), signed per Standard Webhooks with `secret` (the sender must hold it to sign; shown
    once, when made or renewed, and never again on a page or in the history). After a renewal
    `previous_secret` signs alongside it until `previous_secret_until`
    (`REGIE_WEBHOOK_SECRET_OVERLAP_HOURS`), so the partner can deploy the new one in that time;
    the sweep empties it after that."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
        verbose_name=_("system account"),
    )
    url = models.URLField(_("endpoint URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=100)
    #: The secret before the last renewal, signing alongside `secret` until the moment below.
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    #: Failed attempts since the last success; at `REGIE_WEBHOOK_DISABLE_AFTER` it is disabled.
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    #: The last delivery the receiver took (kept here: the log is too long to ask on a list).
    last_delivered_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    lock_version = models.PositiveIntegerField(default=0)

    history = HistoricalRecords(
        # No secret, old or new, ever lands in the history (nor when the old one stops).
        excluded_fields=[
            "secret",
            "previous_secret",
            "previous_secret_until",
            "consecutive_failures",
            "last_delivered_at",
        ],
        get_user=history_user,
    )

    class Meta:
        ordering = ["organisation__name", "pk"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return self.url


class WebhookEvent(models.Model):
    """The outbox: one row per event, written in the transaction of the change (no event for
    rolled-back data, none lost by a crash after commit). Fanned out to the subscriptions whose
    system account sees the case's `part` (`meetings.webhooks.fan_out`). Carries ids only."""

    type = models.CharField(max_length=40, choices=WebhookEventType.choices)
    case_id = models.PositiveBigIntegerField(null=True)
    #: The part of the case the event is about (cases.policies.CasePart).
    part = models.CharField(max_length=12)
    data = models.JSONField(default=dict)
    #: Told whether or not they see the case now (the organisation that just left the team).
    also_organisation_ids = models.JSONField(default=list)
    #: When set, only these organisations (the ones asked to commit).
    only_organisation_ids = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now)
    fanned_out_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"],
                name="webhook_event_waiting",
                condition=Q(fanned_out_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} #{self.pk}"


class WebhookDeliveryState(models.TextChoices):
    PENDING = "pending", _("waiting")
    SENDING = "sending", _("sending")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")


class WebhookDelivery(models.Model):
    """One event for one subscription, with a stable `webhook-id` (`message_id`) kept over
    every attempt, so a receiver recognises a repeat."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    message_id = models.CharField(max_length=40, unique=True)
    state = models.CharField(
        max_length=10, choices=WebhookDeliveryState.choices, default=WebhookDeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True)
    delivered_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(default=timezone.now)
    #: Sent again by hand: its next attempt is logged as manual.
    manual = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event"], name="webhook_delivery_once_per_subscription"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due",
                condition=Q(state="pending"),
            ),
            models.Index(fields=["subscription", "-created_at", "-id"], name="webhook_log"),
            # The list's counts of what waits and what failed, per subscription.
            models.Index(
                fields=["subscription"],
                name="webhook_delivery_waiting",
                condition=Q(state__in=["pending", "sending"]),
            ),
            models.Index(
                fields=["subscription"], name="webhook_delivery_failed", condition=Q(state="failed")
            ),
        ]

    def __str__(self) -> str:
        return self.message_id


class WebhookAttempt(models.Model):
    """The delivery log: every attempt with its answer."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    #: Sent again by hand (`webhook_redeliver`).
    manual = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.at:%Y-%m-%d %H:%M:%S} {self.status_code}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
