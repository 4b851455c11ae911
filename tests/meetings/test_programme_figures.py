"""The programme figures: correct numbers on a hand-made set (edge months, a case crossing the
period's start, a person with no offences before), small groups suppressed, the programme team
only, each table's file equal to the page, and a fixed number of queries."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from cases.figures import Outcome, count, outcomes
from cases.models import Case, OffenceRecord
from meetings import figures
from meetings.figures import Period

pytestmark = pytest.mark.django_db

URL = "/programma/cijfers/"


def today() -> date:
    """Read when a test runs, not when the module is imported (a run may cross midnight)."""
    return timezone.localdate()


def local(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_current_timezone()) + (
        timedelta(hours=hour, minutes=minute)
    )


def cells(table) -> dict[str, list[str]]:
    return {label: [str(c) for c in row] for label, row in table.rows}


@pytest.fixture
def offences(orgs):
    def add(case: Case, *rows: tuple[int, str, str]) -> None:
        """(days after regie started, kind, category) per offence."""
        start = timezone.localtime(case.regie_started_at).date()
        for days, kind, category in rows:
            OffenceRecord.objects.create(
                person=case.person,
                date=start + timedelta(days=days),
                kind=kind,
                category=category,
                source=orgs["POLITIE"],
            )

    return add


@pytest.fixture
def started(case_at):
    """A case in regie whose regie started `days` ago, without offences of its own."""

    def make(days: int) -> Case:
        case = case_at("in_regie")
        OffenceRecord.objects.filter(person=case.person).delete()
        Case.objects.filter(pk=case.pk).update(regie_started_at=timezone.now() - timedelta(days))
        return Case.objects.get(pk=case.pk)

    return make


def test_the_flow_counts_each_month_in_local_time(case_at, settings):
    settings.REGIE_SMALL_GROUP = 1
    march = date(today().year - 1, 3, 1)
    period = Period(march, date(today().year - 1, 4, 30))
    late_night = case_at("registered")  # 31 March, 23:30 in Amsterdam: March (UTC: 21:30)
    Case.objects.filter(pk=late_night.pk).update(
        registered_at=local(date(march.year, 3, 31), 23, 30)
    )
    crossing = case_at("in_regie")  # registered before the period, in regie in April
    Case.objects.filter(pk=crossing.pk).update(
        registered_at=local(date(march.year, 2, 10)),
        regie_started_at=local(date(march.year, 4, 1), 0, 15),
    )
    table = figures.flow(period, figures.Scope())
    shown = {label: [c.value for c in row] for label, row in table.rows}
    assert shown[f"03-{march.year}"] == [1, 0, 0]  # registered, in regie, closed
    assert shown[f"04-{march.year}"] == [0, 1, 0]


def test_time_to_plan_and_itat_throughput(plan_at, settings):
    settings.REGIE_SMALL_GROUP = 1
    plans = [plan_at("approved") for _ in range(3)]
    for plan, days in zip(plans, (10, 20, 60), strict=True):
        Case.objects.filter(pk=plan.case_id).update(
            registered_at=plan.approved_at - timedelta(days=days)
        )
    period = figures.default_period()
    table = figures.time_to_plan(period, figures.Scope(), figures.Scope().programmes())
    top = {label: [c.value for c in row] for label, row in table.rows}["TOP600"]
    assert top[:2] == [3, 20.0]
    itat = figures.itat_throughput(period, figures.Scope())
    assert sum(row[0].value for _label, row in itat.rows) == 3  # three approvals this week


def test_outcomes_per_person_year_and_a_person_without_offences_before(started, offences, settings):
    settings.REGIE_SMALL_GROUP = 1
    first = started(365)
    offences(
        first,
        (-100, "arrest", "hic_burglary"),
        (-300, "arrest", "hic_robbery"),
        (-500, "summons", "other"),
        (-800, "arrest", "hic_robbery"),  # more than two years before: not counted
        (30, "arrest", "other"),
    )
    table, _persistent = outcomes(Case.objects.all(), today())
    cohort = f"TOP600 {timezone.localtime(first.regie_started_at).year}"
    rows = {label: [c.value for c in row] for label, row in table.rows}
    # persons, before, during, change during (%), after, change after (%)
    assert rows[f"{cohort} · aanhoudingen"] == [1, 1.0, 1.0, 0, None, None]
    assert rows[f"{cohort} · dagvaardingen"] == [1, 0.5, 0.0, -100, None, None]
    assert rows[f"{cohort} · aanhoudingen HIC/DG"] == [1, 1.0, 0.0, -100, None, None]
    # A person with no offences before: no change to compute (not a division by zero).
    second = started(200)
    offences(second, (10, "arrest", "hic_burglary"))
    Case.objects.filter(pk=first.pk).update(regie_started_at=second.regie_started_at)
    table, _persistent = outcomes(Case.objects.all(), today())
    assert str(table.rows[0][1][0]) == "2"  # both persons in the same cohort now
    lone = Outcome(persons=1, years={"before": 2, "during": 0.5, "after": 0})
    lone.counts["arrests_during"] = 1
    assert lone.change("arrests").value is None
    assert str(lone.rate("arrests", "during")) == "2"


def test_the_persistent_group(started, settings):
    settings.REGIE_SMALL_GROUP = 1
    settings.REGIE_PERSISTENT_YEARS = 3
    started(365 * 3 + 10)
    started(365 * 2)
    _table, persistent = outcomes(Case.objects.all(), today())
    assert cells(persistent) == {"TOP600": ["1"]}


def test_small_groups_are_suppressed(started, offences, settings):
    settings.REGIE_SMALL_GROUP = 5
    case = started(365)
    offences(case, (-10, "arrest", "hic_burglary"))
    table, _persistent = outcomes(Case.objects.all(), today())
    shown = [str(c) for c in table.rows[0][1]]
    assert shown[:2] == ["< 5", "< 5"]  # the persons, and a rate over one person
    status = figures.status_now(figures.Scope(), figures.Scope().programmes())
    assert cells(status)["In regie"][status.columns.index("TOP600")] == "< 5"
    assert count(0).suppressed is False  # nothing is nothing
    assert count(5).suppressed is False


def test_the_programme_team_sees_them_and_an_accounthouder_its_own(
    client, people, started, orgs, settings
):
    for who in ("regisseur", "partner", "itat"):
        client.force_login(people[who])
        assert client.get(URL).status_code == 403
    client.force_login(people["programme"])
    assert client.get(URL).status_code == 200
    # The accounthouder (RN): the figures of RN's cases, whatever organisation it asks for.
    settings.REGIE_SMALL_GROUP = 1
    started(100)
    theirs = started(100)
    Case.objects.filter(pk=theirs.pk).update(regie_organisation=orgs["OM"])

    def shown(response) -> list:
        return [
            (t.key, [(label, [str(c) for c in cells]) for label, cells in t.rows])
            for t in response.context["tables"]
        ]

    rn = shown(client.get(URL, {"organisation": orgs["RN"].pk}))
    everyone = shown(client.get(URL))
    client.force_login(people["accounthouder"])
    for asked in ({}, {"organisation": orgs["GGD"].pk}):
        response = client.get(URL, asked)
        assert response.status_code == 200
        assert list(response.context["form"].fields["organisation"].queryset) == [orgs["RN"]]
        assert shown(response) == rn
    assert rn != everyone


def test_each_tables_file_is_the_table(client, people, started, offences, settings):
    settings.REGIE_SMALL_GROUP = 1
    offences(started(400), (-10, "arrest", "hic_burglary"), (20, "summons", "other"))
    client.force_login(people["programme"])
    page = client.get(URL)
    for table in page.context["tables"]:
        response = client.get(URL, {"format": "csv", "table": table.key})
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0] == ["", *table.columns]
        assert rows[1:] == [[label, *(str(c.export) for c in row)] for label, row in table.rows]
    from openpyxl import load_workbook

    response = client.get(URL, {"format": "xlsx", "table": "outcomes"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert next(sheet.iter_rows(min_row=2, values_only=True))[1] == 1
    assert client.get(URL, {"format": "csv", "table": "nonsense"}).status_code == 404


def test_bad_filters_are_form_errors(client, people):
    client.force_login(people["programme"])
    response = client.get(URL, {"start": "2026-13", "end": "x", "programme": "abc"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"start", "end", "programme"}
    reversed_period = client.get(URL, {"start": "2026-05", "end": "2026-01"})
    assert "end" in reversed_period.context["form"].errors


#: Session, user, 2 × permissions; the programmes; flow (3), status, caseload, time to plan,
#: ITAT, barriers (2), waiting times, outcomes (3: first cases, the chains' ends, offences),
#: minors followed; the filter's programmes and organisations (the header's counts are cached).
FIGURES_QUERIES = 21


def test_the_query_count_does_not_grow_with_the_cases(
    client, people, started, plan_at, django_assert_num_queries
):
    client.force_login(people["programme"])
    started(100)
    client.get(URL)
    with django_assert_num_queries(FIGURES_QUERIES):
        client.get(URL)
    for days in (30, 400, 800):
        started(days)
    plan_at("approved")
    client.get(URL)
    with django_assert_num_queries(FIGURES_QUERIES):
        client.get(URL)


def test_the_organisation_filter_counts_only_its_cases(client, people, started, orgs, settings):
    settings.REGIE_SMALL_GROUP = 1
    ours, theirs = started(100), started(100)
    Case.objects.filter(pk=theirs.pk).update(regie_organisation=orgs["OM"])
    client.force_login(people["programme"])
    for organisation, expected in ((ours.regie_organisation, 1), (orgs["OM"], 1), (None, 2)):
        params = {"organisation": organisation.pk} if organisation else {}
        tables = {t.key: t for t in client.get(URL, params).context["tables"]}
        status = tables["status"]
        row = dict(status.rows)["In regie"]
        assert row[status.columns.index("TOP600")].value == expected


def test_a_persons_line_counts_as_the_cohort_figures(client, people, started, offences, settings):
    """The case page's line for one person equals the cohort figures of a cohort of one."""
    settings.REGIE_SMALL_GROUP = 1
    case = started(400)
    offences(
        case,
        (-100, "arrest", "hic_burglary"),
        (-600, "summons", "other"),
        (-900, "arrest", "other"),
        (15, "arrest", "dg_drugs"),
        (200, "summons", "other"),
    )
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=100))
    case.refresh_from_db()
    from cases.figures import person_line
    from cases.selectors import person_offences

    line = person_line(case, person_offences(person=case.person))
    table, _persistent = outcomes(Case.objects.filter(pk=case.pk), today())
    assert [[c.value for c in cells] for _label, cells in line] == [
        [c.value for c in cells][1:] for _label, cells in table.rows
    ]
    client.force_login(people["regisseur"])
    page = client.get(f"/casussen/{case.pk}/")
    assert page.context["outcome"] == line
    assert 'data-testid="person-outcome"' in page.content.decode()


