import pytest

from cases import services
from cases.models import AccessLogEntry, Person, RelationKind
from tests.cases.api.helpers import assert_problem, invalid_names
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

VALID_BSN = "111222333"  # passes the 11-test; fictitious


def test_programme_team_lists_every_person_and_a_regisseur_only_those_of_own_cases(
    api_as, case_at, people
):
    case = case_at("in_regie")
    stranger = PersonFactory()
    everyone = api_as(people["programme"]).get("/api/v1/persons").json()
    assert {case.person_id, stranger.pk} <= {p["id"] for p in everyone["results"]}
    own = api_as(people["regisseur"]).get("/api/v1/persons").json()
    assert [p["id"] for p in own["results"]] == [case.person_id]
    assert set(own["results"][0]) == {
        "id",
        "updated_at",
        "first_name",
        "last_name",
        "date_of_birth",
        "city",
    }


def test_filter_by_bsn_and_search_by_name(api_as, people):
    wanted = PersonFactory(bsn=VALID_BSN, first_name="Fictieve", last_name="Zoekpersoon")
    PersonFactory()
    client = api_as(people["programme"])
    assert [p["id"] for p in client.get(f"/api/v1/persons?bsn={VALID_BSN}").json()["results"]] == [
        wanted.pk
    ]
    found = client.get("/api/v1/persons?search=zoekpers").json()["results"]
    assert [p["id"] for p in found] == [wanted.pk]


def test_retrieve_shows_family_and_writes_the_access_log(api_as, case_at, people):
    case = case_at("in_regie")
    brother = PersonFactory(first_name="Broer")
    services.family_relation_add(
        person=case.person, relative=brother, kind=RelationKind.SIBLING, by=people["regisseur"]
    )
    client = api_as(people["regisseur"])
    response = client.get(f"/api/v1/persons/{case.person_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == case.person_id
    assert body["relations"] == [
        {
            "id": body["relations"][0]["id"],
            "kind": "sibling",
            "relative": {"id": brother.pk, "first_name": "Broer", "last_name": brother.last_name},
            "relative_is_minor": False,  # born in 1995
        }
    ]
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.channel) == (people["regisseur"], "api")
    # The person and the relative the answer names.
    assert set(entry.subjects.values_list("person_id", "case_id")) == {
        (case.person_id, None),
        (brother.pk, None),
    }
    assert entry.path == f"/api/v1/persons/{case.person_id}"


def test_invisible_missing_and_malformed_person_are_the_same_404(api_as, case_at, people):
    case = case_at("in_regie")
    client = api_as(people["outsider"])
    for url in (
        f"/api/v1/persons/{case.person_id}",
        "/api/v1/persons/99999999",
        "/api/v1/persons/abc",
        f"/api/v1/persons/{10**30}",
    ):
        assert_problem(client.get(url), 404, "not_found")
        assert_problem(client.patch(url, {"city": "X"}), 404)
    assert not AccessLogEntry.objects.filter(outcome="shown").exists()
    named = AccessLogEntry.objects.filter(subjects__person=case.person)
    assert [e.outcome for e in named] == ["refused", "refused"]  # the GET and the PATCH


def test_programme_team_registers_and_changes_a_person(api_as, people):
    client = api_as(people["programme"])
    response = client.post(
        "/api/v1/persons",
        {"first_name": "Fictief", "last_name": "Persoon", "date_of_birth": "1999-02-03"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    person = Person.objects.get(pk=body["id"])
    assert (person.first_name, person.bsn, body["relations"]) == ("Fictief", None, [])
    assert person.history.first().history_user == people["programme"]

    response = client.patch(f"/api/v1/persons/{person.pk}", {"city": "Diemen", "bsn": VALID_BSN})
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert (person.city, person.bsn, person.first_name) == ("Diemen", VALID_BSN, "Fictief")


def test_registering_a_person_needs_the_permission(api_as, case_at, people):
    data = {"first_name": "F", "last_name": "P", "date_of_birth": "1999-02-03"}
    assert_problem(api_as(people["regisseur"]).post("/api/v1/persons", data), 403)
    case = case_at("in_regie")
    response = api_as(people["regisseur"]).patch(f"/api/v1/persons/{case.person_id}", {"city": "X"})
    assert_problem(response, 403, "permission_denied")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"last_name": "P", "date_of_birth": "1999-02-03"}, "first_name"),
        ({"first_name": "F\x00", "last_name": "P", "date_of_birth": "1999-02-03"}, "first_name"),
        ({"first_name": "F", "last_name": "P", "date_of_birth": "gisteren"}, "date_of_birth"),
        ({"first_name": "F", "last_name": "P", "date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"first_name": "F", "last_name": "P", "date_of_birth": "1999-02-03", "bsn": "123"}, "bsn"),
        (
            {"first_name": "F", "last_name": "P", "date_of_birth": "1999-02-03", "email": "x"},
            "email",
        ),
        ({"first_name": "x" * 101, "last_name": "P", "date_of_birth": "1999-02-03"}, "first_name"),
    ],
)
def test_bad_person_input_is_400_with_the_field(api_as, people, data, field):
    response = api_as(people["programme"]).post("/api/v1/persons", data)
    assert field in invalid_names(response)
    assert not Person.objects.exists()


def test_a_duplicate_bsn_is_refused(api_as, people):
    PersonFactory(bsn=VALID_BSN)
    data = {"first_name": "F", "last_name": "P", "date_of_birth": "1999-02-03", "bsn": VALID_BSN}
    response = api_as(people["programme"]).post("/api/v1/persons", data)
    assert_problem(response, 400, "invalid")
    assert Person.objects.count() == 1


def test_whether_a_bsn_is_registered_is_not_told_to_a_caller_without_the_permission(api_as, people):
    PersonFactory(bsn=VALID_BSN)
    client = api_as(people["regisseur"])
    for bsn in (VALID_BSN, "123456782"):
        data = {"first_name": "F", "last_name": "P", "date_of_birth": "1999-02-03", "bsn": bsn}
        assert_problem(client.post("/api/v1/persons", data), 403, "permission_denied")
