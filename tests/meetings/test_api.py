"""The meetings API: UVOs, agreements and notifications, with their input rules.

Visibility and who may act are in test_permissions.py; query counts in test_query_counts.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import AccessChannel, AccessLogEntry
from meetings import services
from meetings.models import Agreement, Notification, UvoMeeting
from meetings.reminders import reminders_scan
from tests.cases.api.helpers import assert_problem, invalid_names
from tests.scenarios import settle

pytestmark = pytest.mark.django_db

UVOS = "/api/v1/uvo-meetings"
AGREEMENTS = "/api/v1/agreements"
NOTIFICATIONS = "/api/v1/notifications"
HUGE = 2**70


def today():
    return timezone.localdate()


def plan_uvo(case, people, days: int = 3) -> UvoMeeting:
    return services.uvo_plan(
        case=case, by=people["regisseur"], planned_at=timezone.now() + timedelta(days=days)
    )


def make_agreement(case, people, org, *, days: int = 7, person=None, **kwargs) -> Agreement:
    return services.agreement_create(
        case=case,
        by=people["regisseur"],
        description=kwargs.pop("description", "Fictieve afspraak"),
        owner_organisation=org,
        owner_person=person,
        deadline=today() + timedelta(days=days),
        **kwargs,
    )


# --- UVOs ---------------------------------------------------------------------------------------


def test_the_regisseur_plans_records_and_reads_a_uvo(api_as, team_case, people, orgs):
    client = api_as(people["regisseur"])
    planned_at = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    response = client.post(
        UVOS, {"case": team_case.pk, "planned_at": planned_at.isoformat(), "place": "Kantoor"}
    )
    assert response.status_code == 201, response.content
    uvo = response.json()
    assert (uvo["case"], uvo["status"], uvo["place"], uvo["lock_version"]) == (
        team_case.pk,
        "planned",
        "Kantoor",
        0,
    )
    assert uvo["chair"]["id"] == people["regisseur"].pk
    assert uvo["actions"] == ["record", "cancel"]
    assert uvo["attendees"] == []

    response = client.post(
        f"{UVOS}/{uvo['id']}/record",
        {
            "held_on": today().isoformat(),
            "minutes": "Fictieve notulen",
            "lock_version": 0,
            "attendees": [
                {"organisation": orgs["RN"].pk, "user": people["regisseur"].pk},
                {"organisation": orgs["WPI"].pk, "present": False},
                {"organisation": orgs["GGD"].pk, "name": "Fictieve arts"},
            ],
        },
    )
    assert response.status_code == 200, response.content
    held = response.json()
    assert (held["status"], held["held_on"], held["minutes"], held["lock_version"]) == (
        "held",
        today().isoformat(),
        "Fictieve notulen",
        1,
    )
    assert held["actions"] == ["record"]
    attendees = {(a["organisation"]["code"], a["present"], a["name"]) for a in held["attendees"]}
    assert attendees == {("RN", True, ""), ("WPI", False, ""), ("GGD", True, "Fictieve arts")}

    # Correcting the minutes keeps the attendees when the list is left out.
    response = client.post(
        f"{UVOS}/{uvo['id']}/record",
        {"held_on": today().isoformat(), "minutes": "Gecorrigeerd", "lock_version": 1},
    )
    assert response.status_code == 200, response.content
    assert len(response.json()["attendees"]) == 3

    detail = client.get(f"{UVOS}/{uvo['id']}").json()
    assert detail["minutes"] == "Gecorrigeerd"
    listed = client.get(UVOS, {"case": team_case.pk}).json()
    assert [u["id"] for u in listed["results"]] == [uvo["id"]]
    assert "minutes" not in listed["results"][0]


def test_reading_a_uvo_is_written_to_the_access_log(api_as, team_case, people):
    uvo = plan_uvo(team_case, people)
    before = AccessLogEntry.objects.count()
    api_as(people["partner"]).get(f"{UVOS}/{uvo.pk}")
    entry = AccessLogEntry.objects.order_by("-pk").first()
    assert AccessLogEntry.objects.count() == before + 1
    assert (entry.user, entry.channel) == (people["partner"], AccessChannel.API)
    assert list(entry.subjects.values_list("case_id", flat=True)) == [team_case.pk]


def test_a_stale_lock_version_is_409_and_changes_nothing(api_as, team_case, people):
    uvo = plan_uvo(team_case, people)
    client = api_as(people["regisseur"])
    body = {"held_on": today().isoformat(), "minutes": "Eerste", "lock_version": 0}
    assert client.post(f"{UVOS}/{uvo.pk}/record", body).status_code == 200
    assert_problem(
        client.post(f"{UVOS}/{uvo.pk}/record", {**body, "minutes": "Tweede"}), 409, "stale"
    )
    uvo.refresh_from_db()
    assert (uvo.minutes, uvo.lock_version) == ("Eerste", 1)


def test_cancel_and_the_transitions_it_refuses(api_as, team_case, people):
    uvo = plan_uvo(team_case, people)
    client = api_as(people["regisseur"])
    assert invalid_names(client.post(f"{UVOS}/{uvo.pk}/cancel", {"reason": "   "})) == {"reason"}
    response = client.post(f"{UVOS}/{uvo.pk}/cancel", {"reason": "Regisseur ziek"})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["cancel_reason"]) == (
        "cancelled",
        "Regisseur ziek",
    )
    assert response.json()["actions"] == []
    assert_problem(
        client.post(f"{UVOS}/{uvo.pk}/cancel", {"reason": "Nogmaals"}), 409, "invalid_transition"
    )
    record = {"held_on": today().isoformat(), "minutes": "", "lock_version": 1}
    assert_problem(client.post(f"{UVOS}/{uvo.pk}/record", record), 409, "invalid_transition")

    held = plan_uvo(team_case, people)
    services.uvo_record(meeting=held, by=people["regisseur"], held_on=today(), minutes="")
    assert_problem(
        client.post(f"{UVOS}/{held.pk}/cancel", {"reason": "Te laat"}), 409, "invalid_transition"
    )


def test_uvo_input_is_checked_field_by_field(api_as, team_case, people, orgs):
    uvo = plan_uvo(team_case, people)
    client = api_as(people["regisseur"])
    record = f"{UVOS}/{uvo.pk}/record"
    assert invalid_names(client.post(record, {})) == {"held_on", "lock_version"}
    tomorrow = (today() + timedelta(days=1)).isoformat()
    assert invalid_names(client.post(record, {"held_on": tomorrow, "lock_version": 0})) == {
        "held_on"
    }
    assert invalid_names(
        client.post(record, {"held_on": "31-12-2026", "lock_version": -1, "minutes": "a\x00b"})
    ) == {"held_on", "lock_version", "minutes"}
    wrong_person = {"organisation": orgs["WPI"].pk, "user": people["regisseur"].pk}
    assert invalid_names(
        client.post(
            record,
            {"held_on": today().isoformat(), "lock_version": 0, "attendees": [wrong_person]},
        )
    ) == {"attendees.0.user"}
    assert invalid_names(
        client.post(
            record,
            {
                "held_on": today().isoformat(),
                "lock_version": 0,
                "attendees": [{"organisation": HUGE}, {"organisation": "x"}, {}],
            },
        )
    ) == {"attendees.0.organisation", "attendees.1.organisation", "attendees.2.organisation"}
    assert invalid_names(
        client.post(record, {"held_on": today().isoformat(), "lock_version": 0, "attendees": 5})
    ) == {"attendees.non_field_errors"}
    assert invalid_names(
        client.post(UVOS, {"case": team_case.pk, "planned_at": "morgen", "place": "x" * 201})
    ) == {"planned_at", "place"}
    assert invalid_names(client.post(UVOS, {"case": HUGE, "planned_at": "2026-01-01T10:00"})) == {
        "case"
    }
    # Without an offset, year 1 in Amsterdam lies before year 1 in UTC: invalid, not a crash.
    for edge in ("0001-01-01T00:00:00", "0001-01-01T00:00:00+14:00"):
        assert invalid_names(client.post(UVOS, {"case": team_case.pk, "planned_at": edge})) == {
            "planned_at"
        }
    uvo.refresh_from_db()
    assert (uvo.status, uvo.lock_version) == ("planned", 0)


def test_uvo_list_filters(api_as, team_case, case_at, people):
    other = case_at("in_regie")
    planned = plan_uvo(team_case, people)
    held = plan_uvo(team_case, people, days=-7)
    services.uvo_record(meeting=held, by=people["regisseur"], held_on=today(), minutes="")
    elsewhere = plan_uvo(other, people)
    client = api_as(people["regisseur"])

    def ids(**params) -> set[int]:
        response = client.get(UVOS, params)
        assert response.status_code == 200, response.content
        return {u["id"] for u in response.json()["results"]}

    assert ids() == {planned.pk, held.pk, elsewhere.pk}
    assert ids(case=team_case.pk) == {planned.pk, held.pk}
    assert ids(case=team_case.pk, status="held") == {held.pk}
    assert invalid_names(client.get(UVOS, {"status": "bogus"})) == {"status"}
    assert invalid_names(client.get(UVOS, {"case": HUGE})) == {"case"}
    assert invalid_names(client.get(UVOS, {"case": "x"})) == {"case"}


def test_unknown_and_malformed_uvo_ids_are_404(api_as, people):
    client = api_as(people["regisseur"])
    for path in (f"{UVOS}/999999", f"{UVOS}/{HUGE}", f"{UVOS}/abc", f"{UVOS}/{HUGE}/record"):
        method = client.post if path.endswith("/record") else client.get
        assert_problem(method(path, {}), 404)


# --- agreements ---------------------------------------------------------------------------------


def test_the_regisseur_records_an_agreement_and_the_owner_updates_it(
    api_as, team_case, people, orgs
):
    uvo = plan_uvo(team_case, people)
    deadline = today() + timedelta(days=14)
    response = api_as(people["regisseur"]).post(
        AGREEMENTS,
        {
            "case": team_case.pk,
            "meeting": uvo.pk,
            "description": "Aanvraag uitkering begeleiden",
            "owner_organisation": orgs["WPI"].pk,
            "owner_person": people["partner"].pk,
            "deadline": deadline.isoformat(),
        },
    )
    assert response.status_code == 201, response.content
    agreement = response.json()
    assert agreement["owner_organisation"]["code"] == "WPI"
    assert agreement["owner_person"]["id"] == people["partner"].pk
    assert (agreement["meeting"], agreement["status"], agreement["overdue"]) == (
        uvo.pk,
        "open",
        False,
    )
    assert agreement["can_update"] is True

    partner = api_as(people["partner"])
    response = partner.patch(
        f"{AGREEMENTS}/{agreement['id']}", {"status": "done", "note": "Aanvraag ingediend"}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["status_note"]) == (
        "done",
        "Aanvraag ingediend",
    )
    # A PATCH of the note alone keeps the status, and the other way round.
    response = partner.patch(f"{AGREEMENTS}/{agreement['id']}", {"note": "Toegekend"})
    assert response.json()["status"] == "done"
    response = partner.patch(f"{AGREEMENTS}/{agreement['id']}", {"status": "open"})
    assert (response.json()["status"], response.json()["status_note"]) == ("open", "Toegekend")
    stored = Agreement.objects.get(pk=agreement["id"])
    assert stored.status_changed_by == people["partner"]


def test_agreement_input_is_checked_field_by_field(api_as, team_case, case_at, people, orgs):
    client = api_as(people["regisseur"])
    other_uvo = plan_uvo(case_at("in_regie"), people)
    good = {
        "case": team_case.pk,
        "description": "Fictieve afspraak",
        "owner_organisation": orgs["WPI"].pk,
        "deadline": today().isoformat(),
    }
    assert client.post(AGREEMENTS, good).status_code == 201
    assert invalid_names(client.post(AGREEMENTS, {})) == {
        "case",
        "description",
        "owner_organisation",
        "deadline",
    }
    yesterday = (today() - timedelta(days=1)).isoformat()
    assert invalid_names(client.post(AGREEMENTS, {**good, "deadline": yesterday})) == {"deadline"}
    assert invalid_names(client.post(AGREEMENTS, {**good, "meeting": other_uvo.pk})) == {"meeting"}
    assert invalid_names(
        client.post(AGREEMENTS, {**good, "owner_organisation": orgs["DJI"].pk})
    ) == {"owner_organisation"}
    assert invalid_names(
        client.post(AGREEMENTS, {**good, "owner_person": people["health_partner"].pk})
    ) == {"owner_person"}
    assert invalid_names(client.post(AGREEMENTS, {**good, "description": "a\x00b"})) == {
        "description"
    }
    assert invalid_names(client.post(AGREEMENTS, {**good, "owner_person": HUGE})) == {
        "owner_person"
    }
    assert Agreement.objects.count() == 1

    agreement = Agreement.objects.get()
    url = f"{AGREEMENTS}/{agreement.pk}"
    assert invalid_names(client.patch(url, {"status": "bogus", "note": "x" * 1001})) == {
        "status",
        "note",
    }
    assert invalid_names(client.patch(url, {"note": "\x00"})) == {"note"}
    assert_problem(client.put(url, {"status": "done"}), 405)
    assert_problem(client.delete(url), 405)


def test_the_service_keeps_agreements_on_the_case_team(team_case, people, orgs):
    from acvz.errors import DomainError

    with pytest.raises(DomainError) as refused:
        make_agreement(team_case, people, orgs["DJI"])
    assert refused.value.status_code == 400


def test_agreement_list_filters(api_as, team_case, people, orgs):
    late = make_agreement(team_case, people, orgs["WPI"], days=1)
    Agreement.objects.filter(pk=late.pk).update(deadline=today() - timedelta(days=1))
    due_today = make_agreement(team_case, people, orgs["WPI"], days=0)
    ggd = make_agreement(team_case, people, orgs["GGD"], days=5)
    done = make_agreement(team_case, people, orgs["RN"], days=1)
    services.agreement_set_status(agreement=done, by=people["regisseur"], status="done")
    Agreement.objects.filter(pk=done.pk).update(deadline=today() - timedelta(days=3))
    client = api_as(people["regisseur"])

    def ids(**params) -> list[int]:
        response = client.get(AGREEMENTS, params)
        assert response.status_code == 200, response.content
        return [a["id"] for a in response.json()["results"]]

    assert ids() == [done.pk, late.pk, due_today.pk, ggd.pk]  # by deadline
    assert ids(overdue="true") == [late.pk]
    assert ids(overdue="false") == [done.pk, due_today.pk, ggd.pk]
    assert ids(status="done") == [done.pk]
    assert ids(owner_organisation=orgs["WPI"].pk) == [late.pk, due_today.pk]
    assert ids(case=team_case.pk, ordering="-deadline") == [ggd.pk, due_today.pk, late.pk, done.pk]
    listed = {a["id"]: a for a in client.get(AGREEMENTS).json()["results"]}
    assert (listed[late.pk]["overdue"], listed[done.pk]["overdue"]) == (True, False)
    assert invalid_names(
        client.get(AGREEMENTS, {"overdue": "perhaps", "status": "x", "owner_organisation": HUGE})
    ) == {"overdue", "status", "owner_organisation"}


# --- notifications ------------------------------------------------------------------------------


def overdue_agreement_notified(team_case, people, orgs) -> Agreement:
    agreement = make_agreement(team_case, people, orgs["WPI"], person=people["partner"])
    Agreement.objects.filter(pk=agreement.pk).update(deadline=today() - timedelta(days=1))
    reminders_scan()
    return agreement


def test_my_notifications_unread_first_and_marked_read(api_as, team_case, people, orgs):
    overdue_agreement_notified(team_case, people, orgs)
    second = make_agreement(team_case, people, orgs["WPI"], person=people["partner"])
    Agreement.objects.filter(pk=second.pk).update(deadline=today() - timedelta(days=2))
    settle()  # the agreements' own notifications (tests/meetings/test_events.py)
    reminders_scan()
    client = api_as(people["partner"])
    mine = Notification.objects.filter(user=people["partner"]).order_by("pk")
    older, newer = [n.pk for n in mine]

    response = client.post(f"{NOTIFICATIONS}/{newer}/read")
    assert response.status_code == 200, response.content
    assert response.json()["read_at"] is not None
    listed = client.get(NOTIFICATIONS).json()["results"]
    assert [n["id"] for n in listed] == [older, newer]  # unread first, even when older
    assert listed[0]["kind"] == "agreement_overdue"
    assert listed[0]["case"] == team_case.pk
    unread = client.get(NOTIFICATIONS, {"unread": "true"}).json()["results"]
    assert [n["id"] for n in unread] == [older]
    read = client.get(NOTIFICATIONS, {"unread": "false"}).json()["results"]
    assert [n["id"] for n in read] == [newer]
    assert client.post(f"{NOTIFICATIONS}/read-all").json() == {"marked": 1}
    assert client.post(f"{NOTIFICATIONS}/read-all").json() == {"marked": 0}
    assert client.get(NOTIFICATIONS, {"unread": "true"}).json()["count"] == 0
    assert invalid_names(client.get(NOTIFICATIONS, {"unread": "soms"})) == {"unread"}


def test_someone_elses_notification_is_404(api_as, team_case, people, orgs):
    overdue_agreement_notified(team_case, people, orgs)
    theirs = Notification.objects.filter(user=people["partner"], event="").get()
    regisseur = api_as(people["regisseur"])
    assert_problem(regisseur.post(f"{NOTIFICATIONS}/{theirs.pk}/read"), 404)
    assert_problem(regisseur.post(f"{NOTIFICATIONS}/abc/read"), 404)
    assert_problem(regisseur.post(f"{NOTIFICATIONS}/{HUGE}/read"), 404)
    assert theirs.pk not in [n["id"] for n in regisseur.get(NOTIFICATIONS).json()["results"]]
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_agreements_are_read_and_updated_conditionally(api_as, team_case, people, orgs):
    agreement = services.agreement_create(
        case=team_case,
        by=people["regisseur"],
        description="Fictieve afspraak",
        owner_organisation=orgs["WPI"],
        deadline=today() + timedelta(days=7),
    )
    partner = api_as(people["partner"])
    url = f"{AGREEMENTS}/{agreement.pk}"
    read = partner.get(url)
    etag = read["ETag"]
    unchanged = partner.get(url, HTTP_IF_NONE_MATCH=etag)
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    # The regisseur changes it meanwhile: the partner's update of what it read is refused.
    api_as(people["regisseur"]).patch(url, {"note": "Fictief: termijn besproken"})
    stale = partner.patch(url, {"status": "done"}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    assert Agreement.objects.get(pk=agreement.pk).status == "open"
    fresh = partner.get(url, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    done = partner.patch(url, {"status": "done"}, HTTP_IF_MATCH=fresh["ETag"])
    assert done.status_code == 200, done.content
    assert done["ETag"] != fresh["ETag"]
    assert Agreement.objects.get(pk=agreement.pk).status == "done"


#: If-Match headers that name no entity tag (RFC 9110, 13.1.1): they match no version.
NO_ENTITY_TAG = ["", " ", ",", "garbage", "W/", '"unterminated', "W/ "]


@pytest.mark.parametrize("if_match", NO_ENTITY_TAG)
def test_an_if_match_naming_no_entity_tag_is_412_and_writes_nothing(
    api_as, team_case, people, orgs, if_match
):
    """As on plans: an empty or malformed If-Match is a precondition that fails, never "no
    check"."""
    agreement = make_agreement(team_case, people, orgs["WPI"])
    before = Agreement.objects.filter(pk=agreement.pk).values().get()
    history = agreement.history.count()
    response = api_as(people["partner"]).patch(
        f"{AGREEMENTS}/{agreement.pk}",
        {"status": "done", "note": "Overschreven?"},
        HTTP_IF_MATCH=if_match,
    )
    body = assert_problem(response, 412, "precondition_failed")
    assert "names no entity tag" in body["detail"]
    assert Agreement.objects.filter(pk=agreement.pk).values().get() == before
    assert agreement.history.count() == history


@pytest.mark.parametrize("if_match", [None, "*"])
def test_an_agreement_update_without_if_match_or_with_star_applies(
    api_as, team_case, people, orgs, if_match
):
    agreement = make_agreement(team_case, people, orgs["WPI"])
    headers = {} if if_match is None else {"HTTP_IF_MATCH": if_match}
    response = api_as(people["partner"]).patch(
        f"{AGREEMENTS}/{agreement.pk}", {"status": "done"}, **headers
    )
    assert response.status_code == 200, response.content
    assert Agreement.objects.get(pk=agreement.pk).status == "done"
