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


def test_the_dashboard_figure_leads_to_its_cases(live_server, page, login, people, case_at):
    case_at("in_regie")
    other = case_at("in_regie")
    login(people["accounthouder"])
    page.get_by_role("link", name="Dashboard").click()
    table = page.get_by_test_id("dashboard-table")
    expect(table).to_contain_text(people["regisseur"].get_full_name())
    # Two cases in regie, neither with a plan in force: the figure opens both.
    page.locator(f'a[data-figure="no_plan"][data-regisseur="{people["regisseur"].pk}"]').click()
    behind = page.get_by_test_id("behind-table")
    expect(behind.get_by_role("row")).to_have_count(3)  # the header and two cases
    behind.get_by_role("link", name=other.person.full_name).click()
    page.wait_for_url(f"{live_server.url}/casussen/{other.pk}/")


def test_the_programme_figures_and_a_table_download(live_server, page, login, people, case_at):
    case_at("in_regie")
    login(people["programme"])
    page.get_by_role("link", name="Cijfers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cijfers programma's")
    # One case in regie: a small group, shown as "< 5", never as the number.
    status = page.get_by_test_id("table-status")
    expect(status.get_by_role("row", name="In regie")).to_contain_text("< 5")
    page.get_by_label("Van (maand)").fill("2026-01")
    page.get_by_role("button", name="Tonen").click()
    expect(page.get_by_text("Van januari 2026")).to_be_visible()
    with page.expect_download() as download:
        page.locator("#status").get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename.startswith("status-")
