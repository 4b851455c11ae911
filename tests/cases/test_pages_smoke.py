import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_case_page_renders_for_the_regisseur(client, case_at, people):
    case = case_at("in_regie")
    client.force_login(people["regisseur"])
    for name in ("detail", "dossier", "timeline", "history"):
        response = client.get(reverse(f"cases:{name}", args=[case.pk]))
        assert response.status_code == 200, name
    assert client.get(reverse("cases:list")).status_code == 200
    response = client.get(reverse("cases:transition", args=[case.pk, "start_outflow"]))
    assert response.status_code == 200
    response = client.get(reverse("cases:person_detail", args=[case.person.pk]))
    assert response.status_code == 200


def test_programme_team_pages(client, case_at, people):
    case = case_at("awaiting_assignment")
    client.force_login(people["programme"])
    assert client.get(reverse("cases:register")).status_code == 200
    assert client.get(reverse("cases:person_list")).status_code == 200
    assert client.get(reverse("cases:person_create")).status_code == 200
    response = client.get(reverse("cases:transition", args=[case.pk, "assign"]))
    assert response.status_code == 200


def test_ivg_section_page(client, case_at, people):
    case = case_at("basisdossier")
    client.force_login(people["ivg_politie"])
    assert client.get(reverse("cases:section", args=[case.pk, 1])).status_code == 200
    assert client.get(reverse("cases:advice", args=[case.pk])).status_code == 200


def test_access_log_page(client, case_at, people):
    case_at("in_regie")
    client.force_login(people["beheerder"])
    assert client.get(reverse("cases:access_log")).status_code == 200
