"""`/api/v1/plans/`: need-to-know, health goals, starting and editing a version, history."""

from __future__ import annotations

import pytest

from cases.models import AccessChannel, AccessLogEntry, Leefgebied
from plans import services
from plans.models import ItatAdvice, Plan
from plans.workflow import PlanStatus
from tests.plans.api.helpers import assert_problem, etag, health_goal, invalid_names

pytestmark = pytest.mark.django_db


# --- need-to-know -------------------------------------------------------------------------------


def test_the_regisseur_lists_and_filters_their_plans(api_as, plan_at, people):
    plan = plan_at("draft")
    other = plan_at("submitted")
    client = api_as(people["regisseur"])
    body = client.get("/api/v1/plans").json()
    assert {p["id"] for p in body["results"]} == {plan.pk, other.pk}
    row = next(p for p in body["results"] if p["id"] == plan.pk)
    assert row["case"]["id"] == plan.case_id
    assert row["case"]["person"]["id"] == plan.case.person_id
    assert (row["version"], row["status"], row["lock_version"]) == (1, "draft", plan.lock_version)
    assert "goals" not in row
    by_case = client.get("/api/v1/plans", {"case": other.case_id}).json()
    assert [p["id"] for p in by_case["results"]] == [other.pk]
    by_status = client.get("/api/v1/plans", {"status": "submitted"}).json()
    assert [p["id"] for p in by_status["results"]] == [other.pk]
    assert by_status["results"][0]["itat_meeting"]["id"] == other.itat_meeting_id


def test_an_outsider_sees_no_plan_and_gets_404_everywhere(api_as, plan_at, people):
    plan = plan_at("submitted")
    client = api_as(people["outsider"])
    assert client.get("/api/v1/plans").json()["count"] == 0
    for url in (f"/api/v1/plans/{plan.pk}", f"/api/v1/plans/{plan.pk}/history"):
        assert_problem(client.get(url), 404, "not_found")
    assert_problem(client.patch(f"/api/v1/plans/{plan.pk}", {"analysis": "x"}), 404)
    for transition in ("submit", "approve", "return", "advice"):
        assert_problem(client.post(f"/api/v1/plans/{plan.pk}/{transition}", {}), 404)
    # An invisible case in a filter or a body is "not a valid choice", like a missing one.
    assert "case" in invalid_names(client.get("/api/v1/plans", {"case": plan.case_id}))
    assert "case" in invalid_names(client.post("/api/v1/plans", {"case": plan.case_id}))
    assert Plan.objects.filter(case=plan.case).count() == 1


@pytest.mark.parametrize("pk", ["999999", "abc", "99999999999999999999"])
def test_missing_and_malformed_ids_are_404(api_as, plan_at, people, pk):
    plan_at("draft")
    assert_problem(api_as(people["regisseur"]).get(f"/api/v1/plans/{pk}"), 404)


def test_itat_sees_a_submitted_plan_of_a_case_it_is_not_on_but_not_a_draft(api_as, plan_at, people):
    draft = plan_at("draft")
    submitted = plan_at("submitted")
    client = api_as(people["itat"])
    listed = client.get("/api/v1/plans").json()
    assert [p["id"] for p in listed["results"]] == [submitted.pk]
    assert client.get(f"/api/v1/plans/{submitted.pk}").status_code == 200
    assert_problem(client.get(f"/api/v1/plans/{draft.pk}"), 404)
    # The case's header and dossier, not its file: no team, timeline or person.
    case = client.get(f"/api/v1/cases/{submitted.case_id}")
    assert case.status_code == 200
    assert case.json()["team"] == []
    assert_problem(client.get(f"/api/v1/cases/{submitted.case_id}/timeline"), 404)
    assert_problem(client.get(f"/api/v1/persons/{submitted.case.person_id}"), 404)
    assert_problem(client.get(f"/api/v1/cases/{draft.case_id}"), 404)


def test_the_detail_has_goals_advice_status_changes_and_an_etag(api_as, plan_at, people):
    plan = plan_at("submitted")
    services.itat_advice_add(plan=plan, by=people["itat"], text="Betrek het netwerk (fictief).")
    client = api_as(people["itat"])
    response = client.get(f"/api/v1/plans/{plan.pk}")
    assert response.status_code == 200
    body = response.json()
    plan.refresh_from_db()
    assert response["ETag"] == f'"{plan.pk}-{plan.lock_version}"'
    assert body["lock_version"] == plan.lock_version
    assert [g["leefgebied"] for g in body["goals"]] == [7, 8, 9]
    assert [a["text"] for a in body["advice"]] == ["Betrek het netwerk (fictief)."]
    assert [(c["from_status"], c["to_status"]) for c in body["status_changes"]] == [
        ("draft", "submitted")
    ]
    assert body["transitions"] == ["return", "approve"]
    assert (body["can_edit"], body["can_advise"]) == (False, True)
    assert body["analysis"] == "Fictieve analyse"


