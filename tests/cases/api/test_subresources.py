"""Team, timeline, basisdossier and history of a case."""

import pytest

from cases.models import AccessLogEntry, CaseTeamMembership, DossierContribution, TimelineEvent
from tests.cases.api.helpers import assert_problem, invalid_names

pytestmark = pytest.mark.django_db


def url(case_id: int, sub: str = "") -> str:
    return f"/api/v1/cases/{case_id}" + (f"/{sub}" if sub else "")


# --- team ---------------------------------------------------------------------------------------


def test_the_regisseur_adds_and_removes_a_partner(api_as, case_at, people, orgs):
    case = case_at("in_regie")
    regisseur, partner = api_as(people["regisseur"]), api_as(people["partner"])
    assert_problem(partner.get(url(case.pk)), 404)

    response = regisseur.post(
        url(case.pk, "team"),
        {
            "organisation": orgs["WPI"].pk,
            "role": "intervention",
            "professional": people["partner"].pk,
        },
    )
    assert response.status_code == 201, response.content
    membership = response.json()
    assert (membership["organisation"]["code"], membership["role"], membership["active"]) == (
        "WPI",
        "intervention",
        True,
    )
    assert membership["professional"]["id"] == people["partner"].pk
    assert partner.get(url(case.pk)).status_code == 200

    team = regisseur.get(url(case.pk, "team")).json()
    assert [m["organisation"]["code"] for m in team] == ["RN", "WPI"]
    assert_problem(
        regisseur.post(url(case.pk, "team"), {"organisation": orgs["WPI"].pk}), 409, "duplicate"
    )

    response = regisseur.post(url(case.pk, f"team/{membership['id']}/leave"))
    assert response.status_code == 200, response.content
    assert response.json()["active"] is False
    assert response.json()["left_on"] is not None
    assert_problem(partner.get(url(case.pk)), 404)


def test_team_rules(api_as, case_at, people, orgs):
    case = case_at("in_regie")
    regisseur = api_as(people["regisseur"])
    regie = CaseTeamMembership.objects.get(case=case)
    assert_problem(regisseur.post(url(case.pk, f"team/{regie.pk}/leave")), 409, "invalid")
    other = case_at("in_regie")
    foreign = CaseTeamMembership.objects.get(case=other)
    assert_problem(regisseur.post(url(case.pk, f"team/{foreign.pk}/leave")), 404)
    assert invalid_names(
        regisseur.post(
            url(case.pk, "team"),
            {"organisation": orgs["WPI"].pk, "professional": people["health_partner"].pk},
        )
    ) == {"professional"}
    assert invalid_names(
        regisseur.post(url(case.pk, "team"), {"organisation": orgs["WPI"].pk, "role": "regie"})
    ) == {"role"}
    assert invalid_names(regisseur.post(url(case.pk, "team"), {})) == {"organisation"}
    # The programme team sees the case while assigning, but does not manage its team.
    assigned = case_at("assigned")
    response = api_as(people["programme"]).post(
        url(assigned.pk, "team"), {"organisation": orgs["WPI"].pk}
    )
    assert_problem(response, 403, "permission_denied")


# --- timeline -----------------------------------------------------------------------------------


def test_timeline_push_is_idempotent_and_listed_newest_first(api_as, case_at, people):
    case = case_at("in_regie")
    client = api_as(people["regisseur"])
    event = {
        "kind": "detention_in",
        "description": "Fictieve inverzekeringstelling",
        "occurred_at": "2030-01-02T03:04:05+01:00",
        "external_id": "RN-77",
    }
    first = client.post(url(case.pk, "timeline"), event)
    assert first.status_code == 201, first.content
    again = client.post(url(case.pk, "timeline"), event)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert TimelineEvent.objects.filter(external_id="RN-77").count() == 1

    listed = client.get(url(case.pk, "timeline")).json()
    assert listed["results"][0]["id"] == first.json()["id"]
    occurred = [e["occurred_at"] for e in listed["results"]]
    assert occurred == sorted(occurred, reverse=True)
    assert listed["count"] == TimelineEvent.objects.filter(case=case).count()
    # The read, and the two pushes: their answers show the event too.
    assert AccessLogEntry.objects.filter(subjects__case=case, channel="api").count() == 3


def test_timeline_input_and_rules(api_as, case_at, people):
    case = case_at("in_regie")
    client = api_as(people["regisseur"])
    for bad, field in (
        ({"kind": "status", "description": "x"}, "kind"),
        ({"kind": "move"}, "description"),
        ({"kind": "move", "description": "a\x00b"}, "description"),
        ({"kind": "move", "description": "x", "occurred_at": "morgen"}, "occurred_at"),
    ):
        assert field in invalid_names(client.post(url(case.pk, "timeline"), bad))
    closed = case_at("closed")
    response = client.post(url(closed.pk, "timeline"), {"kind": "move", "description": "x"})
    assert_problem(response, 403, "permission_denied")


