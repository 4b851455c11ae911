"""Two saves of one regisseur's profile at once, on a real PostgreSQL (issue 16): the first
save by the regisseur and by the accounthouder make one profile (the user's row is locked
first), and an edit made on the version the other just changed is refused as stale."""

from __future__ import annotations

import pytest

from acvz.errors import DomainError
from partners.models import RegisseurProfile, Role
from partners.profiles import regisseur_profile_update
from tests.plans.test_concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_first_saves_make_one_profile_and_one_is_stale(make_user, orgs):
    regisseur = make_user(Role.REGISSEUR, organisation=orgs["RN"], username="reg-race")
    accounthouder = make_user(Role.ACCOUNTHOUDER, organisation=orgs["RN"], username="ah-race")

    def save(by, capacity):
        return lambda: regisseur_profile_update(
            regisseur=regisseur,
            by=by,
            style="case",
            expertise=[],
            languages=[],
            capacity=capacity,
            expected_lock_version=0,
        )

    outcomes = race(save(regisseur, 5), save(accounthouder, 9))

    assert sorted(kind for kind, _value in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, DomainError), repr(error)
    assert error.code == "stale"
    (profile,) = RegisseurProfile.objects.filter(user=regisseur)
    assert profile.capacity in (5, 9)
    assert profile.lock_version == 1
