"""A double click on a form's button sends one request (the page's script), and the server
makes one object of it either way (partners.middleware.SubmitOnceMiddleware)."""

import pytest
from playwright.sync_api import expect

from cases.models import TimelineEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_double_click_sends_the_form_once(live_server, page, login, people, case_at):
    case = case_at("in_regie")
    login(people["regisseur"])
    url = f"{live_server.url}/casussen/{case.pk}/tijdlijn/"
    page.goto(url)
    held = []  # POSTs held back, as on a slow network, while the user clicks again

    def hold(route, request):
        if request.method == "POST":
            held.append(route)
        else:
            route.continue_()

    page.route(url, hold)
    page.get_by_label("Soort").select_option("arrest")
    page.get_by_label("Omschrijving").fill("Fictieve aanhouding, dubbel geklikt")
    button = page.get_by_role("button", name="Delen")
    # The second click comes 200 ms after the first, while the first request is on its way.
    page.evaluate(
        "() => { const b = document.querySelector('main form button[type=submit]');"
        " setTimeout(() => b.click(), 200); }"
    )
    button.click(no_wait_after=True)
    page.wait_for_timeout(600)
    assert len(held) == 1
    held[0].continue_()
    expect(page.get_by_text("Fictieve aanhouding, dubbel geklikt")).to_be_visible()
    assert TimelineEvent.objects.filter(description__contains="dubbel geklikt").count() == 1
