"""Exact query counts of the cases API: the same at N = 1 and N = 25 (docs/conventions.md).

Every request authenticates with a token, as partner systems do. The first three queries of
each request are the same: the API key with its user and the user's organisation, and the user's
and groups' permissions (loaded once per request by `cases.policies.actor_for`).
"""

import pytest

from cases import services
from cases.models import Case, TimelineKind
from tests.factories import CaseFactory, OffenceRecordFactory, OrganisationFactory
from tests.scenarios import contributions_per_section

pytestmark = pytest.mark.django_db

REQUEST = 3  # the key with its user and organisation, user permissions, group permissions
#: The access log of a response with personal data: its entry, and its subjects in one insert.
LOG = 2

#: the visible case ids (written into the filter), count, rows (person, programme, organisation,
#: regisseur joined)
CASE_LIST = REQUEST + 3 + LOG
CASE_LIST_FILTERED = CASE_LIST + 2  # validating the programme and organisation filter values
CASE_DETAIL = REQUEST + 2 + LOG  # case (joined), team (prefetched, joined)
PERSON_LIST = REQUEST + 2 + LOG  # count, rows
PERSON_DETAIL = REQUEST + 2 + LOG  # person, relations (prefetched, relative joined)
OFFENCE_LIST = REQUEST + 2 + LOG  # count, rows (source joined)
TIMELINE = REQUEST + 4 + LOG  # case, team, count, rows
TEAM = REQUEST + 2 + LOG  # case, team
#: case, team, dossier (joined), sections, contributions (joined)
BASISDOSSIER = REQUEST + 5 + LOG
#: case, team, section, contributions (joined)
SECTION = REQUEST + 4 + LOG


def cases_for_regisseur(case_at, people, n: int) -> Case:
    """One case walked to in_regie, and n - 1 more of the same regisseur, each with offences."""
    case = case_at("in_regie")
    for _ in range(n - 1):
        extra = CaseFactory(
            status="in_regie",
            regie_organisation=case.regie_organisation,
            regisseur=people["regisseur"],
            accounthouder=people["accounthouder"],
            regie_style="case",
        )
        OffenceRecordFactory(person=extra.person)
    return case


@pytest.mark.parametrize("n", [1, 25])
def test_case_list(api_as, case_at, people, django_assert_num_queries, n):
    cases_for_regisseur(case_at, people, n)
    client = api_as(people["regisseur"])
    with django_assert_num_queries(CASE_LIST):
        response = client.get("/api/v1/cases")
    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 25])
def test_case_list_filtered(api_as, case_at, people, django_assert_num_queries, n):
    case = cases_for_regisseur(case_at, people, n)
    client = api_as(people["regisseur"])
    url = (
        f"/api/v1/cases?status=in_regie&programme={case.programme_id}&mine=true"
        f"&regie_organisation={case.regie_organisation_id}&q=Fictief&ordering=-status"
    )
    with django_assert_num_queries(CASE_LIST_FILTERED):
        response = client.get(url)
    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 25])
def test_case_detail(api_as, case_at, people, django_assert_num_queries, n):
    case = case_at("in_regie")
    for _ in range(n - 1):
        services.team_member_add(
            case=case, by=people["regisseur"], organisation=OrganisationFactory()
        )
    client = api_as(people["regisseur"])
    with django_assert_num_queries(CASE_DETAIL):
        response = client.get(f"/api/v1/cases/{case.pk}")
    assert len(response.json()["team"]) == n


@pytest.mark.parametrize("n", [1, 25])
def test_team_list(api_as, case_at, people, django_assert_num_queries, n):
    case = case_at("in_regie")
    for _ in range(n - 1):
        services.team_member_add(
            case=case, by=people["regisseur"], organisation=OrganisationFactory()
        )
    client = api_as(people["regisseur"])
    with django_assert_num_queries(TEAM):
        response = client.get(f"/api/v1/cases/{case.pk}/team")
    assert len(response.json()) == n


@pytest.mark.parametrize("n", [1, 25])
def test_timeline(api_as, case_at, people, django_assert_num_queries, n):
    case = case_at("in_regie")
    case.timeline.all().delete()
    for i in range(n):
        services.timeline_event_create(
            case=case, by=people["regisseur"], kind=TimelineKind.MOVE, description=f"Verhuizing {i}"
        )
    client = api_as(people["regisseur"])
    with django_assert_num_queries(TIMELINE):
        response = client.get(f"/api/v1/cases/{case.pk}/timeline")
    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 25])