def test_a_suppressed_count_keeps_no_number_not_even_in_the_chart(client, people, case_at):
    case_at("registered")
    cell = count(3)
    assert (cell.value, str(cell), cell.export) == (None, "< 5", "<5")
    client.force_login(people["programme"])
    page = client.get(URL)
    flow = next(t for t in page.context["tables"] if t.key == "flow")
    assert all(c.value is None for _label, cells in flow.rows for c in cells if c.suppressed)
    assert 'width="0%"' in str(flow.chart)
    assert "&lt; 5" in str(flow.chart)


def test_a_reinflow_does_not_count_the_person_twice(started, offences, settings):
    """Re-inflow continues the first case in the outcomes: one person, in the first cohort, in
    regie until the last case closes; an offence counts once (issue 16)."""
    settings.REGIE_SMALL_GROUP = 1
    first = started(1000)
    offences(first, (-100, "arrest", "hic_burglary"), (700, "arrest", "hic_burglary"))
    Case.objects.filter(pk=first.pk).update(
        status="closed", closed_at=first.regie_started_at + timedelta(days=500)
    )
    Case.objects.create(
        person=first.person,
        programme=first.programme,
        status="in_regie",
        regie_started_at=first.regie_started_at + timedelta(days=800),
        previous_case=first,
    )
    table, _persistent = outcomes(Case.objects.all(), today())
    cohort = f"TOP600 {timezone.localtime(first.regie_started_at).year}"
    rows = {label: [c.value for c in row] for label, row in table.rows}
    assert len(rows) == 3  # one cohort, three measures: the second case adds no group
    persons, before, during, _change, after, _change_after = rows[f"{cohort} · aanhoudingen"]
    assert persons == 1
    assert before == 0.5  # one arrest in the two years before the first inflow
    assert during == round(1 / (1000 / 365.25), 2)  # the gap's arrest, once, while in regie
    assert after is None  # still in regie: nothing after


