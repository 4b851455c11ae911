"""Siblings and children (goal 3): the regisseur sees a minor sister on the family list, follows
her with youth protection, and stops following her."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from cases import services
from cases.models import MinorWatch
from tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_follow_a_minor_sister_and_stop(live_server, page, login, people, case_at):
    case = case_at("in_regie")
    sister = PersonFactory(first_name="Zusje", date_of_birth=dt.date(2014, 4, 1))
    services.family_relation_add(
        person=case.person, relative=sister, kind="sibling", by=people["programme"]
    )
    login(people["regisseur"])
    page.goto(f"{live_server.url}/casussen/{case.pk}/")
    family = page.get_by_test_id("family")
    expect(family).to_contain_text("Zusje")
    expect(family.get_by_test_id("minor")).to_have_text("minderjarig")

    page.get_by_role("link", name="Minderjarigen in het gezin die gevolgd worden").click()
    expect(page.get_by_role("heading", name="Gevolgde minderjarigen")).to_be_visible()
    page.get_by_label("Minderjarig familielid").select_option(str(sister.pk))
    page.get_by_label("Gevolgd door").select_option(label="Jeugdbescherming Regio Amsterdam")
    page.get_by_label("Notitie").fill("Fictief: spijbelt")
    page.get_by_role("button", name="Volgen").click()
    expect(page.get_by_text("Het familielid wordt vanaf nu gevolgd.")).to_be_visible()
    rows = page.get_by_test_id("minor-watches")
    expect(rows).to_contain_text("Jeugdbescherming Regio Amsterdam")
    expect(rows).to_contain_text("Fictief: spijbelt")

    rows.get_by_role("link", name="Stoppen met volgen").click()
    page.get_by_role("button", name="Stoppen met volgen").click()
    expect(page.get_by_text("Dit veld is vereist.")).to_be_visible()  # the reason
    page.get_by_label("Reden om te stoppen").fill("Gaat goed op school")
    page.get_by_role("button", name="Stoppen met volgen").click()
    expect(page.get_by_text("Het volgen van dit familielid is beëindigd.")).to_be_visible()
    expect(page.get_by_test_id("minor-watches")).to_contain_text("Gaat goed op school")
    assert MinorWatch.objects.get().ended_on is not None
