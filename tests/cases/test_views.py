"""Forms in the pages: errors next to the field or on top, input kept, nothing stored."""

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case, DossierContribution, Person
from tests.factories import PersonFactory, programme
from tests.scenarios import eligible_person

pytestmark = pytest.mark.django_db


def test_register_an_eligible_person(client, people):
    person = eligible_person()
    client.force_login(people["programme"])
    response = client.post(
        reverse("cases:register") + f"?person={person.pk}",
        {"person": person.pk, "programme": programme().pk},
    )
    case = Case.objects.get(person=person)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])


def test_register_an_ineligible_person_needs_a_reason(client, people):
    person = PersonFactory()
    client.force_login(people["programme"])
    data = {"person": person.pk, "programme": programme().pk}
    response = client.post(reverse("cases:register"), data)
    assert response.status_code == 200
    assert "Voldoet niet aan de criteria van Top600" in response.content.decode()
    assert not Case.objects.filter(person=person).exists()
    response = client.post(
        reverse("cases:register"), {**data, "override_reason": "Op verzoek van de driehoek"}
    )
    assert response.status_code == 302
    assert Case.objects.get(person=person).status_changes.first().reason == (
        "Op verzoek van de driehoek"
    )


def test_person_form_shows_bsn_error_next_to_the_field(client, people):
    client.force_login(people["programme"])
    response = client.post(
        reverse("cases:person_create"),
        {
            "first_name": "Fictief",
            "last_name": "Persoon",
            "date_of_birth": "1999-01-01",
            "bsn": "123456789",
        },
    )
    assert response.status_code == 200
    assert "elfproef" in str(response.context["form"].errors["bsn"])
    assert not Person.objects.filter(last_name="Persoon").exists()


def test_a_stale_section_edit_keeps_the_input_and_says_why(client, people, case_at):
    case = case_at("basisdossier")
    section = case.basisdossier.sections.get(leefgebied=1)
    url = reverse("cases:section", args=[case.pk, 1])
    client.force_login(people["ivg_politie"])
    form_version = client.get(url).context["form"].initial["version"]
    # Meanwhile a colleague of the same organisation saves its part of the section.
    services.dossier_contribution_save(section=section, by=people["ivg_politie"], text="Eerst")
    response = client.post(url, {"text": "Mijn tekst", "version": form_version})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Iemand anders heeft deze sectie intussen gewijzigd" in html
    assert "Mijn tekst" in html  # the user's input is still in the form
    assert (
        DossierContribution.objects.get(
            section=section, organisation=people["ivg_politie"].organisation
        ).text
        == "Eerst"
    )


@pytest.mark.parametrize("version", [{}, {"version": "x"}, {"version": "-1"}])
def test_a_section_edit_without_its_version_keeps_the_input_and_says_why(
    client, people, case_at, version
):
    case = case_at("basisdossier")
    client.force_login(people["ivg_politie"])
    url = reverse("cases:section", args=[case.pk, 1])
    response = client.post(url, {"text": "Mijn tekst", **version})
    assert response.status_code == 200
    html = response.content.decode()
    assert "zonder de versie" in html
    assert "Mijn tekst" in html
    assert not DossierContribution.objects.filter(
        section__dossier__case=case, organisation=people["ivg_politie"].organisation, text__gt=""
    ).exists()


def test_a_transition_refused_by_the_service_shows_the_reason(client, people, case_at):
    case = case_at("basisdossier")  # nobody answered yet
    client.force_login(people["ivg_politie"])
    response = client.post(reverse("cases:transition", args=[case.pk, "establish_dossier"]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "1 (GGD Amsterdam, Politie); 2 (GGD Amsterdam, Politie)" in content
    assert Case.objects.get(pk=case.pk).status == "basisdossier"


def test_outflow_form_requires_reason_and_receiver(client, people, case_at):
    case = case_at("in_regie")
    client.force_login(people["regisseur"])
    response = client.post(reverse("cases:transition", args=[case.pk, "start_outflow"]), {})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"reason", "receiver"}  # from the register, or named when not in it
    assert Case.objects.get(pk=case.pk).status == "in_regie"


def test_home_shows_my_cases_and_waiting_work(client, people, case_at):
    case = case_at("in_regie")
    waiting = case_at("awaiting_assignment")
    client.force_login(people["regisseur"])
    assert case.person.full_name in client.get(reverse("home")).content.decode()
    client.force_login(people["programme"])
    assert waiting.person.full_name in client.get(reverse("home")).content.decode()


def test_timeline_event_is_shared_and_shown_newest_first(client, people, case_at):
    case = case_at("in_regie")
    client.force_login(people["regisseur"])
    url = reverse("cases:timeline", args=[case.pk])
    response = client.post(url, {"kind": "arrest", "description": "Fictieve aanhouding"})
    assert response.status_code == 302
    events = list(client.get(url).context["events"])
    assert events[0].description == "Fictieve aanhouding"
    response = client.post(url, {"kind": "status", "description": "x"})
    assert response.status_code == 200
    assert "kind" in response.context["form"].errors
