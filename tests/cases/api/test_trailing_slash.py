"""The API's paths end without a slash (NL API Design Rules, API-48). The form with a slash that
1.2 and before used keeps working until its sunset — served as the path without it, never
redirected — and says so in every answer."""

from __future__ import annotations

import datetime

import pytest
import yaml
from django.conf import settings
from django.utils import timezone
from django.utils.http import parse_http_date

from cases.models import AccessLogEntry, OffenceRecord

pytestmark = pytest.mark.django_db


def test_the_contract_has_no_path_with_a_trailing_slash():
    paths = yaml.safe_load((settings.BASE_DIR / "openapi.yaml").read_text())["paths"]
    assert len(paths) > 40
    assert [path for path in paths if path.endswith("/")] == []


def test_a_path_without_the_slash_is_the_api_and_carries_no_deprecation(api_as, case_at, people):
    case = case_at("in_regie")
    response = api_as(people["regisseur"]).get(f"/api/v1/cases/{case.pk}")
    assert response.status_code == 200
    assert response.json()["id"] == case.pk
    assert "Deprecation" not in response
    assert "Sunset" not in response


def test_the_slashed_form_answers_the_same_and_names_its_sunset(api_as, case_at, people):
    case = case_at("in_regie")
    client = api_as(people["regisseur"])
    canonical = client.get(f"/api/v1/cases/{case.pk}")
    slashed = client.get(f"/api/v1/cases/{case.pk}/")
    assert slashed.status_code == 200
    assert slashed.json() == canonical.json()
    deprecated_on = settings.REGIE_API_SLASHED_PATHS_DEPRECATED
    midnight = datetime.datetime.combine(deprecated_on, datetime.time(), tzinfo=datetime.UTC)
    assert slashed["Deprecation"] == f"@{int(midnight.timestamp())}"  # RFC 9745
    sunset = datetime.datetime.fromtimestamp(parse_http_date(slashed["Sunset"]), datetime.UTC)
    assert sunset.date() == settings.REGIE_API_SLASHED_PATHS_SUNSET  # RFC 8594
    assert sunset.date() - deprecated_on >= datetime.timedelta(days=365)  # the promised year
    assert slashed["Link"] == f'</api/v1/cases/{case.pk}>; rel="successor-version"'
    # What is logged and what the pages link to is the path without the slash.
    entry = AccessLogEntry.objects.filter(channel="api").latest("pk")
    assert entry.path == f"/api/v1/cases/{case.pk}"
    listed = client.get("/api/v1/cases/?page_size=1")
    assert listed.status_code == 200
    assert listed["Deprecation"]


def test_a_post_to_the_slashed_form_is_not_redirected_and_keeps_its_body(api_as, people):
    body = {
        "subject": {
            "bsn": "111222333",
            "first_name": "Fictief",
            "last_name": "Onbekend",
            "date_of_birth": "2000-05-01",
        },
        "date": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
        "kind": "arrest",
        "category": "hic_street_robbery",
        "external_id": "BVH-SLASH",
    }
    response = api_as(people["system"]).post("/api/v1/offence-records/", body)
    assert response.status_code == 201, response.content
    assert response["Deprecation"]
    record = OffenceRecord.objects.get(external_id="BVH-SLASH")
    assert (record.person.bsn, record.kind) == ("111222333", "arrest")


def test_errors_on_the_slashed_form_name_the_path_without_it(api_as, people):
    response = api_as(people["regisseur"]).get("/api/v1/cases/999999/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["instance"] == "/api/v1/cases/999999"
    assert response["Deprecation"]


def test_pages_keep_their_slash_and_the_api_root_is_left_alone(client, api_as, people):
    client.force_login(people["regisseur"])
    page = client.get("/casussen/")
    assert page.status_code == 200
    assert "Deprecation" not in page
    root = api_as(people["regisseur"]).get("/api/v1/")
    assert root.status_code == 404
    assert "Deprecation" not in root


def test_after_the_sunset_the_slashed_form_is_gone(api_as, case_at, people):
    import time_machine

    case = case_at("in_regie")
    client = api_as(people["regisseur"])
    sunset = settings.REGIE_API_SLASHED_PATHS_SUNSET
    midnight = datetime.datetime.combine(sunset, datetime.time(), tzinfo=datetime.UTC)
    with time_machine.travel(midnight - datetime.timedelta(seconds=1)):
        assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    with time_machine.travel(midnight):
        gone = client.get(f"/api/v1/cases/{case.pk}/")
        assert gone.status_code == 404
        assert "Deprecation" not in gone
        assert client.get(f"/api/v1/cases/{case.pk}").status_code == 200
