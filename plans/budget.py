"""The flexible budget (report: "1000 euro per ... eerste aanvraag, tweede aanvraag ... hoe
stroperig die processen zijn"): a small sum per person per programme year the regisseur can
spend without a long procedure.

The regisseur asks (purpose, amount, and the declaration that no prior provision, a
"voorliggende voorziening", applies, with what was checked); the case's accounthouder approves
or rejects it in one step, within REGIE_BUDGET_DECISION_DAYS (then the daily scan reminds them,
once: meetings.reminders); the regisseur is told the decision; payments out of an approved
request are recorded. The budget is REGIE_BUDGET_PER_YEAR_EUR per case and programme year; the
programme year is the calendar year of the request (Regie has no other notion of it).

Amounts are whole euro cents. The balance is checked with the case row locked, so two requests
or approvals at once cannot together exceed it. Notifications name the case and the decision,
never the description (it may say something about the person's health).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from acvz.audit import audited
from acvz.errors import DomainError, NotAllowed
from cases.events import announce
from cases.models import Case
from plans.models import BudgetPayment, BudgetPurpose, BudgetRequest, BudgetStatus
from plans.policies import (
    budget_can_decide,
    budget_can_record_payment,
    budget_can_withdraw,
    case_can_request_budget,
)


def budget_per_year_cents() -> int:
    return settings.REGIE_BUDGET_PER_YEAR_EUR * 100


def budget_year(moment=None) -> int:
    """The programme year of a moment: its calendar year (local time)."""
    return timezone.localtime(moment).year if moment is not None else timezone.localdate().year


def euro(cents: int | None) -> str:
    """Cents in the Dutch way: € 1.000,00 (a non-breaking space after the sign)."""
    cents = cents or 0
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}€\u00a0{whole:,}".replace(",", ".") + f",{rest:02d}"


@dataclass(frozen=True)
class Balance:
    year: int
    budget: int
    approved: int
    paid: int
    pending: int

    @property
    def left(self) -> int:
        """What may still be asked: the budget less what is approved and what waits."""
        return self.budget - self.approved - self.pending


def budget_balances(*, case: Case, years: list[int] | None = None) -> list[Balance]:
    """The balance of each year with requests (and of `years`), latest first; two queries."""
    sums = (
        BudgetRequest.objects.filter(case=case)
        .values("year")
        .annotate(
            approved=Sum("amount_cents", filter=Q(status=BudgetStatus.APPROVED)),
            pending=Sum("amount_cents", filter=Q(status=BudgetStatus.REQUESTED)),
        )
        .order_by()
    )
    paid = dict(
        BudgetPayment.objects.filter(request__case=case)
        .values("request__year")
        .annotate(total=Sum("amount_cents"))
        .order_by()
        .values_list("request__year", "total")
    )
    rows = {row["year"]: row for row in sums}
    budget = budget_per_year_cents()
    return [
        Balance(
            year,
            budget,
            (rows.get(year) or {}).get("approved") or 0,
            paid.get(year) or 0,
            (rows.get(year) or {}).get("pending") or 0,
        )
        for year in sorted(set(rows) | set(years or []), reverse=True)
    ]


def budget_balance(*, case: Case, year: int) -> Balance:
    return next(b for b in budget_balances(case=case, years=[year]) if b.year == year)


def _bad(message: str, code: str = "invalid") -> DomainError:
    return DomainError(message, code=code, status_code=400)


def _over_budget(case: Case, year: int, amount: int, *, counting_pending: bool) -> bool:
    balance = budget_balance(case=case, year=year)
    used = balance.approved + (balance.pending if counting_pending else 0)
    return used + amount > balance.budget


def _locked_request(request: BudgetRequest) -> BudgetRequest:
    """The request with its case, the case row locked first (the balance's lock), then the
    request's."""
    case_id = BudgetRequest.objects.values_list("case_id", flat=True).get(pk=request.pk)
    Case.objects.select_for_update().filter(pk=case_id).values_list("pk").get()
    return (
        BudgetRequest.objects.select_for_update(of=("self",))
        .select_related("case")
        .get(pk=request.pk)
    )


def _check_version(request: BudgetRequest, expected: int | None) -> None:
    if expected is not None and expected != request.lock_version:
        raise DomainError(
            _("Someone else changed this budget request meanwhile; read it again."), code="stale"
        )


@audited
@transaction.atomic
def budget_request_create(
    *,
    case: Case,
    by,
    purpose: str,
    description: str,
    amount_cents: int,
    no_prior_provision: bool,
    provisions_checked: str,
) -> BudgetRequest:
    """The regisseur asks for part of this year's budget. Refused when the amount (with what is
    approved and what waits) would exceed the year's budget, or without the declaration."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case_can_request_budget(by, case):
        raise NotAllowed(_("The case's regisseur asks for the budget, while the case is in regie."))
    if purpose not in BudgetPurpose.values:
        raise _bad(_("Choose a purpose."))
    if not isinstance(amount_cents, int) or amount_cents <= 0:
        raise _bad(_("The amount must be more than zero."))
    if not no_prior_provision:
        raise _bad(_("Declare that no prior provision applies."))
    if not provisions_checked.strip():
        raise _bad(_("Say which prior provisions were checked, or why none applies."))
    if not description.strip():
        raise _bad(_("Describe what the money is for."))
    now = timezone.now()
    year = budget_year(now)
    if _over_budget(case, year, amount_cents, counting_pending=True):
        left = budget_balance(case=case, year=year).left
        raise _bad(
            _("This is more than the budget left this year (%(left)s).") % {"left": euro(left)},
            code="over_budget",
        )
    request = BudgetRequest(
        case=case,
        year=year,
        purpose=purpose,
        description=description.strip(),
        amount_cents=amount_cents,
        no_prior_provision=True,
        provisions_checked=provisions_checked.strip(),
        requested_by=by,
        requested_at=now,
    )
    request.full_clean(exclude=["case", "requested_by"])
    request.save()
    announce("budget_requested", case=case, by=by, budget_request=request)
    return request


@audited
@transaction.atomic
def budget_request_decide(
    *,
    request: BudgetRequest,
    by,
    approve: bool,
    reason: str = "",
    expected_lock_version: int | None = None,
) -> BudgetRequest:
    """The accounthouder's one step: approve (when the year's budget still holds it) or reject
    with a reason. The regisseur is told."""
    request = _locked_request(request)
    _check_version(request, expected_lock_version)
    if not budget_can_decide(by, request):
        if request.status != BudgetStatus.REQUESTED:
            raise DomainError(_("This budget request is decided already."), code="decided")
        raise NotAllowed(_("The case's accounthouder decides on its budget requests."))
    reason = reason.strip()
    if approve:
        # Other requests approved meanwhile count; this one's own amount is among the pending.
        balance = budget_balance(case=request.case, year=request.year)
        if balance.approved + request.amount_cents > balance.budget:
            raise DomainError(
                _("Approving this would exceed the budget of %(year)s (%(left)s left).")
                % {"year": request.year, "left": euro(balance.budget - balance.approved)},
                code="over_budget",
            )
    elif not reason:
        raise _bad(_("Give the reason for the rejection."))
    request.status = BudgetStatus.APPROVED if approve else BudgetStatus.REJECTED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.decision_reason = reason
    request.lock_version += 1
    request.save()
    announce("budget_decided", case=request.case, by=by, budget_request=request)
    return request


@audited
@transaction.atomic
def budget_request_withdraw(
    *, request: BudgetRequest, by, expected_lock_version: int | None = None
) -> BudgetRequest:
    """The regisseur takes back a request that waits (the budget it held is free again)."""
    request = _locked_request(request)
    _check_version(request, expected_lock_version)
    if not budget_can_withdraw(by, request):
        if request.status != BudgetStatus.REQUESTED:
            raise DomainError(_("This budget request is decided already."), code="decided")
        raise NotAllowed(_("The case's regisseur withdraws its budget requests."))
    request.status = BudgetStatus.WITHDRAWN
    request.decided_by = by
    request.decided_at = timezone.now()
    request.lock_version += 1
    request.save()
    return request


@audited
@transaction.atomic
def budget_payment_record(
    *, request: BudgetRequest, by, paid_on: date, amount_cents: int, payee: str
) -> BudgetPayment:
    """A payment out of an approved request; all payments together stay within the approval."""
    request = _locked_request(request)
    if not budget_can_record_payment(by, request):
        raise NotAllowed(
            _("The regisseur or the accounthouder records payments of an approved request.")
        )
    if not isinstance(amount_cents, int) or amount_cents <= 0:
        raise _bad(_("The amount must be more than zero."))
    if paid_on > timezone.localdate():
        raise _bad(_("This day is still to come."))
    if paid_on < timezone.localtime(request.requested_at).date():
        raise _bad(_("A payment cannot come before the request."))
    if not payee.strip():
        raise _bad(_("Say to whom or for what it was paid."))
    paid = request.payments.aggregate(total=Sum("amount_cents"))["total"] or 0
    if paid + amount_cents > request.amount_cents:
        raise _bad(
            _("The payments would exceed the approved amount (%(left)s left to pay).")
            % {"left": euro(request.amount_cents - paid)},
            code="over_approved",
        )
    payment = BudgetPayment(
        request=request, paid_on=paid_on, amount_cents=amount_cents, payee=payee.strip()
    )
    payment.recorded_by = by
    payment.full_clean(exclude=["request", "recorded_by"])
    payment.save()
    return payment


def budget_request_link(request: BudgetRequest) -> str:
    return reverse("plans:budget_request", args=[request.pk])
