"""A regisseur's caseload handed over in the browser (issue 16): the accounthouder goes from
the dashboard's row of the leaving regisseur to the handover, gives one receiver for all and a
note for one case, and every case follows the receiver, who now directs them."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import Case, TimelineEvent, TimelineKind
from partners.models import Role
from tests.browser.test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_accounthouder_hands_a_caseload_over(
    live_server, page, login, people, orgs, case_at, make_user
):
    leaving = people["regisseur"]
    receiver = make_user(
        Role.REGISSEUR, username="reg-ontvanger", organisation=orgs["RN"], first_name="Ontvanger"
    )
    cases = [case_at("in_regie") for _ in range(2)]
    login(people["accounthouder"])
    page.goto(f"{live_server.url}{reverse('meetings:dashboard')}")
    page.get_by_role("link", name="Casussen overdragen").first.click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(leaving.get_full_name() or leaving.username)
    assert violations(page) == []
    page.get_by_label("Voor elke casus zonder eigen keuze").select_option(str(receiver.pk))
    page.locator(f"#note_{cases[0].pk}").fill("Fictief: moeder belt op dinsdag.")
    page.get_by_role("button", name="Overdragen").click()
    expect(page.get_by_role("status").first).to_contain_text("2")
    assert set(
        Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("regisseur", flat=True)
    ) == {receiver.pk}
    note = TimelineEvent.objects.filter(case=cases[0], kind=TimelineKind.TEAM_CHANGE).latest("pk")
    assert "Fictief: moeder belt op dinsdag." in note.description

    page.context.clear_cookies()
    login(receiver)
    page.goto(f"{live_server.url}{reverse('cases:detail', args=[cases[1].pk])}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(cases[1].person.last_name)


def test_on_a_phone_each_case_is_a_block_with_its_note_in_view(
    live_server, page, login, people, case_at, make_user, orgs
):
    """At 360 px the handover rows stack (case, receiver, note, each labelled): the note is not
    scrolled out of sight to the right."""
    make_user(Role.REGISSEUR, username="reg-ontvanger", organisation=orgs["RN"])
    case = case_at("in_regie")
    login(people["accounthouder"])
    page.set_viewport_size({"width": 360, "height": 900})
    page.goto(
        f"{live_server.url}{reverse('cases:caseload_transfer', args=[people['regisseur'].pk])}"
    )
    note = page.locator(f"#note_{case.pk}")
    box = note.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 360
    expect(page.get_by_label("Overdrachtsnotitie").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    note.fill("Fictief: belt liever 's ochtends.")
    assert note.input_value() == "Fictief: belt liever 's ochtends."
