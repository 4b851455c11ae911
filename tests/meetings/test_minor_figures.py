"""Goal 3's figures: minors followed now and ever per programme, and how many of them later had
a case of their own; small groups suppressed; the accounthouder's own organisation only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases import services
from cases.models import Case
from meetings import figures
from tests.factories import PersonFactory, programme

pytestmark = pytest.mark.django_db


def shown(table) -> dict[str, list[str]]:
    return {label: [str(c) for c in cells] for label, cells in table.rows}


@pytest.fixture
def family(case_at, people, orgs):
    """A Top600 case with four minor relatives, followed 30 days ago (one of them twice)."""
    case = case_at("in_regie")
    today = timezone.localdate()
    month_ago = today - timedelta(days=30)

    def relative(**fields):
        person = PersonFactory(date_of_birth=date(today.year - 12, 1, 1), **fields)
        services.family_relation_add(
            person=case.person, relative=person, kind="sibling", by=people["programme"]
        )
        return person

    def follow(person, *, ended: bool = False):
        watch = services.minor_watch_start(
            case=case,
            by=people["regisseur"],
            relative=person,
            organisation=orgs["JBRA"],
            started_on=month_ago,
        )
        if ended:
            services.minor_watch_end(watch=watch, by=people["regisseur"], reason="Fictief")

    followed, ended, later, earlier = relative(), relative(), relative(), relative()
    follow(followed, ended=True)
    follow(followed)  # followed twice: one person
    follow(ended, ended=True)
    follow(later)
    follow(earlier)
    # `later` has a case of their own registered today (after they were followed); `earlier`
    # one registered before they were followed: not counted as later.
    Case.objects.create(person=later, programme=programme("TOP400"))
    Case.objects.create(
        person=earlier,
        programme=programme("TOP400"),
        registered_at=timezone.now() - timedelta(days=60),
    )
    return case


def test_minors_followed_on_a_hand_made_set(family, settings):
    settings.REGIE_SMALL_GROUP = 1
    scope = figures.Scope()
    table = figures.minors_followed(scope, scope.programmes())
    assert len(table.columns) == 3  # now, ever, later a case of their own
    rows = shown(table)
    assert rows["TOP600"] == ["3", "4", "1"]
    assert rows["TOP400"] == ["0", "0", "0"]  # their own cases are not followed minors there


def test_small_groups_and_the_accounthouders_own(family, settings, orgs, client, people):
    settings.REGIE_SMALL_GROUP = 5
    scope = figures.Scope()
    assert shown(figures.minors_followed(scope, scope.programmes()))["TOP600"] == [
        "< 5",
        "< 5",
        "< 5",
    ]
    settings.REGIE_SMALL_GROUP = 1
    other = figures.Scope(organisation=orgs["OM"])
    assert shown(figures.minors_followed(other, other.programmes()))["TOP600"] == ["0", "0", "0"]
    client.force_login(people["accounthouder"])  # RN, the case's regie organisation
    response = client.get("/programma/cijfers/")
    minors = next(t for t in response.context["tables"] if t.key == "minors")
    assert shown(minors)["TOP600"] == ["3", "4", "1"]
