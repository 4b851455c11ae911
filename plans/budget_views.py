"""Browser pages of the flexible budget (plans.budget): the case's budget tab, a request, its
decision, withdrawal and payments, and the report of use with the requests that wait."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from acvz.errors import DomainError
from acvz.web import UncountedPage, posted, refuse
from cases.access import access_logged
from cases.pages import case_page_context, case_page_get
from cases.policies import CasePart
from plans import selectors
from plans.budget import (
    budget_balance,
    budget_balances,
    budget_payment_record,
    budget_request_create,
    budget_request_decide,
    budget_request_withdraw,
    budget_year,
)
from plans.forms import (
    BudgetDecisionForm,
    BudgetPaymentForm,
    BudgetReportForm,
    BudgetRequestForm,
    BudgetWithdrawForm,
)
from plans.models import BudgetRequest
from plans.policies import (
    budget_can_decide,
    budget_can_record_payment,
    budget_can_see_report,
    budget_can_withdraw,
    case_can_request_budget,
    redact_budget_request,
)

PAGE_SIZE = 25


def _try(form, action) -> bool:
    """Run a service for a valid form; a refusal becomes the form's message."""
    try:
        action()
    except DomainError as error:
        refuse(form, error)
    except ValidationError as error:
        form.add_error(None, error)
    else:
        return True
    return False


@login_required
@require_safe
@access_logged
def case_budget(request: HttpRequest, pk: int) -> HttpResponse:
    """The case's budget tab: the balance per programme year and its requests."""
    case = case_page_get(request, pk, CasePart.BUDGET)
    page = UncountedPage(
        selectors.case_budget_requests(case=case), request.GET.get("page"), PAGE_SIZE
    )
    rows = [redact_budget_request(request.user, r, case=case) for r in page]
    context = case_page_context(
        request,
        case,
        CasePart.BUDGET,
        balances=budget_balances(case=case, years=[budget_year()]),
        page=page,
        rows=rows,
        can_request=case_can_request_budget(request.user, case),
    )
    return render(request, "plans/budget_case.html", context)


@login_required
@access_logged
def budget_request_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The regisseur's request for part of this year's budget."""
    case = case_page_get(request, pk, CasePart.BUDGET)
    if not case_can_request_budget(request.user, case):
        raise PermissionDenied
    form = BudgetRequestForm(posted(request))
    if request.method == "POST" and form.is_valid():
        created = []
        if _try(
            form,
            lambda: created.append(
                budget_request_create(case=case, by=request.user, **form.cleaned_data)
            ),
        ):
            messages.success(request, _("The budget request is sent to the accounthouder."))
            return redirect("plans:budget_request", pk=created[0].pk)
    year = budget_year()
    balance = next(b for b in budget_balances(case=case, years=[year]) if b.year == year)
    context = case_page_context(request, case, CasePart.BUDGET, form=form, balance=balance)
    return render(request, "plans/budget_request_form.html", context)


def _detail(request: HttpRequest, budget_request: BudgetRequest, **forms) -> HttpResponse:
    user = request.user
    case = budget_request.case
    lock = {"lock_version": budget_request.lock_version}
    can_decide = budget_can_decide(user, budget_request)
    can_withdraw = budget_can_withdraw(user, budget_request)
    can_pay = budget_can_record_payment(user, budget_request)
    payments = list(budget_request.payments.select_related("recorded_by").order_by("paid_on", "pk"))
    context = case_page_context(
        request,
        case,
        CasePart.BUDGET,
        item=redact_budget_request(user, budget_request, case=case),
        payments=payments,
        paid=sum(p.amount_cents for p in payments),
        balance=budget_balance(case=case, year=budget_request.year)
        if budget_request.status == "requested"
        else None,
        decide_form=forms.get("decide")
        or (BudgetDecisionForm(initial=lock) if can_decide else None),
        withdraw_form=forms.get("withdraw")
        or (BudgetWithdrawForm(initial=lock) if can_withdraw else None),
        payment_form=forms.get("payment")
        or (BudgetPaymentForm(initial={"paid_on": timezone.localdate()}) if can_pay else None),
    )
    return render(request, "plans/budget_request.html", context)


@login_required
@require_safe
@access_logged
def budget_request_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A request: what, how much, the declaration, its decision and its payments."""
    return _detail(request, selectors.budget_request_get(user=request.user, pk=pk))


