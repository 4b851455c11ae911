"""The plan van aanpak in versions, partner commitments, ITAT review, evaluations, expert group."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from acvz.audit import history_user
from acvz.tracking import TrackedQuerySet
from cases.models import Case, Leefgebied, TimelineEvent
from cases.validators import validate_no_nul
from partners.models import Organisation
from plans.workflow import (
    Commitment,
    EvaluationConclusion,
    EvaluationResult,
    GoalStatus,
    PlanStatus,
    ReviewOutcome,
)


class ItatMeeting(models.Model):
    """The weekly ITAT meeting; its agenda is the plans submitted to it."""

    date = models.DateField(_("date"), unique=True)
    held = models.BooleanField(_("held"), default=False)
    notes = models.TextField(_("notes"), blank=True, validators=[validate_no_nul])

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["date"]
        verbose_name = _("ITAT meeting")
        verbose_name_plural = _("ITAT meetings")

    def __str__(self) -> str:
        return f"ITAT {self.date:%d-%m-%Y}"


class PlanQuerySet(TrackedQuerySet):
    def visible_to(self, user, *, inline_ids: bool = False) -> PlanQuerySet:
        """`inline_ids` for a page of the whole list (`cases.policies.case_scoped_filter`)."""
        from plans.policies import plan_visibility_filter

        return self.filter(plan_visibility_filter(user, inline_ids=inline_ids))


class Plan(models.Model):
    """One version of a case's plan van aanpak."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    analysis = models.TextField(
        _("analysis and vision"),
        blank=True,
        validators=[validate_no_nul],
        help_text=_("The regisseur's own analysis of the situation and vision on the approach."),
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("based on version"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    itat_meeting = models.ForeignKey(
        ItatMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("ITAT meeting"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    fingerprint = models.CharField(
        _("fingerprint of the approved content"),
        max_length=64,
        blank=True,
        help_text=_("SHA-256 of the plan's content as approved."),
    )
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)
    #: When ITAT last decided on this version (approved or returned it). ITAT reads the case
    #: for REGIE_ITAT_READ_WEEKS after its decision (`plans.policies`).
    decided_at = models.DateTimeField(_("decided by ITAT"), null=True, blank=True)
    #: Optimistic locking: bumped by every change to the plan or its goals.
    lock_version = models.PositiveIntegerField(default=0)

    #: When this row last changed (`?updated_since=` in the API); embedded parts have their own.
    #: Indexed with the id: the API's sync order (`?ordering=updated_at`).
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(get_user=history_user, excluded_fields=["updated_at"])
    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["case", "-version"]
        verbose_name = _("plan van aanpak")
        verbose_name_plural = _("plannen van aanpak")
        permissions = [("review_plan", _("Can review, return and approve plans (ITAT)"))]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="plan_unique_version"),
            # At most one version in force per case, and one being worked on.
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status=PlanStatus.APPROVED),
                name="plan_one_in_force_per_case",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=[PlanStatus.DRAFT, PlanStatus.SUBMITTED]),
                name="plan_one_open_version_per_case",
            ),
            models.CheckConstraint(
                condition=~Q(status=PlanStatus.APPROVED)
                | (Q(approved_at__isnull=False) & ~Q(fingerprint="")),
                name="plan_approved_has_record",
            ),
        ]
        indexes = [
            # ITAT's read window: plans on the agenda or decided recently (plans.policies).
            models.Index(
                fields=["case"],
                condition=Q(status=PlanStatus.SUBMITTED),
                name="plan_on_itat_agenda",
            ),
            models.Index(fields=["decided_at"], name="plan_decided_at"),
            # The API list's order and its sync order (docs/conventions.md, "Lists").
            models.Index(fields=["created_at", "id"], name="plan_list_order"),
            models.Index(fields=["updated_at", "id"], name="plan_sync_order"),
        ]

    def __str__(self) -> str:
        return f"Plan v{self.version} · {self.case}"

    @property
    def is_editable(self) -> bool:
        return self.status == PlanStatus.DRAFT


