import difflib
from pathlib import Path

import pytest
from django.core.management import call_command

from partners.models import Organisation, Role
from tests.factories import api_key

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    for key in ("type", "title", "detail", "instance", "code"):
        assert key in body
    return body


def test_unauthenticated_is_401_problem(api_client):
    response = api_client.get("/api/v1/organisations")
    body = assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Token"
    assert body["code"] == "not_authenticated"


def test_bad_token_is_401_problem(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token nope")
    assert_problem(api_client.get("/api/v1/organisations"), 401)


def test_token_authentication(user_api):
    response = user_api.get("/api/v1/organisations")
    assert response.status_code == 200
    assert response.json()["count"] == Organisation.objects.count()


def test_session_authentication(api_client, make_user):
    api_client.force_login(make_user(Role.REGISSEUR))
    assert api_client.get("/api/v1/organisations").status_code == 200


def test_session_write_without_csrf_is_refused(make_user):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(make_user(Role.REGISSEUR))
    assert_problem(client.post("/api/v1/organisations", {}), 403)


def test_organisations_list_filter_search_and_detail(user_api):
    response = user_api.get("/api/v1/organisations", {"kind": "kernpartner"})
    assert response.json()["count"] == 14
    response = user_api.get("/api/v1/organisations", {"search": "politie"})
    assert [o["code"] for o in response.json()["results"]] == ["POLITIE"]
    politie = Organisation.objects.get(code="POLITIE")
    detail = user_api.get(f"/api/v1/organisations/{politie.pk}").json()
    assert detail == {
        "id": politie.pk,
        "name": "Politie",
        "code": "POLITIE",
        "kind": "kernpartner",
        "handles_health": False,
        "active": True,
    }


def test_invalid_filter_is_400_with_field_errors(user_api):
    body = assert_problem(user_api.get("/api/v1/organisations", {"kind": "bogus"}), 400)
    assert body["invalid_params"][0]["name"] == "kind"
    assert body["invalid_params"][0]["code"] == "invalid_choice"


def test_page_past_the_end_is_404_problem(user_api):
    assert_problem(user_api.get("/api/v1/organisations", {"page": 99}), 404)
    assert_problem(user_api.get("/api/v1/organisations", {"page": "x"}), 404)


def test_page_size_is_capped(user_api):
    for n in range(110):
        Organisation.objects.create(name=f"Fictief {n}", code=f"FICT{n}")
    response = user_api.get("/api/v1/organisations", {"page_size": 1000})
    assert len(response.json()["results"]) == 100


def test_unknown_object_unknown_path_and_unknown_version_are_404_problem(user_api):
    assert_problem(user_api.get("/api/v1/organisations/999999"), 404)
    assert_problem(user_api.get("/api/v1/organisations/abc"), 404)
    assert_problem(user_api.get("/api/v1/does-not-exist"), 404)
    assert_problem(user_api.get("/api/v2/organisations"), 404)


def test_read_only_resource_refuses_writes_with_405_problem(user_api):
    assert_problem(user_api.post("/api/v1/organisations", {"name": "x"}, format="json"), 405)


def test_malformed_json_is_400_problem(make_user):
    from rest_framework.test import APIClient

    user = make_user(Role.BEHEERDER)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    response = client.generic(
        "PATCH", "/api/v1/organisations/1", "{not json", content_type="application/json"
    )
    assert response.status_code in (400, 405)
    assert response["Content-Type"].startswith(PROBLEM)


def test_swagger_and_redoc_are_served_without_a_cdn(client, make_user):
    client.force_login(make_user(Role.REGISSEUR))
    for url in ("/api/v1/schema/swagger", "/api/v1/schema/redoc"):
        html = client.get(url).content.decode()
        assert "cdn." not in html
        assert "unpkg" not in html
        assert "jsdelivr" not in html
        assert "googleapis" not in html  # ReDoc's template loads Google Fonts: ours does not
        assert "/static/drf_spectacular_sidecar/" in html
        # What the bundles would fetch themselves (ReDoc's logo) the browser refuses.
        csp = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "img-src 'self' data:" in csp


def test_committed_schema_has_no_drift(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command(
        "spectacular", "--file", str(generated), "--lang", "en", "--validate", "--fail-on-warn"
    )
    committed = (ROOT / "openapi.yaml").read_text()
    if generated.read_text() != committed:
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(True),
                generated.read_text().splitlines(True),
                "openapi.yaml (committed)",
                "openapi.yaml (generated)",
                n=1,
            )
        )
        pytest.fail(f"The API schema changed; run `make schema` and commit it.\n{diff[:4000]}")


@pytest.mark.parametrize("value", ["0", "-1", "null", "x", "١"])
def test_a_bad_page_size_is_400(user_api, value):
    body = assert_problem(user_api.get("/api/v1/organisations", {"page_size": value}), 400)
    assert body["invalid_params"][0]["name"] == "page_size"


def test_an_unparseable_body_is_400_with_the_documented_shape(make_user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(make_user(Role.PROGRAMME_TEAM))
    response = client.generic(
        "POST", "/api/v1/persons", "{not json", content_type="application/json"
    )
    body = assert_problem(response, 400)
    assert body["code"] == "parse_error"
    assert body["invalid_params"] == []


def test_the_api_speaks_english_unless_asked_for_dutch(api_client):
    assert api_client.get("/api/v1/organisations").json()["title"] == (
        "Authentication credentials were not provided."
    )
    response = api_client.get("/api/v1/organisations", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.json()["title"] != "Authentication credentials were not provided."


def test_error_titles_name_the_problem_not_a_template(user_api):
    """DRF's own texts for 405 and 415 are templates ("Method \"{method}\" not allowed."): the
    title names the kind of problem, the detail the case at hand."""
    refused = user_api.delete("/api/v1/organisations")
    assert refused.status_code == 405
    assert (refused.json()["title"], refused.json()["detail"]) == (
        "Method not allowed.",
        'Method "DELETE" not allowed.',
    )
    wrong_type = user_api.post("/api/v1/offence-records", data=b"x", content_type="text/plain")
    assert wrong_type.status_code == 415
    assert "{" not in wrong_type.json()["title"]
