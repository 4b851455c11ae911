"""The reminder rules at their edges, with frozen time.

UVO: every 8 weeks (REGIE_UVO_CADENCE_WEEKS) after the last held UVO, or after regie started;
overdue once the grace week (REGIE_UVO_GRACE_DAYS = 7) has passed. Evaluation: due
`evaluation_interval_weeks` after approval (or the last evaluation), announced 14 days before
(REGIE_EVALUATION_NOTICE_DAYS). Agreements: past the deadline. Plan: not submitted 42 days after
regie started (REGIE_PLAN_SUBMIT_DAYS).
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from cases.models import Case
from meetings import services
from meetings.models import Agreement, AgreementStatus, Notification, ReminderKind
from meetings.reminders import find_due_items, reminders_scan
from meetings.selectors import case_uvo_state
from partners.models import Role

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
START = date(2026, 1, 5)  # regie starts on a Monday morning
HELD = START + timedelta(days=10)
WEEKS_8 = timedelta(weeks=8)
GRACE = timedelta(days=7)
DAY = timedelta(days=1)


def at(day: date, hour: int = 7, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), AMS)


@contextmanager
def on(day: date, hour: int = 7, minute: int = 0):
    with time_machine.travel(at(day, hour, minute), tick=False):
        yield


def due(day: date, case: Case) -> dict[str, date]:
    """The reminder kinds found for this case on that day, with their due dates."""
    with on(day):
        return {
            f.kind: f.due_date for f in find_due_items(timezone.localdate()) if f.case_id == case.pk
        }


@pytest.fixture
def case(case_at):
    with on(START):
        return case_at("in_regie")


def hold_uvo(case, people, day: date):
    with on(day):
        meeting = services.uvo_plan(case=case, by=people["regisseur"], planned_at=at(day, 10))
        return services.uvo_record(
            meeting=meeting, by=people["regisseur"], held_on=day, minutes="Fictief"
        )


def recipients(kind: str, case: Case) -> set[str]:
    return set(
        Notification.objects.filter(reminder__kind=kind, reminder__case=case).values_list(
            "user__username", flat=True
        )
    )


# --- UVO cadence --------------------------------------------------------------------------------


def test_a_uvo_held_56_days_ago_is_due_today_and_overdue_after_the_grace_week(case, people):
    hold_uvo(case, people, HELD)
    due_day = HELD + WEEKS_8

    assert ReminderKind.UVO_OVERDUE not in due(due_day, case)
    state = case_uvo_state(case=case, today=due_day)
    assert (state.last_held, state.due, state.overdue, state.weeks) == (HELD, due_day, False, 8)

    assert ReminderKind.UVO_OVERDUE not in due(due_day + GRACE, case)
    assert not case_uvo_state(case=case, today=due_day + GRACE).overdue

    assert due(due_day + GRACE + DAY, case)[ReminderKind.UVO_OVERDUE] == due_day
    assert case_uvo_state(case=case, today=due_day + GRACE + DAY).overdue


def test_without_a_held_uvo_the_cadence_counts_from_the_start_of_regie(case):
    assert ReminderKind.UVO_OVERDUE not in due(START + WEEKS_8 + GRACE, case)
    assert due(START + WEEKS_8 + GRACE + DAY, case)[ReminderKind.UVO_OVERDUE] == START + WEEKS_8


def test_regie_start_counts_by_the_local_date(case_at):
    """Appointed at 00:30 in Amsterdam, still the previous day in UTC: the local day counts."""
    with on(START, hour=0, minute=30):
        early = case_at("in_regie")
    assert early.regie_started_at.astimezone(ZoneInfo("UTC")).date() == START - DAY
    assert due(START + WEEKS_8 + GRACE + DAY, early)[ReminderKind.UVO_OVERDUE] == START + WEEKS_8


def test_the_scan_takes_today_in_amsterdam_not_in_utc(case, people):
    hold_uvo(case, people, HELD)
    overdue_day = HELD + WEEKS_8 + GRACE + DAY
    with on(overdue_day, hour=0, minute=15):  # still the day before in UTC
        reminders_scan()
    assert recipients(ReminderKind.UVO_OVERDUE, case) == {"reg", "ah"}


def test_a_case_of_its_own_cadence_more_often(case, people):
    hold_uvo(case, people, HELD)
    with on(HELD):
        services.cadence_set(case=case, by=people["regisseur"], weeks=4, reason="Veel onrust")
    due_day = HELD + timedelta(weeks=4)
    assert ReminderKind.UVO_OVERDUE not in due(due_day + GRACE, case)
    assert due(due_day + GRACE + DAY, case)[ReminderKind.UVO_OVERDUE] == due_day


def test_temporarily_less_often_expires_back_to_8_weeks(case, people):
    hold_uvo(case, people, HELD)
    until = HELD + timedelta(days=70)
    with on(HELD):
        services.cadence_set(
            case=case, by=people["regisseur"], weeks=12, reason="Detentie", until=until
        )
    # Would be overdue at 8 weeks; at 12 weeks it is not, up to and including `until`.
    assert ReminderKind.UVO_OVERDUE not in due(HELD + WEEKS_8 + GRACE + DAY, case)
    assert ReminderKind.UVO_OVERDUE not in due(until, case)
    state = case_uvo_state(case=case, today=until)
    assert (state.weeks, state.overridden, state.due) == (12, True, HELD + timedelta(weeks=12))
    # The day after `until`, the default cadence is back.
    assert due(until + DAY, case)[ReminderKind.UVO_OVERDUE] == HELD + WEEKS_8
    assert case_uvo_state(case=case, today=until + DAY).weeks == 8


def test_cancelled_and_planned_uvos_do_not_count(case, people):
    hold_uvo(case, people, HELD)
    with on(HELD + timedelta(days=20)):
        cancelled = services.uvo_plan(
            case=case, by=people["regisseur"], planned_at=at(HELD + timedelta(days=21), 10)
        )
        services.uvo_cancel(meeting=cancelled, by=people["regisseur"], reason="Ziek")
        services.uvo_plan(  # planned in the past, never recorded
            case=case, by=people["regisseur"], planned_at=at(HELD + timedelta(days=30), 10)
        )
    assert due(HELD + WEEKS_8 + GRACE + DAY, case)[ReminderKind.UVO_OVERDUE] == HELD + WEEKS_8
    assert case_uvo_state(case=case, today=HELD + WEEKS_8).last_held == HELD


def test_only_cases_in_regie_get_uvo_and_plan_reminders(case, people):
    with on(START + DAY):
        from cases import services as case_services

        case_services.case_start_outflow(
            case=case,
            by=people["regisseur"],
            reason="Criteria niet meer gehaald",
            receiving_organisation="Wijkteam (fictief)",
            handover_note="",
        )
    assert due(START + timedelta(days=200), case) == {}


# --- evaluation ---------------------------------------------------------------------------------


EVALUATION = {ReminderKind.EVALUATION_DUE, ReminderKind.EVALUATION_OVERDUE}


@pytest.fixture
def approved(plan_at):
    with on(START):
        plan = plan_at("approved")
    weeks = plan.case.programme.evaluation_interval_weeks
    return plan, START + timedelta(weeks=weeks)


def test_the_evaluation_is_announced_14_days_before_and_overdue_after(approved):
    plan, due_day = approved
    assert not EVALUATION & set(due(due_day - timedelta(days=15), plan.case))
    for day in (due_day - timedelta(days=14), due_day):
        found = due(day, plan.case)
        assert found[ReminderKind.EVALUATION_DUE] == due_day
        assert ReminderKind.EVALUATION_OVERDUE not in found
    found = due(due_day + DAY, plan.case)
    assert found[ReminderKind.EVALUATION_OVERDUE] == due_day
    assert ReminderKind.EVALUATION_DUE not in found


def test_the_next_evaluation_counts_from_the_last_one(approved, people):
    from plans import services as plan_services

    plan, due_day = approved
    held = due_day - timedelta(days=3)
    with on(held):
        plan_services.evaluation_record(
            plan=plan,
            by=people["regisseur"],
            held_on=held,
            conclusion="continue",
            summary="Fictief",
            results=[(goal, "partly", "") for goal in plan.goals.all()],
        )
    weeks = plan.case.programme.evaluation_interval_weeks
    next_due = held + timedelta(weeks=weeks)
    assert not EVALUATION & set(due(due_day + DAY, plan.case))
    assert due(next_due - timedelta(days=14), plan.case)[ReminderKind.EVALUATION_DUE] == next_due


def test_evaluation_reminders_go_to_the_regisseur_and_when_overdue_the_accounthouder(approved):
    plan, due_day = approved
    with on(due_day - timedelta(days=14)):
        reminders_scan()
    with on(due_day + DAY):
        reminders_scan()
    assert recipients(ReminderKind.EVALUATION_DUE, plan.case) == {"reg"}
    assert recipients(ReminderKind.EVALUATION_OVERDUE, plan.case) == {"reg", "ah"}


# --- plan not submitted -------------------------------------------------------------------------

PLAN_DUE = START + timedelta(days=42)


def test_a_plan_not_submitted_42_days_after_regie_started(case):
    assert ReminderKind.PLAN_NOT_SUBMITTED not in due(PLAN_DUE, case)
    assert due(PLAN_DUE + DAY, case)[ReminderKind.PLAN_NOT_SUBMITTED] == PLAN_DUE


def test_a_draft_is_not_enough_a_submitted_plan_is(case, plan_at):
    with on(START + timedelta(days=5)):
        plan_at("draft", case=case)
    assert ReminderKind.PLAN_NOT_SUBMITTED in due(PLAN_DUE + DAY, case)
    with on(START + timedelta(days=40)):
        from plans import services as plan_services
        from plans.models import Plan

        draft = Plan.objects.get(case=case)
        plan_services.plan_submit(plan=draft, by=draft.case.regisseur)
    assert ReminderKind.PLAN_NOT_SUBMITTED not in due(PLAN_DUE + DAY, case)


def test_uvo_and_plan_reminders_go_to_the_regisseur_and_the_accounthouder(case):
    with on(START + timedelta(days=100)):
        reminders_scan()
    assert recipients(ReminderKind.UVO_OVERDUE, case) == {"reg", "ah"}
    assert recipients(ReminderKind.PLAN_NOT_SUBMITTED, case) == {"reg", "ah"}


# --- agreements ---------------------------------------------------------------------------------

MADE = START + timedelta(days=20)
DEADLINE = MADE + timedelta(days=7)


@pytest.fixture
def agreement_of(case, people, orgs):
    from cases import services as case_services

    with on(START):
        case_services.team_member_add(case=case, by=people["regisseur"], organisation=orgs["WPI"])

    def make(person=None, org="WPI") -> Agreement:
        with on(MADE):
            return services.agreement_create(
                case=case,
                by=people["regisseur"],
                description="Fictieve afspraak",
                owner_organisation=orgs[org],
                owner_person=person,
                deadline=DEADLINE,
            )

    return make


def agreement_due(day: date, agreement: Agreement) -> date | None:
    with on(day):
        found = [
            f
            for f in find_due_items(timezone.localdate())
            if f.kind == ReminderKind.AGREEMENT_OVERDUE and f.object_id == agreement.pk
        ]
    return found[0].due_date if found else None


def test_an_agreement_is_overdue_the_day_after_its_deadline(agreement_of):
    agreement = agreement_of()
    assert agreement_due(DEADLINE, agreement) is None
    assert agreement_due(DEADLINE + DAY, agreement) == DEADLINE


@pytest.mark.parametrize("status", [AgreementStatus.DONE, AgreementStatus.NOT_DONE])
def test_a_settled_agreement_is_not_overdue(agreement_of, people, status):
    agreement = agreement_of()
    with on(MADE):
        services.agreement_set_status(agreement=agreement, by=people["partner"], status=status)
    assert agreement_due(DEADLINE + timedelta(days=30), agreement) is None


def test_an_agreement_reminder_goes_to_the_owner_person_regisseur_and_accounthouder(
    agreement_of, people, case
):
    agreement_of(person=people["partner"])
    with on(DEADLINE + DAY):
        reminders_scan()
    assert recipients(ReminderKind.AGREEMENT_OVERDUE, case) == {"ip", "reg", "ah"}


def test_without_a_person_the_owning_organisations_contact_people_are_told(
    agreement_of, people, case, make_user, orgs
):
    """Not every one of its people: the scan once turned 20 k reminders into 240 k
    notifications. The organisation's contacts (who may sign in and have an e-mail) hear."""
    make_user(Role.INTERVENTIEPLEGER, username="ip-2", organisation=orgs["WPI"])
    make_user(
        Role.INTERVENTIEPLEGER,
        username="ip-contact",
        organisation=orgs["WPI"],
        organisation_contact=True,
    )
    make_user(
        Role.INTERVENTIEPLEGER,
        username="ip-gone",
        organisation=orgs["WPI"],
        is_active=False,
        organisation_contact=True,
    )
    make_user(
        Role.PARTNER_SYSTEM,
        username="wpi-api",
        organisation=orgs["WPI"],
        email="",
        organisation_contact=True,
    )
    make_user(
        Role.REGISSEUR, username="ggd-contact", organisation=orgs["GGD"], organisation_contact=True
    )
    agreement_of()
    with on(DEADLINE + DAY):
        reminders_scan()
    assert recipients(ReminderKind.AGREEMENT_OVERDUE, case) == {"ip-contact", "reg", "ah"}