class PlanGoal(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    leefgebied = models.PositiveSmallIntegerField(_("leefgebied"), choices=Leefgebied.choices)
    goal = models.TextField(_("goal"), validators=[validate_no_nul])
    interventions = models.TextField(_("interventions"), blank=True, validators=[validate_no_nul])
    responsible_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_goals",
        verbose_name=_("responsible organisation"),
    )
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("professional"),
    )
    #: A family member the goal is about (goal 3: a younger brother or sister, or the person's
    #: child), one of the case person's relatives (checked by the services).
    concerns = models.ForeignKey(
        "cases.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("concerns family member"),
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=GoalStatus.choices, default=GoalStatus.OPEN
    )
    commitment = models.CharField(
        _("commitment"), max_length=10, choices=Commitment.choices, default=Commitment.PENDING
    )
    commitment_reason = models.TextField(
        _("reason for declining"), blank=True, validators=[validate_no_nul]
    )
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    committed_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    #: The goal this one was copied from in the previous version (for comparison).
    origin = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    #: When this row last changed (`?updated_since=` in the API); embedded parts have their own.
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    objects = TrackedQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user, excluded_fields=["updated_at"])

    class Meta:
        ordering = ["leefgebied", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.CheckConstraint(
                condition=Q(leefgebied__gte=1, leefgebied__lte=11), name="goal_leefgebied_1_11"
            ),
            models.CheckConstraint(
                condition=Q(target_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(target_date__gte=models.F("start_date")),
                name="goal_target_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.leefgebied}. {self.goal[:50]}"


class HandedOverGoal(models.Model):
    """A goal of the plan in force handed over to the regular line at outflow (issue 16): the
    receiving organisation takes it on. Written once, by `plans.services.case_hand_over`."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handed_over_goals")
    goal = models.ForeignKey(PlanGoal, on_delete=models.PROTECT, related_name="handovers")
    receiver = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("receiving organisation"),
    )
    at = models.DateTimeField(_("handed over"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["goal__leefgebied", "pk"]
        verbose_name = _("goal handed over")
        verbose_name_plural = _("goals handed over")
        constraints = [
            models.UniqueConstraint(fields=["case", "goal"], name="handover_goal_once"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.goal_id}"


class GoalProgress(models.Model):
    """A dated step in a goal's progress: a status (`GOAL_STATUS_MOVES`) and a note, recorded at
    any time by the regisseur or the goal's responsible organisation, optionally at a UVO,
    without a new plan version. Append-only; the goal's `status` is the latest step's. A goal
    copied into a new version keeps its status, and its trail runs through `PlanGoal.origin`.

    The UVO is named by a lazy reference: meetings builds on plans, not the other way."""

    goal = models.ForeignKey(PlanGoal, on_delete=models.CASCADE, related_name="progress")
    from_status = models.CharField(max_length=12, choices=GoalStatus.choices)
    status = models.CharField(_("status"), max_length=12, choices=GoalStatus.choices)
    note = models.TextField(_("note"), blank=True, validators=[validate_no_nul])
    on = models.DateField(_("date"), default=timezone.localdate)
    uvo = models.ForeignKey(
        "meetings.UvoMeeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("at the UVO of"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "recorded_at", "pk"]
        verbose_name = _("goal progress")
        verbose_name_plural = _("goal progress")

    def __str__(self) -> str:
        return f"{self.on} {self.status}"


class PlanAmendment(models.Model):
    """A small change to a goal of the plan in force (`GOAL_FIELD_CHANGES`: dates, the
    professional, interventions): who, when, why and what. The plan stays in force; its
    approval keeps the fingerprint of what ITAT approved (`plans.services.approved_content`
    rebuilds that content from the goals' history). `changes` holds, per field, the value
    before and after as shown to people (None for free text, which the goal's history keeps)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="amendments")
    goal = models.ForeignKey(PlanGoal, on_delete=models.CASCADE, related_name="amendments")
    changes = models.JSONField(default=dict)
    reason = models.TextField(_("reason"), validators=[validate_no_nul])
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")

    def __str__(self) -> str:
        return f"{self.plan} {', '.join(self.changes)}"


class PlanStatusChange(models.Model):
    """Immutable: who moved which plan version from what to what, and why."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=PlanStatus.choices)
    to_status = models.CharField(max_length=12, choices=PlanStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan} {self.from_status} → {self.to_status}"


class ItatAdvice(models.Model):
    """ITAT's advice on a submitted plan: overall (no goal) or on one goal. Kept when returned."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="advice")
    goal = models.ForeignKey(
        PlanGoal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="advice",
        verbose_name=_("goal"),
    )
    text = models.TextField(_("advice"), validators=[validate_no_nul])
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("ITAT advice")
        verbose_name_plural = _("ITAT advice")

    def __str__(self) -> str:
        return self.text[:50]


class ExpertGroupReferral(models.Model):
    """A question to the ITAT-Expertgroep about a case, and the group's advice."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="expert_referrals")
    question = models.TextField(_("question"), validators=[validate_no_nul])
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField(default=timezone.now)
    advice = models.TextField(
        _("advice of the expert group"), blank=True, validators=[validate_no_nul]
    )
    advised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    advised_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["-referred_at"]
        verbose_name = _("expert group referral")
        verbose_name_plural = _("expert group referrals")
        permissions = [("answer_referral", _("Can answer referrals (ITAT-Expertgroep)"))]
        indexes = [
            # The Expertgroep reads a case while a referral of it is open (plans.policies).
            models.Index(
                fields=["case"],
                condition=Q(advised_at__isnull=True),
                name="referral_open_case",
            ),
        ]

    def __str__(self) -> str:
        return self.question[:50]


class Evaluation(models.Model):
    """The periodic evaluation of the plan in force, per goal, with a conclusion."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="evaluations")
    due_date = models.DateField(_("due"))
    held_on = models.DateField(_("held on"), default=timezone.localdate)
    conclusion = models.CharField(
        _("conclusion"), max_length=14, choices=EvaluationConclusion.choices
    )
    summary = models.TextField(_("summary"), blank=True, validators=[validate_no_nul])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    #: When this row last changed (`?updated_since=` in the API); embedded parts have their own.
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    objects = TrackedQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user, excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"Evaluatie {self.held_on} · {self.plan}"


class GoalEvaluation(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="results")
    goal = models.ForeignKey(PlanGoal, on_delete=models.PROTECT, related_name="evaluations")
    result = models.CharField(_("result"), max_length=14, choices=EvaluationResult.choices)
    explanation = models.TextField(_("explanation"), blank=True, validators=[validate_no_nul])

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["goal__leefgebied", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "goal"], name="evaluation_goal_once")
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.result}"


class PlanReview(models.Model):
    """ "Look at the plan": a justice-chain event (an arrest, a summons, detention in or out, a
    court date, a new measure) calls for it within a number of days (`REVIEW_EVENT_DAYS`, or the
    programme's own). Exactly one per event; closed by an evaluation or a recorded "no change
    needed"."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plan_reviews")
    event = models.OneToOneField(
        TimelineEvent, on_delete=models.CASCADE, related_name="plan_review"
    )
    due_on = models.DateField(_("due"))
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=ReviewOutcome.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True, validators=[validate_no_nul])
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("look at the plan")
        verbose_name_plural = _("looks at the plan")
        indexes = [
            models.Index(
                fields=["case", "due_on"],
                condition=Q(closed_at__isnull=True),
                name="plan_review_open",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True, outcome="")
                | (Q(closed_at__isnull=False) & ~Q(outcome="")),
                name="plan_review_closed_with_outcome",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.due_on}"


class ApplicationKind(models.TextChoices):
    SHELTERED_HOUSING = "sheltered_housing", _("Sheltered housing")
    BENEFITS = "benefits", _("Benefits")
    DEBT_HELP = "debt_help", _("Debt help")
    TREATMENT = "treatment", _("Treatment or care")
    OTHER = "other", _("Other")


class ApplicationStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Application(models.Model):
    """An application at an outside body for a goal of the plan in force (sheltered housing,
    benefits, debt help, treatment): the bottlenecks the report asks to understand. Its waiting
    time runs from the request to the decision (or today)."""

    goal = models.ForeignKey(PlanGoal, on_delete=models.CASCADE, related_name="applications")
    kind = models.CharField(_("kind"), max_length=20, choices=ApplicationKind.choices)
    body = models.CharField(_("at"), max_length=200, validators=[validate_no_nul])
    requested_on = models.DateField(_("requested on"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.REQUESTED,
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, validators=[validate_no_nul])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    lock_version = models.PositiveIntegerField(default=0)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["requested_on", "pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="requested", decided_on__isnull=True)
                | (~Q(status="requested") & Q(decided_on__isnull=False)),
                name="application_decided_when_not_requested",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=models.F("requested_on")),
                name="application_decided_after_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.body})"

    def waiting_days(self, today=None) -> int:
        end = self.decided_on or today or timezone.localdate()
        return (end - self.requested_on).days


class BudgetPurpose(models.TextChoices):
    HOUSING = "housing", _("Housing")
    DEBTS = "debts", _("Debts")
    DAILY_LIVING = "daily_living", _("Daily living")
    WORK_EDUCATION = "work_education", _("Work or education")
    HEALTH_CARE = "health_care", _("Health or care")
    TRANSPORT_ID = "transport_id", _("Transport or ID papers")
    OTHER = "other", _("Other")


class BudgetStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class BudgetRequest(models.Model):
    """A request by the regisseur to spend part of the flexible budget of a case's programme year
    (REGIE_BUDGET_PER_YEAR_EUR, the report's €1000 per person): what for, how much, and the
    declaration that no prior provision ("voorliggende voorziening") applies. One step decides
    it: the case's accounthouder approves or rejects (plans.budget). Amounts in euro cents."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="budget_requests")
    #: The programme year: the calendar year of the request.
    year = models.PositiveSmallIntegerField(_("year"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=BudgetPurpose.choices)
    description = models.TextField(_("description"), validators=[validate_no_nul])
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    no_prior_provision = models.BooleanField(_("no prior provision applies"), default=False)
    provisions_checked = models.TextField(
        _("prior provisions checked"), validators=[validate_no_nul]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=BudgetStatus.choices, default=BudgetStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True, validators=[validate_no_nul])
    lock_version = models.PositiveIntegerField(default=0)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("budget request")
        verbose_name_plural = _("budget requests")
        indexes = [models.Index(fields=["status", "requested_at"], name="budget_status_requested")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="budget_request_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(no_prior_provision=True), name="budget_request_no_prior_provision"
            ),
            models.CheckConstraint(
                condition=Q(status="requested", decided_at__isnull=True)
                | (~Q(status="requested") & Q(decided_at__isnull=False)),
                name="budget_request_decided_when_not_requested",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_reason=""),
                name="budget_request_rejected_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.amount_cents / 100:.2f})"

    def decision_days(self) -> int | None:
        """Whole days from the request to the decision (None while it waits or was withdrawn)."""
        if self.status not in (BudgetStatus.APPROVED, BudgetStatus.REJECTED):
            return None
        start = timezone.localtime(self.requested_at).date()
        return (timezone.localtime(self.decided_at).date() - start).days


class BudgetPayment(models.Model):
    """A payment out of an approved budget request: when, how much, to whom or for what. The
    payments of a request never add up to more than it approved (plans.budget, under a lock)."""

    request = models.ForeignKey(BudgetRequest, on_delete=models.CASCADE, related_name="payments")
    paid_on = models.DateField(_("paid on"))
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    payee = models.CharField(_("to whom or what"), max_length=200, validators=[validate_no_nul])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["paid_on", "pk"]
        verbose_name = _("budget payment")
        verbose_name_plural = _("budget payments")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="budget_payment_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.paid_on} ({self.amount_cents / 100:.2f})"