# --- basisdossier -------------------------------------------------------------------------------


def sections_by_number(response) -> dict[int, dict]:
    assert response.status_code == 200, response.content
    return {s["leefgebied"]: s for s in response.json()["sections"]}


def texts(section: dict) -> dict[tuple[str, str], str]:
    return {(c["organisation"]["code"], c["part"]): c["text"] for c in section["contributions"]}


def test_health_content_is_withheld_from_a_non_health_partner(api_as, case_at, people, orgs):
    case = case_at("in_regie")
    regisseur = api_as(people["regisseur"])
    regisseur.post(url(case.pk, "team"), {"organisation": orgs["WPI"].pk})
    regisseur.post(url(case.pk, "team"), {"organisation": orgs["GGD"].pk})

    full = sections_by_number(regisseur.get(url(case.pk, "basisdossier")))
    assert len(full) == 11
    assert texts(full[9]) == {("GGD", "contribution"): "Fictieve tekst leefgebied 9"}
    assert texts(full[6])[("GGD", "screening")] == "Fictieve GGD-screening"
    assert not any(s["restricted"] for s in full.values())
    assert all(s["is_complete"] for s in full.values())

    health = sections_by_number(api_as(people["health_partner"]).get(url(case.pk, "basisdossier")))
    assert texts(health[9]) == {("GGD", "contribution"): "Fictieve tekst leefgebied 9"}
    assert texts(health[6])[("GGD", "screening")] == "Fictieve GGD-screening"

    partner = sections_by_number(api_as(people["partner"]).get(url(case.pk, "basisdossier")))
    assert (partner[9]["contributions"], partner[9]["is_complete"], partner[9]["restricted"]) == (
        [],
        None,
        True,
    )
    assert texts(partner[6]) == {
        ("GGD", "contribution"): "",
        ("POLITIE", "contribution"): "Fictieve tekst leefgebied 6",
    }
    assert partner[6]["restricted"] is True
    assert texts(partner[1])[("POLITIE", "contribution")] == "Fictieve tekst leefgebied 1"
    assert partner[1]["restricted"] is False
    assert "Fictieve GGD-screening" not in str(partner)
    reads = AccessLogEntry.objects.filter(
        subjects__case=case, channel="api", path=url(case.pk, "basisdossier")
    )
    assert reads.count() == 3


def test_a_dossier_not_started_is_404(api_as, case_at, people):
    case = case_at("registered")
    client = api_as(people["programme"])
    assert_problem(client.get(url(case.pk, "basisdossier")), 404)
    assert_problem(client.get(url(case.pk, "basisdossier/sections/1")), 404)


