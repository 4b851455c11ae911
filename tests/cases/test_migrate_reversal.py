"""`manage.py migrate <app> zero` reverses cleanly, on a database with a case in it, or
refuses before anything is changed; migrating forward again gives a working database."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from cases.models import DossierContribution
from partners.models import Organisation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

APPS = ("meetings", "plans", "cases", "partners")


def applied() -> set[tuple[str, str]]:
    return set(MigrationRecorder(connection).applied_migrations())


@pytest.fixture
def migrated_back_again():
    """Whatever a test reverses, the database is complete again afterwards."""
    yield
    call_command("migrate", verbosity=0)


def test_a_filled_database_reverses_every_app_to_zero_and_forward_again(
    migrated_back_again, case_at, people
):
    """One trip for both the reference data and a case on top (each trip costs half a minute
    of CI): a case, its person, history, programme and organisations in use."""
    case_at("registered")
    for app in APPS:
        call_command("migrate", app, "zero", verbosity=0)
        assert not [m for m in applied() if m[0] == app]
    call_command("migrate", verbosity=0)
    assert Organisation.objects.filter(code="POLITIE").exists()  # seeded again


def test_a_reversal_that_would_lose_joint_answers_is_refused_before_anything_changes(
    migrated_back_again, case_at, people, orgs
):
    case = case_at("basisdossier")
    section = case.basisdossier.sections.first()
    for code in ("POLITIE", "WPI"):
        DossierContribution.objects.update_or_create(
            section=section,
            organisation=orgs[code],
            part="contribution",
            defaults={"text": f"Fictieve bijdrage {code}"},
        )
    before = applied()
    with pytest.raises(CommandError, match="answers of several organisations"):
        call_command("migrate", "cases", "zero", verbosity=0)
    assert applied() == before
    assert DossierContribution.objects.filter(section=section).count() >= 2
