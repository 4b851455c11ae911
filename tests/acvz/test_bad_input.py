"""Bad input is a clear 400 (problem+json in the API, a page otherwise), never a server error,
and never changes stored data: NUL bytes, over-deep JSON, oversized bodies, foreign `next=`."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.test import APIClient

from acvz.http import safe_next
from cases.models import Person
from meetings import services
from meetings.models import Agreement, AgreementStatus
from tests.factories import api_key

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def api(people):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(people['regisseur'])}")
    return client


@pytest.fixture
def agreement(case_at, people, orgs):
    case = case_at("in_regie")
    return services.agreement_create(
        case=case,
        by=people["regisseur"],
        description="Fictieve afspraak",
        owner_organisation=orgs["RN"],
        deadline=timezone.localdate() + timedelta(days=3),
    )


@pytest.mark.parametrize(
    "url", ["/agenda/%00.ics", "/personen/?q=%00", "/casussen/?q=a%00b", "/afspraken/?%00=1"]
)
def test_a_nul_byte_in_a_page_address_is_a_400_page(client, people, url):
    client.force_login(people["regisseur"])
    response = client.get(url)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ongeldig verzoek" in page
    assert "Uitloggen" in page  # the user's own header, not an anonymous one


def test_a_nul_byte_in_an_api_query_is_a_400_problem(api):
    response = api.get("/api/v1/cases?search=%00")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["invalid_params"] == [
        {
            "name": "search",
            "code": "null_characters_not_allowed",
            "reason": "Null characters are not allowed.",
        }
    ]


def test_a_nul_byte_in_a_form_field_is_a_field_error_and_nothing_is_stored(client, people):
    client.force_login(people["programme"])
    before = Person.objects.count()
    response = client.post(
        "/personen/nieuw/",
        {"first_name": "Fictief\x00", "last_name": "Testpersoon", "date_of_birth": "1990-01-01"},
    )
    assert response.status_code == 200
    assert "first_name" in response.context["form"].errors
    assert Person.objects.count() == before


def test_json_nested_a_thousand_deep_is_a_400_problem(api):
    response = api.post(
        "/api/v1/agreements", data="[" * 1000 + "]" * 1000, content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert "nested too deeply" in response.json()["detail"]


def test_an_api_body_over_the_limit_is_a_413_problem_and_nothing_is_stored(api, agreement):
    body = json.dumps({"status": "done", "note": "x" * 3_000_000})
    response = api.patch(
        f"/api/v1/agreements/{agreement.pk}", data=body, content_type="application/json"
    )
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "payload_too_large"
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.OPEN


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "meetings:inbox",  # a view name is not a place a client picks
        "/afspraken/\x00",
    ],
)
def test_a_foreign_next_is_not_followed_and_the_change_is_kept(client, people, agreement, target):
    client.force_login(people["regisseur"])
    response = client.post(f"/afspraken/{agreement.pk}/status/", {"status": "done", "next": target})
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert response["Location"] == "/afspraken/"
    else:  # the NUL is refused before the view: nothing changed
        assert Agreement.objects.get(pk=agreement.pk).status == AgreementStatus.OPEN
        return
    assert Agreement.objects.get(pk=agreement.pk).status == AgreementStatus.DONE


def test_a_next_on_this_site_is_followed(client, people, agreement):
    client.force_login(people["regisseur"])
    target = f"/casussen/{agreement.case_id}/uvo/"
    response = client.post(f"/afspraken/{agreement.pk}/status/", {"status": "done", "next": target})
    assert response["Location"] == target


def test_safe_next_takes_paths_and_urls_of_this_host_only():
    factory = RequestFactory()
    ok = factory.get("/", {"next": "http://testserver/casussen/"})
    assert safe_next(ok, "/") == "http://testserver/casussen/"
    other = factory.get("/", {"next": "http://evil.example/casussen/"})
    assert safe_next(other, "meetings:agreements") == "/afspraken/"