def test_reading_a_plan_is_written_to_the_access_log(api_as, plan_at, people):
    plan = plan_at("draft")
    client = api_as(people["partner"])
    client.get(f"/api/v1/plans/{plan.pk}")
    client.get(f"/api/v1/plans/{plan.pk}/history")
    entries = AccessLogEntry.objects.filter(user=people["partner"], subjects__case=plan.case)
    assert [(e.channel, e.path) for e in entries.order_by("pk")] == [
        (AccessChannel.API, f"/api/v1/plans/{plan.pk}"),
        (AccessChannel.API, f"/api/v1/plans/{plan.pk}/history"),
    ]
    assert entries.first().subjects.get().person_id == plan.case.person_id


# --- health goals -------------------------------------------------------------------------------

GOAL_CONTENT = [
    "goal",
    "interventions",
    "responsible_organisation",
    "professional",
    "start_date",
    "target_date",
    "status",
    "commitment",
    "commitment_reason",
    "committed_by",
    "committed_at",
]


def test_a_health_goal_is_restricted_for_the_wpi_partner(api_as, plan_at, people):
    plan = plan_at("draft")
    body = api_as(people["partner"]).get(f"/api/v1/plans/{plan.pk}").json()
    goals = {g["leefgebied"]: g for g in body["goals"]}
    health = goals[Leefgebied.GEZONDHEID]
    assert health["restricted"] is True
    assert health["id"] == health_goal(plan).pk
    assert {name: health[name] for name in GOAL_CONTENT} == dict.fromkeys(GOAL_CONTENT)
    assert health["can_commit"] is False
    assert goals[Leefgebied.FINANCIEN]["restricted"] is False
    assert goals[Leefgebied.FINANCIEN]["goal"] == "Fictief doel 7"
    assert goals[Leefgebied.FINANCIEN]["can_commit"] is True


@pytest.mark.parametrize("who", ["regisseur", "accounthouder", "health_partner"])
def test_a_health_goal_is_readable_for_the_regisseur_and_health_partners(
    api_as, plan_at, people, who
):
    plan = plan_at("draft")
    body = api_as(people[who]).get(f"/api/v1/plans/{plan.pk}").json()
    health = next(g for g in body["goals"] if g["leefgebied"] == Leefgebied.GEZONDHEID)
    assert health["restricted"] is False
    assert health["goal"] == "Fictief doel 9"
    assert health["responsible_organisation"]["code"] == "GGD"
    assert health["commitment"] == "pending"


def test_advice_on_a_health_goal_is_restricted_like_the_goal(api_as, plan_at, people):
    plan = plan_at("submitted")
    ItatAdvice.objects.create(  # recorded before the service refused it (ITAT may not read)
        plan=plan, text="Fictief zorgadvies", goal=health_goal(plan), author=people["itat"]
    )
    services.itat_advice_add(plan=plan, by=people["itat"], text="Fictief algemeen advies")
    for who, texts in [
        ("partner", [None, "Fictief algemeen advies"]),
        ("health_partner", ["Fictief zorgadvies", "Fictief algemeen advies"]),
        ("itat", [None, "Fictief algemeen advies"]),  # its own advice too: the goal's rule
    ]:
        body = api_as(people[who]).get(f"/api/v1/plans/{plan.pk}").json()
        assert [a["text"] for a in body["advice"]] == texts, who
        assert body["advice"][0]["restricted"] is (texts[0] is None)


# --- starting a version -------------------------------------------------------------------------


