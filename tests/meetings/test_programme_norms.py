"""A programme's norms, each marked as a fact of the report or a local agreement; the daily scan
reads the programme's own plan deadline (issue 15)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Programme, UvoClockStart
from meetings import selectors
from meetings.models import ReminderKind
from meetings.norms import PROGRAMME, REGIE, REPORT, programme_norms
from meetings.reminders import find_uvo_and_plan_items
from plans.models import Plan
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_the_report_and_the_local_agreements_are_told_apart(settings):
    top600 = Programme.objects.get(code="TOP600")
    report = [n for n in programme_norms(top600) if n.source == REPORT]
    assert len(report) == 4  # leefgebieden, ITAT weekly, UVO every 8 weeks, the ladder
    assert any("8" in n.value for n in report)
    plan_due = next(n for n in programme_norms(top600) if n.source != REPORT and "42" in n.value)
    assert plan_due.source == REGIE
    top600.plan_submit_days = 21
    top600.event_review_days = {"arrest": 5}
    top600.save()
    norms = programme_norms(top600)
    plan_due = next(n for n in norms if "21" in n.value)
    assert plan_due.source == PROGRAMME
    events = next(n for n in norms if "5" in n.value and n.source == PROGRAMME and ";" in n.value)
    assert "14" in events.value  # the kinds it did not set keep Regie's days


def test_the_page_is_open_to_every_user_and_names_no_one(client, people):
    client.force_login(people["partner"])
    response = client.get(reverse("meetings:programme_norms", args=["TOP600"]))
    assert response.status_code == 200
    assert 'data-testid="norms"' in response.content.decode()
    assert client.get(reverse("meetings:programme_norms", args=["NOPE"])).status_code == 404


def test_the_scan_reads_the_programmes_plan_deadline(people, orgs):
    top600 = Programme.objects.get(code="TOP600")
    case = Case.objects.create(
        person=PersonFactory(),
        programme=top600,
        status="in_regie",
        regie_organisation=orgs["RN"],
        regisseur=people["regisseur"],
        accounthouder=people["accounthouder"],
        regie_started_at=timezone.now() - timedelta(days=15),
    )
    today = timezone.localdate()

    def late() -> list:
        return [
            f
            for f in find_uvo_and_plan_items(today)
            if f.kind == ReminderKind.PLAN_NOT_SUBMITTED and f.object_id == case.pk
        ]

    assert late() == []  # Regie's 42 days
    top600.plan_submit_days = 10
    top600.save()
    assert len(late()) == 1


# --- when the UVO clock starts: a local agreement per programme ------------------------------


def _norm(programme, label: str):
    from django.utils.translation import gettext

    return next(n for n in programme_norms(programme) if n.label == gettext(label))


def _uvo_dues(case, people) -> dict[str, object]:
    """The next UVO as each reader of it sees it: the daily scan (overdue only), the case's UVO
    tab, the regisseur's work queue, the accounthouder's dashboard and casuistry agenda."""
    from meetings import dashboard, selectors, work

    today = timezone.localdate()
    case = Case.objects.select_related("programme").get(pk=case.pk)
    scan = [
        f.due_date
        for f in find_uvo_and_plan_items(today)
        if f.kind == ReminderKind.UVO_OVERDUE and f.object_id == case.pk
    ]
    queue = [
        i.due
        for i in work.uvos_due(people["regisseur"], today=today).items
        if i.url == reverse("meetings:case_uvos", args=[case.pk])
    ]
    board = dashboard.accounthouder_dashboard(user=people["accounthouder"], today=today)
    figures = [f for f in board.total.cases if f.case_id == case.pk]
    agenda = [
        item.uvo.due
        for item in selectors.casuistry_items(
            cases=selectors.casuistry_cases(user=people["accounthouder"], today=today),
            today=today,
        )
        if item.case.pk == case.pk
    ]
    return {
        "tab": selectors.case_uvo_state(case=case, today=today).due,
        "scan": scan[0] if scan else None,
        "queue": queue[0] if queue else None,
        "dashboard": figures[0].uvo_due,
        "dashboard_overdue": figures[0].uvo_overdue,
        "agenda": agenda[0],
    }


def test_the_uvo_clock_can_wait_for_the_first_approved_plan(case_at, plan_at, people):
    case = case_at("in_regie")
    at = timezone.now() - timedelta(days=70)
    Case.objects.filter(pk=case.pk).update(regie_started_at=at)
    # The local date of that moment (70 days back may be summer time: one day later, late at night)
    started = timezone.localtime(at).date() + timedelta(weeks=8)
    assert _uvo_dues(case, people) == {
        "tab": started,
        "scan": started,
        "queue": started,
        "dashboard": started,
        "dashboard_overdue": True,
        "agenda": started,
    }

    programme = case.programme
    programme.uvo_clock_start = UvoClockStart.PLAN_APPROVED
    programme.save()
    waiting = dict.fromkeys(("tab", "scan", "queue", "dashboard", "agenda"))
    assert _uvo_dues(case, people) == waiting | {"dashboard_overdue": False}
    state = selectors.case_uvo_state(case=Case.objects.get(pk=case.pk))
    assert state.waits_for_plan
    assert not state.overdue

    plan = plan_at("approved", case=case)
    at = timezone.now() - timedelta(days=60)
    Plan.objects.filter(pk=plan.pk).update(approved_at=at)
    approved = timezone.localtime(at).date() + timedelta(weeks=8)
    assert _uvo_dues(case, people) == {
        "tab": approved,
        "scan": None,  # due 4 days ago: within the grace week, not yet overdue
        "queue": approved,
        "dashboard": approved,
        "dashboard_overdue": False,
        "agenda": approved,
    }


def test_regies_setting_applies_where_the_programme_agreed_nothing(case_at, people, settings):
    case = case_at("in_regie")
    Case.objects.filter(pk=case.pk).update(regie_started_at=timezone.now() - timedelta(days=70))
    settings.REGIE_UVO_CLOCK_START = UvoClockStart.PLAN_APPROVED
    assert set(_uvo_dues(case, people).values()) == {None, False}
    norm = _norm(case.programme, "The UVO clock starts")
    assert norm.source == REGIE
    assert str(UvoClockStart.PLAN_APPROVED.label) in norm.value

    programme = case.programme
    programme.uvo_clock_start = UvoClockStart.REGIE_STARTED  # the programme's own, overriding
    programme.save()
    assert _uvo_dues(case, people)["scan"] is not None
    norm = _norm(programme, "The UVO clock starts")
    assert norm.source == PROGRAMME
    assert str(UvoClockStart.REGIE_STARTED.label) in norm.value


def test_the_uvo_tab_says_the_clock_waits_for_the_plan(client, case_at, people):
    case = case_at("in_regie")
    Programme.objects.filter(pk=case.programme_id).update(
        uvo_clock_start=UvoClockStart.PLAN_APPROVED
    )
    client.force_login(people["regisseur"])
    page = client.get(reverse("meetings:case_uvos", args=[case.pk])).content.decode()
    assert 'data-testid="uvo-clock-waits"' in page


# --- the casuistry rhythm: a local agreement per programme -----------------------------------


def test_each_programme_keeps_its_own_casuistry_rhythm(client, case_at, people, settings):
    from meetings.selectors import casuistry_rhythms

    settings.REGIE_CASUISTRY_WEEKS = 3
    settings.REGIE_CASUISTRY_ANCHOR = "2026-01-06"
    case_at("in_regie")
    case_at("in_regie", programme_code="TOP400")
    Programme.objects.filter(code="TOP400").update(
        casuistry_weeks=4, casuistry_anchor=date(2026, 1, 13)
    )
    today = date(2026, 2, 1)
    rhythms = {
        r.programme.code: r for r in casuistry_rhythms(user=people["accounthouder"], today=today)
    }
    assert rhythms.keys() == {"TOP600", "TOP400"}
    top600, top400 = rhythms["TOP600"], rhythms["TOP400"]
    assert (top600.weeks, top600.own, top600.dates[:2]) == (
        3,
        False,
        [date(2026, 2, 17), date(2026, 3, 10)],
    )
    assert (top400.weeks, top400.own, top400.dates[:2]) == (
        4,
        True,
        [date(2026, 2, 10), date(2026, 3, 10)],
    )
    assert casuistry_rhythms(user=people["regisseur"], today=today) == []  # not their cases

    norm = _norm(Programme.objects.get(code="TOP400"), "Casuistry of accounthouder and regisseurs")
    assert norm.source == PROGRAMME
    assert "4" in norm.value

    client.force_login(people["accounthouder"])
    response = client.get(reverse("meetings:casuistry"))
    assert [(r.programme.code, r.weeks) for r in response.context["rhythms"]] == [
        ("TOP400", 4),
        ("TOP600", 3),
    ]
    assert 'data-testid="casuistry-rhythms"' in response.content.decode()


def test_a_casuistry_rhythm_out_of_bounds_is_refused():
    from django.core.exceptions import ValidationError

    top600 = Programme.objects.get(code="TOP600")
    for weeks in (0, 13):
        top600.casuistry_weeks = weeks
        with pytest.raises(ValidationError) as refused:
            top600.full_clean()
        assert "casuistry_weeks" in refused.value.message_dict
    top600.casuistry_weeks, top600.uvo_clock_start = 4, "whenever"
    with pytest.raises(ValidationError) as refused:
        top600.full_clean()
    assert refused.value.message_dict.keys() == {"uvo_clock_start"}
