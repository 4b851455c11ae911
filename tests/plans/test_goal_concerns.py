"""A plan goal about a family member (goal 3): one of the person's relatives only, shown on
the goal, and hidden with the goal under the health rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from acvz.errors import DomainError
from cases import services as case_services
from cases.models import Leefgebied
from plans import services
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(people):
    def make(case, first_name="Kind"):
        person = PersonFactory(first_name=first_name, date_of_birth=dt.date(2015, 3, 3))
        case_services.family_relation_add(
            person=case.person, relative=person, kind="child", by=people["programme"]
        )
        return person

    return make


def test_a_goal_concerns_a_relative_and_shows_it(client, plan_at, people, orgs, child):
    plan = plan_at("draft")
    kid = child(plan.case, "KINDMARKER-3")
    goal = services.goal_add(
        plan=plan,
        by=people["regisseur"],
        leefgebied=Leefgebied.SOCIAAL_NETWERK,
        goal="Fictief: het kind gaat naar de sportclub",
        responsible_organisation=orgs["WPI"],
        concerns=kid,
    )
    assert goal.concerns == kid
    client.force_login(people["partner"])  # WPI, on the team
    response = client.get(reverse("plans:detail", args=[plan.pk]))
    assert b"KINDMARKER-3" in response.content


def test_only_a_relative(client, plan_at, people, orgs):
    plan = plan_at("draft")
    stranger = PersonFactory(first_name="VREEMDE-7")
    with pytest.raises(DomainError):
        services.goal_add(
            plan=plan,
            by=people["regisseur"],
            leefgebied=Leefgebied.SOCIAAL_NETWERK,
            goal="Fictief",
            concerns=stranger,
        )
    client.force_login(people["regisseur"])
    plan.refresh_from_db()
    response = client.post(
        reverse("plans:goal_add", args=[plan.pk]),
        {
            "leefgebied": Leefgebied.SOCIAAL_NETWERK,
            "goal": "Fictief",
            "concerns": stranger.pk,
            "lock_version": plan.lock_version,
        },
    )
    assert response.status_code == 200
    assert "concerns" in response.context["form"].errors  # not among the choices
    assert b"VREEMDE-7" not in response.content


def test_a_health_goal_keeps_whom_it_concerns_to_itself(client, plan_at, people, orgs, child):
    plan = plan_at("draft")
    kid = child(plan.case, "GEZONDHEIDKIND-9")
    goal = services.goal_add(
        plan=plan,
        by=people["regisseur"],
        leefgebied=Leefgebied.GEZONDHEID,
        goal="Fictief: zorg voor het kind",
        responsible_organisation=orgs["GGD"],
        concerns=kid,
    )
    client.force_login(people["partner"])  # WPI: no health organisation
    response = client.get(reverse("plans:detail", args=[plan.pk]))
    assert response.status_code == 200
    assert b"GEZONDHEIDKIND-9" not in response.content
    client.force_login(people["health_partner"])
    response = client.get(reverse("plans:detail", args=[plan.pk]))
    assert b"GEZONDHEIDKIND-9" in response.content
    assert f'data-testid="concerns-{goal.pk}"'.encode() in response.content


def test_a_change_of_whom_it_concerns_asks_to_commit_again(plan_at, people, orgs, child):
    plan = plan_at("draft")
    goal = plan.goals.get(leefgebied=Leefgebied.FINANCIEN)
    services.goal_commit(goal=goal, by=people["partner"], committed=True)
    goal = services.goal_update(goal=goal, by=people["regisseur"], concerns=child(plan.case))
    assert goal.commitment == "pending"


def test_the_api_names_whom_a_goal_concerns_under_the_health_rule(
    api_as, plan_at, people, orgs, child
):
    plan = plan_at("draft")
    kid = child(plan.case, "APIKIND-5")
    health = services.goal_add(
        plan=plan,
        by=people["regisseur"],
        leefgebied=Leefgebied.GEZONDHEID,
        goal="Fictief: zorg voor het kind",
        responsible_organisation=orgs["GGD"],
        concerns=kid,
    )
    other = services.goal_add(
        plan=plan,
        by=people["regisseur"],
        leefgebied=Leefgebied.SOCIAAL_NETWERK,
        goal="Fictief: sportclub",
        responsible_organisation=orgs["WPI"],
        concerns=kid,
    )
    partner = api_as(people["partner"])  # WPI: no health organisation
    body = partner.get(f"/api/v1/plan-goals/{other.pk}").json()
    assert body["concerns"]["first_name"] == "APIKIND-5"
    response = partner.get(f"/api/v1/plan-goals/{health.pk}")
    assert response.json()["concerns"] is None
    assert b"APIKIND-5" not in response.content
    body = api_as(people["health_partner"]).get(f"/api/v1/plan-goals/{health.pk}").json()
    assert body["concerns"]["id"] == kid.pk
