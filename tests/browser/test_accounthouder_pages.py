"""The accounthouder's casuistry agenda and a user's settings (e-mail, calendar address)."""

import pytest
from playwright.sync_api import expect

from meetings.models import NotificationPreference

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_casuistry_agenda_and_settings(live_server, page, login, people, case_at):
    case = case_at("in_regie")
    login(people["accounthouder"])
    page.get_by_role("link", name="Casuïstiek").click()
    expect(page.get_by_role("heading", name="Casuïstiekoverleg")).to_be_visible()
    expect(page.get_by_role("link", name=case.person.full_name)).to_be_visible()
    expect(page.get_by_text("geen plan")).to_be_visible()

    page.get_by_role("link", name="Instellingen").click()
    old_address = page.get_by_test_id("feed-url").inner_text()
    assert old_address.endswith(".ics")
    page.get_by_role("button", name="Adres vernieuwen").click()
    expect(page.get_by_text("Uw agenda-adres is vernieuwd")).to_be_visible()
    assert page.get_by_test_id("feed-url").inner_text() != old_address
    assert page.request.get(old_address).status == 404

    page.get_by_label("Stuur mijn meldingen ook per e-mail").uncheck()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Uw voorkeuren zijn opgeslagen.")).to_be_visible()
    assert NotificationPreference.objects.get(user=people["accounthouder"]).email is False
