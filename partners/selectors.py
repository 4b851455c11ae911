"""Reads of regisseur profiles and competence scans (issue 16)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery

from partners.models import COMPETENCE_ROLES, CompetenceScan, Organisation, User


def organisation_regisseurs(*, organisation: Organisation | None) -> QuerySet[User]:
    """The active regisseurs of an organisation (who hold the permission to direct a case),
    by name. The one definition of "a regisseur of the organisation": appointment, handover and
    the profiles all use it."""
    return (
        User.objects.filter(
            organisation=organisation,
            is_active=True,
            groups__permissions__codename="direct_case",
            groups__permissions__content_type__app_label="cases",
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def competence_scans_of(*, user: User) -> QuerySet[CompetenceScan]:
    """The user's own scans, newest first. Never called for anyone but the user themself."""
    return CompetenceScan.objects.filter(user=user).order_by("-taken_at", "-pk")


@dataclass(frozen=True)
class CompetenceSpread:
    competence: str
    label: str
    #: How many regisseurs gave a score of 1, 2, 3, 4 and 5.
    counts: tuple[int, int, int, int, int]
    median: float


@dataclass(frozen=True)
class GroupView:
    #: None when the group is below the threshold: then nothing else is told, not even its size.
    roles: list[tuple[str, list[CompetenceSpread]]] | None
    size: int | None

    @property
    def too_few(self) -> bool:
        return self.roles is None


def competence_group_minimum() -> int:
    return settings.REGIE_COMPETENCE_GROUP_MIN


def competence_group_spread(*, organisation: Organisation, year: int | None = None) -> GroupView:
    """Per competence the spread of the latest scan of each regisseur of the organisation (the
    latest taken in `year`, if given): how many scored 1 to 5, and the median. Shown only over at
    least `REGIE_COMPETENCE_GROUP_MIN` regisseurs with a scan; below that, nothing at all (no
    numbers, no group size), so no single scan can be read from it. One query."""
    in_period = CompetenceScan.objects.filter(user=OuterRef("user"))
    if year is not None:
        in_period = in_period.filter(taken_at__year=year)
    latest = in_period.order_by("-taken_at", "-pk").values("pk")[:1]
    scans = CompetenceScan.objects.filter(
        user__in=organisation_regisseurs(organisation=organisation).values("pk"),
        pk=Subquery(latest),
    )
    fields = [c for _label, competences in COMPETENCE_ROLES for c in competences]
    rows = list(scans.order_by().values_list(*[str(c) for c in fields]))
    if len(rows) < competence_group_minimum():
        return GroupView(roles=None, size=None)
    column = {str(c): i for i, c in enumerate(fields)}
    roles = []
    for role, competences in COMPETENCE_ROLES:
        spreads = []
        for competence in competences:
            scores = [row[column[str(competence)]] for row in rows]
            counts = tuple(scores.count(score) for score in range(1, 6))
            spreads.append(
                CompetenceSpread(
                    str(competence), str(competence.label), counts, statistics.median(scores)
                )
            )
        roles.append((str(role), spreads))
    return GroupView(roles=roles, size=len(rows))
