import pytest
from django.urls import reverse

from partners.models import Role

pytestmark = pytest.mark.django_db


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_dutch_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'lang="nl"' in response.content.decode()
    assert "Inloggen" in response.content.decode()


def test_login_with_wrong_password_shows_error_and_stays(client, make_user):
    make_user(Role.REGISSEUR, username="rianne")
    response = client.post(reverse("login"), {"username": "rianne", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_login_and_logout(client, make_user):
    make_user(Role.REGISSEUR, username="rianne")
    response = client.post(
        reverse("login"), {"username": "rianne", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "Regisseur" in home.content.decode()
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_language_switch_to_english(client, make_user):
    user = make_user(Role.REGISSEUR)
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("home"))
    assert 'lang="en"' in response.content.decode()
    assert "Log out" in response.content.decode()


def test_unknown_page_is_a_dutch_404(client, make_user):
    client.force_login(make_user(Role.REGISSEUR))
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


@pytest.mark.urls("tests.partners.urls_errors")
def test_forbidden_is_a_dutch_403(client, make_user):
    client.force_login(make_user(Role.REGISSEUR))
    response = client.get("/verboden/")
    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()


def test_admin_lists_organisations_and_users_with_filters(client, make_user):
    beheerder = make_user(Role.BEHEERDER, is_staff=True)
    client.force_login(beheerder)
    response = client.get(reverse("admin:partners_organisation_changelist") + "?kind=kernpartner")
    assert response.status_code == 200
    assert "Politie" in response.content.decode()
    response = client.get(reverse("admin:partners_user_changelist") + "?q=" + beheerder.username)
    assert response.status_code == 200
    assert beheerder.username in response.content.decode()


def test_browser_language_does_not_override_dutch(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="nl"' in response.content.decode()


def test_a_post_to_a_read_only_page_is_a_dutch_405_and_nothing_is_logged(client, case_at, people):
    from cases.models import AccessLogEntry

    case = case_at("in_regie")
    client.force_login(people["regisseur"])
    before = AccessLogEntry.objects.count()
    response = client.post(reverse("cases:history", args=[case.pk]))
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    page = response.content.decode()
    assert "Deze pagina kan niet zo worden geopend" in page
    assert 'href="/"' in page  # the way back, in the navigation and the text
    assert case.person.last_name not in page  # refused before the case was read
    assert AccessLogEntry.objects.count() == before


def test_opening_a_form_action_in_the_browser_is_the_405_page(client, make_user):
    client.force_login(make_user(Role.REGISSEUR))
    response = client.get(reverse("meetings:read_all"))  # a POST-only action
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "Deze pagina kan niet zo worden geopend" in response.content.decode()


def test_the_api_keeps_its_own_405_problem(api_client, make_user):
    api_client.force_authenticate(make_user(Role.REGISSEUR))
    response = api_client.post("/api/v1/organisations/1")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/problem+json")
