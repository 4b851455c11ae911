"""The case lifecycle in a real browser: IVG fills a section, the programme team assigns, the
accounthouder appoints, the regisseur opens the case."""

import pytest
from playwright.sync_api import expect

from cases.models import Leefgebied
from tests.scenarios import fill_dossier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page):
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()


def test_ivg_fills_programme_team_assigns_regisseur_opens(
    live_server, page, login, people, case_at
):
    case = case_at("basisdossier")
    fill_dossier(case, people, leave_open={("POLITIE", Leefgebied.POLITIE, "contribution")})
    case_url = f"{live_server.url}/casussen/{case.pk}/"

    # The police IVG member writes section 1 and establishes the dossier.
    login(people["ivg_politie"])
    page.goto(case_url + "basisdossier/")
    expect(page.get_by_test_id("section-1")).to_contain_text("open")
    page.get_by_role("link", name="Bewerken 1", exact=True).click()
    page.get_by_label("Tekst").fill("Fictief: drie aanhoudingen voor straatroof in 2026.")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Sectie 1 is opgeslagen.")).to_be_visible()
    expect(page.get_by_test_id("section-1")).to_contain_text("drie aanhoudingen")
    page.get_by_role("link", name="Basisdossier vaststellen").click()
    page.get_by_role("button", name="Basisdossier vaststellen").click()
    # Established: the IVG's need-to-know ends, so the IVG lands on the case list.
    expect(page.get_by_text("Gedaan: Basisdossier vaststellen.")).to_be_visible()
    expect(page.get_by_role("link", name=case.person.full_name)).to_have_count(0)
    logout(page)

    # The programme team assigns the case to the regisseur's organisation.
    login(people["programme"])
    page.goto(case_url)
    page.get_by_role("link", name="Toewijzen aan een organisatie").click()
    page.get_by_label("Regieorganisatie").select_option(label="Reclassering Nederland")
    page.get_by_label("Regiestijl").select_option(label="Netwerkgericht")
    page.get_by_role("button", name="Toewijzen aan een organisatie").click()
    expect(page.get_by_test_id("case-status")).to_have_text("Toegewezen, wacht op regisseur")
    expect(page.get_by_role("cell", name="Reclassering Nederland")).to_be_visible()
    logout(page)

    # The organisation's accounthouder appoints one of its own regisseurs.
    login(people["accounthouder"])
    page.goto(case_url)
    page.get_by_role("link", name="Regisseur aanwijzen").click()
    options = page.get_by_label("Regisseur", exact=True).locator("option").all_inner_texts()
    assert str(people["regisseur_other"]) not in options  # another organisation's regisseur
    page.get_by_label("Regisseur", exact=True).select_option(label=str(people["regisseur"]))
    page.get_by_role("button", name="Regisseur aanwijzen").click()
    expect(page.get_by_test_id("case-status")).to_have_text("In regie")
    logout(page)

    # The regisseur finds the case in the list and reads the dossier, health section included.
    login(people["regisseur"])
    page.goto(f"{live_server.url}/casussen/?mine=true")
    page.get_by_role("link", name=case.person.full_name).click()
    expect(page.get_by_test_id("case-status")).to_have_text("In regie")
    page.get_by_role("link", name="Basisdossier").click()
    expect(page.get_by_test_id("section-1")).to_contain_text("drie aanhoudingen")
    expect(page.get_by_test_id("section-9")).to_contain_text("Fictieve tekst")
    page.get_by_role("link", name="Geschiedenis").click()
    expect(page.get_by_role("cell", name=str(people["ivg_politie"])).first).to_be_visible()
    page.screenshot(path="test-results/case-history.png", full_page=True)
