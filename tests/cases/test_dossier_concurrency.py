"""Concurrent writes to the basisdossier on a real PostgreSQL: two writers of one organisation's
contribution never overwrite each other, and nothing lands on a dossier being established."""

from __future__ import annotations

import pytest

from acvz.errors import DomainError, NotAllowed
from cases import services
from cases.models import DossierContribution, DossierSection, Leefgebied
from cases.workflow import CaseStatus
from partners.models import Role
from tests.plans.test_concurrency import race
from tests.scenarios import fill_dossier

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_colleagues_save_the_same_version_one_is_stale(case_at, people, make_user, orgs):
    case = case_at("basisdossier")
    colleague = make_user(Role.IVG, username="ivg-pol-2", organisation=orgs["POLITIE"])
    section = DossierSection.objects.get(dossier__case=case, leefgebied=Leefgebied.POLITIE)

    outcomes = race(
        lambda: services.dossier_contribution_save(
            section=section, by=people["ivg_politie"], text="Tab A", expected_version=0
        ),
        lambda: services.dossier_contribution_save(
            section=section, by=colleague, text="Tab B", expected_version=0
        ),
    )

    assert sorted(kind for kind, _value in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, DomainError), repr(error)
    assert error.code == "stale"
    saved = DossierContribution.objects.get(section=section, organisation=orgs["POLITIE"])
    assert saved.version == 1
    assert saved.text in ("Tab A", "Tab B")


def test_a_write_while_establishing_waits_and_is_refused(case_at, people):
    case = case_at("basisdossier")
    fill_dossier(case, people)
    section = DossierSection.objects.get(dossier__case=case, leefgebied=Leefgebied.VERBLIJF)

    outcomes = race(
        lambda: services.case_establish_dossier(case=case, by=people["ivg_politie"]),
        lambda: services.dossier_contribution_save(
            section=section, by=people["ivg_ggd"], text="Net te laat"
        ),
    )

    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_ASSIGNMENT
    kinds = [kind for kind, _value in outcomes]
    if kinds == ["ok", "error"]:  # the establishing went first: the write is refused
        assert isinstance(outcomes[1][1], NotAllowed), repr(outcomes[1][1])
        assert not DossierContribution.objects.filter(text="Net te laat").exists()
    else:  # the write went first, before the dossier was fixed
        assert kinds == ["ok", "ok"], outcomes
        assert DossierContribution.objects.filter(text="Net te laat").exists()
