"""The programme team keeps its support role (docs/domain.md, need-to-know): a programme-team member
reads the cases of the programmes they support while in regie or outflow, read-only, logged,
and never their health content. Other programmes' cases, and closed ones, are a 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import AccessLogEntry, Case, Leefgebied, TimelineEvent
from meetings import services as meeting_services
from meetings.models import Agreement, UvoMeeting
from partners.models import Role
from plans.models import Plan
from tests.factories import programme
from tests.scenarios import HEALTH_GOAL, HEALTH_TEXT, SCREENING_TEXT

pytestmark = pytest.mark.django_db


@pytest.fixture
def supported(plan_at, people, orgs) -> Case:
    """A Top600 case in regie with an approved plan (a health goal among its goals), WPI and
    GGD on the team, a UVO and an agreement owned by WPI."""
    plan = plan_at("approved")
    case = plan.case
    meeting = meeting_services.uvo_plan(
        case=case, by=people["regisseur"], planned_at=timezone.now() + dt.timedelta(days=7)
    )
    meeting_services.agreement_create(
        case=case,
        by=people["regisseur"],
        description="Fictieve afspraak",
        owner_organisation=orgs["WPI"],
        deadline=timezone.localdate() + dt.timedelta(days=30),
        meeting=meeting,
    )
    return case


def _read_pages(case: Case) -> list[str]:
    plan = case.plans.get()
    return [
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:dossier", args=[case.pk]),
        reverse("cases:timeline", args=[case.pk]),
        reverse("cases:history", args=[case.pk]),
        reverse("plans:case_plan", args=[case.pk]),
        reverse("plans:detail", args=[plan.pk]),
        reverse("plans:print", args=[plan.pk]),
        reverse("meetings:case_uvos", args=[case.pk]),
        reverse("meetings:uvo_detail", args=[case.uvo_meetings.get().pk]),
    ]


def _read_api(case: Case) -> list[str]:
    plan = case.plans.get()
    return [
        f"/api/v1/cases/{case.pk}",
        f"/api/v1/cases/{case.pk}/basisdossier",
        f"/api/v1/cases/{case.pk}/timeline",
        f"/api/v1/cases/{case.pk}/team",
        f"/api/v1/cases/{case.pk}/history",
        f"/api/v1/plans/{plan.pk}",
        f"/api/v1/plans/{plan.pk}/history",
        f"/api/v1/plan-goals?plan={plan.pk}",
        f"/api/v1/agreements/{case.agreements.get().pk}",
        f"/api/v1/uvo-meetings/{case.uvo_meetings.get().pk}",
    ]


def test_the_programme_team_reads_its_programmes_cases_in_regie(client, api_as, supported, people):
    support = people["programme"]
    client.force_login(support)
    api = api_as(support)
    bodies = []
    for url in _read_pages(supported):
        response = client.get(url)
        assert response.status_code == 200, url
        bodies.append(response.content.decode())
    for url in _read_api(supported):
        response = api.get(url)
        assert response.status_code == 200, url
        bodies.append(response.content.decode())
    assert supported.pk in [c["id"] for c in api.get("/api/v1/cases").json()["results"]]
    # Every read is logged, like anyone's.
    assert (
        AccessLogEntry.objects.filter(user=support, subjects__case=supported, outcome="shown")
        .distinct()
        .count()
        >= 10
    )
    # Health content never reaches them.
    for body in bodies:
        for mark in (HEALTH_TEXT, SCREENING_TEXT, HEALTH_GOAL):
            assert mark not in body
    assert any("Fictief doel 7" in body for body in bodies)  # the rest of the plan does


def test_the_programme_team_does_not_read_other_programmes_or_closed_cases(
    client, api_as, case_at, people, make_user, orgs
):
    top400 = case_at("in_regie", programme_code="TOP400")
    closed = case_at("closed")
    in_regie = case_at("in_regie")
    unlinked = make_user(Role.PROGRAMME_TEAM, username="pt-elders", organisation=orgs["OJZD"])
    for user, case in [
        (people["programme"], top400),
        (people["programme"], closed),
        (unlinked, in_regie),
    ]:
        client.force_login(user)
        api = api_as(user)
        for name in ("cases:detail", "cases:dossier", "cases:history", "plans:case_plan"):
            response = client.get(reverse(name, args=[case.pk]))
            assert response.status_code == 404, (user, case, name)
            assert case.person.last_name not in response.content.decode()
        assert api.get(f"/api/v1/cases/{case.pk}").status_code == 404
    client.force_login(people["programme"])
    assert client.get(reverse("cases:detail", args=[in_regie.pk])).status_code == 200


def test_every_write_refuses_the_programme_team(client, api_as, supported, people, orgs):
    case = supported
    plan = case.plans.get()
    agreement = case.agreements.get()
    meeting = case.uvo_meetings.get()
    before = {
        "case": Case.objects.filter(pk=case.pk).values().get(),
        "team": list(case.team.values()),
        "plans": list(Plan.objects.filter(case=case).values()),
        "timeline": TimelineEvent.objects.filter(case=case).count(),
        "uvos": list(UvoMeeting.objects.filter(case=case).values()),
        "agreements": list(Agreement.objects.filter(case=case).values()),
    }
    support = people["programme"]
    client.force_login(support)
    api = api_as(support)
    refused_pages = [
        (reverse("cases:transition", args=[case.pk, "start_outflow"]), {"reason": "x"}),
        (reverse("cases:team_add", args=[case.pk]), {"organisation": orgs["DJI"].pk}),
        (reverse("cases:timeline", args=[case.pk]), {"kind": "move", "description": "x"}),
        (reverse("cases:advice", args=[case.pk]), {"advice": "x"}),
        (reverse("cases:section", args=[case.pk, Leefgebied.POLITIE]), {"text": "x"}),
        (reverse("plans:start", args=[case.pk]), {}),
        (reverse("plans:evaluate", args=[case.pk]), {}),
        (reverse("plans:refer", args=[case.pk]), {"question": "x"}),
        (reverse("plans:edit", args=[plan.pk]), {"analysis": "x"}),
        (reverse("plans:goal_add", args=[plan.pk]), {"goal": "x"}),
        (reverse("meetings:case_uvos", args=[case.pk]), {"plan": "1"}),
        (reverse("meetings:uvo_detail", args=[meeting.pk]), {"action": "cancel"}),
        (reverse("meetings:agreement_status", args=[agreement.pk]), {"status": "done"}),
    ]
    for url, data in refused_pages:
        assert client.post(url, data).status_code == 403, url
    membership = case.team.get(organisation=orgs["WPI"])
    refused_api = [
        (
            "post",
            f"/api/v1/cases/{case.pk}/start-outflow",
            {"reason": "x", "receiving_organisation": "y"},
        ),
        ("post", f"/api/v1/cases/{case.pk}/team", {"organisation": orgs["DJI"].pk}),
        ("post", f"/api/v1/cases/{case.pk}/team/{membership.pk}/leave", {}),
        ("post", f"/api/v1/cases/{case.pk}/timeline", {"kind": "move", "description": "x"}),
        ("post", "/api/v1/plans", {"case": case.pk}),
        ("patch", f"/api/v1/plans/{plan.pk}", {"analysis": "x"}),
        ("post", "/api/v1/uvo-meetings", {"case": case.pk, "planned_at": "2031-01-01T10:00"}),
        ("patch", f"/api/v1/agreements/{agreement.pk}", {"status": "done"}),
    ]
    for method, url, data in refused_api:
        response = getattr(api, method)(url, data, format="json")
        assert response.status_code == 403, url
    case.refresh_from_db()
    assert Case.objects.filter(pk=case.pk).values().get() == before["case"]
    assert list(case.team.values()) == before["team"]
    assert list(Plan.objects.filter(case=case).values()) == before["plans"]
    assert TimelineEvent.objects.filter(case=case).count() == before["timeline"]
    assert list(UvoMeeting.objects.filter(case=case).values()) == before["uvos"]
    assert list(Agreement.objects.filter(case=case).values()) == before["agreements"]


def test_the_programme_team_keeps_its_assignment_window_in_every_programme(client, case_at, people):
    """Registration to appointment: every programme, also one the member does not support."""
    case = case_at("awaiting_assignment", programme_code="TOP400")
    client.force_login(people["programme"])
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    response = client.get(reverse("cases:transition", args=[case.pk, "assign"]))
    assert response.status_code == 200


def test_programme_team_members_are_kept_in_history(people):
    top600 = programme("TOP600")
    records = top600.history.all()
    assert any(people["programme"].pk in [m.user_id for m in r.team_members.all()] for r in records)


def test_an_organisation_that_left_the_team_no_longer_updates_its_agreement(
    api_as, supported, people, orgs, make_user
):
    """The agreement's owner acts while on the team; reading the case through a role (here a
    WPI programme-team member who supports Top600) is no licence to update it."""
    wpi_support = make_user(Role.PROGRAMME_TEAM, username="pt-wpi", organisation=orgs["WPI"])
    programme("TOP600").team_members.add(wpi_support)
    agreement = supported.agreements.get()
    api = api_as(wpi_support)
    membership = supported.team.get(organisation=orgs["WPI"])
    services.team_member_leave(membership=membership, by=people["regisseur"])
    response = api.patch(f"/api/v1/agreements/{agreement.pk}", {"status": "done"}, format="json")
    assert response.status_code == 403
    agreement.refresh_from_db()
    assert agreement.status == "open"


def test_the_admin_links_programme_team_members_to_a_programme(admin_client, people):
    top600 = programme("TOP600")
    response = admin_client.get(reverse("admin:cases_programme_change", args=[top600.pk]))
    assert response.status_code == 200
    choices = {
        user.pk for user in response.context["adminform"].form.fields["team_members"].queryset
    }
    assert people["programme"].pk in choices
    assert people["regisseur"].pk not in choices  # only programme-team members support
