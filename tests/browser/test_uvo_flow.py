"""A UVO in a real browser: the regisseur plans it, records attendees, minutes and two
agreements; the owning partner (WPI) sees its agreement, and once it is past its deadline the
daily scan puts it in the partner's inbox, with the unread count in the header."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases import services as case_services
from meetings.models import Agreement
from meetings.reminders import reminders_scan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WPI = "WPI (Werk, Participatie & Inkomen)"


def logout(page):
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()


def test_regisseur_records_a_uvo_and_the_partner_is_reminded_of_its_agreement(
    live_server, page, login, people, orgs, case_at
):
    case = case_at("in_regie")
    case_services.team_member_add(
        case=case, by=people["regisseur"], organisation=orgs["WPI"], professional=people["partner"]
    )
    case_services.team_member_add(case=case, by=people["regisseur"], organisation=orgs["GGD"])
    today = timezone.localdate()
    deadline = today + timedelta(days=14)

    # The regisseur plans the UVO on the case's UVO tab.
    login(people["regisseur"])
    page.goto(f"{live_server.url}/casussen/{case.pk}/uvo/")
    page.get_by_label("Datum en tijd").fill(f"{today.isoformat()}T09:00")
    page.get_by_label("Plaats").fill("Kantoor reclassering")
    page.get_by_role("button", name="UVO plannen").click()
    expect(page.get_by_text("De UVO is gepland.")).to_be_visible()

    # ... records who was there and the minutes ...
    page.locator('a[href^="/uvo/"]').first.click()
    expect(page.get_by_test_id("uvo-status")).to_have_text("Gepland")
    page.get_by_label("Gehouden op").fill(today.isoformat())
    page.get_by_label("GGD Amsterdam").uncheck()
    page.get_by_label("Overige aanwezigen (één per regel)").fill("Fictieve wijkagent")
    page.get_by_label("Notulen").fill("Fictief: inkomen en dagbesteding besproken.")
    page.get_by_role("button", name="UVO opslaan").click()
    expect(page.get_by_text("De UVO is vastgelegd.")).to_be_visible()
    expect(page.get_by_test_id("uvo-status")).to_have_text("Gehouden")
    expect(page.get_by_test_id("minutes")).to_contain_text("inkomen en dagbesteding")
    expect(page.get_by_text("GGD Amsterdam — afwezig")).to_be_visible()
    expect(page.get_by_text(f"{WPI} — aanwezig")).to_be_visible()
    # Named by hand, without an organisation in Regie: not labelled with the regie organisation.
    expect(page.get_by_role("listitem").filter(has_text="Fictieve wijkagent")).to_have_text(
        "Fictieve wijkagent — aanwezig"
    )

    # ... and two agreements: one for WPI's professional, one for GGD.
    for description, organisation, person in (
        ("Aanvraag bijstand begeleiden", WPI, str(people["partner"])),
        ("Intake ambulante zorg plannen", "GGD Amsterdam", None),
    ):
        page.get_by_label("Afspraak", exact=True).fill(description)
        page.get_by_label("Organisatie", exact=True).select_option(label=organisation)
        if person:
            page.get_by_label("Persoon", exact=True).select_option(label=person)
        page.get_by_label("Deadline").fill(deadline.isoformat())
        page.get_by_role("button", name="Afspraak toevoegen").click()
        expect(page.get_by_text("De afspraak is vastgelegd.")).to_be_visible()
    made_here = page.locator("section", has=page.get_by_role("heading", name="Afspraken gemaakt"))
    expect(made_here.get_by_role("row")).to_have_count(3)  # header + two agreements
    logout(page)

    wpi_agreement = Agreement.objects.get(owner_organisation=orgs["WPI"])
    assert wpi_agreement.owner_person == people["partner"]

    # The WPI partner sees its own organisation's agreement, not GGD's; it was told of it at once.
    login(people["partner"])
    page.goto(f"{live_server.url}/afspraken/")
    row = page.get_by_test_id(f"agreement-{wpi_agreement.pk}")
    expect(row).to_contain_text("Aanvraag bijstand begeleiden")
    expect(row).not_to_contain_text("te laat")
    expect(page.get_by_text("Intake ambulante zorg plannen")).to_have_count(0)
    expect(page.get_by_test_id("unread-count")).to_be_visible()
    page.goto(f"{live_server.url}/meldingen/")
    expect(page.get_by_text("Afspraak toegewezen")).to_be_visible()
    page.get_by_role("button", name="Alles als gelezen markeren").click()
    expect(page.get_by_test_id("unread-count")).to_have_count(0)

    # Time passes: the deadline lies behind us, and the daily scan runs.
    Agreement.objects.filter(pk=wpi_agreement.pk).update(deadline=today - timedelta(days=1))
    reminders_scan()

    page.goto(f"{live_server.url}/meldingen/")
    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    notification = page.locator('[data-testid^="notification-"]').filter(
        has_text="Afspraak over de deadline"
    )
    expect(notification).to_have_count(1)
    expect(notification).to_contain_text("Afspraak over de deadline")
    expect(notification).to_contain_text("Aanvraag bijstand begeleiden")
    page.goto(f"{live_server.url}/afspraken/")
    expect(page.get_by_test_id(f"agreement-{wpi_agreement.pk}")).to_contain_text("te laat")

    # Read: the count disappears from the header.
    page.goto(f"{live_server.url}/meldingen/")
    page.get_by_role("button", name="Markeer als gelezen").click()
    expect(page.get_by_test_id("unread-count")).to_have_count(0)
    page.screenshot(path="test-results/uvo-inbox.png", full_page=True)
