import datetime

import pytest
from django.utils import timezone

from cases import services
from cases.models import OffenceRecord, Programme
from partners.models import Organisation
from tests.cases.api.helpers import assert_problem, invalid_names
from tests.factories import OffenceRecordFactory, PersonFactory, programme

pytestmark = pytest.mark.django_db


def test_programmes_with_their_inflow_criteria(api_as, people):
    client = api_as(people["system"])
    listed = client.get("/api/v1/programmes").json()
    assert listed["count"] == 5
    top600 = programme("TOP600")
    detail = client.get(f"/api/v1/programmes/{top600.pk}").json()
    assert detail == {
        "id": top600.pk,
        "code": "TOP600",
        "name": "Top600",
        "description": top600.description,
        "min_age": 18,
        "max_age": None,
        "min_offences": 3,
        "offence_kinds": ["arrest", "conviction"],
        "period_years": 5,
        "evaluation_interval_weeks": top600.evaluation_interval_weeks,
        "norms": {
            "plan_submit_days": 42,
            "uvo_clock_start": "regie_started",
            "casuistry_weeks": 3,
            "casuistry_anchor": "2026-01-06",
            "event_review_days": {
                "arrest": 14,
                "summons": 14,
                "detention_in": 7,
                "detention_out": 7,
                "court_date": 14,
                "new_measure": 14,
            },
            "own": [],
        },
        "active": True,
    }
    Programme.objects.filter(pk=top600.pk).update(
        plan_submit_days=21, uvo_clock_start="plan_approved", event_review_days={"arrest": 5}
    )
    norms = client.get(f"/api/v1/programmes/{top600.pk}").json()["norms"]
    assert (norms["plan_submit_days"], norms["uvo_clock_start"]) == (21, "plan_approved")
    assert (norms["event_review_days"]["arrest"], norms["event_review_days"]["summons"]) == (5, 14)
    assert norms["own"] == ["plan_submit_days", "uvo_clock_start", "event_review_days"]
    assert [p["code"] for p in client.get("/api/v1/programmes?code=TOP400").json()["results"]] == [
        "TOP400"
    ]
    assert_problem(client.post("/api/v1/programmes", {"code": "x"}), 405)


@pytest.fixture
def police_case(api_as, case_at, people, orgs):
    """A case in regie with the police on the team, so that the police system sees the person."""
    case = case_at("in_regie")
    services.team_member_add(case=case, by=people["regisseur"], organisation=orgs["POLITIE"])
    return case


def offence(person_id, **extra):
    day = timezone.localdate() - datetime.timedelta(days=3)
    return {
        "person": person_id,
        "date": day.isoformat(),
        "kind": "arrest",
        "category": "hic_street_robbery",
        **extra,
    }


def test_a_partner_system_pushes_an_offence_once(api_as, people, police_case):
    client = api_as(people["system"])
    first = client.post(
        "/api/v1/offence-records", offence(police_case.person_id, external_id="BVH-1")
    )
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["source"]["code"] == "POLITIE"
    assert body["external_id"] == "BVH-1"

    again = client.post(
        "/api/v1/offence-records", offence(police_case.person_id, external_id="BVH-1")
    )
    assert again.status_code == 200
    assert again.json() == body
    assert OffenceRecord.objects.filter(external_id="BVH-1").count() == 1

    without_reference = client.post("/api/v1/offence-records", offence(police_case.person_id))
    assert without_reference.status_code == 201
    assert without_reference.json()["external_id"] is None


def test_an_invisible_person_is_refused_like_a_missing_one(api_as, people, case_at):
    invisible = case_at("in_regie").person  # the police are not on this case's team
    client = api_as(people["system"])
    hidden = assert_problem(client.post("/api/v1/offence-records", offence(invisible.pk)), 400)
    missing = assert_problem(client.post("/api/v1/offence-records", offence(99999999)), 400)
    assert [p["name"] for p in hidden["invalid_params"]] == ["person"]
    assert hidden["invalid_params"][0]["code"] == missing["invalid_params"][0]["code"]
    assert hidden["invalid_params"][0]["code"] == "does_not_exist"
    assert OffenceRecord.objects.filter(person=invisible).count() == 3  # the eligibility ones


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"kind": "speeding"}, "kind"),
        ({"category": None}, "category"),
        ({"date": "2999-01-01"}, "date"),
        ({"description": "nul\x00byte"}, "description"),
        ({"external_id": "x" * 65}, "external_id"),
        ({"person": "een"}, "person"),
        ({"person": 10**30}, "person"),
    ],
)
def test_bad_offence_input_is_400(api_as, people, police_case, extra, field):
    response = api_as(people["system"]).post(
        "/api/v1/offence-records", offence(police_case.person_id, **extra)
    )
    assert field in invalid_names(response)


