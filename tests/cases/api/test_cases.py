import pytest

from cases.models import AccessLogEntry, Case
from tests.cases.api.helpers import assert_problem, invalid_names
from tests.factories import PersonFactory, programme
from tests.scenarios import eligible_person

pytestmark = pytest.mark.django_db


def test_list_shows_the_visible_cases_with_the_shared_filter(api_as, case_at, people):
    in_regie = case_at("in_regie")
    registered = case_at("registered")
    own = api_as(people["regisseur"]).get("/api/v1/cases").json()
    assert [c["id"] for c in own["results"]] == [in_regie.pk]
    row = own["results"][0]
    assert row["status"] == "in_regie"
    assert row["person"] == {
        "id": in_regie.person_id,
        "first_name": in_regie.person.first_name,
        "last_name": in_regie.person.last_name,
    }
    assert row["programme"]["code"] == "TOP600"
    assert row["regie_organisation"]["code"] == "RN"
    assert row["regisseur"]["id"] == people["regisseur"].pk

    # The programme team registers and assigns, and supports Top600's regisseurs in regie.
    client = api_as(people["programme"])
    listed = client.get("/api/v1/cases").json()["results"]
    assert [c["id"] for c in listed] == [registered.pk, in_regie.pk]
    assert client.get("/api/v1/cases?status=registered").json()["count"] == 1
    assert client.get("/api/v1/cases?status=closed").json()["count"] == 0
    name = registered.person.last_name
    assert client.get(f"/api/v1/cases?q={name}").json()["count"] == 1
    mine = api_as(people["regisseur"]).get("/api/v1/cases?mine=true").json()
    assert mine["count"] == 1
    assert invalid_names(client.get("/api/v1/cases?status=bogus")) == {"status"}
    assert invalid_names(client.get("/api/v1/cases?q=a\x00b")) == {"q"}


def test_retrieve_shows_team_and_allowed_transitions_and_writes_the_access_log(
    api_as, case_at, people
):
    case = case_at("in_regie")
    response = api_as(people["regisseur"]).get(f"/api/v1/cases/{case.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "in_regie"
    assert body["regie_style"] == "case"
    assert body["accounthouder"]["id"] == people["accounthouder"].pk
    assert [(m["organisation"]["code"], m["role"], m["active"]) for m in body["team"]] == [
        ("RN", "regie", True)
    ]
    assert body["transitions"] == ["start-outflow"]
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.channel, entry.path, entry.action, entry.outcome) == (
        people["regisseur"],
        "api",
        f"/api/v1/cases/{case.pk}",
        "detail",
        "shown",
    )
    assert list(entry.subjects.values_list("person_id", "case_id")) == [(case.person_id, case.pk)]


def test_register_a_case(api_as, people):
    person = eligible_person()
    client = api_as(people["programme"])
    response = client.post(
        "/api/v1/cases", {"person": person.pk, "programme": programme("TOP600").pk}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    assert (case.person, case.status, body["status"]) == (person, "registered", "registered")
    assert body["transitions"] == ["start-dossier", "withdraw"]

    again = client.post("/api/v1/cases", {"person": person.pk, "programme": programme().pk})
    assert_problem(again, 409, "duplicate_case")


def test_registering_someone_not_eligible_needs_a_reason(api_as, people):
    person = PersonFactory()  # no offences
    client = api_as(people["programme"])
    data = {"person": person.pk, "programme": programme("TOP600").pk}
    assert_problem(client.post("/api/v1/cases", data), 409, "not_eligible")
    response = client.post("/api/v1/cases", {**data, "override_reason": "Signaal wijkagent"})
    assert response.status_code == 201
    assert Case.objects.get().status_changes.get().reason == "Signaal wijkagent"


def test_registering_needs_the_permission(api_as, people):
    data = {"person": eligible_person().pk, "programme": programme().pk}
    # The regisseur cannot even see the person: the same answer as for an unknown one.
    assert invalid_names(api_as(people["regisseur"]).post("/api/v1/cases", data)) == {"person"}
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"person": "x", "programme": None},
        {"person": 99999999, "programme": 99999999},
        {"person": [1], "programme": {"id": 1}},
    ],
)
def test_bad_registration_input_is_400(api_as, people, data):
    assert invalid_names(api_as(people["programme"]).post("/api/v1/cases", data)) == {
        "person",
        "programme",
    }


def test_bad_registration_reason_is_400(api_as, people):
    data = {"person": eligible_person().pk, "programme": programme().pk, "override_reason": "\x00"}
    assert invalid_names(api_as(people["programme"]).post("/api/v1/cases", data)) == {
        "override_reason"
    }


def test_malformed_json_and_wrong_media_type_are_problems(api_as, people):
    client = api_as(people["programme"])
    response = client.generic("POST", "/api/v1/cases", "{not json", content_type="application/json")
    assert_problem(response, 400, "parse_error")
    response = client.generic("POST", "/api/v1/cases", "person=1", content_type="text/plain")
    assert_problem(response, 415)


def test_another_organisations_case_is_404_like_a_missing_one(api_as, case_at, people):
    case = case_at("in_regie")
    client = api_as(people["outsider"])
    for url in (
        f"/api/v1/cases/{case.pk}",
        "/api/v1/cases/99999999",
        f"/api/v1/cases/{10**30}",
        "/api/v1/cases/abc",
    ):
        assert_problem(client.get(url), 404, "not_found")
    assert client.get("/api/v1/cases").json()["count"] == 0
    # Four refused reads; only the first names a case that exists.
    refused = AccessLogEntry.objects.order_by("pk")
    assert [e.outcome for e in refused] == ["refused"] * 4
    assert [list(e.subjects.values_list("case_id", flat=True)) for e in refused] == [
        [case.pk],
        [],
        [],
        [],
    ]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cases?q=%00",
        "/api/v1/cases?programme=%00",
        f"/api/v1/cases?regie_organisation={10**30}",
        "/api/v1/cases?page=%00",
        "/api/v1/persons?search=%00",
        "/api/v1/persons?bsn=%00",
        "/api/v1/persons?date_of_birth=%00",
        "/api/v1/offence-records?external_id=%00",
        f"/api/v1/offence-records?person={10**30}",
        "/api/v1/offence-records?date_after=2020-02-30",
        "/api/v1/programmes?code=%00",
    ],
)
def test_hostile_query_parameters_are_problems_never_500(api_as, people, url):
    response = api_as(people["programme"]).get(url)
    assert response.status_code in (400, 404)
    assert_problem(response, response.status_code)
