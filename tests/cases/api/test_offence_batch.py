"""Offence records in a batch (issue 13): up to 1,000 items, each handled as the single push
handles it, in its own transaction; a bad item does not sink the rest."""

from __future__ import annotations

import pytest

from cases.models import OffenceRecord
from tests.cases.api.test_offences_and_programmes import offence, police_case  # noqa: F401
from tests.factories import PersonFactory, api_key

pytestmark = pytest.mark.django_db

URL = "/api/v1/offence-records/batch"


def test_each_item_answers_as_the_single_push_would(api_as, people, police_case):  # noqa: F811
    client = api_as(people["system"])
    person = police_case.person_id
    stranger = PersonFactory()  # on no case of the police: out of its sight
    client.post("/api/v1/offence-records", offence(person, external_id="BVH-0"), format="json")
    before = OffenceRecord.objects.count()
    items = [
        offence(person, external_id="BVH-1"),
        offence(person, external_id="BVH-2", kind="summons"),
        offence(person, kind="nonsense"),
        offence(stranger.pk, external_id="BVH-3"),
        offence(person, external_id="BVH-0"),  # a repeat
        offence(person, external_id="BVH-1"),  # a repeat within the batch
        offence(person, person="12"),
    ]
    response = client.post(URL, {"items": items}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    statuses = [r["status"] for r in body["results"]]
    assert statuses == [201, 201, 400, 400, 200, 200, 400]
    assert (body["created"], body["repeated"], body["failed"]) == (2, 2, 3)
    assert [r["index"] for r in body["results"]] == list(range(7))
    assert body["results"][2]["problem"]["invalid_params"][0]["name"] == "kind"
    assert body["results"][3]["problem"]["invalid_params"][0]["name"] == "person"
    assert body["results"][6]["problem"]["invalid_params"][0]["code"] == "wrong_type"
    stored = OffenceRecord.objects.filter(
        source__code="POLITIE", external_id__in=["BVH-1", "BVH-2"]
    )
    assert sorted(r["id"] for r in body["results"][:2]) == sorted(
        stored.values_list("pk", flat=True)
    )
    assert body["results"][5]["id"] == body["results"][0]["id"]
    assert OffenceRecord.objects.count() == before + 2
    assert not OffenceRecord.objects.filter(person=stranger).exists()


@pytest.mark.parametrize("count", [0, 1001])
def test_an_empty_or_oversized_batch_is_refused_whole(api_as, people, police_case, count):  # noqa: F811
    client = api_as(people["system"])
    before = OffenceRecord.objects.count()
    items = [offence(police_case.person_id, external_id=f"N-{i}") for i in range(count)]
    response = client.post(URL, {"items": items}, format="json")
    assert response.status_code == 400
    assert response.json()["invalid_params"][0]["name"] == "items"
    assert OffenceRecord.objects.count() == before


def test_a_key_without_the_offences_scope_pushes_nothing(people, police_case):  # noqa: F811
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(people['system'], ['read'])}")
    response = client.post(URL, {"items": [offence(police_case.person_id)]}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"


def test_who_may_not_record_offences_is_refused_whole(api_as, people, police_case):  # noqa: F811
    client = api_as(people["regisseur"])
    before = OffenceRecord.objects.count()
    response = client.post(URL, {"items": [offence(police_case.person_id)]}, format="json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert OffenceRecord.objects.count() == before
