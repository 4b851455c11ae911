"""Domain rules below the lifecycle: BSN, eligibility, family, offence pushes, the access log."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from acvz.errors import DomainError, NotAllowed
from cases import services
from cases.eligibility import programme_eligibility
from cases.models import (
    FamilyRelation,
    OffenceCategory,
    OffenceKind,
    OffenceRecord,
    Person,
    RelationKind,
)
from cases.validators import bsn_is_valid, validate_bsn
from tests.factories import OffenceRecordFactory, PersonFactory, programme

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
ON = datetime.date(2025, 3, 12)


# --- BSN: the 11-test --------------------------------------------------------------------------


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "999999990"])
def test_valid_bsns_pass_the_11_test(bsn):
    assert bsn_is_valid(bsn)
    validate_bsn(bsn)


@pytest.mark.parametrize(
    "bsn",
    [
        "123456789",  # checksum off by the last digit
        "111222334",
        "000000000",  # sum 0 is divisible by 11 but no BSN
        "12345678",  # 8 digits
        "1234567820",  # 10 digits
        "12345678a",
        " 11222333",
        "11122233-",
        "-11222333",
    ],
)
def test_invalid_bsns_are_refused(bsn):
    assert not bsn_is_valid(bsn)
    with pytest.raises(ValidationError) as excinfo:
        validate_bsn(bsn)
    assert excinfo.value.code == "invalid_bsn"


@pytest.mark.parametrize("empty", [None, ""])
def test_no_bsn_is_allowed(empty):
    validate_bsn(empty)


@pytest.mark.parametrize("bsn", ["１１１２２２３３３", "١١١٢٢٢٣٣٣"])
def test_non_ascii_digits_are_not_a_bsn(bsn):
    assert not bsn_is_valid(bsn)


def test_superscript_digit_is_refused_not_a_crash():
    with pytest.raises(ValidationError):
        validate_bsn("11122233²")


def test_bsn_is_unique_when_present(people):
    by = people["programme"]
    services.person_create(
        by=by, first_name="Fictief", last_name="Een", date_of_birth=ON, bsn="111222333"
    )
    with pytest.raises(ValidationError):
        services.person_create(
            by=by, first_name="Fictief", last_name="Twee", date_of_birth=ON, bsn="111222333"
        )
    assert Person.objects.filter(bsn="111222333").count() == 1


def test_a_bsn_in_other_digits_does_not_slip_past_uniqueness(people):
    by = people["programme"]
    services.person_create(
        by=by, first_name="Fictief", last_name="Een", date_of_birth=ON, bsn="111222333"
    )
    with pytest.raises(ValidationError):
        services.person_create(
            by=by,
            first_name="Fictief",
            last_name="Twee",
            date_of_birth=ON,
            bsn="１１１２２２３３３",
        )
    assert Person.objects.filter(last_name__in=["Een", "Twee"]).count() == 1


def test_many_persons_without_bsn_are_allowed(people):
    by = people["programme"]
    for n, bsn in enumerate([None, "", None, ""]):
        services.person_create(
            by=by, first_name="Fictief", last_name=f"Zonder{n}", date_of_birth=ON, bsn=bsn
        )
    assert Person.objects.filter(last_name__startswith="Zonder", bsn__isnull=True).count() == 4


def test_person_create_refuses_an_invalid_bsn_and_a_future_birth_date(people):
    by = people["programme"]
    with pytest.raises(ValidationError):
        services.person_create(
            by=by, first_name="Fictief", last_name="Fout", date_of_birth=ON, bsn="123456789"
        )
    with pytest.raises(ValidationError):
        services.person_create(
            by=by,
            first_name="Fictief",
            last_name="Toekomst",
            date_of_birth=timezone.localdate() + 10 * DAY,
        )
    assert not Person.objects.filter(last_name__in=["Fout", "Toekomst"]).exists()


def test_person_create_needs_the_permission(people):
    with pytest.raises(NotAllowed):
        services.person_create(
            by=people["regisseur"], first_name="Fictief", last_name="X", date_of_birth=ON
        )


# --- eligibility ---------------------------------------------------------------------------------


def _offence(person, day, kind=OffenceKind.ARREST, category=OffenceCategory.STRAATROOF):
    return OffenceRecordFactory(person=person, date=day, kind=kind, category=category)


def adult():
    return PersonFactory(date_of_birth=datetime.date(1990, 1, 1))


def test_top600_three_hic_offences_in_five_years_is_eligible():
    person = adult()
    for days in (10, 400, 1000):
        _offence(person, ON - days * DAY)
    result = programme_eligibility(person=person, programme=programme("TOP600"), on=ON)
    assert result.eligible
    assert result.offence_count == 3
    assert result.age == 35


def test_top600_two_offences_are_not_enough_and_the_reason_says_so():
    person = adult()
    _offence(person, ON - 10 * DAY)
    _offence(person, ON - 20 * DAY)
    result = programme_eligibility(person=person, programme=programme("TOP600"), on=ON)
    assert not result.eligible
    assert result.offence_count == 2
    assert "12-03-2020" in result.reason  # the window start, written as every date in the app


@pytest.mark.parametrize(
    ("days_before_start", "eligible"),
    [(0, True), (1, False)],
    ids=["on-the-period-start-counts", "the-day-before-does-not"],
)
def test_top600_period_boundary(days_before_start, eligible):
    person = adult()
    start = datetime.date(2020, 3, 12)  # ON minus 5 years
    _offence(person, ON - 10 * DAY)
    _offence(person, ON - 20 * DAY)
    _offence(person, start - days_before_start * DAY)
    result = programme_eligibility(person=person, programme=programme("TOP600"), on=ON)
    assert result.eligible is eligible
    # The preloaded path (used by list pages) agrees with the query path.
    preloaded = programme_eligibility(
        person=person,
        programme=programme("TOP600"),
        on=ON,
        offences=list(OffenceRecord.objects.filter(person=person)),
    )
    assert preloaded == result


def test_offences_after_the_day_and_of_other_kinds_or_categories_do_not_count():
    person = adult()
    _offence(person, ON - 10 * DAY)
    _offence(person, ON - 11 * DAY)
    _offence(person, ON + DAY)  # after the reference day
    _offence(person, ON - 12 * DAY, kind=OffenceKind.SUMMONS)  # Top600 counts arrest/conviction
    _offence(person, ON - 13 * DAY, category=OffenceCategory.OTHER)
    result = programme_eligibility(person=person, programme=programme("TOP600"), on=ON)
    assert not result.eligible
    assert result.offence_count == 2
    _offence(person, ON - 14 * DAY, kind=OffenceKind.CONVICTION, category=OffenceCategory.WAPEN)
    result = programme_eligibility(person=person, programme=programme("TOP600"), on=ON)
    assert result.eligible
    assert result.offence_count == 3


def test_top600_needs_an_adult():
    minor = PersonFactory(date_of_birth=datetime.date(2007, 3, 13))  # 18 tomorrow
    for days in (10, 20, 30):
        _offence(minor, ON - days * DAY)
    result = programme_eligibility(person=minor, programme=programme("TOP600"), on=ON)
    assert not result.eligible
    assert result.age == 17
    assert result.offence_count is None
    assert programme_eligibility(person=minor, programme=programme("TOP600"), on=ON + DAY).eligible


@pytest.mark.parametrize(
    ("born", "eligible", "age"),
    [
        (datetime.date(2013, 3, 13), False, 11),  # turns 12 tomorrow
        (datetime.date(2013, 3, 12), True, 12),  # 12 today
        (datetime.date(2000, 3, 13), True, 24),  # turns 25 tomorrow
        (datetime.date(2000, 3, 12), False, 25),  # 25 today
    ],
)
def test_top400_age_limits_12_to_24(born, eligible, age):
    person = PersonFactory(date_of_birth=born)
    _offence(person, ON - 10 * DAY, kind=OffenceKind.SUMMONS)
    result = programme_eligibility(person=person, programme=programme("TOP400"), on=ON)
    assert result.eligible is eligible
    assert result.age == age


def test_top400_period_is_three_years():
    person = PersonFactory(date_of_birth=datetime.date(2005, 1, 1))
    _offence(person, datetime.date(2022, 3, 11))
    assert not programme_eligibility(person=person, programme=programme("TOP400"), on=ON).eligible
    _offence(person, datetime.date(2022, 3, 12))
    assert programme_eligibility(person=person, programme=programme("TOP400"), on=ON).eligible


@pytest.mark.parametrize("code", ["VERWARD", "RADICALISERING"])
def test_programmes_without_an_offence_criterion_take_anyone(code):
    for born in (datetime.date(2010, 1, 1), datetime.date(1960, 1, 1)):
        person = PersonFactory(date_of_birth=born)
        result = programme_eligibility(person=person, programme=programme(code), on=ON)
        assert result.eligible
        assert result.offence_count is None


def test_detentie_has_no_offence_criterion_but_an_age_limit():
    result = programme_eligibility(person=adult(), programme=programme("DETENTIE"), on=ON)
    assert result.eligible
    minor = PersonFactory(date_of_birth=datetime.date(2010, 1, 1))
    assert not programme_eligibility(person=minor, programme=programme("DETENTIE"), on=ON).eligible


def test_period_start_on_29_february():
    person = adult()
    on = datetime.date(2024, 2, 29)
    _offence(person, on - DAY)
    _offence(person, on - 2 * DAY)
    _offence(person, datetime.date(2019, 2, 28))
    assert programme_eligibility(person=person, programme=programme("TOP600"), on=on).eligible


# --- family relations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "inverse"),
    [
        (RelationKind.CHILD, RelationKind.PARENT),
        (RelationKind.PARENT, RelationKind.CHILD),
        (RelationKind.SIBLING, RelationKind.SIBLING),
        (RelationKind.PARTNER, RelationKind.PARTNER),
    ],
)
def test_family_relation_creates_the_inverse(people, kind, inverse):
    person, relative = PersonFactory(), PersonFactory()
    relation = services.family_relation_add(
        person=person, relative=relative, kind=kind, by=people["regisseur"]
    )
    assert (relation.person, relation.relative, relation.kind) == (person, relative, kind)
    back = FamilyRelation.objects.get(person=relative, relative=person)
    assert back.kind == inverse
    assert FamilyRelation.objects.count() == 2


def test_family_relation_refuses_duplicates_self_and_outsiders(people):
    person, relative = PersonFactory(), PersonFactory()
    by = people["programme"]
    services.family_relation_add(person=person, relative=relative, kind=RelationKind.SIBLING, by=by)
    with pytest.raises(DomainError) as excinfo:
        services.family_relation_add(
            person=person, relative=relative, kind=RelationKind.CHILD, by=by
        )
    assert excinfo.value.code == "duplicate"
    with pytest.raises(DomainError) as excinfo:
        services.family_relation_add(
            person=relative, relative=person, kind=RelationKind.SIBLING, by=by
        )
    assert excinfo.value.code == "duplicate"
    with pytest.raises(DomainError) as excinfo:
        services.family_relation_add(
            person=person, relative=person, kind=RelationKind.SIBLING, by=by
        )
    assert excinfo.value.code == "invalid"
    with pytest.raises(NotAllowed):
        services.family_relation_add(
            person=person, relative=PersonFactory(), kind=RelationKind.CHILD, by=people["partner"]
        )
    assert FamilyRelation.objects.count() == 2


# --- offence pushes ---------------------------------------------------------------------------


def test_offence_push_is_idempotent_by_external_id(people):
    person = PersonFactory()
    system = people["system"]
    first, created = services.offence_record_create(
        by=system,
        person=person,
        date=ON,
        kind=OffenceKind.ARREST,
        category=OffenceCategory.OVERVAL,
        external_id="BVH-2025-0001",
    )
    assert created
    assert first.source == system.organisation
    again, created = services.offence_record_create(
        by=system,
        person=person,
        date=ON,
        kind=OffenceKind.ARREST,
        category=OffenceCategory.OVERVAL,
        external_id="BVH-2025-0001",
    )
    assert (again.pk, created) == (first.pk, False)
    # The same reference with other content is a conflict: a correction goes through PUT.
    from acvz.errors import DomainError

    with pytest.raises(DomainError) as refused:
        services.offence_record_create(
            by=system,
            person=person,
            date=ON - DAY,
            kind=OffenceKind.CONVICTION,
            category=OffenceCategory.DRUGS,
            external_id="BVH-2025-0001",
            description="tweede push",
        )
    assert refused.value.code == "conflict"
    first.refresh_from_db()
    assert (first.date, first.kind, first.description) == (ON, OffenceKind.ARREST, "")
    assert OffenceRecord.objects.filter(person=person).count() == 1


def test_offence_push_without_reference_creates_each_time(people):
    person = PersonFactory()
    for external_id in (None, "", None):
        _record, created = services.offence_record_create(
            by=people["system"],
            person=person,
            date=ON,
            kind=OffenceKind.ARREST,
            category=OffenceCategory.OVERVAL,
            external_id=external_id,
        )
        assert created
    assert OffenceRecord.objects.filter(person=person, external_id__isnull=True).count() == 3


def test_the_same_reference_from_another_source_is_another_record(people, make_user, orgs):
    from partners.models import Role

    om_system = make_user(Role.PARTNER_SYSTEM, username="sys-om", organisation=orgs["OM"])
    person = PersonFactory()
    for by in (people["system"], om_system):
        _record, created = services.offence_record_create(
            by=by,
            person=person,
            date=ON,
            kind=OffenceKind.CONVICTION,
            category=OffenceCategory.OVERVAL,
            external_id="REF-1",
        )
        assert created
    assert OffenceRecord.objects.filter(external_id="REF-1").count() == 2


def test_offence_push_only_for_the_own_organisation(people, orgs):
    with pytest.raises(NotAllowed):
        services.offence_record_create(
            by=people["system"],
            person=PersonFactory(),
            date=ON,
            kind=OffenceKind.ARREST,
            category=OffenceCategory.OVERVAL,
            source=orgs["OM"],
        )
    with pytest.raises(NotAllowed):
        services.offence_record_create(
            by=people["regisseur"],
            person=PersonFactory(),
            date=ON,
            kind=OffenceKind.ARREST,
            category=OffenceCategory.OVERVAL,
        )
    assert not OffenceRecord.objects.exists()


def test_offence_push_refuses_a_future_date_and_nul_characters(people):
    base = {
        "by": people["system"],
        "person": PersonFactory(),
        "kind": OffenceKind.ARREST,
        "category": OffenceCategory.OVERVAL,
    }
    with pytest.raises(ValidationError):
        services.offence_record_create(**base, date=timezone.localdate() + DAY)
    with pytest.raises(ValidationError):
        services.offence_record_create(**base, date=ON, description="A\x00B")
    assert not OffenceRecord.objects.exists()


def test_offence_push_refuses_a_nul_character_in_the_reference(people):
    with pytest.raises(ValidationError):
        services.offence_record_create(
            by=people["system"],
            person=PersonFactory(),
            date=ON,
            kind=OffenceKind.ARREST,
            category=OffenceCategory.OVERVAL,
            external_id="A\x00B",
        )
    assert not OffenceRecord.objects.exists()
