"""Pages never repeat or skip a row (issue 13): the primary key is the last sort key of every
list, whatever `?ordering=` asks, so rows sharing a value keep one order across queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cases.api.test_offences_and_programmes import police_case  # noqa: F401
from tests.factories import OffenceRecordFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("ordering", ["date", "-date", None])
def test_pages_of_rows_sharing_a_date_hold_each_row_once(
    api_as,
    people,
    police_case,  # noqa: F811
    ordering,
):
    day = datetime.date(2025, 3, 4)
    for _ in range(30):
        OffenceRecordFactory(person=police_case.person, date=day)
    client = api_as(people["system"])
    seen, page = [], 1
    with CaptureQueriesContext(connection) as queries:
        while True:
            params = {"page": page, "page_size": 7} | ({"ordering": ordering} if ordering else {})
            body = client.get("/api/v1/offence-records", params).json()
            seen += [row["id"] for row in body["results"]]
            if not body["next"]:
                break
            page += 1
    assert len(seen) == len(set(seen)) == body["count"] >= 30
    selects = [q["sql"] for q in queries.captured_queries if "cases_offencerecord" in q["sql"]]
    assert all(
        sql.rstrip()
        .split("ORDER BY")[-1]
        .split("LIMIT")[0]
        .strip()
        .rstrip(",")
        .endswith(('"cases_offencerecord"."id" ASC', '"cases_offencerecord"."id" DESC'))
        for sql in selects
        if "ORDER BY" in sql
    )
