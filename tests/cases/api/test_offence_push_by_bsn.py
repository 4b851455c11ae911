"""Offence records pushed by BSN: the police record what they know of a person that no case of
theirs names (or that Regie does not know yet, so inflow can be computed), and learn nothing
back that they could not see."""

import datetime

import pytest
from django.utils import timezone

from cases import services
from cases.eligibility import programme_eligibility
from cases.models import OffenceRecord, Person
from cases.selectors import person_list
from tests.cases.api.helpers import assert_problem, invalid_names
from tests.factories import PersonFactory, programme

pytestmark = pytest.mark.django_db

URL = "/api/v1/offence-records"
BSN = "111222333"
IDS_AND_TIMES = ("id", "external_id", "created_at", "updated_at")


def subject(bsn=BSN, **extra):
    return {
        "bsn": bsn,
        "first_name": "Fictief",
        "last_name": "Onbekend",
        "date_of_birth": "2000-05-01",
        **extra,
    }


def pushed(external_id="BVH-B1", days_ago=3, **extra):
    return {
        "subject": subject(),
        "date": (timezone.localdate() - datetime.timedelta(days=days_ago)).isoformat(),
        "kind": "arrest",
        "category": "hic_street_robbery",
        "external_id": external_id,
        **extra,
    }


def test_a_push_by_bsn_of_an_unknown_person_makes_the_person_and_names_no_one(api_as, people):
    client = api_as(people["system"])
    answer = client.post(URL, pushed())
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["person"] is None  # the police are on no case of this person
    person = Person.objects.get(bsn=BSN)
    assert (person.first_name, person.last_name, person.date_of_birth) == (
        "Fictief",
        "Onbekend",
        datetime.date(2000, 5, 1),
    )
    record = OffenceRecord.objects.get(pk=body["id"])
    assert (record.person, record.source.code, record.external_id) == (person, "POLITIE", "BVH-B1")
    assert person.history.get().history_user == people["system"]

    # The source reads its record back, corrects it and retracts it — still naming no one.
    assert client.get(f"{URL}/{record.pk}").json() == body
    corrected = client.put(
        f"{URL}/{record.pk}",
        {"date": body["date"], "kind": "summons", "category": "hic_robbery"},
    )
    assert corrected.status_code == 200, corrected.content
    assert (corrected.json()["kind"], corrected.json()["person"]) == ("summons", None)
    assert OffenceRecord.objects.get(pk=record.pk).kind == "summons"
    assert client.delete(f"{URL}/{record.pk}").status_code == 204
    assert not OffenceRecord.objects.filter(pk=record.pk).exists()
    assert Person.objects.filter(bsn=BSN).exists()  # the person stays: others may know them


def test_a_known_bsn_is_answered_exactly_as_an_unknown_one(api_as, people, case_at):
    """Whether Regie knows the person (here: in regie on a case the police are not on) does
    not show in the answer; the stored person keeps their details."""
    known = case_at("in_regie").person
    known.bsn = "123456782"
    known.save()
    client = api_as(people["system"])
    first = client.post(URL, pushed(external_id="BVH-K1", subject=subject("123456782")))
    second = client.post(URL, pushed(external_id="BVH-U1", subject=subject("999999990")))
    assert (first.status_code, second.status_code) == (201, 201)
    shape = lambda body: {k: v for k, v in body.items() if k not in IDS_AND_TIMES}  # noqa: E731
    assert shape(first.json()) == shape(second.json())
    assert known.last_name not in first.content.decode()
    known.refresh_from_db()
    assert known.last_name != "Onbekend"
    assert OffenceRecord.objects.get(external_id="BVH-K1").person == known
    assert Person.objects.filter(bsn="123456782").count() == 1


def test_a_push_by_bsn_of_a_person_the_police_see_names_them(api_as, people, case_at, orgs):
    case = case_at("in_regie")
    services.team_member_add(case=case, by=people["regisseur"], organisation=orgs["POLITIE"])
    case.person.bsn = BSN
    case.person.save()
    answer = api_as(people["system"]).post(URL, pushed())
    assert answer.status_code == 201
    assert answer.json()["person"] == case.person_id


