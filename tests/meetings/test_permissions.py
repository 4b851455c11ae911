"""Need-to-know on UVOs and agreements: the case's rules, on the pages and the API alike.

Out of scope is 404, exactly like missing; a team partner reads; only the regisseur (or the
accounthouder standing in) manages; the owning organisation updates its own agreement.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from meetings import services
from meetings.models import Agreement, Notification, UvoMeeting
from meetings.reminders import reminders_scan
from partners.models import Role
from tests.cases.api.helpers import assert_problem

pytestmark = pytest.mark.django_db

UVOS = "/api/v1/uvo-meetings"
AGREEMENTS = "/api/v1/agreements"

#: Who sees a case with WPI and GGD on its team: RN's regisseur and accounthouder direct it.
READERS = ("regisseur", "accounthouder", "partner", "health_partner")
MANAGERS = ("regisseur", "accounthouder")


@pytest.fixture
def world(team_case, people, orgs):
    uvo = services.uvo_plan(
        case=team_case, by=people["regisseur"], planned_at=timezone.now() + timedelta(days=3)
    )
    agreement = services.agreement_create(
        case=team_case,
        by=people["regisseur"],
        meeting=uvo,
        description="Fictieve afspraak WPI",
        owner_organisation=orgs["WPI"],
        owner_person=people["partner"],
        deadline=timezone.localdate() + timedelta(days=7),
    )
    return {"case": team_case, "uvo": uvo, "agreement": agreement}


def page(client, user, name, *args, method="get", data=None):
    client.force_login(user)
    url = reverse(f"meetings:{name}", args=args)
    return client.post(url, data or {}) if method == "post" else client.get(url)


# --- reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", [*READERS, "outsider", "itat", "ivg_politie"])
def test_who_reads_the_uvo_pages_and_endpoints(client, api_as, world, people, who):
    user = people[who]
    expected = 200 if who in READERS else 404
    uvo, agreement = world["uvo"], world["agreement"]
    assert page(client, user, "case_uvos", world["case"].pk).status_code == expected
    assert page(client, user, "uvo_detail", uvo.pk).status_code == expected
    api = api_as(user)
    for url in (f"{UVOS}/{uvo.pk}", f"{AGREEMENTS}/{agreement.pk}"):
        response = api.get(url)
        if expected == 404:
            assert_problem(response, 404)
        else:
            assert response.status_code == 200
    listed_uvos = {u["id"] for u in api.get(UVOS).json()["results"]}
    listed_agreements = {a["id"] for a in api.get(AGREEMENTS).json()["results"]}
    assert (uvo.pk in listed_uvos, agreement.pk in listed_agreements) == (
        (True, True) if who in READERS else (False, False)
    )


def test_an_organisation_that_left_the_team_no_longer_sees_them(client, api_as, world, people):
    membership = world["case"].team.get(organisation__code="WPI", left_on__isnull=True)
    case_services.team_member_leave(membership=membership, by=people["regisseur"])
    partner = people["partner"]
    assert page(client, partner, "uvo_detail", world["uvo"].pk).status_code == 404
    assert_problem(api_as(partner).get(f"{AGREEMENTS}/{world['agreement'].pk}"), 404)
    assert api_as(partner).get(AGREEMENTS).json()["count"] == 0


def test_a_filter_on_an_invisible_case_is_the_same_400_as_an_unknown_one(api_as, world, people):
    outsider = api_as(people["outsider"])
    for url in (UVOS, AGREEMENTS):
        body = assert_problem(outsider.get(url, {"case": world["case"].pk}), 400)
        unknown = assert_problem(outsider.get(url, {"case": 999999}), 400)
        assert body["invalid_params"][0]["code"] == unknown["invalid_params"][0]["code"]


# --- managing UVOs ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["partner", "health_partner", "outsider"])
def test_only_the_regisseur_manages_uvos_on_the_pages(client, world, people, who):
    expected = 404 if who == "outsider" else 403
    user, case, uvo = people[who], world["case"], world["uvo"]
    later = (timezone.now() + timedelta(days=9)).strftime("%Y-%m-%dT%H:%M")
    response = page(
        client, user, "case_uvos", case.pk, method="post", data={"plan": "1", "planned_at": later}
    )
    assert response.status_code == expected
    for action, data in (
        ("record", {"held_on": timezone.localdate().isoformat(), "lock_version": 0}),
        ("cancel", {"reason": "Geen tijd"}),
        ("agreement", {"description": "x", "deadline": "2030-01-01"}),
    ):
        response = page(
            client, user, "uvo_detail", uvo.pk, method="post", data={"action": action, **data}
        )
        assert response.status_code == expected, action
    assert UvoMeeting.objects.count() == 1
    uvo.refresh_from_db()
    assert (uvo.status, uvo.lock_version) == ("planned", 0)
    assert Agreement.objects.count() == 1


@pytest.mark.parametrize("who", ["partner", "health_partner", "outsider", "system"])
def test_only_the_regisseur_manages_uvos_through_the_api(api_as, world, people, orgs, who):
    user, case, uvo = people[who], world["case"], world["uvo"]
    if who == "system":  # WPI's partner system, on the team
        user.organisation = orgs["WPI"]
        user.save()
    api = api_as(user)
    later = (timezone.now() + timedelta(days=9)).isoformat()
    create = api.post(UVOS, {"case": case.pk, "planned_at": later})
    agreement = api.post(
        AGREEMENTS,
        {
            "case": case.pk,
            "description": "x",
            "owner_organisation": orgs["WPI"].pk,
            "deadline": "2030-01-01",
        },
    )
    record = api.post(
        f"{UVOS}/{uvo.pk}/record",
        {"held_on": timezone.localdate().isoformat(), "minutes": "", "lock_version": 0},
    )
    cancel = api.post(f"{UVOS}/{uvo.pk}/cancel", {"reason": "Geen tijd"})
    if who == "outsider":
        # The case is invisible: in a body it is "does not exist", in the URL 404.
        assert assert_problem(create, 400)["invalid_params"][0]["name"] == "case"
        assert assert_problem(agreement, 400)["invalid_params"][0]["name"] == "case"
        assert_problem(record, 404)
        assert_problem(cancel, 404)
    else:
        for response in (create, agreement, record, cancel):
            assert_problem(response, 403, "permission_denied")
    assert UvoMeeting.objects.count() == 1
    assert Agreement.objects.count() == 1


def test_bad_input_on_an_invisible_uvo_is_404_not_400(api_as, world, people):
    outsider = api_as(people["outsider"])
    assert_problem(outsider.post(f"{UVOS}/{world['uvo'].pk}/record", {"held_on": "x"}), 404)
    assert_problem(outsider.patch(f"{AGREEMENTS}/{world['agreement'].pk}", {"status": "x"}), 404)


def test_the_accounthouder_stands_in(api_as, world, people):
    response = api_as(people["accounthouder"]).post(
        f"{UVOS}/{world['uvo'].pk}/cancel", {"reason": "Regisseur afwezig"}
    )
    assert response.status_code == 200, response.content


def test_nobody_manages_uvos_of_a_closed_case(api_as, case_at, people):
    case = case_at("outflow")
    uvo = services.uvo_plan(
        case=case, by=people["regisseur"], planned_at=timezone.now() + timedelta(days=1)
    )
    case_services.case_close(case=case, by=people["regisseur"])
    api = api_as(people["regisseur"])  # still sees the case: they directed it
    assert api.get(f"{UVOS}/{uvo.pk}").json()["actions"] == []
    assert_problem(api.post(f"{UVOS}/{uvo.pk}/cancel", {"reason": "Gesloten"}), 403)


# --- updating agreements ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("partner", 200),  # WPI, the owning organisation
        ("system", 200),  # WPI's partner system
        ("regisseur", 200),
        ("accounthouder", 200),
        ("health_partner", 403),  # GGD: on the team, not the owner
        ("outsider", 404),
    ],
)
def test_who_updates_an_agreement_through_the_api(api_as, world, people, orgs, who, expected):
    user = people[who]
    if who == "system":
        user.organisation = orgs["WPI"]
        user.save()
    agreement = world["agreement"]
    response = api_as(user).patch(f"{AGREEMENTS}/{agreement.pk}", {"status": "done"})
    agreement.refresh_from_db()
    if expected == 200:
        assert response.status_code == 200, response.content
        assert response.json()["can_update"] is True
        assert (agreement.status, agreement.status_changed_by) == ("done", user)
    else:
        assert_problem(response, expected)
        assert agreement.status == "open"


@pytest.mark.parametrize(
    ("who", "expected"),
    [("partner", 302), ("regisseur", 302), ("health_partner", 403), ("outsider", 404)],
)
def test_who_updates_an_agreement_on_the_page(client, world, people, who, expected):
    agreement = world["agreement"]
    response = page(
        client,
        people[who],
        "agreement_status",
        agreement.pk,
        method="post",
        data={"status": "not_done", "note": "Geen capaciteit"},
    )
    assert response.status_code == expected
    agreement.refresh_from_db()
    assert agreement.status == ("not_done" if expected == 302 else "open")


def test_the_agreements_page_lists_only_my_organisations_agreements(client, world, people):
    own = page(client, people["partner"], "agreements")
    assert f'data-testid="agreement-{world["agreement"].pk}"' in own.content.decode()
    other = page(client, people["health_partner"], "agreements")
    assert f'data-testid="agreement-{world["agreement"].pk}"' not in other.content.decode()


def test_can_update_tells_each_reader_what_they_may_do(api_as, world, people):
    url = f"{AGREEMENTS}/{world['agreement'].pk}"
    assert api_as(people["partner"]).get(url).json()["can_update"] is True
    assert api_as(people["health_partner"]).get(url).json()["can_update"] is False


# --- notifications are personal -----------------------------------------------------------------


def test_notifications_are_only_the_users_own(client, world, people):
    Agreement.objects.filter(pk=world["agreement"].pk).update(
        deadline=timezone.localdate() - timedelta(days=1)
    )
    reminders_scan()
    theirs = Notification.objects.filter(user=people["partner"], event="").get()
    response = page(client, people["health_partner"], "notification_read", theirs.pk, method="post")
    assert response.status_code == 404
    inbox = page(client, people["health_partner"], "inbox").content.decode()
    assert f'data-testid="notification-{theirs.pk}"' not in inbox
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_user_without_an_organisation_sees_nothing(api_as, make_user, world):
    lonely = make_user(Role.REGISSEUR)
    lonely.organisation = None
    lonely.save()
    api = api_as(lonely)
    assert api.get(UVOS).json()["count"] == 0
    assert api.get(AGREEMENTS).json()["count"] == 0
    assert_problem(api.get(f"{UVOS}/{world['uvo'].pk}"), 404)