def test_only_partner_systems_push_offences(api_as, people, police_case):
    response = api_as(people["regisseur"]).post(
        "/api/v1/offence-records", offence(police_case.person_id)
    )
    assert_problem(response, 403, "permission_denied")


def test_the_offence_list_holds_visible_persons_and_the_callers_own_records(
    api_as, people, police_case, orgs
):
    OffenceRecordFactory(person=PersonFactory(), source=orgs["OM"])  # someone else's offence
    own = OffenceRecordFactory(person=PersonFactory())  # the police's, of a person out of sight
    client = api_as(people["system"])
    listed = client.get("/api/v1/offence-records").json()
    assert listed["count"] == 4
    assert {o["id"]: o["person"] for o in listed["results"]}[own.pk] is None
    assert {o["person"] for o in listed["results"]} == {police_case.person_id, None}
    by_person = client.get(f"/api/v1/offence-records?person={police_case.person_id}").json()
    assert by_person["count"] == 3
    assert client.get("/api/v1/offence-records?kind=conviction").json()["count"] == 0
    assert (
        client.get(
            f"/api/v1/offence-records?source={Organisation.objects.get(code='POLITIE').pk}"
        ).json()["count"]
        == 4
    )


def test_filtering_on_an_invisible_person_is_refused_like_a_missing_one(api_as, people, case_at):
    invisible = case_at("in_regie").person
    client = api_as(people["system"])
    for person_id in (invisible.pk, 99999999):
        response = client.get(f"/api/v1/offence-records?person={person_id}")
        assert invalid_names(response) == {"person"}


# --- a repeated external_id answers without data the client may not see ------------------------


@pytest.mark.parametrize("other_is_visible", [False, True])
def test_a_reused_external_id_for_another_person_is_a_409_that_reveals_nothing(
    api_as, people, orgs, police_case, case_at, other_is_visible
):
    """The first record under BVH-9 is of another person: the answer names neither that
    person nor the record, whether the client sees that person now or not."""
    other = case_at("in_regie")
    if other_is_visible:
        services.team_member_add(case=other, by=people["regisseur"], organisation=orgs["POLITIE"])
    first = OffenceRecord.objects.create(
        person=other.person,
        date=timezone.localdate() - datetime.timedelta(days=30),
        kind="conviction",
        category="hic_burglary",
        source=orgs["POLITIE"],
        external_id="BVH-9",
        description="Fictief-MERK-ander-delict",
    )
    response = api_as(people["system"]).post(
        "/api/v1/offence-records", offence(police_case.person_id, external_id="BVH-9")
    )
    body = assert_problem(response, 409, "duplicate")
    text = response.content.decode()
    for leaked in ("Fictief-MERK-ander-delict", other.person.last_name, "conviction"):
        assert leaked not in text
    assert str(first.pk) not in {str(v) for v in body.values()}
    assert OffenceRecord.objects.filter(external_id="BVH-9").count() == 1
    assert OffenceRecord.objects.get(external_id="BVH-9").person_id == other.person_id


def test_the_service_refuses_a_reused_external_id_for_another_person(people, orgs, police_case):
    from acvz.errors import DomainError

    other = PersonFactory()
    services.offence_record_create(
        by=people["system"],
        person=other,
        date=timezone.localdate(),
        kind="arrest",
        category="hic_street_robbery",
        external_id="BVH-10",
    )
    with pytest.raises(DomainError) as refused:
        services.offence_record_create(
            by=people["system"],
            person=police_case.person,
            date=timezone.localdate(),
            kind="arrest",
            category="hic_street_robbery",
            external_id="BVH-10",
        )
    assert refused.value.code == "duplicate"
    assert OffenceRecord.objects.get(external_id="BVH-10").person == other