def test_person_list_and_offence_list(api_as, case_at, people, django_assert_num_queries, n):
    cases_for_regisseur(case_at, people, n)
    client = api_as(people["regisseur"])
    with django_assert_num_queries(PERSON_LIST):
        response = client.get("/api/v1/persons")
    assert response.json()["count"] == n
    with django_assert_num_queries(OFFENCE_LIST):
        response = client.get("/api/v1/offence-records")
    assert response.json()["count"] == 3 + (n - 1)


def test_person_detail(api_as, case_at, people, django_assert_num_queries):
    case = case_at("in_regie")
    client = api_as(people["regisseur"])
    with django_assert_num_queries(PERSON_DETAIL):
        response = client.get(f"/api/v1/persons/{case.person_id}")
    assert response.status_code == 200


@pytest.mark.parametrize("n", [1, 5])
def test_basisdossier(api_as, case_at, people, django_assert_num_queries, n):
    case = case_at("in_regie")
    contributions_per_section(case, n)
    client = api_as(people["regisseur"])
    with django_assert_num_queries(BASISDOSSIER):
        response = client.get(f"/api/v1/cases/{case.pk}/basisdossier")
    assert all(len(s["contributions"]) == n for s in response.json()["sections"])


@pytest.mark.parametrize("n", [1, 5])
def test_basisdossier_section(api_as, case_at, people, django_assert_num_queries, n):
    case = case_at("in_regie")
    contributions_per_section(case, n)
    client = api_as(people["regisseur"])
    with django_assert_num_queries(SECTION):
        response = client.get(f"/api/v1/cases/{case.pk}/basisdossier/sections/9")
    assert len(response.json()["contributions"]) == n


# --- the partner operations of 2026-11-30 -------------------------------------------------------

ME = REQUEST + 1  # the user's roles; the permissions are the request's own (no person: no log)
PERSON_SEARCH = REQUEST + 1 + LOG  # the visible person with this BSN
OFFENCE_DETAIL = REQUEST + 1 + LOG  # the record (source joined) of a visible person
#: the record of a visible person; in a savepoint: the record locked, its person and source
#: validated, the update, its history row; the source for the answer; the log
OFFENCE_CORRECT = REQUEST + 9 + LOG


@pytest.mark.parametrize("n", [1, 25])
def test_partner_operations_query_counts(
    api_as, case_at, people, orgs, django_assert_num_queries, n
):
    from cases.models import OffenceRecord

    case = case_at("in_regie")
    services.team_member_add(case=case, by=people["regisseur"], organisation=orgs["POLITIE"])
    OffenceRecordFactory.create_batch(n, person=case.person)
    case.person.bsn = "111222333"
    case.person.save()
    record, _created = services.offence_record_create(
        by=people["system"],
        person=case.person,
        date=case.registered_at.date(),
        kind="arrest",
        category="other",
        external_id="QC-1",
    )
    client = api_as(people["system"])
    with django_assert_num_queries(ME):
        assert client.get("/api/v1/me").status_code == 200
    with django_assert_num_queries(PERSON_SEARCH):
        assert len(client.post("/api/v1/persons/search", {"bsn": "111222333"}).json()) == 1
    url = f"/api/v1/offence-records/{record.pk}"
    with django_assert_num_queries(OFFENCE_DETAIL):
        assert client.get(url).status_code == 200
    body = {"date": record.date.isoformat(), "kind": "summons", "category": "other"}
    with django_assert_num_queries(OFFENCE_CORRECT):
        assert client.put(url, body).status_code == 200
    assert OffenceRecord.objects.get(pk=record.pk).kind == "summons"


@pytest.mark.parametrize("n", [1, 25])
def test_case_list_in_the_sync_order_first_and_cursor_page(
    api_as, case_at, people, django_assert_num_queries, n
):
    """Keyset pages cost what numbered pages cost: count and rows, on every page."""
    cases_for_regisseur(case_at, people, n)
    client = api_as(people["regisseur"])
    with django_assert_num_queries(CASE_LIST):
        first = client.get("/api/v1/cases", {"ordering": "updated_at", "page_size": 1}).json()
    assert first["count"] == n
    if n > 1:
        with django_assert_num_queries(CASE_LIST):
            second = client.get(first["next"]).json()
        assert second["results"][0]["id"] != first["results"][0]["id"]
    else:
        assert first["next"] is None