@login_required
@require_POST
@access_logged
def budget_request_decide_page(request: HttpRequest, pk: int) -> HttpResponse:
    budget_request = selectors.budget_request_get(user=request.user, pk=pk)
    if not budget_can_decide(request.user, budget_request):
        raise PermissionDenied
    form = BudgetDecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        approve = data["decision"] == "approve"
        if _try(
            form,
            lambda: budget_request_decide(
                request=budget_request,
                by=request.user,
                approve=approve,
                reason=data["reason"],
                expected_lock_version=data["lock_version"],
            ),
        ):
            messages.success(
                request,
                _("The budget request is approved.")
                if approve
                else _("The budget request is rejected."),
            )
            return redirect("plans:budget_request", pk=pk)
    return _detail(request, budget_request, decide=form)


@login_required
@require_POST
@access_logged
def budget_request_withdraw_page(request: HttpRequest, pk: int) -> HttpResponse:
    budget_request = selectors.budget_request_get(user=request.user, pk=pk)
    if not budget_can_withdraw(request.user, budget_request):
        raise PermissionDenied
    form = BudgetWithdrawForm(request.POST)
    if form.is_valid() and _try(
        form,
        lambda: budget_request_withdraw(
            request=budget_request,
            by=request.user,
            expected_lock_version=form.cleaned_data["lock_version"],
        ),
    ):
        messages.success(request, _("The budget request is withdrawn."))
        return redirect("plans:budget_request", pk=pk)
    return _detail(request, budget_request, withdraw=form)


@login_required
@require_POST
@access_logged
def budget_payment_add(request: HttpRequest, pk: int) -> HttpResponse:
    budget_request = selectors.budget_request_get(user=request.user, pk=pk)
    if not budget_can_record_payment(request.user, budget_request):
        raise PermissionDenied
    form = BudgetPaymentForm(request.POST)
    if form.is_valid() and _try(
        form,
        lambda: budget_payment_record(request=budget_request, by=request.user, **form.cleaned_data),
    ):
        messages.success(request, _("The payment is recorded."))
        return redirect(reverse("plans:budget_request", args=[pk]) + "#payments")
    return _detail(request, budget_request, payment=form)


@login_required
@require_safe
@access_logged
def budget_report(request: HttpRequest) -> HttpResponse:
    """Accounthouders and the programme team: use of the budget per programme, year and purpose
    over the cases they read, and the requests that wait for a decision."""
    if not budget_can_see_report(request.user):
        raise PermissionDenied
    this_year = budget_year()
    form = BudgetReportForm(request.GET or None, years=list(range(this_year, this_year - 6, -1)))
    programme_id = year = None
    if form.is_bound and form.is_valid():
        programme = form.cleaned_data["programme"]
        programme_id = programme.pk if programme else None
        year = form.cleaned_data["year"]
    page = UncountedPage(
        selectors.budget_requests_waiting(user=request.user, programme_id=programme_id),
        request.GET.get("page"),
        PAGE_SIZE,
    )
    today = timezone.localdate()
    waiting = [
        (r, (today - timezone.localtime(r.requested_at).date()).days) for r in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "plans/budget_report.html",
        {
            "form": form,
            "use": selectors.budget_use(user=request.user, programme_id=programme_id, year=year),
            "page": page,
            "waiting": waiting,
            "query": query.urlencode(),
            "decision_days": settings.REGIE_BUDGET_DECISION_DAYS,
        },
    )
