"""`manage.py backup` and `manage.py restore` around pg_dump and pg_restore, on PostgreSQL: what
was backed up comes back, what came after is gone, and a file that is no backup changes
nothing."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from cases.models import Case, Person
from meetings.models import Notification
from partners.models import User
from tests.factories import PersonFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in (Case, Person, User, Notification)}


def test_a_backup_restores_what_it_held(tmp_path, case_at, people):
    case = case_at("in_regie")
    backup = tmp_path / "regie.dump"
    call_command("backup", backup)
    assert backup.stat().st_size > 0
    before = counts()

    PersonFactory(last_name="Na-de-backup")  # made after the backup, then lost by the restore
    Case.objects.filter(pk=case.pk).update(status="closed")
    call_command("restore", backup, yes=True)

    assert counts() == before
    assert not Person.objects.filter(last_name="Na-de-backup").exists()
    assert Case.objects.get(pk=case.pk).status == "in_regie"
    # The restored database works with the app: history and permissions came back too.
    assert case.history.exists()
    assert people["regisseur"].has_perm("cases.view_case", Case.objects.get(pk=case.pk))


def test_a_file_that_is_no_backup_is_refused_before_anything_changes(tmp_path, case_at):
    case_at("in_regie")
    before = counts()
    bogus = tmp_path / "bogus.dump"
    bogus.write_text("not a backup")
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore", bogus, yes=True)
    with pytest.raises(CommandError, match="No backup"):
        call_command("restore", tmp_path / "missing.dump", yes=True)
    assert counts() == before
