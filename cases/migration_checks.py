"""Checks before `migrate` runs backwards: a reversal that would fail half-way is refused before
anything is changed (each migration commits on its own, so a failure in the middle leaves the
database between versions).

One check per reversible-with-conditions migration, asked with the current tables (the plan
has not started): `cases.0005` cannot put several organisations' contributions to one section
back into the single-author section of before.
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db import connections


def _sections_with_joint_answers(using: str) -> int:
    with connections[using].cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM (
                SELECT section_id, part FROM cases_dossiercontribution
                 WHERE btrim(text) <> '' OR nothing_known
                 GROUP BY section_id, part HAVING count(*) > 1
            ) joint
            """
        )
        return cursor.fetchone()[0]


#: (app label, migration name) reversed → a function returning a refusal or "".
CHECKS = {
    ("cases", "0005_dossier_sections_to_contributions"): lambda using: (
        f"{count} basisdossier sections hold answers of several organisations; reversing "
        "cases.0005 would have to drop them. Nothing was changed. Make a backup "
        "(manage.py backup) and remove those contributions first if you must go back."
        if (count := _sections_with_joint_answers(using))
        else ""
    ),
}


def refuse_unsafe_reversal(sender, plan=None, using: str = "default", **kwargs) -> None:
    """pre_migrate: refuse a backwards plan that a check says would fail half-way."""
    for migration, backwards in plan or []:
        check = CHECKS.get((migration.app_label, migration.name))
        if backwards and check is not None:
            refusal = check(using)
            if refusal:
                raise CommandError(refusal)
