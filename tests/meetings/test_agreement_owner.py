"""Whom an agreement made at a UVO may name: the people around the case in the team's
organisations, not every user of those organisations (a select of thousands at city scale)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from meetings import services
from meetings.models import Agreement, UvoAttendee
from partners.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def uvo(team_case, people):
    return services.uvo_plan(
        case=team_case,
        by=people["regisseur"],
        planned_at=timezone.now() + timedelta(days=3),
        place="Kantoor",
    )


def options(client, people, uvo) -> set[str]:
    client.force_login(people["regisseur"])
    response = client.get(reverse("meetings:uvo_detail", args=[uvo.pk]))
    field = response.context["agreement_form"].fields["owner_person"]
    return {user.username for user in field.queryset}


def test_the_person_select_lists_the_people_around_the_case(
    client, team_case, people, orgs, make_user, uvo
):
    make_user(Role.INTERVENTIEPLEGER, username="wpi-colleague", organisation=orgs["WPI"])
    make_user(
        Role.INTERVENTIEPLEGER,
        username="wpi-contact",
        organisation=orgs["WPI"],
        organisation_contact=True,
    )
    make_user(
        Role.INTERVENTIEPLEGER,
        username="dji-contact",
        organisation=orgs["DJI"],
        organisation_contact=True,
    )  # DJI is not on the team
    make_user(
        Role.INTERVENTIEPLEGER,
        username="wpi-left",
        organisation=orgs["WPI"],
        is_active=False,
        organisation_contact=True,
    )
    attendee = make_user(Role.REGISSEUR, username="ggd-attendee", organisation=orgs["GGD"])
    UvoAttendee.objects.create(meeting=uvo, organisation=orgs["GGD"], user=attendee)
    team_case.team.filter(organisation=orgs["WPI"]).update(professional=people["partner"])

    assert options(client, people, uvo) == {
        people["regisseur"].username,
        people["accounthouder"].username,
        people["partner"].username,  # WPI's professional on the team
        "wpi-contact",
        "ggd-attendee",
    }


def test_naming_someone_outside_the_list_is_a_form_error_and_stores_nothing(
    client, team_case, people, orgs, make_user, uvo
):
    colleague = make_user(Role.INTERVENTIEPLEGER, organisation=orgs["WPI"])
    client.force_login(people["regisseur"])
    response = client.post(
        reverse("meetings:uvo_detail", args=[uvo.pk]),
        {
            "action": "agreement",
            "description": "Fictieve afspraak",
            "owner_organisation": orgs["WPI"].pk,
            "owner_person": colleague.pk,
            "deadline": (timezone.localdate() + timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "owner_person" in response.context["agreement_form"].errors
    assert not Agreement.objects.exists()


def test_a_professional_whose_organisation_left_the_team_is_not_offered(
    client, team_case, people, orgs, uvo
):
    team_case.team.filter(organisation=orgs["WPI"]).update(professional=people["partner"])
    membership = team_case.team.get(organisation=orgs["WPI"], left_on__isnull=True)
    case_services.team_member_leave(membership=membership, by=people["regisseur"])
    assert people["partner"].username not in options(client, people, uvo)