def test_a_chain_closes_when_its_last_case_closes(started, offences, settings):
    """After a re-inflow, "after" starts at the last case's closing; the gap between the cases
    counts as during; the cohort is that of the first inflow."""
    settings.REGIE_SMALL_GROUP = 1
    first = started(1000)
    offences(first, (600, "arrest", "hic_burglary"), (950, "summons", "other"))
    begin = first.regie_started_at
    Case.objects.filter(pk=first.pk).update(status="closed", closed_at=begin + timedelta(days=500))
    Case.objects.create(
        person=first.person,
        programme=first.programme,
        status="closed",
        regie_started_at=begin + timedelta(days=800),
        closed_at=begin + timedelta(days=900),
        previous_case=first,
    )
    table, persistent = outcomes(Case.objects.all(), today())
    cohort = f"TOP600 {timezone.localtime(begin).year}"
    rows = {label: [c.value for c in row] for label, row in table.rows}
    assert len(rows) == 3
    arrests, summonses = rows[f"{cohort} · aanhoudingen"], rows[f"{cohort} · dagvaardingen"]
    assert arrests[2] == round(1 / (900 / 365.25), 2)  # the gap's arrest: during
    assert arrests[4] == 0.0
    after = (today() - timezone.localtime(begin + timedelta(days=900)).date()).days  # ~100 days
    assert summonses[4] == round(1 / (after / 365.25), 2)  # after the last closing
    assert cells(persistent) == {"TOP600": ["0"]}  # closed: not in the persistent group