def test_the_regisseur_starts_version_1(api_as, case_at, people):
    case = case_at("in_regie")
    response = api_as(people["regisseur"]).post("/api/v1/plans", {"case": case.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    plan = Plan.objects.get(case=case)
    assert (body["id"], body["version"], body["status"]) == (plan.pk, 1, "draft")
    assert response["ETag"] == etag(plan)
    assert body["goals"] == []
    assert body["transitions"] == ["submit"]
    assert body["can_edit"] is True


def test_a_revision_copies_the_plan_in_force(api_as, plan_at, people):
    approved = plan_at("approved")
    response = api_as(people["regisseur"]).post("/api/v1/plans", {"case": approved.case_id})
    assert response.status_code == 201
    body = response.json()
    assert (body["version"], body["based_on"], len(body["goals"])) == (2, approved.pk, 3)
    approved.refresh_from_db()
    assert approved.status == PlanStatus.APPROVED


def test_a_second_open_version_is_a_409(api_as, plan_at, people):
    plan = plan_at("draft")
    response = api_as(people["regisseur"]).post("/api/v1/plans", {"case": plan.case_id})
    assert_problem(response, 409, "open_version_exists")
    assert Plan.objects.filter(case=plan.case).count() == 1


def test_a_partner_on_the_team_may_not_start_a_plan(api_as, plan_at, people):
    plan = plan_at("approved")
    response = api_as(people["partner"]).post("/api/v1/plans", {"case": plan.case_id})
    assert_problem(response, 403, "permission_denied")


@pytest.mark.parametrize("body", [{}, {"case": "abc"}, {"case": None}, {"case": [1]}, [1, 2]])
def test_bad_input_to_start_a_plan_is_400(api_as, people, body):
    response = api_as(people["regisseur"]).post("/api/v1/plans", body, format="json")
    assert_problem(response, 400, "invalid")


# --- editing the analysis and optimistic locking ------------------------------------------------


def test_the_regisseur_changes_the_analysis(api_as, plan_at, people):
    plan = plan_at("draft")
    before = etag(plan)
    response = api_as(people["regisseur"]).patch(
        f"/api/v1/plans/{plan.pk}", {"analysis": "Nieuwe fictieve analyse"}
    )
    assert response.status_code == 200, response.content
    plan.refresh_from_db()
    assert plan.analysis == "Nieuwe fictieve analyse"
    assert response["ETag"] == etag(plan) != before
    assert response.json()["lock_version"] == plan.lock_version


def test_a_patch_with_the_current_etag_applies(api_as, plan_at, people):
    plan = plan_at("draft")
    response = api_as(people["regisseur"]).patch(
        f"/api/v1/plans/{plan.pk}", {"analysis": "Met If-Match"}, HTTP_IF_MATCH=etag(plan)
    )
    assert response.status_code == 200, response.content
    assert Plan.objects.get(pk=plan.pk).analysis == "Met If-Match"


@pytest.mark.parametrize(
    "if_match",
    [
        "old",  # the ETag as read before someone else's change
        "weak",  # a weak ETag never matches (RFC 9110)
        '"0-0"',
        "garbage",
    ],
)
def test_a_patch_with_an_old_etag_is_412_and_overwrites_nothing(api_as, plan_at, people, if_match):
    plan = plan_at("draft")
    old = etag(plan)
    services.plan_update(
        plan=plan, by=people["accounthouder"], analysis="Tussendoor", expected_lock_version=None
    )
    header = {"old": old, "weak": f"W/{etag(plan)}"}.get(if_match, if_match)
    response = api_as(people["regisseur"]).patch(
        f"/api/v1/plans/{plan.pk}", {"analysis": "Overschreven?"}, HTTP_IF_MATCH=header
    )
    assert_problem(response, 412, "precondition_failed")
    assert Plan.objects.get(pk=plan.pk).analysis == "Tussendoor"


#: If-Match headers that name no entity tag (RFC 9110, 13.1.1): they match no version.
NO_ENTITY_TAG = ["", " ", ",", "garbage", "W/", '"unterminated', "1-0", "W/ "]


@pytest.mark.parametrize("if_match", NO_ENTITY_TAG)
def test_an_if_match_naming_no_entity_tag_is_412_and_writes_nothing(
    api_as, plan_at, people, if_match
):
    plan = plan_at("draft")
    before = Plan.objects.filter(pk=plan.pk).values().get()
    history = plan.history.count()
    response = api_as(people["regisseur"]).patch(
        f"/api/v1/plans/{plan.pk}", {"analysis": "Overschreven?"}, HTTP_IF_MATCH=if_match
    )
    body = assert_problem(response, 412, "precondition_failed")
    assert "names no entity tag" in body["detail"]
    assert Plan.objects.filter(pk=plan.pk).values().get() == before
    assert plan.history.count() == history


def test_if_match_star_and_a_list_with_the_current_etag_apply(api_as, plan_at, people):
    plan = plan_at("draft")
    client = api_as(people["regisseur"])
    response = client.patch(f"/api/v1/plans/{plan.pk}", {"analysis": "Ster"}, HTTP_IF_MATCH="*")
    assert response.status_code == 200
    header = f'"{plan.pk}-0", {etag(plan)}'
    response = client.patch(f"/api/v1/plans/{plan.pk}", {"analysis": "Lijst"}, HTTP_IF_MATCH=header)
    assert response.status_code == 200
    assert Plan.objects.get(pk=plan.pk).analysis == "Lijst"


def test_a_stale_lock_version_in_the_body_is_409_stale(api_as, plan_at, people):
    plan = plan_at("draft")
    read = Plan.objects.get(pk=plan.pk).lock_version
    services.plan_update(
        plan=plan, by=people["accounthouder"], analysis="Tussendoor", expected_lock_version=read
    )
    response = api_as(people["regisseur"]).patch(
        f"/api/v1/plans/{plan.pk}", {"analysis": "Overschreven?", "lock_version": read}
    )
    assert_problem(response, 409, "stale")
    assert Plan.objects.get(pk=plan.pk).analysis == "Tussendoor"


def test_the_current_lock_version_in_the_body_applies(api_as, plan_at, people):
    plan = plan_at("draft")
    plan.refresh_from_db()
    response = api_as(people["regisseur"]).patch(
        f"/api/v1/plans/{plan.pk}", {"analysis": "Vers", "lock_version": plan.lock_version}
    )
    assert response.status_code == 200
    assert response.json()["lock_version"] == plan.lock_version + 1


def test_if_match_and_a_different_body_lock_version_is_409_stale(api_as, plan_at, people):
    plan = plan_at("draft")
    response = api_as(people["regisseur"]).patch(
        f"/api/v1/plans/{plan.pk}",
        {"analysis": "Tegenstrijdig", "lock_version": 0},
        HTTP_IF_MATCH=etag(plan),
    )
    assert_problem(response, 409, "stale")
    assert Plan.objects.get(pk=plan.pk).analysis == "Fictieve analyse"


def test_a_patch_without_analysis_keeps_it(api_as, plan_at, people):
    plan = plan_at("draft")
    response = api_as(people["regisseur"]).patch(f"/api/v1/plans/{plan.pk}", {})
    assert response.status_code == 200
    assert response.json()["analysis"] == "Fictieve analyse"


@pytest.mark.parametrize("who", ["partner", "health_partner"])
def test_a_partner_may_not_edit_the_analysis(api_as, plan_at, people, who):
    plan = plan_at("draft")
    response = api_as(people[who]).patch(f"/api/v1/plans/{plan.pk}", {"analysis": "Nee"})
    assert_problem(response, 403, "permission_denied")
    assert Plan.objects.get(pk=plan.pk).analysis == "Fictieve analyse"


def test_a_submitted_plan_cannot_be_edited(api_as, plan_at, people):
    plan = plan_at("submitted")
    response = api_as(people["regisseur"]).patch(f"/api/v1/plans/{plan.pk}", {"analysis": "Nee"})
    assert_problem(response, 403)


@pytest.mark.parametrize(
    "body",
    [
        {"analysis": "nul\x00teken"},
        {"analysis": ["lijst"]},
        {"lock_version": -1},
        {"lock_version": "abc"},
    ],
)
def test_bad_input_to_a_plan_patch_is_400(api_as, plan_at, people, body):
    plan = plan_at("draft")
    response = api_as(people["regisseur"]).patch(f"/api/v1/plans/{plan.pk}", body, format="json")
    assert_problem(response, 400, "invalid")
    assert response.json()["invalid_params"]


def test_malformed_json_is_400(api_as, plan_at, people):
    plan = plan_at("draft")
    response = api_as(people["regisseur"]).generic(
        "PATCH", f"/api/v1/plans/{plan.pk}", "{niet json", content_type="application/json"
    )
    assert_problem(response, 400)


# --- history ------------------------------------------------------------------------------------


def test_the_history_lists_the_plan_and_its_goals(api_as, plan_at, people):
    plan = plan_at("submitted")
    body = api_as(people["regisseur"]).get(f"/api/v1/plans/{plan.pk}/history").json()
    whats = [entry["what"] for entry in body["results"]]
    assert any(what.endswith("v1") for what in whats)
    assert sum("(9." in what for what in whats) == 1
    submitted = body["results"][0]  # newest first: status, ITAT meeting, submitted at
    assert submitted["what"].endswith("v1")
    assert len(submitted["changes"]) == 3
    assert submitted["user"]["id"] == people["regisseur"].pk


def test_the_history_leaves_out_health_goals_for_the_wpi_partner(api_as, plan_at, people):
    plan = plan_at("draft")
    body = api_as(people["partner"]).get(f"/api/v1/plans/{plan.pk}/history").json()
    whats = [entry["what"] for entry in body["results"]]
    assert any("(7." in what for what in whats)
    assert not any("(9." in what for what in whats)


def test_a_change_between_the_etag_check_and_the_write_is_still_412(
    api_as, plan_at, people, monkeypatch
):
    """The view checks If-Match on the plan as read; the service checks the same version again
    under its row lock, so a change committed in between is refused too."""
    plan = plan_at("draft")
    real_update = services.plan_update

    def someone_else_first(**kwargs):
        real_update(
            plan=plan, by=people["accounthouder"], analysis="Tussendoor", expected_lock_version=None
        )
        return real_update(**kwargs)

    monkeypatch.setattr(services, "plan_update", someone_else_first)
    response = api_as(people["regisseur"]).patch(
        f"/api/v1/plans/{plan.pk}", {"analysis": "Overschreven?"}, HTTP_IF_MATCH=etag(plan)
    )
    assert_problem(response, 412, "precondition_failed")
    assert Plan.objects.get(pk=plan.pk).analysis == "Tussendoor"
