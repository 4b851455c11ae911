"""The lifecycle through the API: one POST action per transition."""

import pytest

from cases.models import Case, CaseStatusChange, Leefgebied
from tests.cases.api.helpers import assert_problem, invalid_names
from tests.factories import programme
from tests.scenarios import eligible_person

pytestmark = pytest.mark.django_db


def url(case_id: int, action: str = "") -> str:
    return f"/api/v1/cases/{case_id}" + (f"/{action}" if action else "")


def fill_sections(api_as, people, case_id: int) -> None:
    """Both asked organisations answer every part they were asked for."""
    police, ggd = api_as(people["ivg_politie"]), api_as(people["ivg_ggd"])
    for leefgebied in Leefgebied:
        section_url = url(case_id, f"basisdossier/sections/{leefgebied.value}")
        writes = [(ggd, {"nothing_known": True})]
        if leefgebied == Leefgebied.GEZONDHEID:
            writes = [(ggd, {"text": "Fictieve zorg", "version": 0})]
        elif leefgebied == Leefgebied.HUISBEZOEK:
            writes.append((ggd, {"part": "screening", "text": "Fictieve screening"}))
            writes.append((police, {"text": "Huisbezoek"}))
        elif leefgebied == Leefgebied.OPENSTAANDE_ZAKEN:
            writes.append((police, {"nothing_known": True}))
        else:
            writes.append((police, {"text": f"Fictief {leefgebied.value}"}))
        for client, data in writes:
            response = client.patch(section_url, data)
            assert response.status_code == 200, response.content