def test_without_a_person_the_organisations_professional_on_the_team_is_told(
    agreement_of, people, case, make_user, orgs
):
    """The professional the team names for the organisation comes before its contacts."""
    make_user(
        Role.INTERVENTIEPLEGER,
        username="ip-contact",
        organisation=orgs["WPI"],
        organisation_contact=True,
    )
    case.team.filter(organisation=orgs["WPI"]).update(professional=people["partner"])
    agreement_of()
    with on(DEADLINE + DAY):
        reminders_scan()
    assert recipients(ReminderKind.AGREEMENT_OVERDUE, case) == {"ip", "reg", "ah"}


def test_a_named_professional_who_moved_on_leaves_it_to_the_contacts(
    agreement_of, people, case, make_user, orgs
):
    make_user(
        Role.INTERVENTIEPLEGER,
        username="ip-contact",
        organisation=orgs["WPI"],
        organisation_contact=True,
    )
    case.team.filter(organisation=orgs["WPI"]).update(professional=people["partner"])
    type(people["partner"]).objects.filter(pk=people["partner"].pk).update(organisation=orgs["DJI"])
    agreement_of()
    with on(DEADLINE + DAY):
        reminders_scan()
    assert recipients(ReminderKind.AGREEMENT_OVERDUE, case) == {"ip-contact", "reg", "ah"}


@pytest.mark.django_db(transaction=True)
def test_marking_an_agreement_takes_its_lock_in_a_transaction_and_keeps_who(agreement_of, people):
    """In autocommit (as on a server; other tests run inside a transaction) the row lock needs
    the service's own transaction, and the history names who marked it."""
    agreement = agreement_of()
    with on(MADE):
        services.agreement_set_status(agreement=agreement, by=people["partner"], status="done")
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DONE
    assert agreement.history.latest().history_user == people["partner"]