def test_a_repeated_push_by_bsn_is_a_repeat_and_another_bsn_is_refused(api_as, people):
    client = api_as(people["system"])
    first = client.post(URL, pushed())
    again = client.post(URL, pushed())
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    other = client.post(URL, pushed(subject=subject("999999990")))
    assert assert_problem(other, 409)["code"] == "duplicate"
    assert OffenceRecord.objects.filter(external_id="BVH-B1").count() == 1
    assert Person.objects.filter(bsn__in=[BSN, "999999990"]).count() == 1


@pytest.mark.parametrize(
    ("change", "names"),
    [
        ({"person": 1}, ["person"]),  # both
        ({"subject": None}, ["subject"]),
        ({"subject": subject("123456789")}, ["subject.bsn"]),  # fails the 11-test
        ({"subject": subject(bsnn="111222333")}, ["subject.bsnn"]),  # a mistyped field
        ({"subject": subject(date_of_birth=20000501)}, ["subject.date_of_birth"]),
        ({"subject": subject(date_of_birth="2999-01-01")}, ["subject.date_of_birth"]),
        ({"subject": subject(date_of_birth="1870-01-01")}, ["subject.date_of_birth"]),
        ({"subject": subject(first_name="")}, ["subject.first_name"]),
        ({"subject": subject(last_name="nul\x00byte")}, ["subject.last_name"]),
        ({"subject": "111222333"}, ["subject"]),
    ],
)
def test_bad_subjects_are_400_and_store_nothing(api_as, people, change, names):
    body = pushed(**change)
    if change.get("subject", "") is None:
        del body["subject"]  # neither person nor subject
        names = ["person"]
    answer = api_as(people["system"]).post(URL, body)
    assert_problem(answer, 400)
    assert invalid_names(answer) == set(names)
    assert not OffenceRecord.objects.filter(external_id="BVH-B1").exists()
    assert not Person.objects.filter(last_name="Onbekend").exists()


def test_a_refused_record_takes_its_new_person_with_it(people):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.offence_record_create(
            by=people["system"],
            subject={
                "bsn": BSN,
                "first_name": "Fictief",
                "last_name": "Onbekend",
                "date_of_birth": datetime.date(2000, 5, 1),
            },
            date=timezone.localdate() + datetime.timedelta(days=1),  # in the future
            kind="arrest",
            category="hic_street_robbery",
        )
    assert not Person.objects.filter(bsn=BSN).exists()


def test_a_person_made_at_the_same_moment_by_a_twin_push_is_the_one_used(people, monkeypatch):
    """Two pushes for one new BSN at once: the second's lookup found no one, then the unique BSN
    meets the first one's person. It uses that person, never makes a second or fails."""
    twin = PersonFactory(bsn=BSN)
    real_filter = Person.objects.filter
    blinded = []

    def blind_once(*args, **kwargs):
        if kwargs.get("bsn") == BSN and not blinded:
            blinded.append(True)
            return Person.objects.none()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Person.objects, "filter", blind_once)
    record, created = services.offence_record_create(
        by=people["system"],
        subject={
            "bsn": BSN,
            "first_name": "Fictief",
            "last_name": "Onbekend",
            "date_of_birth": datetime.date(2000, 5, 1),
        },
        date=timezone.localdate(),
        kind="arrest",
        category="hic_street_robbery",
    )
    assert blinded
    assert created
    assert record.person == twin
    assert Person.objects.filter(bsn=BSN).count() == 1


def test_pushes_by_bsn_make_inflow_computable_for_the_programme_team(api_as, people):
    client = api_as(people["system"])
    for n in range(3):
        assert client.post(URL, pushed(external_id=f"BVH-I{n}", days_ago=10 + n)).status_code == 201
    person = Person.objects.get(bsn=BSN)
    assert programme_eligibility(person=person, programme=programme("TOP600")).eligible
    assert person_list(user=people["programme"]).filter(pk=person.pk).exists()
    assert not person_list(user=people["system"]).filter(pk=person.pk).exists()


def test_a_batch_takes_subjects_item_by_item(api_as, people):
    items = [pushed(external_id="BVH-X1"), pushed(external_id="BVH-X2", subject=subject("1"))]
    answer = api_as(people["system"]).post(f"{URL}/batch", {"items": items})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["created"], body["failed"]) == (1, 1)
    assert body["results"][1]["problem"]["invalid_params"][0]["name"] == "subject.bsn"
    assert OffenceRecord.objects.get(external_id="BVH-X1").person.bsn == BSN
