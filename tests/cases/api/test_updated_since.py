"""A change feed by polling (issue 13): every list of a resource takes `?updated_since=`, and
every such resource says when its row last changed (`updated_at`), through `save()` and through
bulk `update()` alike (a notification marked read)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from meetings import services as meeting_services
from meetings.models import Notification
from tests.cases.api.test_offences_and_programmes import offence, police_case  # noqa: F401
from tests.factories import OffenceRecordFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/persons",
    "/api/v1/offence-records",
    "/api/v1/cases",
    "/api/v1/plans",
    "/api/v1/plan-goals",
    "/api/v1/evaluations",
    "/api/v1/uvo-meetings",
    "/api/v1/agreements",
    "/api/v1/notifications",
]


def _ids(client, path: str, since) -> list[int]:
    response = client.get(path, {"updated_since": since.isoformat()})
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize("path", LISTS)
def test_every_list_takes_it_and_every_row_says_when(api_as, people, plan_at, path):
    plan_at("approved")
    client = api_as(people["regisseur"])
    rows = client.get(path).json()["results"]
    for row in rows:
        assert timezone.datetime.fromisoformat(row["updated_at"]) <= timezone.now()
    future = timezone.now() + timedelta(minutes=1)
    assert _ids(client, path, future) == []
    past = timezone.now() - timedelta(days=1)
    assert _ids(client, path, past) == [row["id"] for row in rows]


def test_only_what_changed_since_and_the_moment_itself_included(
    api_as,
    people,
    police_case,  # noqa: F811
):
    client = api_as(people["system"])
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        old = OffenceRecordFactory(person=police_case.person)
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        new = OffenceRecordFactory(person=police_case.person)
    since = start + timedelta(minutes=30)
    assert _ids(client, "/api/v1/offence-records", since) == [new.pk]
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        old.description = "Gecorrigeerd (fictief)"
        old.save()
    assert set(_ids(client, "/api/v1/offence-records", since)) == {old.pk, new.pk}
    assert _ids(client, "/api/v1/offence-records", start + timedelta(hours=2)) == [old.pk]


def test_a_bulk_update_counts_as_a_change(api_as, people, plan_at):
    plan = plan_at("approved")
    user = people["regisseur"]
    for text in ("Fictief 1", "Fictief 2"):
        Notification.objects.create(case=plan.case, user=user, event="plan_approved", message=text)
    client = api_as(user)
    later = timezone.now() + timedelta(hours=1)
    assert _ids(client, "/api/v1/notifications", later) == []
    with time_machine.travel(later + timedelta(minutes=1), tick=False):
        meeting_services.notifications_mark_all_read(by=user)
    assert (
        len(_ids(client, "/api/v1/notifications", later))
        == Notification.objects.filter(user=user).count()
    )


@pytest.mark.parametrize(
    "bad",
    [
        "yesterday",
        "2026-12-01",
        "2026-12-01T08:00:00",
        "0290-02-07T04:50:54.25-21:52",  # found by schemathesis: a 500 on PostgreSQL
        "2026-13-01T08:00:00+01:00",
    ],
)
def test_a_moment_without_offset_or_not_a_moment_is_400(api_as, people, bad):
    response = api_as(people["regisseur"]).get("/api/v1/cases", {"updated_since": bad})
    assert response.status_code == 400
    assert response.json()["invalid_params"][0]["name"] == "updated_since"


def test_lists_without_updated_at_refuse_the_parameter(api_as, people):
    response = api_as(people["regisseur"]).get("/api/v1/organisations", {"updated_since": "x"})
    assert response.status_code == 400
    assert response.json()["invalid_params"][0]["code"] == "unknown_parameter"


def test_an_offset_postgresql_does_not_take_is_still_a_moment(api_as, people, plan_at):
    """ISO 8601 allows offsets up to ±23:59, PostgreSQL only to ±15:59: the moment is asked in
    UTC, so a far offset answers like any other (it was a 500 on PostgreSQL)."""
    plan_at("draft")
    client = api_as(people["regisseur"])
    far = client.get("/api/v1/cases", {"updated_since": "2000-01-01T00:00:00-21:52"})
    assert far.status_code == 200, far.content
    assert far.json()["count"] == client.get("/api/v1/cases").json()["count"] > 0
