"""Syncing a list with keyset pages (issue 13): in the sync order, `?ordering=updated_at`, each
`next` carries a cursor — the last row's (`updated_at`, `id`) — so a row that changes while a
partner system pages through moves to a later page: seen again, never skipped."""

from __future__ import annotations

import base64
import datetime

import pytest
import yaml
from django.conf import settings
from django.utils import timezone

from cases.models import OffenceRecord
from tests.cases.api.helpers import assert_problem, invalid_names
from tests.cases.api.test_offences_and_programmes import police_case  # noqa: F401
from tests.factories import OffenceRecordFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/offence-records"


#: More pages than any walk here needs: a cursor that does not move on fails, it does not hang.
MAX_PAGES = 20


def walk(client, params: dict | None = None, *, url: str = URL) -> tuple[list[int], list[dict]]:
    """Every row id of the list, following `next`; and each page's body."""
    seen, bodies = [], []
    response = client.get(url, params)
    for _page in range(MAX_PAGES):
        assert response.status_code == 200, response.content
        body = response.json()
        bodies.append(body)
        seen += [row["id"] for row in body["results"]]
        if body["next"] is None:
            return seen, bodies
        response = client.get(body["next"])
    pytest.fail(f"still a next page after {MAX_PAGES}: {seen}")


@pytest.fixture
def records(police_case):  # noqa: F811
    """23 records, in three groups that share an `updated_at` (the cursor's tie-break)."""
    made = [OffenceRecordFactory(person=police_case.person) for _ in range(23)]
    start = timezone.now() - datetime.timedelta(days=1)
    for i, record in enumerate(made):
        moment = start + datetime.timedelta(minutes=i // 8)
        OffenceRecord.objects.filter(pk=record.pk).update(updated_at=moment)
    return made


def test_the_sync_order_pages_by_cursor_and_holds_each_row_once(api_as, people, records):
    client = api_as(people["system"])
    seen, bodies = walk(client, {"ordering": "updated_at", "page_size": 5})
    visible = OffenceRecord.objects.filter(pk__in=seen).order_by("updated_at", "pk")
    assert seen == list(visible.values_list("pk", flat=True))
    assert len(seen) == len(set(seen)) == bodies[0]["count"] >= 23
    assert len(bodies) == -(-len(seen) // 5)
    assert all(body["previous"] is None for body in bodies)
    assert all(body["count"] == bodies[0]["count"] for body in bodies)
    first_next = bodies[0]["next"]
    assert "cursor=" in first_next
    assert "page=" not in first_next
    assert "ordering=updated_at" in first_next
    assert "page_size=5" in first_next


def test_a_row_changed_while_paging_moves_to_the_end_and_nothing_is_skipped(
    api_as, people, records
):
    client = api_as(people["system"])
    first = client.get(URL, {"ordering": "updated_at", "page_size": 5}).json()
    early = first["results"][0]["id"]
    # The source corrects a record it already synced: its `updated_at` moves to now.
    OffenceRecord.objects.get(pk=early).save()
    rest, _bodies = walk(client, url=first["next"])
    seen = [row["id"] for row in first["results"]] + rest
    assert seen.count(early) == 2  # seen again, at the end
    assert seen[-1] == early
    everything = set(OffenceRecord.objects.filter(pk__in=seen).values_list("pk", flat=True))
    assert set(seen) == everything  # nothing skipped


def test_a_cursor_outside_the_sync_order_or_malformed_is_a_clear_400(api_as, people, records):
    client = api_as(people["system"])
    cursor = client.get(URL, {"ordering": "updated_at", "page_size": 5}).json()["next"]
    token = cursor.split("cursor=")[1].split("&")[0]
    assert invalid_names(client.get(URL, {"cursor": token})) == {"cursor"}
    assert invalid_names(client.get(URL, {"ordering": "-updated_at", "cursor": token})) == {
        "ordering"  # the sync order is oldest change first only
    }
    assert invalid_names(client.get(URL, {"ordering": "updated_at", "page": 2})) == {"page"}
    for bad in (
        "not-a-cursor",
        base64.urlsafe_b64encode(b"2026-01-01T00:00:00+00:00|0").decode(),
        base64.urlsafe_b64encode(b"2026-01-01T00:00:00|5").decode(),  # no offset
        base64.urlsafe_b64encode(b"2026-13-01T00:00:00+00:00|5").decode(),
        base64.urlsafe_b64encode(b"yesterday|5").decode(),
        base64.urlsafe_b64encode(f"2026-01-01T00:00:00+00:00|{2**63}".encode()).decode(),
        base64.urlsafe_b64encode(b"\xff\xfe|5").decode(),
    ):
        response = client.get(URL, {"ordering": "updated_at", "cursor": bad})
        assert_problem(response, 400)
        assert invalid_names(response) == {"cursor"}, bad


def test_the_contract_names_the_sync_order_and_the_cursor_on_each_change_feed():
    paths = yaml.safe_load((settings.BASE_DIR / "openapi.yaml").read_text())["paths"]
    feeds = []
    for path, operations in paths.items():
        names = {p["name"]: p for p in operations.get("get", {}).get("parameters", [])}
        if "updated_since" in names and "ordering" in names:
            feeds.append(path)
            assert "updated_at" in names["ordering"]["schema"]["enum"], path
            assert names["cursor"]["schema"] == {"type": "string"}, path
        else:
            assert "cursor" not in names, path
    assert set(feeds) == {
        "/api/v1/agreements",
        "/api/v1/cases",
        "/api/v1/evaluations",
        "/api/v1/notifications",
        "/api/v1/offence-records",
        "/api/v1/persons",
        "/api/v1/plan-goals",
        "/api/v1/plans",
        "/api/v1/uvo-meetings",
    }
