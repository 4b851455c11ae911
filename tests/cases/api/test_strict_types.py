"""No coercion (issue 13): a value of another JSON type is 400 `wrong_type`, a date outside
1900 to 2100 is 400 `out_of_range`, and nothing is stored. An integrator's `"12"` for an id or `1.5`
for a person stored as person 1 was how records went to the wrong person."""

from __future__ import annotations

import pytest

from cases.models import OffenceRecord, TimelineEvent
from tests.cases.api.test_offences_and_programmes import offence, police_case  # noqa: F401

pytestmark = pytest.mark.django_db


def _codes(response) -> dict[str, str]:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    return {p["name"]: p["code"] for p in response.json()["invalid_params"]}


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"person": 1.5}, "person", "wrong_type"),
        ({"person": "PERSON"}, "person", "wrong_type"),
        ({"person": True}, "person", "wrong_type"),
        ({"kind": 1}, "kind", "wrong_type"),
        ({"external_id": 12}, "external_id", "wrong_type"),
        ({"date": 20260105}, "date", "wrong_type"),
        ({"date": "0001-01-01"}, "date", "out_of_range"),
        ({"date": "9999-12-31"}, "date", "out_of_range"),
    ],
)
def test_an_offence_with_a_coerced_value_is_refused(
    api_as,
    people,
    police_case,  # noqa: F811
    change,
    field,
    code,
):
    client = api_as(people["system"])
    body = offence(police_case.person_id, external_id="BVH-T") | change
    if change.get("person") == "PERSON":
        body["person"] = str(police_case.person_id)  # the right id, as a string
    before = OffenceRecord.objects.count()
    assert _codes(client.post("/api/v1/offence-records", body, format="json"))[field] == code
    assert OffenceRecord.objects.count() == before


def test_the_other_problems_are_named_in_the_same_answer(api_as, people, police_case):  # noqa: F811
    client = api_as(people["system"])
    body = offence(police_case.person_id) | {"person": "1", "kind": "nonsense"}
    codes = _codes(client.post("/api/v1/offence-records", body, format="json"))
    assert codes == {"person": "wrong_type", "kind": "invalid_choice"}


def test_a_timeline_event_in_the_year_9999_is_refused(api_as, case_at, people):
    case = case_at("in_regie")
    client = api_as(people["regisseur"])
    before = TimelineEvent.objects.count()
    for occurred_at in ("9999-01-01T00:00:00+01:00", "0001-01-01T00:00:00Z"):
        body = {"kind": "move", "description": "Fictief", "occurred_at": occurred_at}
        response = client.post(f"/api/v1/cases/{case.pk}/timeline", body, format="json")
        assert _codes(response) == {"occurred_at": "out_of_range"}
    body = {"kind": "move", "description": 7}
    response = client.post(f"/api/v1/cases/{case.pk}/timeline", body, format="json")
    assert _codes(response) == {"description": "wrong_type"}
    assert TimelineEvent.objects.count() == before


def test_a_right_body_still_passes(api_as, people, police_case):  # noqa: F811
    client = api_as(people["system"])
    response = client.post("/api/v1/offence-records", offence(police_case.person_id), format="json")
    assert response.status_code == 201, response.content
