"""What the pages say: dates in the user's language (European in English too), the team's
remove button names what it does, the API menu only for those who manage API access."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from cases import services

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    ("language", "short", "long"),
    [
        ("nl", "29-11-2026 06:54", "29 november 2026"),
        ("en", "29-11-2026 06:54", "29 November 2026"),
    ],
)
def test_dates_are_european_in_both_languages(language, short, long):
    moment = dt.datetime(2026, 11, 29, 6, 54, tzinfo=AMS)
    with translation.override(language):
        assert date_format(moment, "SHORT_DATETIME_FORMAT") == short
        assert date_format(moment.date(), "DATE_FORMAT") == long


def test_an_english_page_shows_european_dates(client, people, case_at, orgs):
    case = case_at("in_regie")
    services.team_member_add(case=case, by=people["regisseur"], organisation=orgs["WPI"])
    client.force_login(people["regisseur"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    membership = case.team.get(organisation=orgs["WPI"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert membership.joined_on.strftime("%d-%m-%Y") in page
    assert " a.m." not in page
    assert " p.m." not in page


def test_the_team_button_says_remove_for_another_organisation(client, people, case_at, orgs):
    case = case_at("in_regie")
    services.team_member_add(case=case, by=people["regisseur"], organisation=orgs["WPI"])
    client.force_login(people["regisseur"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "WPI uit het team halen" in page
    assert "Verlaat het team" not in page


def test_the_api_menu_item_is_for_the_beheerder_only(client, people, make_user):
    from partners.models import Role

    swagger = reverse("api:swagger-ui", kwargs={"version": "v1"})
    client.force_login(people["regisseur"])
    assert swagger not in client.get(reverse("home")).content.decode()
    client.force_login(make_user(Role.BEHEERDER, is_staff=True))
    assert swagger in client.get(reverse("home")).content.decode()


def test_history_rows_escape_every_value_and_clip_long_ones():
    """The history table's rows are built in Python (`cases.templatetags.history`): what a
    professional typed is escaped there, long values are clipped as `truncatechars` does, the
    time is in the page's short format."""
    from cases.selectors import HistoryChange, HistoryEntry
    from cases.templatetags.history import history_rows

    at = dt.datetime(2026, 3, 4, 9, 5, tzinfo=ZoneInfo(settings.TIME_ZONE))
    entry = HistoryEntry(
        at,
        None,
        "Plan <b>2</b>",
        "gewijzigd",
        [HistoryChange("tekst & zo", "<script>x</script>", "a" * 130)],
    )
    with translation.override("nl"):
        html = history_rows([entry])
        assert html == (
            '<tr><td class="when"><span class="nowrap">4-3-2026</span> '
            '<span class="nowrap">09:05</span></td><td>—</td>'
            '<td>Plan &lt;b&gt;2&lt;/b&gt; <span class="muted">(gewijzigd)</span></td>'
            "<td><div><strong>tekst &amp; zo</strong>: "
            '<span class="diff-old">&lt;script&gt;x&lt;/script&gt;</span> → '
            f'<span class="diff-new">{"a" * 119}…</span></div></td></tr>'
        )
        empty = '<tr><td colspan="4" class="muted">Nog geen geschiedenis.</td></tr>'
        assert history_rows([]) == empty


def test_the_history_writes_a_day_as_every_page_does():
    """A date field's old and new value in a history (a team member's leaving day): the page's
    short date, not ISO 8601; a time as the short date and time."""
    from types import SimpleNamespace

    from cases.models import Case, CaseTeamMembership
    from cases.selectors import _Resolver

    resolver = _Resolver([])
    left = CaseTeamMembership._meta.get_field("left_on")
    record = SimpleNamespace(left_on=dt.date(2026, 1, 2))
    with translation.override("nl"):
        assert resolver.display(record, left) == "2-1-2026"
    with translation.override("en"):
        assert resolver.display(record, left) == "02-01-2026"
    closed = Case._meta.get_field("closed_at")
    at = dt.datetime(2026, 3, 4, 9, 5, tzinfo=ZoneInfo(settings.TIME_ZONE))
    with translation.override("nl"):
        assert resolver.display(SimpleNamespace(closed_at=at), closed) == "4-3-2026 09:05"
