"""What an integrator asked for: cases by person, UVOs by date range, goals by responsible
organisation, and who the caller is (`/me`)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from meetings import services as meeting_services
from tests.cases.api.helpers import assert_problem

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_cases_by_person_only_a_visible_one(api_as, case_at, people):
    mine, other = case_at("in_regie"), case_at("in_regie")
    client = api_as(people["regisseur"])
    assert ids(client.get("/api/v1/cases", {"person": mine.person_id})) == [mine.pk]
    outsider = api_as(people["outsider"])
    body = assert_problem(outsider.get("/api/v1/cases", {"person": other.person_id}), 400)
    assert [p["name"] for p in body["invalid_params"]] == ["person"]


def test_uvos_by_date_range(api_as, case_at, people):
    case = case_at("in_regie")
    now = timezone.now()
    early, late = (
        meeting_services.uvo_plan(case=case, by=people["regisseur"], planned_at=now + delta)
        for delta in (timedelta(days=3), timedelta(days=30))
    )
    client = api_as(people["regisseur"])
    day = (now + timedelta(days=10)).date().isoformat()
    assert ids(client.get("/api/v1/uvo-meetings", {"planned_before": day})) == [early.pk]
    assert ids(client.get("/api/v1/uvo-meetings", {"planned_after": day})) == [late.pk]
    assert_problem(client.get("/api/v1/uvo-meetings", {"planned_after": "morgen"}), 400)


def test_goals_by_responsible_organisation(api_as, plan_at, people, orgs):
    plan = plan_at("draft")
    client = api_as(people["regisseur"])
    wpi = ids(client.get("/api/v1/plan-goals", {"responsible_organisation": orgs["WPI"].pk}))
    assert wpi == list(
        plan.goals.filter(responsible_organisation=orgs["WPI"]).values_list("pk", flat=True)
    )
    assert len(wpi) == 1


def test_me_names_the_caller_its_organisation_roles_and_permissions(api_as, people):
    body = api_as(people["system"]).get("/api/v1/me").json()
    assert body["username"] == people["system"].username
    assert body["organisation"]["code"] == "POLITIE"
    assert body["roles"] == ["partner_system"]
    assert "cases.add_offencerecord" in body["permissions"]
    assert api_as(people["regisseur"]).get("/api/v1/me").json()["roles"] == ["regisseur"]


def test_an_unknown_query_parameter_is_a_400_not_everything(api_as, case_at, people):
    """`?modified_since=…` used to be ignored and answered with every case."""
    case_at("in_regie")
    client = api_as(people["regisseur"])
    body = assert_problem(
        client.get("/api/v1/cases", {"modified_since": "2026-01-01", "status": "in_regie"}), 400
    )
    assert [(p["name"], p["code"]) for p in body["invalid_params"]] == [
        ("modified_since", "unknown_parameter")
    ]
    # What the operation takes still works: its filters, ordering, paging, format.
    known = {"status": "in_regie", "ordering": "registered_at", "page": 1, "page_size": 10}
    assert client.get("/api/v1/cases", {**known, "format": "json"}).status_code == 200
    # An action that takes no filter refuses them too.
    refused = assert_problem(client.post("/api/v1/notifications/read-all?x=1"), 400)
    assert refused["invalid_params"][0]["name"] == "x"


@pytest.mark.parametrize(
    ("query", "name", "code"),
    [
        ("mine=null", "mine", "invalid"),  # a boolean is true or false
        ("mine=1", "mine", "invalid"),
        ("mine=False", "mine", "invalid"),
        ("mine=true&mine=true", "mine", "repeated_parameter"),
        ("status=in_regie&status=closed", "status", "repeated_parameter"),
        ("person=", "person", "invalid"),  # empty is not "no filter"
        ("status=", "status", "invalid"),
        ("page=", "page", "invalid"),
        ("ordering=", "ordering", "invalid"),
        ("ordering=person__bsn", "ordering", "invalid_choice"),  # not a listed order
        ("ordering=registered_at,status", "ordering", "invalid_choice"),
    ],
)
def test_query_values_are_read_as_strictly_as_the_schema(
    api_as, case_at, people, query, name, code
):
    case_at("in_regie")
    body = assert_problem(api_as(people["regisseur"]).get(f"/api/v1/cases?{query}"), 400)
    assert [(p["name"], p["code"]) for p in body["invalid_params"]] == [(name, code)]


def test_an_ordering_problem_names_the_orders_there_are(api_as, people):
    body = assert_problem(api_as(people["regisseur"]).get("/api/v1/cases?ordering=date"), 400)
    assert body["invalid_params"][0]["reason"] == (
        "Order by one of: registered_at, -registered_at, status, -status, updated_at."
    )
    assert api_as(people["regisseur"]).get("/api/v1/cases?q=").status_code == 200  # text


def test_a_method_the_operation_lacks_is_405_whatever_the_query(api_as, people):
    client = api_as(people["regisseur"])
    for method in ("put", "delete"):
        answer = getattr(client, method)("/api/v1/notifications?page=0&page_size=0")
        assert_problem(answer, 405)


def test_the_schema_lists_each_lists_orders_and_page_bounds():
    import yaml
    from django.conf import settings

    schema = yaml.safe_load((settings.BASE_DIR / "openapi.yaml").read_text())
    lists = [op for ops in schema["paths"].values() for op in ops.values() if "parameters" in op]
    for operation in lists:
        for parameter in operation["parameters"]:
            if parameter["name"] == "ordering":
                assert parameter["schema"]["enum"], operation["operationId"]
            if parameter["name"] in ("page", "page_size"):
                assert parameter["schema"]["minimum"] == 1, operation["operationId"]
    cases = schema["paths"]["/api/v1/cases"]["get"]["parameters"]
    ordering = next(p for p in cases if p["name"] == "ordering")
    assert ordering["schema"]["enum"] == [
        "registered_at",
        "-registered_at",
        "status",
        "-status",
        "updated_at",  # the sync order
    ]


def test_a_person_is_found_by_bsn_in_the_body_not_the_url(api_as, case_at, people):
    from cases.models import AccessLogEntry

    case = case_at("in_regie")
    person = case.person
    person.bsn = "111222333"
    person.save()
    client = api_as(people["regisseur"])
    found = client.post("/api/v1/persons/search", {"bsn": "111222333"})
    assert found.status_code == 200, found.content
    assert [p["id"] for p in found.json()] == [person.pk]
    entry = AccessLogEntry.objects.filter(user=people["regisseur"]).latest("pk")
    assert "111222333" not in entry.path
    assert entry.subjects.get().person_id == person.pk
    # Out of sight is the same as unknown; a malformed BSN is a 400 naming the field.
    assert (
        api_as(people["outsider"]).post("/api/v1/persons/search", {"bsn": "111222333"}).json() == []
    )
    assert client.post("/api/v1/persons/search", {"bsn": "999999999"}).json() == []
    body = assert_problem(client.post("/api/v1/persons/search", {"bsn": "12ab"}), 400)
    assert [p["name"] for p in body["invalid_params"]] == ["bsn"]
