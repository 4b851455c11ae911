"""Concurrent writes to the followed minors on a real PostgreSQL: the regisseur and the
accounthouder follow the same sister at once, or end the same watch at once: one wins, the other
is told, nothing is written twice or overwritten."""

from __future__ import annotations

import datetime as dt

import pytest

from acvz.errors import DomainError
from cases import services
from cases.models import MinorWatch
from tests.factories import PersonFactory
from tests.plans.test_concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sister(case_at, people):
    case = case_at("in_regie")
    person = PersonFactory(date_of_birth=dt.date(2014, 4, 1))
    services.family_relation_add(
        person=case.person, relative=person, kind="sibling", by=people["programme"]
    )
    return case, person


def test_two_start_following_the_same_minor(sister, people, orgs):
    case, person = sister
    outcomes = race(
        *(
            lambda who=who: services.minor_watch_start(
                case=case, by=people[who], relative=person, organisation=orgs["JBRA"]
            )
            for who in ("regisseur", "accounthouder")
        )
    )
    assert sorted(kind for kind, _value in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, DomainError)
    assert error.code == "duplicate"
    assert MinorWatch.objects.count() == 1


def test_two_end_the_same_watch(sister, people, orgs):
    case, person = sister
    watch = services.minor_watch_start(
        case=case, by=people["regisseur"], relative=person, organisation=orgs["JBRA"]
    )
    outcomes = race(
        *(
            lambda who=who: services.minor_watch_end(watch=watch, by=people[who], reason=who)
            for who in ("regisseur", "accounthouder")
        )
    )
    assert sorted(kind for kind, _value in outcomes) == ["error", "ok"], outcomes
    watch.refresh_from_db()
    winner = next(value for kind, value in outcomes if kind == "ok")
    assert watch.ended_reason == winner.ended_reason
    assert watch.history.count() == 2  # started, ended once
