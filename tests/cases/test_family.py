"""Siblings and children (goal 3): minor flags, need-to-know on family links, the watch list."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from acvz.errors import DomainError, NotAllowed
from cases import retention, selectors, services
from cases.models import MinorWatch, Person, minors_on
from tests.cases.test_query_counts import LOG
from tests.factories import PersonFactory, programme

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")


def at(day: dt.date):
    noon = dt.datetime(day.year, day.month, day.day, 12, tzinfo=AMS)
    return time_machine.travel(noon, tick=False)


def relative_of(case, people, *, born: dt.date, kind: str = "sibling", **fields) -> Person:
    relative = PersonFactory(date_of_birth=born, **fields)
    services.family_relation_add(
        person=case.person, relative=relative, kind=kind, by=people["programme"]
    )
    return relative


# --- the minor flag -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "day", "minor"),
    [
        (dt.date(2008, 6, 15), dt.date(2026, 6, 14), True),
        (dt.date(2008, 6, 15), dt.date(2026, 6, 15), False),
        (dt.date(2008, 2, 29), dt.date(2026, 2, 28), True),
        (dt.date(2008, 2, 29), dt.date(2026, 3, 1), False),
        (dt.date(2010, 3, 1), dt.date(2028, 2, 29), True),
        (dt.date(2010, 2, 28), dt.date(2028, 2, 29), False),
    ],
)
def test_minor_flag_in_python_and_sql_agree(born, day, minor):
    person = PersonFactory(date_of_birth=born)
    assert person.is_minor_on(day) is minor
    assert Person.objects.filter(minors_on(day), pk=person.pk).exists() is minor


def test_adult_since():
    assert PersonFactory(date_of_birth=dt.date(2008, 6, 15)).adult_since == dt.date(2026, 6, 15)
    assert PersonFactory(date_of_birth=dt.date(2008, 2, 29)).adult_since == dt.date(2026, 3, 1)


def test_minor_badge_across_the_birthday(client, case_at, people):
    case = case_at("in_regie")
    relative_of(case, people, born=dt.date(2010, 5, 30), first_name="Broertje")
    url = reverse("cases:detail", args=[case.pk])
    with at(dt.date(2028, 5, 29)):
        client.force_login(people["regisseur"])
        family = client.get(url).context["family"]
        assert [(r.age, r.minor) for r in family] == [(17, True)]
        assert b'data-testid="minor"' in client.get(url).content
    with at(dt.date(2028, 5, 30)):
        client.force_login(people["regisseur"])
        family = client.get(url).context["family"]
        assert [(r.age, r.minor) for r in family] == [(18, False)]
        assert b'data-testid="minor"' not in client.get(url).content


# --- need-to-know on family links ---------------------------------------------------------------


def test_family_link_only_to_what_the_viewer_may_see(client, case_at, people):
    case = case_at("in_regie")
    other = case_at("registered", programme_code="TOP400")  # the programme team's
    services.family_relation_add(
        person=case.person, relative=other.person, kind="sibling", by=people["programme"]
    )
    case_link = reverse("cases:detail", args=[other.pk]).encode()
    person_link = reverse("cases:person_detail", args=[other.person.pk]).encode()

    client.force_login(people["regisseur"])
    for url in (
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:person_detail", args=[case.person.pk]),
    ):
        response = client.get(url)
        assert other.person.first_name.encode() in response.content  # the name, as before
        assert case_link not in response.content
        assert person_link not in response.content
        assert b"TOP400" not in response.content  # nor a hint of the other case
        assert response.context["family"][0].case is None

    client.force_login(people["programme"])  # supports Top600, registered the other case
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert case_link in response.content
    assert person_link in response.content
    assert b"TOP400: Aangemeld" in response.content


def test_family_link_prefers_the_open_case(case_at, people):
    case = case_at("in_regie")
    closed = case_at("closed")
    reopened = services.case_register(
        person=closed.person,
        programme=programme("TOP400"),
        by=people["programme"],
        override_reason="Fictieve aanmelding",
    )
    services.family_relation_add(
        person=case.person, relative=closed.person, kind="sibling", by=people["programme"]
    )
    family = selectors.person_family(person=case.person, user=people["programme"])
    assert family[0].case == reopened


@pytest.mark.parametrize("n", [1, 5])
def test_case_detail_with_family_queries(client, case_at, people, django_assert_num_queries, n):
    from tests.cases.test_query_counts import CASE_DETAIL_QUERIES

    case = case_at("in_regie")
    for i in range(n):
        relative_of(case, people, born=dt.date(2012, 1, 1 + i))
    client.force_login(people["regisseur"])
    client.get(reverse("cases:list"))
    # + the relatives' visible cases (one query for all of them)
    with django_assert_num_queries(CASE_DETAIL_QUERIES + 1):
        response = client.get(reverse("cases:detail", args=[case.pk]))
    assert len(response.context["family"]) == n


@pytest.mark.parametrize("n", [1, 5])
def test_person_page_with_family_queries(client, case_at, people, django_assert_num_queries, n):
    case = case_at("in_regie")
    for i in range(n):
        relative = relative_of(case, people, born=dt.date(2012, 1, 1 + i))
        services.case_register(
            person=relative,
            programme=programme("TOP400"),
            by=people["programme"],
            override_reason="Fictieve aanmelding",
        )
    client.force_login(people["programme"])
    client.get(reverse("cases:list"))
    with django_assert_num_queries(PERSON_PAGE_QUERIES):
        response = client.get(reverse("cases:person_detail", args=[case.person.pk]))
    assert [r.case is not None for r in response.context["family"]] == [True] * n


#: Session, user, 2× permissions, the person, offences, cases, programmes, relations, the
#: relatives' visible cases, the relation form's persons, the access log.
PERSON_PAGE_QUERIES = 11 + LOG


# --- the watch list -----------------------------------------------------------------------------


@pytest.fixture
def jb(orgs):
    return orgs["JBRA"]


def test_watch_start_and_end(case_at, people, jb):
    case = case_at("in_regie")
    sister = relative_of(case, people, born=dt.date(2014, 4, 1))
    watch = services.minor_watch_start(
        case=case, by=people["regisseur"], relative=sister, organisation=jb, note="School"
    )
    assert watch.started_by == people["regisseur"]
    with pytest.raises(DomainError, match="al gevolgd"):
        services.minor_watch_start(
            case=case, by=people["accounthouder"], relative=sister, organisation=jb
        )
    services.minor_watch_end(watch=watch, by=people["accounthouder"], reason="Gaat goed")
    watch.refresh_from_db()
    assert watch.ended_on is not None
    assert watch.ended_by == people["accounthouder"]
    with pytest.raises(DomainError, match="al beëindigd"):
        services.minor_watch_end(watch=watch, by=people["regisseur"], reason="Nog eens")
    # ended: the relative can be followed again
    services.minor_watch_start(case=case, by=people["regisseur"], relative=sister, organisation=jb)
    assert watch.history.count() == 2


def test_watch_refusals(case_at, people, jb):
    case = case_at("in_regie")
    sister = relative_of(case, people, born=dt.date(2014, 4, 1))
    adult = relative_of(case, people, born=dt.date(1990, 4, 1))
    stranger = PersonFactory(date_of_birth=dt.date(2014, 4, 1))
    for user in (people["partner"], people["programme"], people["outsider"]):
        with pytest.raises(NotAllowed):
            services.minor_watch_start(case=case, by=user, relative=sister, organisation=jb)
    bad = [
        ({"relative": adult}, "niet minderjarig"),
        ({"relative": stranger}, "niet als familie"),
        ({"relative": sister, "started_on": dt.date(2099, 1, 1)}, "toekomst"),
        ({"relative": sister, "started_on": dt.date(2000, 1, 1)}, "voor de geboorte"),
    ]
    for fields, message in bad:
        with pytest.raises(DomainError, match=message):
            services.minor_watch_start(case=case, by=people["regisseur"], organisation=jb, **fields)
    registered = case_at("registered")
    with pytest.raises(NotAllowed):
        services.minor_watch_start(
            case=registered, by=people["regisseur"], relative=sister, organisation=jb
        )


def test_one_open_watch_in_the_database(case_at, people, jb):
    case = case_at("in_regie")
    sister = relative_of(case, people, born=dt.date(2014, 4, 1))
    fields = {"case": case, "relative": sister, "organisation": jb}
    fields["started_by"] = people["regisseur"]
    MinorWatch.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        MinorWatch.objects.create(**fields)
    MinorWatch.objects.create(**fields, ended_on=timezone.localdate())


def test_watch_page_forms_show_bad_input(client, case_at, people, jb):
    case = case_at("in_regie")
    sister = relative_of(case, people, born=dt.date(2014, 4, 1), first_name="Zusje")
    client.force_login(people["regisseur"])
    url = reverse("cases:minors", args=[case.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"Zusje" in response.content
    # no organisation; a NUL in the note; a start date in the future
    response = client.post(url, {"relative": sister.pk, "started_on": "2099-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors
    response = client.post(url, {"relative": sister.pk, "organisation": jb.pk, "note": "a\x00b"})
    assert response.status_code == 200
    assert response.context["form"].errors
    response = client.post(
        url, {"relative": sister.pk, "organisation": jb.pk, "started_on": "2099-01-01"}
    )
    assert response.status_code == 200
    assert "toekomst" in str(response.context["form"].non_field_errors())
    response = client.post(url, {"relative": sister.pk, "organisation": jb.pk, "note": "Fictief"})
    assert response.status_code == 302
    watch = MinorWatch.objects.get(case=case)
    end_url = reverse("cases:minor_end", args=[case.pk, watch.pk])
    response = client.post(end_url, {"reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    response = client.post(end_url, {"reason": "Klaar", "ended_on": "2000-01-01"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    response = client.post(end_url, {"reason": "Klaar"})
    assert response.status_code == 302
    assert client.get(end_url).status_code == 302  # already ended: back to the list


def test_watch_page_need_to_know(client, case_at, people, jb):
    case = case_at("in_regie")
    sister = relative_of(case, people, born=dt.date(2014, 4, 1))
    watch = services.minor_watch_start(
        case=case, by=people["regisseur"], relative=sister, organisation=jb, note="MARKER-NTK-7"
    )
    url = reverse("cases:minors", args=[case.pk])
    end_url = reverse("cases:minor_end", args=[case.pk, watch.pk])
    client.force_login(people["outsider"])
    assert client.get(url).status_code == 404
    assert client.get(end_url).status_code == 404
    client.force_login(people["programme"])  # supports the regisseur: reads, does not act
    response = client.get(url)
    assert b"MARKER-NTK-7" in response.content
    assert not response.context["can_follow"]
    assert client.get(end_url).status_code == 403
    assert client.post(url, {"relative": sister.pk, "organisation": jb.pk}).status_code == 403


def test_watch_shows_adult_since(client, case_at, people, jb):
    case = case_at("in_regie")
    brother = relative_of(case, people, born=dt.date(2009, 2, 1))
    with at(dt.date(2026, 1, 15)):
        services.minor_watch_start(
            case=case, by=people["regisseur"], relative=brother, organisation=jb
        )
    with at(dt.date(2027, 3, 1)):
        client.force_login(people["regisseur"])
        response = client.get(reverse("cases:minors", args=[case.pk]))
    assert "meerderjarig sinds 1-2-2027" in response.content.decode()


@pytest.mark.parametrize("n", [1, 25])
def test_watch_page_queries(client, case_at, people, jb, django_assert_num_queries, n):
    case = case_at("in_regie")
    for i in range(n):
        relative = relative_of(case, people, born=dt.date(2012, 1, 1) + dt.timedelta(days=i))
        services.minor_watch_start(
            case=case, by=people["regisseur"], relative=relative, organisation=jb
        )
    relative_of(case, people, born=dt.date(2015, 1, 1))  # not followed yet: the form shows
    client.force_login(people["regisseur"])
    client.get(reverse("cases:list"))
    # session, user, 2× permissions, case, its team, the minor relatives (form), count, rows,
    # the organisations (form), the access log
    with django_assert_num_queries(MINORS_PAGE_QUERIES):
        response = client.get(reverse("cases:minors", args=[case.pk]))
    assert len(response.context["page"]) == n


MINORS_PAGE_QUERIES = 10 + LOG


def test_the_watch_is_in_the_case_history(client, case_at, people, jb):
    case = case_at("in_regie")
    sister = relative_of(case, people, born=dt.date(2014, 4, 1))
    watch = services.minor_watch_start(
        case=case, by=people["regisseur"], relative=sister, organisation=jb, note="HISTNOTE-4"
    )
    services.minor_watch_end(watch=watch, by=people["regisseur"], reason="HISTEND-4")
    client.force_login(people["regisseur"])
    response = client.get(reverse("cases:history", args=[case.pk]))
    assert b"HISTNOTE-4" in response.content
    assert b"HISTEND-4" in response.content


def test_the_form_offers_the_minors_not_followed_yet(case_at, people, jb):
    case = case_at("in_regie")
    followed = relative_of(case, people, born=dt.date(2014, 4, 1))
    waiting = relative_of(case, people, born=dt.date(2016, 4, 1))
    relative_of(case, people, born=dt.date(1990, 4, 1))  # an adult brother
    services.minor_watch_start(
        case=case, by=people["regisseur"], relative=followed, organisation=jb
    )
    assert list(selectors.minor_watch_candidates(case=case)) == [waiting]


def test_the_api_flags_a_minor_relative(api_as, case_at, people):
    case = case_at("in_regie")
    relative_of(case, people, born=dt.date(2010, 5, 30))
    with at(dt.date(2028, 5, 29)):
        body = api_as(people["regisseur"]).get(f"/api/v1/persons/{case.person_id}").json()
        assert [r["relative_is_minor"] for r in body["relations"]] == [True]
    with at(dt.date(2028, 5, 30)):
        body = api_as(people["regisseur"]).get(f"/api/v1/persons/{case.person_id}").json()
        assert [r["relative_is_minor"] for r in body["relations"]] == [False]


def test_retention_empties_the_notes(case_at, people, jb):
    case = case_at("in_regie")
    sister = relative_of(case, people, born=dt.date(2014, 4, 1))
    watch = services.minor_watch_start(
        case=case, by=people["regisseur"], relative=sister, organisation=jb, note="RETNOTE"
    )
    services.minor_watch_end(watch=watch, by=people["regisseur"], reason="RETREASON")
    case = services.case_start_outflow(
        case=case,
        by=people["regisseur"],
        reason="Fictief",
        receiving_organisation="Wijkteam (fictief)",
        handover_note="Fictief",
    )
    services.case_close(case=case, by=people["regisseur"])
    retention.anonymise_due(today=timezone.localdate() + dt.timedelta(days=365 * 5 + 2))
    watch.refresh_from_db()
    assert (watch.note, watch.ended_reason) == ("", "")
    assert not watch.history.filter(note="RETNOTE").exists()
    assert not watch.history.filter(ended_reason="RETREASON").exists()


def test_the_inzage_of_a_followed_minor_names_the_watch_not_the_case(client, case_at, people, jb):
    case = case_at("in_regie")
    sister = relative_of(case, people, born=dt.date(2014, 4, 1))
    services.minor_watch_start(
        case=case, by=people["regisseur"], relative=sister, organisation=jb, note="INZNOTE"
    )
    client.force_login(people["beheerder"])
    response = client.get(reverse("cases:inzage", args=[sister.pk]) + "?format=json")
    body = response.json()
    assert [(w["organisation"], w["note"]) for w in body["followed_as_minor"]] == [
        (jb.name, "INZNOTE")
    ]
    assert body["cases"] == []
    assert "Top600" not in response.content.decode()  # nor the brother's case
