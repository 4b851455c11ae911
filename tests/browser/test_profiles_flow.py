"""Regie styles (issue 16) in the browser: the regisseur keeps their profile and takes the
competence scan twice; the accounthouder sees the regisseurs ranked with the reasons at
appointment, appoints someone else than the first, and sees the group view refuse a small
group."""

import pytest
from playwright.sync_api import expect

from cases.models import Case
from partners.models import Competence, CompetenceScan, RegisseurProfile, Role
from tests.browser.test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_regisseur_keeps_a_profile_and_takes_the_scan(live_server, page, login, people):
    regisseur = people["regisseur"]
    login(regisseur)
    page.get_by_test_id("nav-my-profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn profiel")
    page.get_by_role("link", name="Mijn profiel bewerken").click()
    page.get_by_label("Regiestijl").select_option("network")
    page.get_by_label("Financiën en schulden").check()
    page.get_by_label("Verslaving").check()
    page.get_by_label("Talen naast Nederlands").fill("Arabisch, Engels")
    page.get_by_label("Capaciteit (casussen)").fill("15")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Het profiel is opgeslagen.")).to_be_visible()
    expect(page.get_by_test_id("my-profile")).to_contain_text("Arabisch, Engels")
    profile = RegisseurProfile.objects.get(user=regisseur)
    assert profile.expertise == ["addiction", "finances"]
    assert profile.capacity == 15

    for score in ("3", "4"):
        page.get_by_role("link", name="De scan").first.click()
        for competence in Competence:
            page.get_by_test_id(f"score-{competence.value}").get_by_label(score, exact=True).check()
        page.get_by_label("Persoonlijke notitie").fill(f"Fictieve notitie {score}")
        page.get_by_role("button", name="Scan opslaan").click()
        expect(page.get_by_text("Uw competentiescan is opgeslagen.")).to_be_visible()
    assert CompetenceScan.objects.filter(user=regisseur).count() == 2
    table = page.get_by_test_id("scan-development")
    expect(table.get_by_role("row", name="Luisteren").get_by_role("cell")).to_have_text(["4", "3"])
    assert violations(page) == []


def test_the_accounthouder_sees_the_ranking_and_chooses(
    live_server, page, login, people, orgs, case_at, make_user
):
    case = case_at("assigned")
    dossier = case.basisdossier
    dossier.advised_style = "network"
    dossier.save()
    RegisseurProfile.objects.create(user=people["regisseur"], style="case", capacity=10)
    fitting = make_user(
        Role.REGISSEUR,
        organisation=orgs["RN"],
        first_name="Nora",
        last_name="Netwerk (fictief)",
    )
    RegisseurProfile.objects.create(
        user=fitting, style="network", expertise=["finances"], capacity=12
    )
    login(people["accounthouder"])
    page.goto(f"{live_server.url}/casussen/{case.pk}/stap/appoint_regisseur/")
    suggestions = page.get_by_test_id("suggestion")
    expect(suggestions.first).to_contain_text("Nora Netwerk (fictief)")
    expect(suggestions.first).to_contain_text("stijl past: netwerkgericht")
    expect(suggestions.first).to_contain_text("0 van 12 casussen")
    assert violations(page) == []
    # The choice stays human: the second suggestion is appointed.
    page.get_by_label("Regisseur", exact=True).select_option(str(people["regisseur"].pk))
    page.get_by_role("button", name="Regisseur aanwijzen").click()
    page.wait_for_url(f"{live_server.url}/casussen/{case.pk}/")
    assert Case.objects.get(pk=case.pk).regisseur_id == people["regisseur"].pk

    page.get_by_role("link", name="Regisseurs", exact=True).click()
    expect(page.get_by_test_id("regisseur-profiles")).to_contain_text("Nora Netwerk (fictief)")
    page.get_by_role("link", name="Competentiescan van de groep").click()
    expect(page.get_by_test_id("too-few")).to_contain_text("minstens 5")
