"""The outflow signal (issue 16): a case in regie whose person no longer meets the programme's
inflow criteria today. The SQL signal and `programme_eligibility` (the register's rule) must
agree, on the edges of the window and of age above all."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.eligibility import cases_no_longer_eligible, outflow_signal_reason, programme_eligibility
from cases.models import Case, OffenceCategory, OffenceKind
from cases.workflow import CaseStatus
from tests.factories import OffenceRecordFactory, PersonFactory, programme

pytestmark = pytest.mark.django_db

D = dt.date


def _case(code: str, *, born: D, offences=(), kind=OffenceKind.ARREST, category=None) -> Case:
    person = PersonFactory(date_of_birth=born)
    for day in offences:
        OffenceRecordFactory(
            person=person, date=day, kind=kind, category=category or OffenceCategory.STRAATROOF
        )
    return Case.objects.create(person=person, programme=programme(code), status=CaseStatus.IN_REGIE)


def _signalled(case: Case, on: D) -> bool:
    return cases_no_longer_eligible(cases=Case.objects.all(), on=on).filter(pk=case.pk).exists()


def _eligible(case: Case, on: D) -> bool:
    return programme_eligibility(person=case.person, programme=case.programme, on=on).eligible


ADULT, ON = D(1990, 1, 1), D(2025, 6, 15)
TWO = [D(2023, 1, 1), D(2024, 1, 1)]  # two more counted offences inside every window
# Top600: 3 arrests or convictions in 5 years; Top400: 1 arrest, summons or conviction in 3
# years, aged 12 to 24 (cases/seeds.py).
EDGES = [
    # (label, programme, date of birth, offence days, on, signalled)
    ("window start counts", "TOP600", ADULT, [D(2020, 6, 15), *TWO], ON, False),
    ("day before start does not", "TOP600", ADULT, [D(2020, 6, 14), *TWO], ON, True),
    ("on the day itself counts", "TOP600", ADULT, [ON, *TWO], ON, False),
    ("the day after does not", "TOP600", ADULT, [D(2025, 6, 16), *TWO], ON, True),
    ("no offences at all", "TOP600", ADULT, [], ON, True),
    ("29 Feb: window from 28 Feb", "TOP600", ADULT, [D(2019, 2, 28), *TWO], D(2024, 2, 29), False),
    ("29 Feb: 27 Feb is out", "TOP600", ADULT, [D(2019, 2, 27), *TWO], D(2024, 2, 29), True),
    ("Top400 aged max", "TOP400", D(2001, 6, 16), [D(2025, 1, 1)], ON, False),
    ("Top400 birthday making max+1", "TOP400", D(2000, 6, 15), [D(2025, 1, 1)], ON, True),
    ("Top400 the day before that birthday", "TOP400", D(2000, 6, 16), [D(2025, 1, 1)], ON, False),
    ("T400 b. 29-2, on 28-2", "TOP400", D(2000, 2, 29), [D(2024, 1, 1)], D(2025, 2, 28), False),
    ("T400 b. 29-2, on 1-3", "TOP400", D(2000, 2, 29), [D(2024, 1, 1)], D(2025, 3, 1), True),
    ("T400 on 29-2, b. 28-2", "TOP400", D(1999, 2, 28), [D(2024, 1, 1)], D(2024, 2, 29), True),
    ("T400 on 29-2, b. 1-3", "TOP400", D(1999, 3, 1), [D(2024, 1, 1)], D(2024, 2, 29), False),
    ("Top400 3-year window start", "TOP400", D(2005, 1, 1), [D(2022, 6, 15)], ON, False),
    ("Top400 day before its start", "TOP400", D(2005, 1, 1), [D(2022, 6, 14)], ON, True),
]  # fmt: skip


@pytest.mark.parametrize(
    ("programme_code", "born", "days", "on", "signalled"),
    [e[1:] for e in EDGES],
    ids=[e[0] for e in EDGES],
)
def test_signal_agrees_with_eligibility_on_edges(programme_code, born, days, on, signalled):
    case = _case(programme_code, born=born, offences=days)
    assert _signalled(case, on) is signalled
    assert _eligible(case, on) is not signalled


def test_uncounted_offences_do_not_keep_a_case_in():
    on = ON
    other = _case("TOP600", born=D(1990, 1, 1), offences=[D(2024, 1, 1)] * 3, category="other")
    summons = _case("TOP600", born=D(1990, 1, 1), offences=[D(2024, 1, 1)] * 3, kind="summons")
    for case in (other, summons):
        assert _signalled(case, on)
        assert not _eligible(case, on)


def test_only_cases_in_regie_and_a_programme_without_offence_criterion():
    on = ON
    outflow = _case("TOP600", born=D(1990, 1, 1))
    outflow.status = CaseStatus.OUTFLOW
    outflow.save()
    referral = Case.objects.create(
        person=PersonFactory(date_of_birth=D(1990, 1, 1)),
        programme=next(
            p for p in programme("TOP600").__class__.objects.all() if p.min_offences is None
        ),
        status=CaseStatus.IN_REGIE,
    )
    assert not _signalled(outflow, on)
    assert not _signalled(referral, on)
    assert _eligible(referral, on)


def test_reason_in_words():
    on = ON
    none_since = _case("TOP600", born=D(1990, 1, 1), offences=[D(2019, 3, 2)])
    too_few = _case("TOP600", born=D(1990, 1, 1), offences=[D(2024, 3, 2)])
    old = _case("TOP400", born=D(1995, 1, 1), offences=[D(2025, 1, 1)])
    rows = {
        c.pk: outflow_signal_reason(c, on=on)
        for c in cases_no_longer_eligible(
            cases=Case.objects.select_related("person", "programme"), on=on
        )
    }
    assert rows[none_since.pk].startswith("geen delict sinds 02-03-2019")
    assert rows[too_few.pk].startswith("1 meetellend delict sinds 15-06-2020")
    assert rows[old.pk] == "ouder dan 24 (leeftijd 30)"


@pytest.mark.parametrize("n", [1, 25])
def test_signal_is_two_queries(django_assert_num_queries, n):
    for _ in range(n):
        _case("TOP600", born=D(1990, 1, 1), offences=[D(2019, 3, 2)])
    with django_assert_num_queries(2):
        rows = list(
            cases_no_longer_eligible(
                cases=Case.objects.select_related("person", "programme"), on=ON
            )
        )
        [outflow_signal_reason(c, on=ON) for c in rows]
    assert len(rows) == n


# --- the page and the work queue ----------------------------------------------------------------

URL = "/casussen/uitstroomsignalen/"


def _directed(people, orgs, n: int, code: str = "TOP600") -> list[Case]:
    """n cases in regie of the scenario regisseur whose persons have no offence at all."""
    return [
        Case.objects.create(
            person=PersonFactory(),
            programme=programme(code),
            status=CaseStatus.IN_REGIE,
            regie_organisation=orgs["RN"],
            regisseur=people["regisseur"],
            accounthouder=people["accounthouder"],
            regie_started_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        )
        for _ in range(n)
    ]


#: session, user, permissions (2); programmes; count; the page's cases; access log (2).
SIGNAL_PAGE_QUERIES = 9


@pytest.mark.parametrize("n", [1, 25])
def test_the_page_of_the_regisseur(client, people, orgs, django_assert_num_queries, n):
    _directed(people, orgs, n)
    client.force_login(people["regisseur"])
    client.get(URL)
    with django_assert_num_queries(SIGNAL_PAGE_QUERIES):
        response = client.get(URL)
    assert len(response.context["rows"]) == n
    assert "geen meetellend delict" in response.content.decode()


@pytest.mark.parametrize("n", [1, 25])
def test_the_page_of_the_programme_team(client, people, orgs, django_assert_num_queries, n):
    _directed(people, orgs, n)
    _directed(people, orgs, 2, code="TOP400")  # a programme this member does not support
    client.force_login(people["programme"])
    client.get(URL)
    with django_assert_num_queries(SIGNAL_PAGE_QUERIES):
        response = client.get(URL)
    assert {case.programme.code for case, _reason in response.context["rows"]} == {"TOP600"}
    assert len(response.context["rows"]) == n


def test_the_page_is_paginated_and_ordered(client, people, orgs):
    cases = _directed(people, orgs, 27)
    client.force_login(people["regisseur"])
    first = [c.pk for c, _r in client.get(URL).context["rows"]]
    second = [c.pk for c, _r in client.get(URL + "?page=2").context["rows"]]
    assert first + second == [c.pk for c in cases]  # same start: the pk breaks the tie


def test_need_to_know(client, people, orgs):
    marked = _directed(people, orgs, 1)[0]
    marked.person.last_name = "Fictiefmarker"
    marked.person.save()
    client.force_login(people["regisseur_other"])  # a regisseur of another organisation
    assert "Fictiefmarker" not in client.get(URL).content.decode()
    client.force_login(people["partner"])  # a partner without a regie role: not their page
    assert client.get(URL).status_code == 403


def test_the_programme_teams_work_queue_has_the_signal(client, people, orgs):
    _directed(people, orgs, 3)
    _directed(people, orgs, 2, code="TOP400")  # not its programme
    client.force_login(people["programme"])
    page = client.get("/").content.decode()
    assert 'data-testid="work-outflow_programme-count">3<' in page
    assert URL in page  # the whole list