def test_a_section_is_read_alone(api_as, case_at, people):
    case = case_at("basisdossier")
    response = api_as(people["ivg_politie"]).get(url(case.pk, "basisdossier/sections/1"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["leefgebied"], body["contributions"], body["is_complete"]) == (1, [], False)
    assert [(a["organisation"]["code"], a["part"]) for a in body["still_asked"]] == [
        ("GGD", "contribution"),
        ("POLITIE", "contribution"),
    ]
    assert (body["can_contribute"], body["can_write_screening"]) == (True, False)
    assert AccessLogEntry.objects.filter(subjects__case=case, channel="api").count() == 1


def test_contribution_write_with_optimistic_locking(api_as, case_at, people):
    case = case_at("basisdossier")
    police = api_as(people["ivg_politie"])
    section_url = url(case.pk, "basisdossier/sections/1")
    response = police.patch(section_url, {"text": "Eerste versie", "version": 0})
    assert response.status_code == 200, response.content
    (mine,) = response.json()["contributions"]
    assert (mine["version"], mine["organisation"]["code"], mine["author"]["id"]) == (
        1,
        "POLITIE",
        people["ivg_politie"].pk,
    )
    assert response.json()["can_contribute"] is True

    stale = police.patch(section_url, {"text": "Over een ander heen", "version": 0})
    assert_problem(stale, 409, "stale")
    contribution = DossierContribution.objects.get(
        section__dossier__case=case, section__leefgebied=1, organisation__code="POLITIE"
    )
    assert (contribution.text, contribution.version) == ("Eerste versie", 1)

    response = police.patch(section_url, {"nothing_known": True, "version": 1})
    assert response.status_code == 200, response.content
    contribution.refresh_from_db()
    assert (contribution.text, contribution.nothing_known, contribution.version) == ("", True, 2)
    response = police.patch(section_url, {"text": "Toch informatie"})
    assert response.status_code == 200
    contribution.refresh_from_db()
    assert (contribution.text, contribution.nothing_known) == ("Toch informatie", False)
    # The GGD's part of the section is its own: untouched.
    ggd = DossierContribution.objects.get(
        section__dossier__case=case, section__leefgebied=1, organisation__code="GGD"
    )
    assert (ggd.text, ggd.version, ggd.author) == ("", 0, None)


def test_the_screening_through_the_api(api_as, case_at, people):
    case = case_at("basisdossier")
    section_url = url(case.pk, "basisdossier/sections/6")
    response = api_as(people["ivg_ggd"]).patch(
        section_url, {"part": "screening", "text": "Fictieve screening", "version": 0}
    )
    assert response.status_code == 200, response.content
    assert texts(response.json()) == {("GGD", "screening"): "Fictieve screening"}
    assert response.json()["can_write_screening"] is True
    police = api_as(people["ivg_politie"])
    response = police.patch(section_url, {"part": "screening", "text": "Verzonnen"})
    assert_problem(response, 403, "permission_denied")
    body = police.get(section_url).json()
    assert (body["contributions"], body["restricted"]) == ([], True)
    assert not DossierContribution.objects.filter(text="Verzonnen").exists()


def test_contribution_write_rules(api_as, case_at, people):
    case = case_at("basisdossier")
    police = api_as(people["ivg_politie"])
    assert_problem(police.patch(url(case.pk, "basisdossier/sections/9"), {"text": "x"}), 403)
    assert_problem(police.patch(url(case.pk, "basisdossier/sections/12"), {"text": "x"}), 404)
    assert_problem(police.patch(url(case.pk, "basisdossier/sections/x"), {"text": "x"}), 404)
    assert_problem(police.patch(url(case.pk, "basisdossier/sections/1"), {}), 400, "invalid")
    for bad, field in (
        ({"text": "x", "nothing_known": True}, "nothing_known"),
        ({"text": "nul\x00"}, "text"),
        ({"version": -1}, "version"),
        ({"version": "een"}, "version"),
        ({"part": "diagnose", "text": "x"}, "part"),
    ):
        assert field in invalid_names(police.patch(url(case.pk, "basisdossier/sections/1"), bad))
    in_regie = case_at("in_regie")
    response = api_as(people["regisseur"]).patch(
        url(in_regie.pk, "basisdossier/sections/1"), {"text": "x"}
    )
    assert_problem(response, 403, "permission_denied")


# --- history ------------------------------------------------------------------------------------


def test_history_leaves_health_sections_out_for_a_non_health_partner(api_as, case_at, people, orgs):
    case = case_at("in_regie")
    regisseur = api_as(people["regisseur"])
    regisseur.post(url(case.pk, "team"), {"organisation": orgs["WPI"].pk})

    def whats(client) -> set[str]:
        response = client.get(url(case.pk, "history"), {"page_size": 100})
        assert response.status_code == 200, response.content
        return {entry["what"] for entry in response.json()["results"]}

    full = whats(regisseur)
    assert any(what.startswith("9.") for what in full)
    partner = whats(api_as(people["partner"]))
    assert not any(what.startswith("9.") for what in partner)
    assert any(what.startswith("1.") for what in partner)
    entry = regisseur.get(url(case.pk, "history")).json()["results"][0]
    assert set(entry) == {"at", "user", "what", "action", "changes"}


# --- need-to-know on every sub-resource ---------------------------------------------------------


def test_every_sub_resource_of_an_invisible_case_is_404(api_as, case_at, people, orgs):
    case = case_at("in_regie")
    membership = CaseTeamMembership.objects.get(case=case)
    outsider = api_as(people["outsider"])
    for method, sub, data in (
        ("get", "team", None),
        ("post", "team", {"organisation": orgs["DJI"].pk}),
        ("post", f"team/{membership.pk}/leave", None),
        ("get", "timeline", None),
        ("post", "timeline", {"kind": "move", "description": "x", "external_id": "E1"}),
        ("get", "basisdossier", None),
        ("get", "basisdossier/sections/1", None),
        ("patch", "basisdossier/sections/1", {"text": "x", "version": 0}),
        ("get", "history", None),
    ):
        response = getattr(outsider, method)(url(case.pk, sub), data)
        assert_problem(response, 404, "not_found")
    assert CaseTeamMembership.objects.filter(case=case).count() == 1
    assert not TimelineEvent.objects.filter(external_id="E1").exists()
    assert not AccessLogEntry.objects.filter(outcome="shown").exists()
    # Each of the nine requests is a refused read of this case.
    assert AccessLogEntry.objects.filter(outcome="refused", subjects__case=case).count() == 9


def test_a_timeline_push_out_of_range_is_400_not_500(api_as, people, case_at):
    case = case_at("in_regie")
    response = api_as(people["regisseur"]).post(
        f"/api/v1/cases/{case.pk}/timeline",
        {"kind": "arrest", "description": "Fictief", "occurred_at": "0001-01-01T00:00:00"},
    )
    assert response.status_code == 400, response.content
    assert response.json()["invalid_params"][0]["name"] == "occurred_at"
