import itertools
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services

pytestmark = pytest.mark.django_db


def test_meeting_pages_render(client, case_at, people, orgs):
    case = case_at("in_regie")
    client.force_login(people["regisseur"])
    assert client.get(reverse("meetings:case_uvos", args=[case.pk])).status_code == 200
    uvo = services.uvo_plan(
        case=case,
        by=people["regisseur"],
        planned_at=timezone.now() + timedelta(days=3),
        place="Kantoor",
    )
    assert client.get(reverse("meetings:uvo_detail", args=[uvo.pk])).status_code == 200
    services.agreement_create(
        case=case,
        by=people["regisseur"],
        meeting=uvo,
        description="Fictieve afspraak",
        owner_organisation=orgs["RN"],
        deadline=timezone.localdate() + timedelta(days=7),
    )
    for name in ("agreements", "inbox", "preferences"):
        assert client.get(reverse(f"meetings:{name}")).status_code == 200, name
    feed = services.calendar_feed_get(by=people["regisseur"])
    response = client.get(f"/agenda/{feed.token}.ics")
    assert response.status_code == 200
    assert b"UVO casus" in response.content
    assert case.person.last_name.encode() not in response.content


def test_casuistry_page_lists_the_accounthouders_cases(client, case_at, people):
    case = case_at("in_regie")
    client.force_login(people["accounthouder"])
    response = client.get(reverse("meetings:casuistry"))
    assert response.status_code == 200
    assert case.person.full_name in response.content.decode()
    client.force_login(people["regisseur"])
    assert client.get(reverse("meetings:casuistry")).status_code == 403


def test_casuistry_dates_are_three_weeks_apart():
    from datetime import date

    from meetings.selectors import casuistry_dates

    dates = casuistry_dates(today=date(2026, 1, 7))
    assert dates[0] == date(2026, 1, 27)
    assert casuistry_dates(today=date(2026, 1, 6))[0] == date(2026, 1, 6)
    assert all((b - a).days == 21 for a, b in itertools.pairwise(dates))