@pytest.mark.parametrize("what", ["offence", "timeline"])
def test_a_push_that_loses_the_race_to_its_twin_answers_as_a_repeat(
    people, police_case, monkeypatch, what
):
    """Two identical pushes at once: the second finds nothing at its lookup, then meets the
    first one's row. It answers as a repeat (200 with the first record), never a 400 naming a
    database constraint (seen as ~5 % of concurrent repeats)."""
    from cases.models import TimelineEvent

    model = OffenceRecord if what == "offence" else TimelineEvent

    def push():
        if what == "offence":
            return services.offence_record_create(
                by=people["system"],
                person=police_case.person,
                date=timezone.localdate(),
                kind="arrest",
                category="hic_street_robbery",
                external_id="RACE-1",
            )
        return services.timeline_event_create(
            case=police_case,
            by=people["system"],
            kind="arrest",
            description="Fictieve aanhouding",
            external_id="RACE-1",
        )

    first, created = push()
    assert created
    manager, real_filter, blinded = model.objects, model.objects.filter, []

    def blind_once(*args, **kwargs):
        if kwargs.get("external_id") == "RACE-1" and not blinded:
            blinded.append(True)  # the twin's lookup ran before the first row was there
            return model.objects.none()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(manager, "filter", blind_once)
    again, created = push()
    assert blinded
    assert (again.pk, created) == (first.pk, False)
    assert model.objects.get_queryset().filter(external_id="RACE-1").count() == 1


def test_an_unknown_field_is_a_400_and_makes_no_second_record(api_as, people, police_case):
    """A mistyped `externalId` used to be ignored, so a repeat made a second record."""
    client = api_as(people["system"])
    body = offence(police_case.person_id, external_id="BVH-20")
    assert client.post("/api/v1/offence-records", body).status_code == 201
    stored = OffenceRecord.objects.count()
    mistyped = {key: value for key, value in body.items() if key != "external_id"}
    mistyped["externalId"] = "BVH-20"
    problem = assert_problem(client.post("/api/v1/offence-records", mistyped), 400, "invalid")
    assert [(p["name"], p["code"]) for p in problem["invalid_params"]] == [
        ("externalId", "unknown_field")
    ]
    assert OffenceRecord.objects.count() == stored


# --- correction and retraction by the source -----------------------------------------------------


def test_the_source_reads_corrects_and_retracts_its_record(api_as, people, police_case):
    client = api_as(people["system"])
    pushed = client.post(
        "/api/v1/offence-records", offence(police_case.person_id, external_id="C-1")
    )
    url = f"/api/v1/offence-records/{pushed.json()['id']}"
    assert client.get(url).json()["external_id"] == "C-1"
    # A push of the same reference with other content is a conflict, not a silent 200.
    changed = offence(police_case.person_id, external_id="C-1", kind="summons")
    assert_problem(client.post("/api/v1/offence-records", changed), 409, "conflict")
    corrected = client.put(
        url,
        {"date": timezone.localdate().isoformat(), "kind": "summons", "category": "other"},
    )
    assert corrected.status_code == 200, corrected.content
    record = OffenceRecord.objects.get(external_id="C-1")
    assert (record.kind, record.category, record.date) == ("summons", "other", timezone.localdate())
    assert record.history.count() == 2  # what it said before is kept
    assert client.delete(url).status_code == 204
    assert not OffenceRecord.objects.filter(external_id="C-1").exists()
    assert OffenceRecord.history.filter(external_id="C-1", history_type="-").exists()


def test_only_the_source_corrects_or_retracts(api_as, people, police_case, make_user, orgs):
    from partners.models import Role

    record, _created = services.offence_record_create(
        by=people["system"],
        person=police_case.person,
        date=timezone.localdate(),
        kind="arrest",
        category="hic_street_robbery",
        external_id="C-2",
    )
    url = f"/api/v1/offence-records/{record.pk}"
    other_system = make_user(Role.PARTNER_SYSTEM, organisation=orgs["RN"])
    body = {"date": timezone.localdate().isoformat(), "kind": "summons", "category": "other"}
    for who in (api_as(other_system), api_as(people["regisseur"])):
        assert who.put(url, body).status_code == 403
        assert who.delete(url).status_code == 403
    record.refresh_from_db()
    assert (record.kind, OffenceRecord.objects.filter(pk=record.pk).exists()) == ("arrest", True)
