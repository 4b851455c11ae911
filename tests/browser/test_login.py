import pytest
from playwright.sync_api import expect

from partners.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_regisseur_logs_in_sees_roles_and_logs_out(live_server, page, login, make_user):
    user = make_user(Role.REGISSEUR, username="rianne", first_name="Rianne")
    login(user)
    expect(page.get_by_role("heading", name="Welkom, Rianne")).to_be_visible()
    expect(page.get_by_text("Regisseur", exact=True)).to_be_visible()
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()


def test_wrong_password_shows_a_dutch_error(live_server, page, make_user):
    make_user(Role.REGISSEUR, username="rianne")
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Gebruikersnaam").fill("rianne")
    page.get_by_label("Wachtwoord").fill("fout")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("alert")).to_contain_text("gebruikersnaam")