def test_the_whole_lifecycle_through_the_api(api_as, people, orgs):
    programme_team = api_as(people["programme"])
    response = programme_team.post(
        "/api/v1/cases", {"person": eligible_person().pk, "programme": programme().pk}
    )
    case_id = response.json()["id"]

    response = programme_team.post(url(case_id, "start-dossier"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "basisdossier"
    assert response.json()["dossier_started_at"] is not None

    fill_sections(api_as, people, case_id)
    response = api_as(people["ivg_politie"]).post(url(case_id, "establish-dossier"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "awaiting_assignment"

    response = programme_team.post(
        url(case_id, "assign"), {"organisation": orgs["RN"].pk, "regie_style": "network"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["regie_style"], body["regie_organisation"]["code"]) == (
        "assigned",
        "network",
        "RN",
    )
    assert [m["organisation"]["code"] for m in body["team"]] == ["RN"]

    response = api_as(people["accounthouder"]).post(
        url(case_id, "appoint-regisseur"),
        {"regisseur": people["regisseur"].pk, "accounthouder": people["accounthouder"].pk},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["regisseur"]["id"]) == ("in_regie", people["regisseur"].pk)

    regisseur = api_as(people["regisseur"])
    response = regisseur.post(
        url(case_id, "start-outflow"),
        {
            "reason": "Criteria niet meer gehaald",
            "receiving_organisation": "Wijkteam (fictief)",
            "handover_note": "Warme overdracht",
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "outflow"
    assert response.json()["transitions"] == ["close"]

    response = regisseur.post(url(case_id, "close"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["transitions"]) == ("closed", [])
    assert all(not m["active"] for m in body["team"])

    changes = CaseStatusChange.objects.filter(case_id=case_id).order_by("at", "pk")
    assert [c.to_status for c in changes] == [
        "registered",
        "basisdossier",
        "awaiting_assignment",
        "assigned",
        "in_regie",
        "outflow",
        "closed",
    ]
    assert changes.last().by == people["regisseur"]


def test_withdraw_answers_with_the_case_although_it_is_no_longer_visible(api_as, case_at, people):
    case = case_at("basisdossier")
    client = api_as(people["programme"])
    assert invalid_names(client.post(url(case.pk, "withdraw"), {"reason": "  "})) == {"reason"}
    response = client.post(url(case.pk, "withdraw"), {"reason": "Geen toestemming OM"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed"
    assert Case.objects.get(pk=case.pk).status_changes.first().reason == "Geen toestemming OM"
    assert_problem(client.get(url(case.pk)), 404)


def test_a_transition_the_status_does_not_allow_is_409(api_as, case_at, people):
    case = case_at("in_regie")
    body = assert_problem(api_as(people["regisseur"]).post(url(case.pk, "close")), 409)
    assert body["code"] == "invalid_transition"
    assert body["type"] == "urn:regie:problem:invalid_transition"
    assert Case.objects.get(pk=case.pk).status == "in_regie"


def test_an_incomplete_dossier_cannot_be_established(api_as, case_at, people):
    case = case_at("basisdossier")
    response = api_as(people["ivg_politie"]).post(url(case.pk, "establish-dossier"))
    assert_problem(response, 409, "dossier_incomplete")


def test_a_transition_the_role_does_not_allow_is_403(api_as, case_at, people, orgs):
    compiling = case_at("basisdossier")
    response = api_as(people["ivg_politie"]).post(
        url(compiling.pk, "withdraw"), {"reason": "Ik mag dit niet"}
    )
    assert_problem(response, 403, "permission_denied")

    in_regie = case_at("in_regie")
    api_as(people["regisseur"]).post(url(in_regie.pk, "team"), {"organisation": orgs["WPI"].pk})
    response = api_as(people["partner"]).post(
        url(in_regie.pk, "start-outflow"), {"reason": "x", "receiving_organisation": "y"}
    )
    assert_problem(response, 403, "permission_denied")
    assert Case.objects.get(pk=in_regie.pk).status == "in_regie"


def test_appointing_someone_outside_the_regie_organisation_is_409(api_as, case_at, people):
    case = case_at("assigned")
    response = api_as(people["accounthouder"]).post(
        url(case.pk, "appoint-regisseur"), {"regisseur": people["regisseur_other"].pk}
    )
    assert_problem(response, 409, "invalid_regisseur")


@pytest.mark.parametrize(
    ("action", "data", "fields"),
    [
        ("assign", {}, {"organisation"}),
        (
            "assign",
            {"organisation": 99999999, "regie_style": "soft"},
            {"organisation", "regie_style"},
        ),
        ("appoint-regisseur", {"regisseur": "me"}, {"regisseur"}),
        ("start-outflow", {"reason": "x"}, {"receiver"}),  # from the register, or named
        ("start-outflow", {"reason": "\x00", "receiving_organisation": "y"}, {"reason"}),
        ("withdraw", {}, {"reason"}),
    ],
)
def test_bad_transition_input_is_400(api_as, case_at, people, action, data, fields):
    case = case_at("registered")
    assert invalid_names(api_as(people["programme"]).post(url(case.pk, action), data)) == fields
    assert Case.objects.get(pk=case.pk).status == "registered"


@pytest.mark.parametrize(
    "action",
    [
        "start-dossier",
        "establish-dossier",
        "assign",
        "appoint-regisseur",
        "start-outflow",
        "close",
        "withdraw",
    ],
)
def test_every_transition_on_an_invisible_case_is_404_even_with_bad_input(
    api_as, case_at, people, action
):
    case = case_at("in_regie")
    outsider = api_as(people["outsider"])
    assert_problem(outsider.post(url(case.pk, action), {"reason": "\x00"}), 404, "not_found")
    assert_problem(outsider.post(url(99999999, action)), 404, "not_found")


def test_every_workflow_transition_has_its_post_action():
    from django.urls import reverse

    from cases.workflow import TRANSITIONS

    for name in TRANSITIONS:
        path = reverse(f"api:case-{name.replace('_', '-')}", kwargs={"version": "v1", "pk": 7})
        assert path == f"/api/v1/cases/7/{name.replace('_', '-')}"


def test_outflow_to_an_organisation_in_the_register(api_as, case_at, people, orgs):
    case = case_at("in_regie")
    response = api_as(people["regisseur"]).post(
        url(case.pk, "start-outflow"), {"reason": "Fictief", "receiver": orgs["WPI"].pk}
    )
    assert response.status_code == 200, response.content
    assert response.json()["receiver"] == orgs["WPI"].pk
    assert response.json()["receiving_organisation"] == orgs["WPI"].name
