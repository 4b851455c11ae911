"""The plan in force lives, in a real browser: the regisseur records progress on a goal,
escalates a case-transcending issue, the accounthouder takes it up a level and the programme
team decides; the case's timeline shows the decision."""

import pytest
from playwright.sync_api import expect

from cases.services import team_member_add
from meetings.models import Escalation
from plans.models import GoalProgress

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page):
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()


def test_progress_escalation_and_an_answer_up_the_ladder(live_server, login, plan_at, people, orgs):
    plan = plan_at("approved")
    case = plan.case
    team_member_add(case=case, by=people["regisseur"], organisation=orgs["DJI"])

    # The regisseur records progress on the finances goal: no new version.
    page = login(people["regisseur"])
    page.goto(f"{live_server.url}/plannen/{plan.pk}/")
    page.get_by_test_id("leefgebied-7").get_by_role("link", name="Voortgang vastleggen").click()
    page.get_by_label("Status").select_option(label="Loopt")
    page.get_by_label("Wat er gebeurde").fill("Fictief: eerste gesprek schuldhulp gevoerd")
    page.get_by_role("button", name="Voortgang vastleggen").click()
    expect(page.get_by_text("De voortgang is vastgelegd.")).to_be_visible()
    section = page.get_by_test_id("leefgebied-7")
    expect(section).to_contain_text("Fictief: eerste gesprek schuldhulp gevoerd")
    expect(section.get_by_test_id(f"status-{plan.goals.get(leefgebied=7).pk}")).to_have_text(
        "Loopt"
    )
    assert GoalProgress.objects.get().status == "in_progress"

    # It escalates an issue beyond the case to the accounthouder.
    page.goto(f"{live_server.url}/casussen/{case.pk}/")
    page.get_by_role("link", name="Escaleren").click()
    page.get_by_label("Over").select_option(label="Een casusoverstijgend knelpunt")
    page.get_by_label("Betrokken organisatie").select_option(label=orgs["DJI"].name)
    page.get_by_label("Vraag").fill("Fictief: geen plek in de nachtopvang na detentie")
    page.get_by_role("button", name="Escaleren").click()
    expect(page.get_by_text("De vraag ligt bij de accounthouder.")).to_be_visible()
    escalation = Escalation.objects.get()
    logout(page)

    # The accounthouder takes it up a level.
    page = login(people["accounthouder"])
    page.goto(f"{live_server.url}/escalaties/")
    page.get_by_role("link", name=f"Casus {case.pk}").first.click()
    page.get_by_label("Uw antwoord, besluit of reden").fill("Fictief: vraagt om programmakeuze")
    page.get_by_role("button", name="Verder escaleren").click()
    expect(page.get_by_test_id("escalation-level")).to_have_text("Programmateam")
    logout(page)

    # The programme team decides; the timeline shows it.
    page = login(people["programme"])
    page.goto(f"{live_server.url}/escalaties/{escalation.pk}/")
    page.get_by_label("Uw antwoord, besluit of reden").fill("Fictief: twee bedden gereserveerd")
    page.get_by_role("button", name="Besluiten").click()
    expect(page.get_by_test_id("escalation-status")).to_have_text("Besloten")
    expect(page.get_by_test_id("escalation-decision")).to_contain_text("twee bedden")
    escalation.refresh_from_db()
    assert (escalation.status, escalation.level) == ("decided", "programme_team")
    page.goto(f"{live_server.url}/casussen/{case.pk}/tijdlijn/")
    expect(page.locator("main")).to_contain_text("twee bedden gereserveerd")
