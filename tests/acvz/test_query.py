"""`acvz.query.AnyOf`: one of a list of values, as one array parameter (PostgreSQL) or a JSON
array (SQLite)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from acvz.query import AnyOf, first_column
from partners.models import Organisation, User
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_rows_whose_value_is_listed():
    a, b, c = (OrganisationFactory(code=code) for code in ("AAA", "BBB", "CCC"))
    listed = Organisation.objects.filter(AnyOf(F("pk"), [c.pk, a.pk, a.pk]))
    assert set(listed) == {a, c}
    assert b not in Organisation.objects.filter(AnyOf(F("pk"), [a.pk]))
    assert not Organisation.objects.filter(AnyOf(F("pk"), [])).exists()


def test_through_a_foreign_key_and_a_join(make_user):
    a, b = OrganisationFactory(code="AAA"), OrganisationFactory(code="BBB")
    alice, bob = (
        make_user(username="alice", organisation=a),
        make_user(username="bob", organisation=b),
    )
    assert list(User.objects.filter(AnyOf(F("organisation"), [a.pk]))) == [alice]
    assert list(User.objects.filter(AnyOf(F("organisation__code"), ["BBB"]))) == [bob]


def test_a_thousand_values_are_one_parameter():
    a = OrganisationFactory(code="AAA")
    values = [a.pk, *range(10**6, 10**6 + 5_000)]
    with CaptureQueriesContext(connection) as queries:
        assert list(Organisation.objects.filter(AnyOf(F("pk"), values))) == [a]
    assert queries.captured_queries[0]["sql"].count(str(10**6 + 4_999)) == 1
    assert "%s" not in queries.captured_queries[0]["sql"]


def test_integers_go_as_one_array_text_and_text_values_as_a_list():
    from acvz.query import _array_text

    assert _array_text([3, 10, 200]) == "{3,10,200}"
    assert _array_text([]) == "{}"
    # Not integers: quoted by the driver, element by element (a comma or brace in a value).
    assert _array_text(["A,B", "{C}"]) == ["A,B", "{C}"]
    assert _array_text([True]) == [True]
    odd = OrganisationFactory(code="A,B")
    assert list(Organisation.objects.filter(AnyOf(F("code"), ["A,B"]))) == [odd]


def test_first_column_reads_the_distinct_values_of_a_union():
    a, b = OrganisationFactory(code="AAA"), OrganisationFactory(code="BBB")
    first = Organisation.objects.filter(pk=a.pk).order_by().values("pk")
    both = Organisation.objects.filter(pk__in=[a.pk, b.pk]).order_by().values("pk")
    assert first_column(first.union(both, all=True)) == {a.pk, b.pk}
    assert first_column(Organisation.objects.none().values("pk")) == set()
