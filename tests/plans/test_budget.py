"""The flexible budget (#16): the regisseur asks, the accounthouder decides in one step within
REGIE_BUDGET_DECISION_DAYS (then reminded once), payments within the approval, the balance per
case and programme year, the report of use, need-to-know and exact query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from acvz.errors import DomainError, NotAllowed
from meetings.models import Notification, Reminder, ReminderKind
from meetings.reminders import reminders_scan
from meetings.work import work_queue
from plans.budget import (
    budget_balance,
    budget_payment_record,
    budget_request_create,
    budget_request_decide,
    budget_request_withdraw,
    euro,
)
from plans.forms import EuroField
from plans.models import BudgetPayment, BudgetRequest
from plans.selectors import budget_use

pytestmark = pytest.mark.django_db

MARKER = "MKBUDGETZ"


def ask(case, people, amount=25_000, purpose="housing", text="Fictieve borg voor een kamer"):
    return budget_request_create(
        case=case,
        by=people["regisseur"],
        purpose=purpose,
        description=text,
        amount_cents=amount,
        no_prior_provision=True,
        provisions_checked="Bijzondere bijstand: afgewezen (fictief)",
    )


def approve(request, people, **kwargs):
    return budget_request_decide(
        request=request, by=people["accounthouder"], approve=True, **kwargs
    )


def test_euro_in_the_dutch_way():
    assert euro(100_000) == "€\u00a01.000,00"
    assert euro(12_345) == "€\u00a0123,45"
    assert euro(5) == "€\u00a00,05"
    assert euro(-150) == "-€\u00a01,50"
    field = EuroField()
    assert [field.clean(v) for v in ("125", "125,5", "1.000,00", "12.50", "€ 3,05")] == [
        12_500,
        12_550,
        100_000,
        1_250,
        305,
    ]
    for bad in ("0", "abc", "1,234", "-5", "1.00.0"):
        with pytest.raises(Exception):  # noqa: B017, PT011  (a ValidationError each)
            field.clean(bad)


def test_request_approve_pay_and_the_balance(case_at, people):
    case = case_at("in_regie")
    year = timezone.localdate().year
    request = ask(case, people, amount=40_000)
    balance = budget_balance(case=case, year=year)
    assert (balance.budget, balance.pending, balance.approved, balance.left) == (
        100_000,
        40_000,
        0,
        60_000,
    )
    # Not above what is left, pending requests included.
    with pytest.raises(DomainError) as over:
        ask(case, people, amount=60_001)
    assert over.value.code == "over_budget"
    ask(case, people, amount=60_000)
    assert budget_balance(case=case, year=year).left == 0
    assert BudgetRequest.objects.count() == 2

    with pytest.raises(NotAllowed):  # the regisseur does not decide
        budget_request_decide(request=request, by=people["regisseur"], approve=True)
    with pytest.raises(DomainError):  # a rejection needs its reason
        budget_request_decide(request=request, by=people["accounthouder"], approve=False)
    approve(request, people, expected_lock_version=0)
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.lock_version) == (
        "approved",
        people["accounthouder"],
        1,
    )
    assert request.history.count() == 2
    with pytest.raises(DomainError) as stale:
        approve(request, people, expected_lock_version=0)
    assert stale.value.code == "stale"

    today = timezone.localdate()
    budget_payment_record(
        request=request, by=people["regisseur"], paid_on=today, amount_cents=30_000, payee="Fictief"
    )
    with pytest.raises(DomainError) as over_paid:
        budget_payment_record(
            request=request,
            by=people["accounthouder"],
            paid_on=today,
            amount_cents=10_001,
            payee="Fictief",
        )
    assert over_paid.value.code == "over_approved"
    with pytest.raises(DomainError):  # not in the future
        budget_payment_record(
            request=request,
            by=people["regisseur"],
            paid_on=today + dt.timedelta(days=1),
            amount_cents=100,
            payee="Fictief",
        )
    with pytest.raises(NotAllowed):
        budget_payment_record(
            request=request, by=people["outsider"], paid_on=today, amount_cents=100, payee="x"
        )
    assert list(BudgetPayment.objects.values_list("amount_cents", flat=True)) == [30_000]
    balance = budget_balance(case=case, year=year)
    assert (balance.approved, balance.paid, balance.pending, balance.left) == (
        40_000,
        30_000,
        60_000,
        0,
    )


def test_reject_withdraw_and_who_may(case_at, people):
    case = case_at("in_regie")
    first = ask(case, people, amount=10_000)
    with pytest.raises(NotAllowed):  # only the case's regisseur asks
        budget_request_create(
            case=case,
            by=people["accounthouder"],
            purpose="debts",
            description="x",
            amount_cents=100,
            no_prior_provision=True,
            provisions_checked="x",
        )
    with pytest.raises(DomainError):  # the declaration is required
        budget_request_create(
            case=case,
            by=people["regisseur"],
            purpose="debts",
            description="x",
            amount_cents=100,
            no_prior_provision=False,
            provisions_checked="x",
        )
    budget_request_decide(
        request=first, by=people["accounthouder"], approve=False, reason="Fictief: WPI betaalt"
    )
    first.refresh_from_db()
    assert (first.status, first.decision_reason) == ("rejected", "Fictief: WPI betaalt")
    with pytest.raises(DomainError) as decided:
        budget_request_withdraw(request=first, by=people["regisseur"])
    assert decided.value.code == "decided"
    second = ask(case, people, amount=5_000)
    with pytest.raises(NotAllowed):
        budget_request_withdraw(request=second, by=people["accounthouder"])
    budget_request_withdraw(request=second, by=people["regisseur"])
    second.refresh_from_db()
    assert second.status == "withdrawn"
    assert budget_balance(case=case, year=second.year).left == 100_000
    closed = case_at("outflow")
    with pytest.raises(NotAllowed):  # only a case in regie
        ask(closed, people)


def test_two_approvals_together_cannot_exceed_the_budget(case_at, people, settings):
    case = case_at("in_regie")
    a = ask(case, people, amount=60_000)
    b = ask(case, people, amount=40_000)
    approve(a, people)
    settings.REGIE_BUDGET_PER_YEAR_EUR = 800  # the agreement changed meanwhile
    with pytest.raises(DomainError) as over:
        approve(b, people)
    assert over.value.code == "over_budget"
    b.refresh_from_db()
    assert b.status == "requested"


def test_the_regisseur_is_told_the_decision_without_the_description(case_at, people):
    case = case_at("in_regie")
    request = ask(case, people, purpose="health_care", text=MARKER)
    told = Notification.objects.get(user=people["accounthouder"])
    assert told.event == "budget_requested"
    assert MARKER not in told.message
    approve(request, people)
    told = Notification.objects.get(user=people["regisseur"])
    assert told.event == "budget_decided"
    assert told.message == f"Het budgetverzoek voor {case.person.full_name} is goedgekeurd."
    assert all(MARKER not in m.body for m in getattr(mail, "outbox", []))


def test_the_reminder_after_the_decision_days_exactly_once(case_at, people, settings):
    settings.REGIE_BUDGET_DECISION_DAYS = 5
    case = case_at("in_regie")
    request = ask(case, people)
    Notification.objects.all().delete()
    asked = timezone.localtime(request.requested_at).date()
    reminders_scan(today=asked + dt.timedelta(days=5))  # the last day to decide: no reminder
    assert not Reminder.objects.filter(kind=ReminderKind.BUDGET_UNDECIDED).exists()
    reminders_scan(today=asked + dt.timedelta(days=6))
    reminders_scan(today=asked + dt.timedelta(days=7))
    reminder = Reminder.objects.get(kind=ReminderKind.BUDGET_UNDECIDED)
    assert reminder.object_id == request.pk
    told = Notification.objects.filter(reminder=reminder)
    assert [n.user for n in told] == [people["accounthouder"]]
    assert "budgetverzoek" in told[0].message
    approve(request, people)
    before = Reminder.objects.count()
    reminders_scan(today=asked + dt.timedelta(days=30))
    assert Reminder.objects.filter(kind=ReminderKind.BUDGET_UNDECIDED).count() == 1
    assert Reminder.objects.count() >= before


def test_the_work_queue_of_the_accounthouder(case_at, people):
    case = case_at("in_regie")
    ask(case, people, amount=12_550)
    sections = {s.key: s for s in work_queue(user=people["accounthouder"])}
    assert sections["budget"].count == 1
    assert "€\u00a0125,50" in sections["budget"].items[0].text
    assert "Fictieve borg" not in sections["budget"].items[0].text
    assert "budget" not in {s.key for s in work_queue(user=people["regisseur"])}


def test_the_pages_request_decide_and_pay(client, case_at, people):
    case = case_at("in_regie")
    client.force_login(people["regisseur"])
    url = reverse("plans:budget_request_add", args=[case.pk])
    response = client.post(url, {"purpose": "", "amount_cents": "nul"})
    assert set(response.context["form"].errors) == {
        "purpose",
        "description",
        "amount_cents",
        "provisions_checked",
        "no_prior_provision",
    }
    response = client.post(
        url,
        {
            "purpose": "debts",
            "description": "Fictieve schuld",
            "amount_cents": "1.000,01",
            "provisions_checked": "Fictief",
            "no_prior_provision": "on",
        },
    )
    assert "form" in response.context
    assert response.context["form"].non_field_errors()
    assert not BudgetRequest.objects.exists()
    response = client.post(
        url,
        {
            "purpose": "debts",
            "description": "Fictieve schuld",
            "amount_cents": "250,00",
            "provisions_checked": "Fictief: schuldhulp heeft wachtlijst",
            "no_prior_provision": "on",
        },
    )
    request = BudgetRequest.objects.get()
    assert response.status_code == 302
    assert (request.amount_cents, request.purpose) == (25_000, "debts")
    tab = client.get(reverse("plans:case_budget", args=[case.pk])).content.decode()
    assert "€\u00a0750,00" in tab
    assert "Fictieve schuld" in tab
    decide = reverse("plans:budget_decide", args=[request.pk])
    assert client.post(decide, {"decision": "approve", "lock_version": 0}).status_code == 403
    client.force_login(people["accounthouder"])
    response = client.post(decide, {"decision": "reject", "reason": "", "lock_version": 0})
    assert response.context["decide_form"].errors["reason"]
    response = client.post(decide, {"decision": "approve", "lock_version": 0})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "approved"
    pay = reverse("plans:budget_payment", args=[request.pk])
    response = client.post(pay, {"paid_on": "", "amount_cents": "300", "payee": ""})
    assert set(response.context["payment_form"].errors) == {"paid_on", "payee"}
    today = timezone.localdate().isoformat()
    response = client.post(pay, {"paid_on": today, "amount_cents": "300", "payee": "Fictief"})
    assert response.context["payment_form"].non_field_errors()
    response = client.post(pay, {"paid_on": today, "amount_cents": "100", "payee": "Fictief"})
    assert response.status_code == 302
    assert BudgetPayment.objects.get().amount_cents == 10_000


def test_another_organisation_gets_404_and_health_descriptions_stay_hidden(client, case_at, people):
    case = case_at("in_regie")
    request = ask(case, people, purpose="health_care", text=MARKER)
    pages = [
        reverse("plans:case_budget", args=[case.pk]),
        reverse("plans:budget_request_add", args=[case.pk]),
        reverse("plans:budget_request", args=[request.pk]),
    ]
    client.force_login(people["outsider"])
    for url in pages:
        assert client.get(url).status_code == 404
    for name in ("budget_decide", "budget_withdraw", "budget_payment"):
        assert client.post(reverse(f"plans:{name}", args=[request.pk])).status_code == 404
    report = client.get(reverse("plans:budget_report"))
    assert report.status_code == 403
    client.force_login(people["programme"])  # supports the regisseur: reads the budget
    page = client.get(pages[2]).content.decode()
    assert MARKER not in page
    assert "Gezondheid of zorg" in page
    assert client.get(pages[0]).status_code == 200
    assert MARKER not in client.get(pages[0]).content.decode()
    client.force_login(people["itat"])  # reads no budget
    assert client.get(pages[0]).status_code == 404
    client.force_login(people["accounthouder"])
    assert MARKER in client.get(pages[2]).content.decode()
    request.refresh_from_db()
    assert request.status == "requested"


def test_the_report_of_use(case_at, people, settings):
    cases = [case_at("in_regie") for _ in range(2)]
    a = ask(cases[0], people, amount=10_000)
    b = ask(cases[1], people, amount=20_000)
    c = ask(cases[1], people, amount=5_000, purpose="transport_id")
    approve(a, people)
    approve(b, people)
    BudgetRequest.objects.filter(pk=a.pk).update(decided_at=a.requested_at + dt.timedelta(days=2))
    BudgetRequest.objects.filter(pk=b.pk).update(decided_at=b.requested_at + dt.timedelta(days=5))
    budget_payment_record(
        request=b,
        by=people["regisseur"],
        paid_on=timezone.localdate(),
        amount_cents=7_500,
        payee="Fictief",
    )
    budget_request_withdraw(request=c, by=people["regisseur"])
    ask(cases[1], people, amount=1_000, purpose="transport_id")
    rows = {
        (u.purpose): (u.count, u.approved, u.paid, u.median_days)
        for u in budget_use(user=people["accounthouder"])
    }
    assert rows == {"housing": (2, 30_000, 7_500, 3.5), "transport_id": (1, 0, 0, None)}
    assert budget_use(user=people["outsider"]) == []


def _requests(cases, people, n):
    for i in range(n):
        ask(cases[i % len(cases)], people, amount=1_000 + i)


CASE_BUDGET_QUERIES = 12
REPORT_QUERIES = 11


@pytest.mark.parametrize("n", [1, 25])
def test_case_budget_page_query_count(client, case_at, people, django_assert_num_queries, n):
    case = case_at("in_regie")
    _requests([case], people, n)
    client.force_login(people["regisseur"])
    url = reverse("plans:case_budget", args=[case.pk])
    client.get(url)
    with django_assert_num_queries(CASE_BUDGET_QUERIES):
        response = client.get(url)
    assert len(response.context["rows"]) == n


@pytest.mark.parametrize("n", [1, 25])
def test_report_page_query_count(client, case_at, people, django_assert_num_queries, n):
    cases = [case_at("in_regie") for _ in range(min(n, 3))]
    _requests(cases, people, n)
    client.force_login(people["accounthouder"])
    url = reverse("plans:budget_report")
    client.get(url)
    with django_assert_num_queries(REPORT_QUERIES):
        response = client.get(url)
    assert len(response.context["waiting"]) == n
    assert sum(u.count for u in response.context["use"]) == n


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_cannot_together_exceed_the_budget(case_at, people):
    """Two requests of 600 and 500 wait (asked when the budget was larger); approved at the same
    moment, the lock on the case row lets one through and refuses the other."""
    from django.test import override_settings

    from tests.plans.test_concurrency import race

    case = case_at("in_regie")
    with override_settings(REGIE_BUDGET_PER_YEAR_EUR=2000):
        a = ask(case, people, amount=60_000)
        b = ask(case, people, amount=50_000)
    outcomes = race(lambda: approve(a, people), lambda: approve(b, people))
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, DomainError)
    assert error.code == "over_budget"
    assert sorted(BudgetRequest.objects.values_list("status", flat=True)) == [
        "approved",
        "requested",
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_cannot_together_exceed_the_budget(case_at, people):
    from tests.plans.test_concurrency import race

    case = case_at("in_regie")
    outcomes = race(lambda: ask(case, people, amount=60_000), lambda: ask(case, people, 50_000))
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    assert BudgetRequest.objects.count() == 1


@pytest.mark.parametrize("n", [1, 25])
def test_the_work_queue_section_query_count(case_at, people, django_assert_num_queries, n):
    from meetings.work import budget_requests_to_decide

    cases = [case_at("in_regie") for _ in range(min(n, 3))]
    _requests(cases, people, n)
    with django_assert_num_queries(2):  # the count, the first ten (case and person joined)
        section = budget_requests_to_decide(people["accounthouder"], today=timezone.localdate())
    assert section.count == n
    assert len(section.items) == min(n, 10)
