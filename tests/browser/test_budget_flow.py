"""The flexible budget in the browser: the regisseur asks, the accounthouder finds it on the
home page and approves it, the regisseur records a payment and sees the balance."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from plans.models import BudgetPayment, BudgetRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_approve_and_pay(live_server, page, login, people, case_at):
    case = case_at("in_regie")
    login(people["regisseur"])
    page.goto(f"{live_server.url}/casussen/{case.pk}/")
    page.get_by_role("link", name="Budget", exact=True).first.click()
    year = timezone.localdate().year
    expect(page.get_by_test_id(f"balance-{year}")).to_contain_text("€\u00a01.000,00")
    page.get_by_role("link", name="Budget aanvragen").click()
    page.get_by_label("Doel").select_option("transport_id")
    page.get_by_label("Waarvoor").fill("Fictief: een nieuwe identiteitskaart")
    page.get_by_label("Bedrag (€)").fill("75,50")
    page.get_by_label("Nagegane voorliggende voorzieningen").fill("Fictief: bijzondere bijstand")
    page.get_by_label("Ik verklaar dat er geen voorliggende voorziening is.").check()
    page.get_by_role("button", name="Verzoek versturen").click()
    expect(page.get_by_test_id("budget-status")).to_have_text("Aangevraagd")
    request = BudgetRequest.objects.get()
    assert (request.amount_cents, request.status) == (7_550, "requested")

    page.context.clear_cookies()
    login(people["accounthouder"])
    expect(page.get_by_test_id("work-budget")).to_contain_text(case.person.full_name)
    page.get_by_test_id("work-budget").get_by_role("link").first.click()
    page.get_by_label("Goedkeuren").check()
    page.get_by_role("button", name="Besluit opslaan").click()
    expect(page.get_by_test_id("budget-status")).to_have_text("Goedgekeurd")

    page.context.clear_cookies()
    login(people["regisseur"])
    page.goto(f"{live_server.url}/budget/{request.pk}/")
    page.get_by_label("Bedrag (€)").fill("75,50")
    page.get_by_label("Aan wie of waarvoor").fill("Fictief: gemeenteloket")
    page.get_by_role("button", name="Betaling vastleggen").click()
    expect(page.get_by_test_id("budget-payments")).to_contain_text("€\u00a075,50 betaald")
    assert BudgetPayment.objects.get().amount_cents == 7_550
    page.get_by_role("link", name="Terug naar het budget van deze casus").click()
    expect(page.get_by_test_id("budget-balances")).to_contain_text("€\u00a0924,50")
