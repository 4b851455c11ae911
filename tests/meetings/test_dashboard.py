"""The accounthouder's dashboard: correct figures on a hand-made set, each figure's list, the
accounthouder's own cases only, the CSV equal to the table, bad filters as form errors, and a
query count that does not grow with the cases."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services as case_services
from cases.models import AccessLogSubject, Case
from meetings import dashboard
from meetings import services as meeting_services
from meetings.models import AgreementStatus
from partners.models import Role
from plans.models import Plan, PlanGoal
from plans.workflow import Commitment

pytestmark = pytest.mark.django_db

URL = "/dashboard/"


def _ago(days: int):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def board_set(case_at, plan_at, people, orgs, make_user):
    """Five cases of the accounthouder, two regisseurs; and one case of another accounthouder.

    - fresh: plan in force approved today, regie started today: nothing to act on;
    - late: regie started 10 weeks ago, no plan, no UVO: UVO overdue, no plan in force; agreements
      of WPI: one past its deadline, one to come, one done;
    - waiting (second regisseur): plan submitted 5 days ago, one goal declined;
    - evaluate: plan approved (interval - 1) weeks ago: evaluation due within 14 days;
    - overdue evaluation: plan approved (interval + 1) weeks ago.
    """
    regisseur, accounthouder = people["regisseur"], people["accounthouder"]
    second = make_user(Role.REGISSEUR, username="reg-2", organisation=orgs["RN"])
    second.first_name, second.last_name = "Fictieve", "Zweede"
    second.save()
    fresh = plan_at("approved").case
    late = case_at("in_regie")
    Case.objects.filter(pk=late.pk).update(regie_started_at=_ago(70))
    case_services.team_member_add(case=late, by=regisseur, organisation=orgs["WPI"])
    for days, status in ((-3, AgreementStatus.OPEN), (5, AgreementStatus.OPEN), (-9, None)):
        agreement = meeting_services.agreement_create(
            case=late,
            by=regisseur,
            description=f"Fictieve afspraak {days}",
            owner_organisation=orgs["WPI"],
            deadline=timezone.localdate() + timedelta(days=days),
        )
        if status is None:
            meeting_services.agreement_set_status(
                agreement=agreement, by=regisseur, status=AgreementStatus.DONE, note=""
            )
    waiting = plan_at("submitted")
    Plan.objects.filter(pk=waiting.pk).update(submitted_at=_ago(5))
    PlanGoal.objects.filter(plan=waiting, leefgebied=8).update(commitment=Commitment.DECLINED)
    Case.objects.filter(pk=waiting.case_id).update(regisseur=second)
    weeks = fresh.programme.evaluation_interval_weeks
    evaluate = plan_at("approved")
    Plan.objects.filter(pk=evaluate.pk).update(approved_at=_ago(7 * (weeks - 1)))
    overdue = plan_at("approved")
    Plan.objects.filter(pk=overdue.pk).update(approved_at=_ago(7 * (weeks + 1)))
    other = case_at("in_regie")
    someone_else = make_user(Role.ACCOUNTHOUDER, username="ah-2", organisation=orgs["RN"])
    Case.objects.filter(pk=other.pk).update(accounthouder=someone_else)
    return {
        "accounthouder": accounthouder,
        "regisseur": regisseur,
        "second": second,
        "fresh": fresh,
        "late": late,
        "waiting": waiting.case,
        "evaluate": evaluate.case,
        "overdue": overdue.case,
        "other": other,
        "wpi": orgs["WPI"],
    }


def figures_of(row) -> dict[str, int]:
    return {figure.key: value for figure, value in row.figures}


def test_the_figures_of_a_hand_made_set(board_set):
    board = dashboard.accounthouder_dashboard(user=board_set["accounthouder"])
    first = board.row_of(board_set["regisseur"].pk)
    second = board.row_of(board_set["second"].pk)
    assert figures_of(first) == {
        "active": 4,
        "uvo_overdue": 1,
        "evaluation_due": 1,
        "evaluation_overdue": 1,
        "agreements_open": 2,
        "agreements_overdue": 1,
        "itat_waiting": 0,
        "no_plan": 1,
        "declined": 0,
    }
    assert figures_of(second) == {
        "active": 1,
        "uvo_overdue": 0,
        "evaluation_due": 0,
        "evaluation_overdue": 0,
        "agreements_open": 0,
        "agreements_overdue": 0,
        "itat_waiting": 1,
        "no_plan": 1,
        "declined": 1,
    }
    assert second.longest_itat_wait == 5
    assert figures_of(board.total)["active"] == 5  # not the other accounthouder's case
    assert [(o.name, o.open, o.overdue) for o in board.organisations] == [
        (board_set["wpi"].name, 2, 1)
    ]
    assert {c.case_id for c in first.behind("uvo_overdue")} == {board_set["late"].pk}
    assert {c.case_id for c in first.behind("evaluation_due")} == {board_set["evaluate"].pk}
    assert {c.case_id for c in first.behind("evaluation_overdue")} == {board_set["overdue"].pk}
    assert {c.case_id for c in board.total.behind("no_plan")} == {
        board_set["late"].pk,
        board_set["waiting"].pk,
    }


def test_a_figure_opens_its_cases_and_only_they_are_logged_as_shown(client, board_set):
    client.force_login(board_set["accounthouder"])
    page = client.get(URL)
    assert page.status_code == 200
    # The table names no person: nothing of a person is logged for it.
    assert board_set["late"].person.full_name not in page.content.decode()
    entry = AccessLogSubject.objects.filter(entry__user=board_set["accounthouder"])
    assert not entry.exists()
    regisseur = board_set["regisseur"].pk
    assert f'data-figure="uvo_overdue" data-regisseur="{regisseur}"' in page.content.decode()
    behind = client.get(URL, {"regisseur": regisseur, "figure": "uvo_overdue"})
    assert [c.case.pk for c in behind.context["behind"]] == [board_set["late"].pk]
    assert board_set["late"].person.full_name in behind.content.decode()
    assert set(entry.values_list("person_id", flat=True)) == {board_set["late"].person_id}
    # The organisation's overdue agreements.
    wpi = behind.context["organisations"][0].organisation_id
    listed = client.get(URL, {"organisation": wpi, "figure": "agreements_overdue"})
    assert [a.description for a in listed.context["agreements"]] == ["Fictieve afspraak -3"]


def test_only_accounthouders_see_it(client, people, board_set):
    for who in ("regisseur", "partner", "itat"):
        client.force_login(people[who])
        assert client.get(URL).status_code == 403
    client.force_login(people["accounthouder"])
    content = client.get(URL).content.decode()
    assert board_set["other"].person.full_name not in content


def test_the_csv_and_the_spreadsheet_are_the_table(client, board_set):
    client.force_login(board_set["accounthouder"])
    page = client.get(URL)
    response = client.get(URL, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == list(dashboard.CSV_COLUMNS)
    shown = [
        [row["label"], *(str(v) for _k, v in row["figures"]), str(row["longest_wait"] or "")]
        for row in page.context["table"]
    ]
    assert rows[1:] == shown
    # The spreadsheet holds the same cells, numbers as numbers.
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(client.get(URL, {"format": "xlsx"}).content)).active
    cells = [[c if c is not None else "" for c in r] for r in sheet.iter_rows(values_only=True)]
    assert cells[0] == list(dashboard.CSV_COLUMNS)
    assert [[str(c) for c in r] for r in cells[1:]] == shown
    assert isinstance(cells[1][1], int)


def test_bad_filters_are_form_errors(client, board_set):
    client.force_login(board_set["accounthouder"])
    response = client.get(URL, {"figure": "nonsense", "programme": "abc", "regisseur": "-1"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"figure", "programme", "regisseur"}
    assert response.context["behind"] is None


#: Session, user, 2 × permissions, the cases with their figures, the agreements by organisation,
#: the programmes (filter); the header's counts are cached. No person is shown: no access-log
#: entry.
DASHBOARD_QUERIES = 7


def test_the_query_count_does_not_grow_with_the_cases(
    client, board_set, case_at, django_assert_num_queries
):
    client.force_login(board_set["accounthouder"])
    client.get(URL)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        client.get(URL)
    for _ in range(3):
        case_at("in_regie")
    client.get(URL)  # the header's counts again in the cache (the new cases reset them)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(URL)
    assert response.context["table"][-1]["figures"][0] == ("active", 8)
