"""ITAT's scope is its agenda, the Expertgroep's its open referrals (docs/domain.md, need-to-know).

An ITAT member reads a case's plans and its non-health basisdossier while a plan of the case is
on the ITAT agenda and for REGIE_ITAT_READ_WEEKS (4) after ITAT's decision; then the case is a
404 on every page and in the API, exactly like a missing one. Within the window ITAT reads
neither the UVOs, agreements, timeline, team nor the person's file, nor any health content.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from acvz.errors import NotAllowed
from cases import services as case_services
from cases.models import AccessLogEntry, Leefgebied
from meetings import services as meeting_services
from plans import services
from plans.models import Evaluation, ExpertGroupReferral
from plans.workflow import EvaluationConclusion
from tests.scenarios import HEALTH_GOAL, HEALTH_TEXT, OPEN_COMMITMENTS_OK, SCREENING_TEXT

pytestmark = pytest.mark.django_db

AMS = dt.timezone(dt.timedelta(hours=1))
DECIDED = dt.datetime(2030, 3, 5, 11, 0, tzinfo=AMS)
UVO_MARK = "Fictieve-UVO-plaats-7Q"
AGREEMENT_MARK = "Fictieve afspraak 7Q"
TIMELINE_MARK = "Fictieve tijdlijngebeurtenis 7Q"
QUESTION_MARK = "Fictieve vraag aan de expertgroep 7Q"


@pytest.fixture
def reviewed(plan_at, people, orgs):
    """A plan that ITAT approved or returned at DECIDED, with a revision (approve) or the
    returned draft (return); an evaluation; a UVO, an agreement and a timeline event with
    marker strings. `reviewed("approve")` returns (case, plan, evaluation or None)."""

    def build(decision: str = "approve"):
        regisseur = people["regisseur"]
        with time_machine.travel(DECIDED - dt.timedelta(days=2), tick=False):
            plan = plan_at("submitted")
        case = plan.case
        with time_machine.travel(DECIDED, tick=False):
            if decision == "approve":
                services.plan_approve(reason=OPEN_COMMITMENTS_OK, plan=plan, by=people["itat"])
            else:
                services.plan_return(plan=plan, by=people["itat"], advice="Fictief: opnieuw")
        evaluation = None
        with time_machine.travel(DECIDED + dt.timedelta(days=1), tick=False):
            if decision == "approve":
                evaluation = services.evaluation_record(
                    plan=plan,
                    by=regisseur,
                    held_on=(DECIDED + dt.timedelta(days=1)).date(),
                    conclusion=EvaluationConclusion.REVISE,
                    summary="Fictieve evaluatie",
                    results=[(g, "partly", "") for g in plan.goals.all()],
                )
            meeting = meeting_services.uvo_plan(
                case=case,
                by=regisseur,
                planned_at=DECIDED + dt.timedelta(days=7),
                place=UVO_MARK,
            )
            meeting_services.agreement_create(
                case=case,
                by=regisseur,
                description=AGREEMENT_MARK,
                owner_organisation=orgs["WPI"],
                deadline=(DECIDED + dt.timedelta(days=30)).date(),
                meeting=meeting,
            )
            case_services.timeline_event_create(
                case=case, by=regisseur, kind="move", description=TIMELINE_MARK
            )
        plan.refresh_from_db()
        return case, plan, evaluation

    return build


def _pages(case, plan) -> dict[str, str]:
    revision = case.plans.exclude(pk=plan.pk).first()
    pages = {
        "case_plan": reverse("plans:case_plan", args=[case.pk]),
        "plan": reverse("plans:detail", args=[plan.pk]),
        "print": reverse("plans:print", args=[plan.pk]),
        "dossier": reverse("cases:dossier", args=[case.pk]),
        "history": reverse("cases:history", args=[case.pk]),
    }
    if revision is not None:
        pages["compare"] = reverse("plans:compare", args=[revision.pk])
    return pages


def _api(case, plan, evaluation) -> dict[str, str]:
    goal = plan.goals.get(leefgebied=Leefgebied.FINANCIEN)
    urls = {
        "case": f"/api/v1/cases/{case.pk}",
        "basisdossier": f"/api/v1/cases/{case.pk}/basisdossier",
        "case_history": f"/api/v1/cases/{case.pk}/history",
        "plan": f"/api/v1/plans/{plan.pk}",
        "plan_history": f"/api/v1/plans/{plan.pk}/history",
        "goal": f"/api/v1/plan-goals/{goal.pk}",
    }
    if evaluation is not None:
        urls["evaluation"] = f"/api/v1/evaluations/{evaluation.pk}"
    return urls


def _lists(client, case) -> dict[str, list]:
    """What the list endpoints show of this case."""
    return {
        "plans": [p["id"] for p in client.get("/api/v1/plans").json()["results"]],
        "goals": [g["id"] for g in client.get("/api/v1/plan-goals").json()["results"]],
        "evaluations": [e["id"] for e in client.get("/api/v1/evaluations").json()["results"]],
        "cases": [c["id"] for c in client.get("/api/v1/cases").json()["results"]],
    }


def test_itat_reads_a_case_while_its_plan_is_on_the_agenda(client, api_as, plan_at, people):
    plan = plan_at("submitted")
    client.force_login(people["itat"])
    for name, url in _pages(plan.case, plan).items():
        assert client.get(url).status_code == 200, name
    api = api_as(people["itat"])
    for name, url in _api(plan.case, plan, None).items():
        assert api.get(url).status_code == 200, name
    assert AccessLogEntry.objects.filter(
        user=people["itat"], subjects__case=plan.case, outcome="shown"
    ).exists()


@pytest.mark.parametrize("decision", ["approve", "return"])
@pytest.mark.parametrize(
    ("after", "visible"),
    [
        (dt.timedelta(weeks=4) - dt.timedelta(days=1), True),
        (dt.timedelta(weeks=4) + dt.timedelta(days=1), False),
    ],
    ids=["4-weeks-minus-a-day", "4-weeks-plus-a-day"],
)
def test_the_itat_window_after_its_decision(
    client, api_as, reviewed, people, decision, after, visible
):
    case, plan, evaluation = reviewed(decision)
    assert plan.decided_at == DECIDED
    itat = people["itat"]
    with time_machine.travel(DECIDED + after, tick=False):
        client.force_login(itat)
        api = api_as(itat)
        for name, url in _pages(case, plan).items():
            response = client.get(url)
            assert response.status_code == (200 if visible else 404), name
            assert (case.person.last_name in response.content.decode()) is visible, name
        overview = client.get(reverse("cases:detail", args=[case.pk]))
        assert overview.status_code == (302 if visible else 404)
        for name, url in _api(case, plan, evaluation).items():
            response = api.get(url)
            assert response.status_code == (200 if visible else 404), name
        shown = _lists(api, case)
        assert (plan.pk in shown["plans"]) is visible
        assert (case.pk in shown["cases"]) is visible
        assert bool(set(plan.goals.values_list("pk", flat=True)) & set(shown["goals"])) is visible
        if evaluation is not None:
            assert (evaluation.pk in shown["evaluations"]) is visible
    if not visible:
        assert not AccessLogEntry.objects.filter(user=itat, outcome="shown").exists()


def test_the_read_window_is_a_setting(client, reviewed, people, settings):
    _case, plan, _evaluation = reviewed("approve")
    settings.REGIE_ITAT_READ_WEEKS = 1
    url = reverse("plans:detail", args=[plan.pk])
    with time_machine.travel(DECIDED + dt.timedelta(days=6), tick=False):
        client.force_login(people["itat"])
        assert client.get(url).status_code == 200
    with time_machine.travel(DECIDED + dt.timedelta(days=8), tick=False):
        client.force_login(people["itat"])
        assert client.get(url).status_code == 404


def test_itat_in_its_window_reads_no_uvo_agreement_timeline_team_or_file(
    client, api_as, reviewed, people
):
    case, plan, _evaluation = reviewed("approve")
    meeting = case.uvo_meetings.get()
    agreement = case.agreements.get()
    with time_machine.travel(DECIDED + dt.timedelta(days=2), tick=False):
        client.force_login(people["itat"])
        api = api_as(people["itat"])
        hidden_pages = [
            reverse("meetings:case_uvos", args=[case.pk]),
            reverse("meetings:uvo_detail", args=[meeting.pk]),
            reverse("cases:timeline", args=[case.pk]),
            reverse("cases:person_detail", args=[case.person.pk]),
        ]
        for url in hidden_pages:
            assert client.get(url).status_code == 404, url
        assert client.post(reverse("cases:team_add", args=[case.pk]), {}).status_code == 404
        for url in (
            f"/api/v1/cases/{case.pk}/timeline",
            f"/api/v1/cases/{case.pk}/team",
            f"/api/v1/uvo-meetings/{meeting.pk}",
            f"/api/v1/agreements/{agreement.pk}",
            f"/api/v1/persons/{case.person.pk}",
        ):
            assert api.get(url).status_code == 404, url
        assert api.get("/api/v1/uvo-meetings").json()["count"] == 0
        assert api.get("/api/v1/agreements").json()["count"] == 0
        assert api.get(f"/api/v1/cases/{case.pk}").json()["team"] == []
        # What ITAT does read carries none of it, the history included.
        bodies = [client.get(url).content.decode() for url in _pages(case, plan).values()]
        bodies += [api.get(url).content.decode() for url in _api(case, plan, None).values()]
        with translation.override("en"):
            entries = api.get(f"/api/v1/cases/{case.pk}/history").json()["results"]
    for body in bodies:
        for mark in (UVO_MARK, AGREEMENT_MARK, TIMELINE_MARK, case.person.address or "@@"):
            assert mark not in body
    whats = {e["what"] for e in entries}
    assert "basisdossier" in whats
    assert any(w.startswith("plan van aanpak") for w in whats)
    assert not whats & {"case", "case team membership"}


def test_the_regisseur_reads_the_whole_history(api_as, reviewed, people):
    """The other side of the test above: the entries ITAT misses are there."""
    case, _plan, _evaluation = reviewed("approve")
    entries = api_as(people["regisseur"]).get(f"/api/v1/cases/{case.pk}/history").json()
    assert {"case", "case team membership"} <= {e["what"] for e in entries["results"]}


def test_itat_reads_no_health_content(client, api_as, reviewed, people):
    case, plan, evaluation = reviewed("approve")
    with time_machine.travel(DECIDED + dt.timedelta(days=2), tick=False):
        client.force_login(people["itat"])
        api = api_as(people["itat"])
        bodies = {
            name: client.get(url).content.decode() for name, url in _pages(case, plan).items()
        }
        for name, url in _api(case, plan, evaluation).items():
            bodies[f"api:{name}"] = api.get(url).content.decode()
        health_goal = plan.goals.get(leefgebied=Leefgebied.GEZONDHEID)
        response = api.get(f"/api/v1/plan-goals/{health_goal.pk}")
        assert response.json()["restricted"] is True
        bodies["api:health_goal"] = response.content.decode()
    for name, body in bodies.items():
        for mark in (HEALTH_TEXT, SCREENING_TEXT):
            assert mark not in body, name
    for name in ("plan", "dossier", "history", "api:plan", "api:basisdossier", "api:case_history"):
        assert HEALTH_GOAL not in bodies[name], name


# --- the ITAT-Expertgroep ---------------------------------------------------------------------


@pytest.fixture
def referral(plan_at, people) -> ExpertGroupReferral:
    plan = plan_at("approved")
    return services.expert_referral_create(
        case=plan.case, by=people["regisseur"], question=QUESTION_MARK
    )


def test_only_the_expertgroep_sees_and_answers_referrals(client, referral, people):
    answer_url = reverse("plans:referral_answer", args=[referral.pk])
    for who in ("itat", "regisseur", "partner"):
        client.force_login(people[who])
        assert client.get(reverse("plans:referrals")).status_code == 403, who
        assert client.get(answer_url).status_code == 404, who
        assert client.post(answer_url, {"advice": "Fictief"}).status_code == 404, who
        with pytest.raises(NotAllowed):
            services.expert_referral_answer(referral=referral, by=people[who], advice="x")
    client.force_login(people["itat"])
    assert QUESTION_MARK not in client.get(reverse("plans:itat")).content.decode()
    # ITAT reads the plan in its window, not the regisseur's questions to the Expertgroep.
    plan_tab = client.get(reverse("plans:case_plan", args=[referral.case_id]))
    assert plan_tab.status_code == 200
    assert QUESTION_MARK not in plan_tab.content.decode()
    referral.refresh_from_db()
    assert referral.advised_at is None
    assert referral.advice == ""

    client.force_login(people["expert"])
    listing = client.get(reverse("plans:referrals"))
    assert QUESTION_MARK in listing.content.decode()
    assert client.get(answer_url).status_code == 200
    response = client.post(answer_url, {"advice": "Fictief advies van de groep"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.advice == "Fictief advies van de groep"
    assert referral.advised_by == people["expert"]
    assert AccessLogEntry.objects.filter(
        user=people["expert"], subjects__case=referral.case, outcome="shown"
    ).exists()


def test_the_expertgroep_reads_the_case_while_the_referral_is_open(
    client, api_as, referral, people
):
    case = referral.case
    plan = case.plans.get()
    client.force_login(people["expert"])
    api = api_as(people["expert"])
    pages = _pages(case, plan)
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        body = response.content.decode()
        for mark in (HEALTH_TEXT, SCREENING_TEXT):
            assert mark not in body, name
    assert HEALTH_GOAL not in client.get(pages["plan"]).content.decode()
    assert QUESTION_MARK in client.get(pages["case_plan"]).content.decode()  # what it answers
    # The case to advise on, all of it but health (docs/domain.md: "the Expertgroep while a
    # referral is open"); read-only.
    assert client.get(reverse("cases:timeline", args=[case.pk])).status_code == 200
    assert api.get(f"/api/v1/plans/{plan.pk}").status_code == 200
    assert api.get(f"/api/v1/cases/{case.pk}/timeline").status_code == 200
    # No writes: the plan is not theirs to revise, the case not theirs to act on.
    assert client.post(reverse("plans:start", args=[case.pk])).status_code == 403
    assert case.plans.count() == 1

    services.expert_referral_answer(referral=referral, by=people["expert"], advice="Fictief")

    for name, url in pages.items():
        assert client.get(url).status_code == 404, name
    assert client.get(reverse("plans:referral_answer", args=[referral.pk])).status_code == 404
    assert api.get(f"/api/v1/plans/{plan.pk}").status_code == 404
    assert api.get(f"/api/v1/cases/{case.pk}").status_code == 404


def test_itat_with_the_expertgroep_role_answers_too(client, referral, people):
    from partners.models import Role
    from partners.roles import user_set_roles

    both = people["itat"]
    user_set_roles(user=both, roles=[Role.ITAT, Role.EXPERTGROEP])
    client.force_login(both)
    url = reverse("plans:referral_answer", args=[referral.pk])
    assert client.post(url, {"advice": "Fictief"}).status_code == 302
    assert ExpertGroupReferral.objects.get(pk=referral.pk).advised_by == both


def test_an_evaluation_to_the_expertgroep_opens_a_referral_it_reads(client, plan_at, people):
    plan = plan_at("approved")
    services.evaluation_record(
        plan=plan,
        by=people["regisseur"],
        held_on=plan.approved_at.date(),
        conclusion=EvaluationConclusion.EXPERT_GROUP,
        summary="",
        results=[(g, "not_achieved", "") for g in plan.goals.all()],
        question=QUESTION_MARK,
    )
    client.force_login(people["expert"])
    assert QUESTION_MARK in client.get(reverse("plans:referrals")).content.decode()
    assert client.get(reverse("plans:case_plan", args=[plan.case_id])).status_code == 200
    assert Evaluation.objects.filter(plan=plan).exists()
