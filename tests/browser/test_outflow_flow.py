"""Outflow that ends well, in the browser (issue 16), one test per part: the outflow signal on
the regisseur's home page and its list; the handover with its summary for the receiver (the
health goal left out for a receiver not responsible for it); a re-inflow showing the earlier
case and its history."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case, Leefgebied, OffenceRecord
from plans.models import HandedOverGoal
from tests.browser.test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEALTH_GOAL = f"Fictief doel {Leefgebied.GEZONDHEID.value}"
WORK_GOAL = f"Fictief doel {Leefgebied.OPLEIDING_WERK.value}"


def test_the_signal_leads_from_home_to_the_case(live_server, page, login, people, case_at):
    case = case_at("in_regie")
    OffenceRecord.objects.filter(person=case.person).delete()  # no offence left in the window
    login(people["regisseur"])
    section = page.get_by_test_id("work-outflow_regisseur")
    expect(section).to_contain_text(case.person.full_name)
    expect(section).to_contain_text("geen meetellend delict")
    section.get_by_role("link", name="De hele lijst").click()
    expect(page.get_by_role("heading", name="Uitstroomsignalen")).to_be_visible()
    assert violations(page) == []
    page.get_by_test_id("outflow-signals").get_by_role("link", name=case.person.full_name).click()
    expect(page).to_have_url(f"{live_server.url}/casussen/{case.pk}/")


def test_handover_and_its_summary_for_the_receiver(live_server, page, login, people, plan_at):
    plan = plan_at("approved")
    case = plan.case
    login(people["regisseur"])
    page.goto(f"{live_server.url}/casussen/{case.pk}/")
    page.get_by_role("link", name="Uitstroom starten").click()
    expect(page).to_have_url(f"{live_server.url}/casussen/{case.pk}/uitstroom/")
    assert violations(page) == []
    page.get_by_label("Reden van uitstroom").fill("Fictief: geen delicten meer")
    page.get_by_label("Ontvangende organisatie (reguliere lijn)").select_option(
        label="WPI (Werk, Participatie & Inkomen)"
    )
    page.get_by_label(re.compile(WORK_GOAL)).check()
    page.get_by_label(re.compile(HEALTH_GOAL)).check()  # the regisseur reads it: may hand it over
    page.get_by_role("button", name="Uitstroom starten").click()
    expect(page).to_have_url(f"{live_server.url}/casussen/{case.pk}/overdracht/")
    expect(page.get_by_role("main")).to_contain_text(WORK_GOAL)
    expect(page.get_by_role("main")).not_to_contain_text(HEALTH_GOAL)
    assert violations(page) == []
    assert HandedOverGoal.objects.filter(case=case).count() == 2
    assert Case.objects.get(pk=case.pk).status == "outflow"
    page.get_by_role("link", name="Afdrukversie").click()
    expect(page.get_by_role("main")).to_contain_text(WORK_GOAL)
    expect(page.get_by_role("main")).not_to_contain_text(HEALTH_GOAL)


def test_a_reinflow_shows_the_earlier_case(live_server, page, login, people, case_at):
    closed = case_at("closed")
    login(people["programme"])
    page.goto(f"{live_server.url}/casussen/nieuw/?person={closed.person.pk}")
    page.get_by_label("Programma").select_option(label=closed.programme.name)
    page.get_by_role("button", name="Aanmelden").click()
    again = Case.objects.exclude(pk=closed.pk).get(person=closed.person)
    assert again.previous_case_id == closed.pk
    expect(page).to_have_url(f"{live_server.url}/casussen/{again.pk}/")
    page.get_by_role("link", name="Geschiedenis").first.click()
    expect(page.get_by_test_id("earlier-history")).to_contain_text("Wijkteam (fictief)")
    # Its regisseur reads the earlier case itself too: the case page links it.
    Case.objects.filter(pk=again.pk).update(regisseur=people["regisseur"])
    page.context.clear_cookies()
    login(people["regisseur"])
    page.goto(f"{live_server.url}/casussen/{again.pk}/")
    page.get_by_test_id("earlier-case").get_by_role("link").first.click()
    expect(page).to_have_url(f"{live_server.url}/casussen/{closed.pk}/")
