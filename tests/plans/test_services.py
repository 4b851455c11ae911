"""The plan cycle through its services (docs/domain.md step 4): versions, ITAT review, commitments,
optimistic locking, evaluations, the expert group, need-to-know and the case history."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from acvz.errors import DomainError, NotAllowed
from cases import services as case_services
from cases.models import Leefgebied, TimelineEvent, TimelineKind
from cases.selectors import case_history
from plans import services
from plans.models import (
    Evaluation,
    ExpertGroupReferral,
    ItatAdvice,
    ItatMeeting,
    Plan,
    PlanGoal,
    PlanStatusChange,
)
from plans.workflow import Commitment, EvaluationConclusion, EvaluationResult, PlanStatus
from tests.scenarios import OPEN_COMMITMENTS_OK

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
# Days in January 2030 (the 3rd and the 10th are Thursdays, settings.REGIE_ITAT_WEEKDAY = 3).
TUE, WED, THU, FRI = (dt.date(2030, 1, d) for d in (1, 2, 3, 4))
NEXT_THU = dt.date(2030, 1, 10)


def at(day: dt.date, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=AMS)


class refused:  # lower case: used like pytest.raises
    """pytest.raises for a DomainError with this code (so not a NotAllowed in disguise)."""

    def __init__(self, code: str) -> None:
        self.code = code
        self._raises = pytest.raises(DomainError)

    def __enter__(self):
        self.info = self._raises.__enter__()
        return self.info

    def __exit__(self, *exc):
        suppressed = self._raises.__exit__(*exc)
        if not suppressed:
            return False
        assert self.info.value.code == self.code, (self.info.value.code, self.info.value.message)
        return suppressed


def fresh(plan: Plan) -> Plan:
    return Plan.objects.get(pk=plan.pk)


def goal_on(plan: Plan, leefgebied: int) -> PlanGoal:
    return plan.goals.get(leefgebied=leefgebied)


def results_for(plan: Plan, result: str = EvaluationResult.PARTLY):
    return [(g, result, "Fictieve toelichting") for g in plan.goals.all()]


# --- transitions allowed --------------------------------------------------------------------


def test_regisseur_submits_a_draft_and_the_change_is_recorded(plan_at, people):
    plan = plan_at("draft")
    before = plan.lock_version
    with time_machine.travel(at(TUE), tick=False):
        submitted = services.plan_submit(plan=plan, by=people["regisseur"])
    plan = fresh(submitted)
    assert plan.status == PlanStatus.SUBMITTED
    assert plan.submitted_at == at(TUE)
    assert plan.itat_meeting.date == THU
    assert plan.lock_version == before + 1
    change = plan.status_changes.get()
    assert (change.from_status, change.to_status, change.by) == (
        PlanStatus.DRAFT,
        PlanStatus.SUBMITTED,
        people["regisseur"],
    )


def test_the_accounthouder_may_submit_too(plan_at, people):
    plan = plan_at("draft")
    assert services.plan_submit(plan=plan, by=people["accounthouder"]).status == "submitted"


def test_itat_approves_a_submitted_plan(plan_at, people):
    plan = plan_at("submitted")
    approved = services.plan_approve(reason=OPEN_COMMITMENTS_OK, plan=plan, by=people["itat"])
    assert fresh(approved).status == PlanStatus.APPROVED
    change = plan.status_changes.get(to_status=PlanStatus.APPROVED)
    assert (change.from_status, change.by) == (PlanStatus.SUBMITTED, people["itat"])
    assert change.fingerprint == fresh(plan).fingerprint


def test_itat_returns_a_submitted_plan_with_advice(plan_at, people):
    plan = plan_at("submitted")
    services.plan_return(plan=plan, by=people["itat"], advice="Betrek het sociaal netwerk.")
    plan = fresh(plan)
    assert plan.status == PlanStatus.DRAFT
    assert plan.itat_meeting is None
    change = plan.status_changes.get(to_status=PlanStatus.DRAFT)
    assert change.by == people["itat"]
    assert change.reason == "Betrek het sociaal netwerk."


# --- transitions refused: the wrong state -------------------------------------------------------


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_submit_is_refused_unless_draft(plan_at, people, status):
    plan = plan_at(status)
    with refused("invalid_transition"):
        services.plan_submit(plan=plan, by=people["regisseur"])
    assert fresh(plan).status == status


@pytest.mark.parametrize("status", ["draft", "approved"])
def test_approve_is_refused_unless_submitted(plan_at, people, status):
    plan = plan_at(status)
    approved_at = plan.approved_at
    with refused("invalid_transition"):
        services.plan_approve(reason=OPEN_COMMITMENTS_OK, plan=plan, by=people["itat"])
    plan = fresh(plan)
    assert (plan.status, plan.approved_at) == (status, approved_at)


def test_a_superseded_version_cannot_be_submitted_or_approved(plan_at, people):
    old = plan_at("approved")
    new = services.plan_start_version(case=old.case, by=people["regisseur"])
    services.plan_submit(plan=new, by=people["regisseur"])
    services.plan_approve(reason=OPEN_COMMITMENTS_OK, plan=new, by=people["itat"])
    assert fresh(old).status == PlanStatus.SUPERSEDED
    with refused("invalid_transition"):
        services.plan_submit(plan=old, by=people["regisseur"])
    with refused("invalid_transition"):
        services.plan_approve(reason=OPEN_COMMITMENTS_OK, plan=old, by=people["itat"])


@pytest.mark.parametrize("status", ["draft", "approved"])
def test_return_without_advice_text_is_refused_unless_submitted(plan_at, people, status):
    plan = plan_at(status)
    ItatAdvice.objects.create(plan=plan, text="Eerder advies", author=people["itat"])
    with refused("invalid_transition"):
        services.plan_return(plan=plan, by=people["itat"])
    assert fresh(plan).status == status


@pytest.mark.parametrize("status", ["draft", "approved"])
def test_return_with_advice_text_is_refused_as_an_invalid_transition_unless_submitted(
    plan_at, people, status
):
    plan = plan_at(status)
    with refused("invalid_transition"):
        services.plan_return(plan=plan, by=people["itat"], advice="Te laat")
    assert fresh(plan).status == status
    assert not plan.advice.exists()


# --- transitions refused: the wrong actor -------------------------------------------------------

NOT_DIRECTING = [
    "programme",
    "ivg_politie",
    "ivg_ggd",
    "regisseur_other",
    "partner",
    "health_partner",
    "outsider",
    "beheerder",
    "itat",
    "system",
]
NOT_ITAT = [
    "programme",
    "ivg_ggd",
    "regisseur",
    "regisseur_other",
    "accounthouder",
    "partner",
    "health_partner",
    "outsider",
    "beheerder",
    "system",
]


@pytest.mark.parametrize("who", NOT_DIRECTING)
def test_only_who_directs_the_case_submits(plan_at, people, who):
    plan = plan_at("draft")
    with pytest.raises(NotAllowed):
        services.plan_submit(plan=plan, by=people[who])
    assert fresh(plan).status == PlanStatus.DRAFT


@pytest.mark.parametrize("who", NOT_ITAT)
def test_only_itat_approves(plan_at, people, who):
    plan = plan_at("submitted")
    with pytest.raises(NotAllowed):
        services.plan_approve(reason=OPEN_COMMITMENTS_OK, plan=plan, by=people[who])
    plan = fresh(plan)
    assert (plan.status, plan.approved_at, plan.fingerprint) == (PlanStatus.SUBMITTED, None, "")


@pytest.mark.parametrize("who", NOT_ITAT)
def test_only_itat_returns(plan_at, people, who):
    plan = plan_at("submitted")
    with pytest.raises(NotAllowed):
        services.plan_return(plan=plan, by=people[who], advice="Niet mijn rol")
    assert fresh(plan).status == PlanStatus.SUBMITTED
    assert not plan.advice.exists()


def test_submit_is_refused_when_the_case_left_regie(plan_at, people):
    plan = plan_at("draft")
    case_services.case_start_outflow(
        case=plan.case,
        by=people["regisseur"],
        reason="Criteria niet meer gehaald",
        receiving_organisation="Wijkteam (fictief)",
        handover_note="Overdracht",
    )
    with pytest.raises(NotAllowed):
        services.plan_submit(plan=plan, by=people["regisseur"])


# --- submitting: what a plan needs ------------------------------------------------------------


def test_submit_needs_at_least_one_goal(case_at, people):
    case = case_at("in_regie")
    plan = services.plan_start_version(case=case, by=people["regisseur"])
    with refused("plan_incomplete"):
        services.plan_submit(plan=plan, by=people["regisseur"])
    plan = fresh(plan)
    assert (plan.status, plan.itat_meeting, plan.submitted_at) == (PlanStatus.DRAFT, None, None)
    assert not ItatMeeting.objects.exists()


def test_submit_needs_a_responsible_organisation_on_every_goal(plan_at, people):
    plan = plan_at("draft")
    services.goal_add(
        plan=plan,
        by=people["regisseur"],
        leefgebied=Leefgebied.SOCIAAL_NETWERK,
        goal="Fictief: contact met familie herstellen",
    )
    with refused("plan_incomplete") as info:
        services.plan_submit(plan=plan, by=people["regisseur"])
    assert "10" in info.value.message
    assert fresh(plan).status == PlanStatus.DRAFT
    assert not plan.status_changes.exists()


def test_a_new_version_is_refused_while_one_is_open(plan_at, people):
    plan = plan_at("submitted")
    with refused("open_version_exists"):
        services.plan_start_version(case=plan.case, by=people["regisseur"])


@pytest.mark.parametrize("who", ["partner", "itat", "outsider", "regisseur_other"])
def test_only_who_directs_starts_a_plan(case_at, people, who):
    case = case_at("in_regie")
    with pytest.raises(NotAllowed):
        services.plan_start_version(case=case, by=people[who])
    assert not Plan.objects.exists()


def test_no_plan_before_the_case_is_in_regie(case_at, people):
    case = case_at("assigned")
    with pytest.raises(NotAllowed):
        services.plan_start_version(case=case, by=people["regisseur"])


# --- the ITAT meeting a submitted plan goes to ------------------------------------------------


@pytest.mark.parametrize(
    ("now", "meeting"),
    [
        pytest.param(at(TUE), THU, id="tuesday-to-thursday"),
        pytest.param(at(WED, 23, 59), THU, id="wednesday-late-to-tomorrow"),
        pytest.param(at(THU, 0, 1), NEXT_THU, id="meeting-day-just-after-midnight-next-week"),
        pytest.param(at(THU, 8), NEXT_THU, id="meeting-day-before-the-meeting-next-week"),
        pytest.param(at(THU, 23, 59), NEXT_THU, id="meeting-day-late-next-week"),
        pytest.param(at(FRI), NEXT_THU, id="friday-to-next-thursday"),
    ],
)
def test_submit_puts_the_plan_on_the_first_meeting_strictly_after_today(
    plan_at, people, now, meeting
):
    plan = plan_at("draft")
    with time_machine.travel(now, tick=False):
        services.plan_submit(plan=plan, by=people["regisseur"])
    plan = fresh(plan)
    assert plan.itat_meeting.date == meeting
    assert plan.itat_meeting.date.weekday() == 3
    assert not plan.itat_meeting.held


def test_the_local_date_counts_not_utc(plan_at, people):
    """Thursday 00:30 in Amsterdam is still Wednesday in UTC: it is the meeting day here."""
    plan = plan_at("draft")
    with time_machine.travel(dt.datetime(2030, 1, 2, 23, 30, tzinfo=dt.UTC), tick=False):
        services.plan_submit(plan=plan, by=people["regisseur"])
    assert fresh(plan).itat_meeting.date == NEXT_THU


def test_a_meeting_already_held_is_skipped(plan_at, people):
    ItatMeeting.objects.create(date=THU, held=True)
    plan = plan_at("draft")
    with time_machine.travel(at(TUE), tick=False):
        services.plan_submit(plan=plan, by=people["regisseur"])
    assert fresh(plan).itat_meeting.date == NEXT_THU


def test_consecutive_held_meetings_are_all_skipped(plan_at, people):
    ItatMeeting.objects.create(date=THU, held=True)
    ItatMeeting.objects.create(date=NEXT_THU, held=True)
    plan = plan_at("draft")
    with time_machine.travel(at(WED), tick=False):
        services.plan_submit(plan=plan, by=people["regisseur"])
    assert fresh(plan).itat_meeting.date == dt.date(2030, 1, 17)


def test_plans_submitted_in_one_week_share_the_meeting(plan_at, people):
    first, second = plan_at("draft"), plan_at("draft")
    with time_machine.travel(at(TUE), tick=False):
        services.plan_submit(plan=first, by=people["regisseur"])
    with time_machine.travel(at(WED, 9), tick=False):
        services.plan_submit(plan=second, by=people["regisseur"])
    assert fresh(first).itat_meeting_id == fresh(second).itat_meeting_id
    assert ItatMeeting.objects.count() == 1
    assert set(ItatMeeting.objects.get().plans.all()) == {first, second}


# --- returning: advice is required and stays with the version -------------------------------


def test_return_needs_advice(plan_at, people):
    plan = plan_at("submitted")
    with refused("advice_required"):
        services.plan_return(plan=plan, by=people["itat"], advice="   ")
    assert fresh(plan).status == PlanStatus.SUBMITTED


def test_advice_given_before_is_enough_to_return(plan_at, people):
    plan = plan_at("submitted")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    services.itat_advice_add(plan=plan, by=people["itat"], text="Schuldhulp eerst", goal=goal)
    services.plan_return(plan=plan, by=people["itat"])
    assert fresh(plan).status == PlanStatus.DRAFT


def test_returned_advice_stays_on_the_version_through_resubmission(plan_at, people):
    plan = plan_at("submitted")
    services.itat_advice_add(plan=plan, by=people["itat"], text="Per doel: termijn ontbreekt")
    services.plan_return(plan=plan, by=people["itat"], advice="Maak het integraler.")
    plan = fresh(plan)
    assert plan.version == 1
    assert list(plan.advice.values_list("text", flat=True)) == [
        "Per doel: termijn ontbreekt",
        "Maak het integraler.",
    ]
    assert {a.author for a in plan.advice.all()} == {people["itat"]}
    services.plan_submit(plan=plan, by=people["regisseur"])
    services.plan_approve(reason=OPEN_COMMITMENTS_OK, plan=plan, by=people["itat"])
    assert fresh(plan).advice.count() == 2
    statuses = list(
        plan.status_changes.order_by("at", "pk").values_list("from_status", "to_status")
    )
    assert statuses == [
        ("draft", "submitted"),
        ("submitted", "draft"),
        ("draft", "submitted"),
        ("submitted", "approved"),
    ]


def test_advice_only_from_itat_on_a_submitted_plan(plan_at, people):
    plan = plan_at("submitted")
    with pytest.raises(NotAllowed):
        services.itat_advice_add(plan=plan, by=people["regisseur"], text="Eigen advies")
    other = plan_at("draft")
    with refused("invalid"):
        services.itat_advice_add(
            plan=plan, by=people["itat"], text="Fout doel", goal=other.goals.first()
        )
    with pytest.raises(NotAllowed):
        services.itat_advice_add(plan=other, by=people["itat"], text="Nog niet ingediend")
    assert not ItatAdvice.objects.exists()


# --- approval: who, when, exactly what ------------------------------------------------------


def test_approval_records_who_when_and_the_fingerprint(plan_at, people):
    plan = plan_at("submitted")
    with time_machine.travel(at(THU, 14), tick=False):
        services.plan_approve(reason=OPEN_COMMITMENTS_OK, plan=plan, by=people["itat"])
    plan = fresh(plan)
    assert plan.approved_by == people["itat"]
    assert plan.approved_at == at(THU, 14)
    assert len(plan.fingerprint) == 64
    assert int(plan.fingerprint, 16) >= 0
    assert plan.fingerprint == services.plan_fingerprint(plan)
    event = TimelineEvent.objects.get(case=plan.case, description__contains=plan.fingerprint[:12])
    assert (event.kind, event.created_by, event.organisation) == (
        TimelineKind.STATUS,
        people["itat"],
        people["itat"].organisation,
    )


def test_fingerprint_follows_the_content(plan_at, people):
    plan = plan_at("draft")
    original = services.plan_fingerprint(plan)
    assert services.plan_fingerprint(fresh(plan)) == original  # equal content, equal print

    services.plan_update(
        plan=plan, by=people["regisseur"], analysis="Andere analyse", expected_lock_version=None
    )
    changed = services.plan_fingerprint(fresh(plan))
    assert changed != original
    services.plan_update(
        plan=plan, by=people["regisseur"], analysis="Fictieve analyse", expected_lock_version=None
    )
    assert services.plan_fingerprint(fresh(plan)) == original

    goal = goal_on(plan, Leefgebied.OPLEIDING_WERK)
    services.goal_update(goal=goal, by=people["regisseur"], interventions="Fictief: MBO")
    assert services.plan_fingerprint(fresh(plan)) not in (original, changed)
    services.goal_update(goal=goal, by=people["regisseur"], interventions=goal.interventions)
    assert services.plan_fingerprint(fresh(plan)) == original

    services.goal_update(goal=goal, by=people["regisseur"], target_date=dt.date(2031, 1, 1))
    assert services.plan_fingerprint(fresh(plan)) != original


def test_a_commitment_is_not_content(plan_at, people):
    plan = plan_at("draft")
    original = services.plan_fingerprint(plan)
    services.goal_commit(
        goal=goal_on(plan, Leefgebied.FINANCIEN), by=people["partner"], committed=True
    )
    assert services.plan_fingerprint(fresh(plan)) == original


def test_the_approved_fingerprint_is_kept_when_the_next_version_differs(plan_at, people):
    v1 = plan_at("approved")
    fingerprint = v1.fingerprint
    v2 = services.plan_start_version(case=v1.case, by=people["regisseur"])
    services.goal_update(
        goal=goal_on(v2, Leefgebied.FINANCIEN),
        by=people["regisseur"],
        interventions="Fictief: budgetcoach",
    )
    services.plan_submit(plan=v2, by=people["regisseur"])
    services.plan_approve(reason=OPEN_COMMITMENTS_OK, plan=v2, by=people["itat"])
    assert fresh(v1).fingerprint == fingerprint == services.plan_fingerprint(fresh(v1))
    assert fresh(v2).fingerprint not in ("", fingerprint)


def test_a_revision_leaves_the_approved_version_in_force_until_it_is_approved(plan_at, people):
    v1 = plan_at("approved")
    v2 = services.plan_start_version(case=v1.case, by=people["regisseur"])
    assert (v2.version, v2.based_on, v2.status) == (2, v1, PlanStatus.DRAFT)
    assert {g.origin_id for g in v2.goals.all()} == {g.pk for g in v1.goals.all()}

    services.plan_submit(plan=v2, by=people["regisseur"])
    services.plan_return(plan=v2, by=people["itat"], advice="Nog niet")
    services.plan_submit(plan=v2, by=people["regisseur"])
    v1 = fresh(v1)
    assert (v1.status, v1.superseded_at) == (PlanStatus.APPROVED, None)

    with time_machine.travel(at(THU, 15), tick=False):
        services.plan_approve(reason=OPEN_COMMITMENTS_OK, plan=v2, by=people["itat"])
    v1, v2 = fresh(v1), fresh(v2)
    assert (v1.status, v1.superseded_at) == (PlanStatus.SUPERSEDED, at(THU, 15))
    assert (v2.status, v2.approved_at) == (PlanStatus.APPROVED, at(THU, 15))
    assert list(v1.case.plans.filter(status=PlanStatus.APPROVED)) == [v2]


# --- commitment: "boter bij de vis" --------------------------------------------------------


def test_the_responsible_organisation_commits(plan_at, people):
    plan = plan_at("draft")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    with time_machine.travel(at(TUE), tick=False):
        services.goal_commit(goal=goal, by=people["partner"], committed=True)
    goal.refresh_from_db()
    assert (goal.commitment, goal.committed_by, goal.committed_at, goal.commitment_reason) == (
        Commitment.COMMITTED,
        people["partner"],
        at(TUE),
        "",
    )


def test_commitment_is_possible_while_on_the_itat_agenda(plan_at, people):
    plan = plan_at("submitted")
    goal = goal_on(plan, Leefgebied.GEZONDHEID)
    services.goal_commit(goal=goal, by=people["health_partner"], committed=True)
    assert PlanGoal.objects.get(pk=goal.pk).commitment == Commitment.COMMITTED


@pytest.mark.parametrize(
    ("who", "leefgebied"),
    [
        ("partner", Leefgebied.GEZONDHEID),  # WPI on GGD's goal
        ("health_partner", Leefgebied.FINANCIEN),  # GGD on WPI's goal
        ("regisseur", Leefgebied.FINANCIEN),  # RN directs, but WPI answers for WPI
        ("itat", Leefgebied.FINANCIEN),
        ("outsider", Leefgebied.FINANCIEN),
    ],
)
def test_only_the_responsible_organisation_answers(plan_at, people, who, leefgebied):
    plan = plan_at("draft")
    goal = goal_on(plan, leefgebied)
    with pytest.raises(NotAllowed):
        services.goal_commit(goal=goal, by=people[who], committed=True)
    assert PlanGoal.objects.get(pk=goal.pk).commitment == Commitment.PENDING


def test_a_goal_without_responsible_organisation_cannot_be_answered(plan_at, people):
    plan = plan_at("draft")
    goal = services.goal_add(
        plan=plan, by=people["regisseur"], leefgebied=Leefgebied.HOUDING, goal="Fictief doel"
    )
    with pytest.raises(NotAllowed):
        services.goal_commit(goal=goal, by=people["partner"], committed=True)


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_declining_needs_a_reason(plan_at, people, reason):
    plan = plan_at("draft")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    with refused("invalid"):
        services.goal_commit(goal=goal, by=people["partner"], committed=False, reason=reason)
    assert PlanGoal.objects.get(pk=goal.pk).commitment == Commitment.PENDING


def test_declining_with_a_reason_is_recorded(plan_at, people):
    plan = plan_at("draft")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    services.goal_commit(
        goal=goal, by=people["partner"], committed=False, reason="Geen capaciteit dit kwartaal"
    )
    goal.refresh_from_db()
    assert (goal.commitment, goal.commitment_reason, goal.committed_by) == (
        Commitment.DECLINED,
        "Geen capaciteit dit kwartaal",
        people["partner"],
    )
    services.goal_commit(goal=goal, by=people["partner"], committed=True)
    goal.refresh_from_db()
    assert (goal.commitment, goal.commitment_reason) == (Commitment.COMMITTED, "")


def test_no_answers_after_approval(plan_at, people):
    plan = plan_at("approved")
    with pytest.raises(NotAllowed):
        services.goal_commit(
            goal=goal_on(plan, Leefgebied.FINANCIEN), by=people["partner"], committed=True
        )


def test_the_goal_text_is_changed_as_text(plan_at, people):
    """The goal's own field is called `goal`, like the service's goal parameter: it goes as
    `text`."""
    plan = plan_at("draft")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    original = services.plan_fingerprint(plan)
    services.goal_update(goal=goal, by=people["regisseur"], text="Fictief: schuldenvrij")
    assert PlanGoal.objects.get(pk=goal.pk).goal == "Fictief: schuldenvrij"
    assert services.plan_fingerprint(fresh(plan)) != original


@pytest.mark.parametrize(
    "change",
    [
        {"text": "Fictief: schulden in beeld"},
        {"interventions": "Fictief: budgetcoach"},
        {"start_date": dt.date(2030, 2, 1)},
        {"target_date": dt.date(2030, 6, 1)},
        {"leefgebied": Leefgebied.HOUDING},
    ],
    ids=lambda c: next(iter(c)),
)
def test_changing_the_content_asks_for_commitment_again(plan_at, people, change):
    plan = plan_at("draft")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    services.goal_commit(goal=goal, by=people["partner"], committed=True)
    services.goal_update(goal=goal, by=people["regisseur"], **change)
    goal.refresh_from_db()
    assert (goal.commitment, goal.committed_by, goal.committed_at) == (
        Commitment.PENDING,
        None,
        None,
    )


def test_a_new_responsible_organisation_is_asked_again(plan_at, people, orgs):
    plan = plan_at("draft")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    services.goal_commit(goal=goal, by=people["partner"], committed=False, reason="Niet wij")
    services.goal_update(goal=goal, by=people["regisseur"], responsible_organisation=orgs["RN"])
    goal.refresh_from_db()
    assert (goal.commitment, goal.commitment_reason, goal.committed_by) == (
        Commitment.PENDING,
        "",
        None,
    )
    with pytest.raises(NotAllowed):
        services.goal_commit(goal=goal, by=people["partner"], committed=True)


def test_saving_the_same_content_keeps_the_commitment(plan_at, people):
    plan = plan_at("draft")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    services.goal_commit(goal=goal, by=people["partner"], committed=True)
    services.goal_update(
        goal=goal,
        by=people["regisseur"],
        interventions=goal.interventions,
        responsible_organisation=goal.responsible_organisation,
    )
    goal.refresh_from_db()
    assert (goal.commitment, goal.committed_by) == (Commitment.COMMITTED, people["partner"])


# --- optimistic locking -----------------------------------------------------------------------


def test_plan_update_with_the_current_lock_version_saves(plan_at, people):
    plan = plan_at("draft")
    lock = plan.lock_version
    services.plan_update(
        plan=plan, by=people["regisseur"], analysis="Nieuwe analyse", expected_lock_version=lock
    )
    plan = fresh(plan)
    assert (plan.analysis, plan.lock_version) == ("Nieuwe analyse", lock + 1)


def test_plan_update_with_a_stale_lock_version_overwrites_nothing(plan_at, people):
    plan = plan_at("draft")
    seen = plan.lock_version
    services.plan_update(
        plan=plan, by=people["accounthouder"], analysis="Eerst", expected_lock_version=seen
    )
    with refused("stale"):
        services.plan_update(
            plan=plan, by=people["regisseur"], analysis="Daarna", expected_lock_version=seen
        )
    plan = fresh(plan)
    assert (plan.analysis, plan.lock_version) == ("Eerst", seen + 1)


def test_goal_writes_with_the_current_lock_version_save(plan_at, people):
    plan = plan_at("draft")
    lock = plan.lock_version
    goal = services.goal_add(
        plan=plan,
        by=people["regisseur"],
        expected_lock_version=lock,
        leefgebied=Leefgebied.VERBLIJF,
        goal="Fictief: woonplek",
    )
    services.goal_update(
        goal=goal, by=people["regisseur"], expected_lock_version=lock + 1, interventions="Kamer"
    )
    services.goal_delete(goal=goal, by=people["regisseur"], expected_lock_version=lock + 2)
    plan = fresh(plan)
    assert plan.lock_version == lock + 3
    assert not plan.goals.filter(leefgebied=Leefgebied.VERBLIJF).exists()


def test_goal_writes_with_a_stale_lock_version_overwrite_nothing(plan_at, people):
    plan = plan_at("draft")
    seen = plan.lock_version
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    services.plan_update(
        plan=plan, by=people["accounthouder"], analysis="Tussendoor", expected_lock_version=seen
    )
    with refused("stale"):
        services.goal_add(
            plan=plan,
            by=people["regisseur"],
            expected_lock_version=seen,
            leefgebied=Leefgebied.VERBLIJF,
            goal="Fictief: woonplek",
        )
    with refused("stale"):
        services.goal_update(
            goal=goal,
            by=people["regisseur"],
            expected_lock_version=seen,
            interventions="Overschreven",
        )
    with refused("stale"):
        services.goal_delete(goal=goal, by=people["regisseur"], expected_lock_version=seen)
    plan = fresh(plan)
    assert plan.lock_version == seen + 1
    assert plan.goals.count() == 3
    assert goal_on(plan, Leefgebied.FINANCIEN).interventions == goal.interventions


def test_a_transition_makes_an_open_edit_form_stale(plan_at, people):
    plan = plan_at("draft")
    seen = plan.lock_version
    services.plan_submit(plan=plan, by=people["regisseur"])
    services.plan_return(plan=plan, by=people["itat"], advice="Terug")
    with refused("stale"):
        services.plan_update(
            plan=plan, by=people["regisseur"], analysis="Oud", expected_lock_version=seen
        )
    assert fresh(plan).analysis == "Fictieve analyse"


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_only_drafts_are_edited(plan_at, people, status):
    plan = plan_at(status)
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    lock = plan.lock_version
    with pytest.raises(NotAllowed):
        services.plan_update(
            plan=plan, by=people["regisseur"], analysis="X", expected_lock_version=lock
        )
    with pytest.raises(NotAllowed):
        services.goal_add(plan=plan, by=people["regisseur"], leefgebied=4, goal="X")
    with pytest.raises(NotAllowed):
        services.goal_update(goal=goal, by=people["regisseur"], interventions="X")
    with pytest.raises(NotAllowed):
        services.goal_delete(goal=goal, by=people["regisseur"])
    plan = fresh(plan)
    assert (plan.analysis, plan.goals.count(), plan.lock_version) == ("Fictieve analyse", 3, lock)


@pytest.mark.parametrize("who", ["partner", "itat", "regisseur_other"])
def test_only_who_directs_edits_a_draft(plan_at, people, who):
    plan = plan_at("draft")
    with pytest.raises(NotAllowed):
        services.plan_update(plan=plan, by=people[who], analysis="X", expected_lock_version=None)
    with pytest.raises(NotAllowed):
        services.goal_update(goal=plan.goals.first(), by=people[who], interventions="X")


def test_a_goal_is_validated(plan_at, people):
    from django.core.exceptions import ValidationError

    plan = plan_at("draft")
    with pytest.raises(ValidationError):
        services.goal_add(
            plan=plan,
            by=people["regisseur"],
            leefgebied=Leefgebied.VERBLIJF,
            goal="Fictief",
            start_date=dt.date(2030, 5, 1),
            target_date=dt.date(2030, 4, 1),
        )
    with pytest.raises(ValidationError):
        services.goal_add(plan=plan, by=people["regisseur"], leefgebied=12, goal="Fictief")
    with pytest.raises(ValidationError):
        services.goal_add(plan=plan, by=people["regisseur"], leefgebied=4, goal="nul\x00byte")
    assert fresh(plan).goals.count() == 3


# --- evaluations ------------------------------------------------------------------------------


def approved_at_(plan_at, people, when: dt.datetime) -> Plan:
    plan = plan_at("submitted")
    with time_machine.travel(when, tick=False):
        services.plan_approve(reason=OPEN_COMMITMENTS_OK, plan=plan, by=people["itat"])
    return fresh(plan)


def test_evaluation_is_due_26_weeks_after_approval_then_after_the_last(plan_at, people):
    plan = approved_at_(plan_at, people, at(THU, 23, 30))  # 22:30 UTC: the local date counts
    assert plan.case.programme.evaluation_interval_weeks == 26
    assert services.evaluation_due_date(plan) == THU + dt.timedelta(weeks=26)
    held = dt.date(2030, 6, 20)
    with time_machine.travel(at(held), tick=False):
        first = services.evaluation_record(
            plan=plan,
            by=people["regisseur"],
            held_on=held,
            conclusion=EvaluationConclusion.CONTINUE,
            summary="Loopt",
            results=results_for(plan),
        )
    assert first.due_date == dt.date(2030, 7, 4)
    assert services.evaluation_due_date(plan, first) == held + dt.timedelta(weeks=26)
    with time_machine.travel(at(dt.date(2031, 1, 2)), tick=False):
        second = services.evaluation_record(
            plan=plan,
            by=people["regisseur"],
            held_on=dt.date(2031, 1, 2),
            conclusion=EvaluationConclusion.CONTINUE,
            summary="Loopt nog",
            results=results_for(plan),
        )
    assert second.due_date == held + dt.timedelta(weeks=26)
    assert fresh(plan).status == PlanStatus.APPROVED


def test_the_interval_is_the_programmes(plan_at, people):
    plan = approved_at_(plan_at, people, at(THU))
    programme = plan.case.programme
    programme.evaluation_interval_weeks = 8
    programme.save()
    assert services.evaluation_due_date(fresh(plan)) == THU + dt.timedelta(weeks=8)


@pytest.mark.parametrize("status", ["draft", "submitted"])
def test_no_due_date_before_approval(plan_at, status):
    assert services.evaluation_due_date(plan_at(status)) is None


def evaluate(plan, people, conclusion=EvaluationConclusion.CONTINUE, **kwargs):
    kwargs.setdefault("results", results_for(plan))
    kwargs.setdefault("held_on", timezone.localdate())
    kwargs.setdefault("summary", "Fictieve samenvatting")
    kwargs.setdefault("by", people["regisseur"])
    return services.evaluation_record(plan=plan, conclusion=conclusion, **kwargs)


@pytest.mark.parametrize(
    "results",
    [
        pytest.param(lambda goals: goals[:2], id="one-missing"),
        pytest.param(lambda goals: [*goals, goals[0]], id="one-twice"),
        pytest.param(lambda goals: [], id="none"),
    ],
)
def test_an_evaluation_needs_one_result_per_goal(plan_at, people, results):
    plan = plan_at("approved")
    goals = list(plan.goals.all())
    with refused("invalid"):
        evaluate(plan, people, results=[(g, "achieved", "") for g in results(goals)])
    assert not Evaluation.objects.exists()


def test_an_evaluation_of_another_versions_goals_is_refused(plan_at, people):
    plan = plan_at("approved")
    other = plan_at("draft")
    with refused("invalid"):
        evaluate(plan, people, results=results_for(other))


def test_an_evaluation_cannot_be_held_in_the_future(plan_at, people):
    plan = plan_at("approved")
    with refused("invalid"):
        evaluate(plan, people, held_on=timezone.localdate() + dt.timedelta(days=1))


def test_an_unknown_result_or_conclusion_is_refused(plan_at, people):
    from django.core.exceptions import ValidationError

    plan = plan_at("approved")
    with pytest.raises(ValidationError):
        evaluate(plan, people, results=[(g, "great", "") for g in plan.goals.all()])
    with pytest.raises(ValidationError):
        evaluate(plan, people, conclusion="celebrate")
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("who", ["partner", "itat", "regisseur_other"])
def test_only_who_directs_evaluates(plan_at, people, who):
    plan = plan_at("approved")
    with pytest.raises(NotAllowed):
        evaluate(plan, people, by=people[who])


@pytest.mark.parametrize("status", ["draft", "submitted"])
def test_only_the_plan_in_force_is_evaluated(plan_at, people, status):
    plan = plan_at(status)
    with pytest.raises(NotAllowed):
        evaluate(plan, people)


def test_continue_changes_nothing_else(plan_at, people):
    plan = plan_at("approved")
    evaluation = evaluate(plan, people, results=results_for(plan, EvaluationResult.ACHIEVED))
    assert evaluation.results.count() == 3
    assert set(evaluation.results.values_list("result", flat=True)) == {"achieved"}
    assert list(plan.case.plans.all()) == [plan]
    assert not ExpertGroupReferral.objects.exists()


def test_revise_opens_the_next_version_as_a_draft(plan_at, people):
    plan = plan_at("approved")
    evaluate(plan, people, conclusion=EvaluationConclusion.REVISE)
    draft = plan.case.plans.get(version=plan.version + 1)
    assert (draft.status, draft.based_on, draft.created_by) == (
        PlanStatus.DRAFT,
        plan,
        people["regisseur"],
    )
    assert draft.goals.count() == 3
    assert fresh(plan).status == PlanStatus.APPROVED


def test_revise_while_a_revision_is_open_is_refused_and_records_nothing(plan_at, people):
    plan = plan_at("approved")
    services.plan_start_version(case=plan.case, by=people["regisseur"])
    with refused("open_version_exists"):
        evaluate(plan, people, conclusion=EvaluationConclusion.REVISE)
    assert not Evaluation.objects.exists()


def test_expert_group_needs_a_question(plan_at, people):
    plan = plan_at("approved")
    with refused("invalid"):
        evaluate(plan, people, conclusion=EvaluationConclusion.EXPERT_GROUP, question=" ")
    assert not Evaluation.objects.exists()
    assert not ExpertGroupReferral.objects.exists()


def test_expert_group_creates_a_referral(plan_at, people):
    plan = plan_at("approved")
    evaluate(
        plan,
        people,
        conclusion=EvaluationConclusion.EXPERT_GROUP,
        question="Welke interventie werkt bij deze persoon?",
    )
    referral = ExpertGroupReferral.objects.get()
    assert (referral.case, referral.question, referral.referred_by, referral.advised_at) == (
        plan.case,
        "Welke interventie werkt bij deze persoon?",
        people["regisseur"],
        None,
    )


def test_outflow_tells_the_case_team(plan_at, people):
    plan = plan_at("approved")
    evaluate(plan, people, conclusion=EvaluationConclusion.OUTFLOW, summary="Doelen behaald")
    event = TimelineEvent.objects.get(case=plan.case, kind=TimelineKind.OTHER)
    assert "Doelen behaald" in event.description
    assert event.created_by == people["regisseur"]


def test_the_expert_group_answers_once(plan_at, people):
    plan = plan_at("approved")
    referral = services.expert_referral_create(
        case=plan.case, by=people["regisseur"], question="Vastgelopen: wat nu?"
    )
    for who in ("regisseur", "itat"):  # ITAT is not the Expertgroep
        with pytest.raises(NotAllowed):
            services.expert_referral_answer(referral=referral, by=people[who], advice="Zelf")
    with time_machine.travel(at(FRI), tick=False):
        services.expert_referral_answer(referral=referral, by=people["expert"], advice="Inzet FACT")
    referral.refresh_from_db()
    assert (referral.advice, referral.advised_by, referral.advised_at) == (
        "Inzet FACT",
        people["expert"],
        at(FRI),
    )
    assert TimelineEvent.objects.filter(case=plan.case, description__contains="Inzet FACT").exists()
    with refused("invalid_transition"):
        services.expert_referral_answer(referral=referral, by=people["expert"], advice="Anders")
    referral.refresh_from_db()
    assert referral.advice == "Inzet FACT"


@pytest.mark.parametrize("who", ["partner", "itat", "outsider"])
def test_only_who_directs_refers(case_at, people, who):
    case = case_at("in_regie")
    with pytest.raises(NotAllowed):
        services.expert_referral_create(case=case, by=people[who], question="Vraag")


# --- need-to-know -----------------------------------------------------------------------------

# Who sees a plan (Plan.objects.visible_to): those who read the case's plan part (regisseur,
# accounthouder, the organisations on the case team: RN, WPI, GGD; the programme team that
# supports Top600), plus ITAT while a plan of the case is on its agenda or was decided on in the
# last 4 weeks (the approval here is just now). The Expertgroep: no referral open.
SEES = {
    "programme": {"draft", "submitted", "approved"},
    "ivg_politie": set(),
    "ivg_ggd": {"draft", "submitted", "approved"},  # GGD is on the case team
    "regisseur": {"draft", "submitted", "approved"},
    "regisseur_other": set(),
    "accounthouder": {"draft", "submitted", "approved"},
    "partner": {"draft", "submitted", "approved"},
    "health_partner": {"draft", "submitted", "approved"},
    "outsider": set(),
    "beheerder": set(),
    "itat": {"submitted", "approved"},
    "expert": set(),
    "system": set(),
}


@pytest.mark.parametrize("status", ["draft", "submitted", "approved"])
@pytest.mark.parametrize("who", sorted(SEES))
def test_plan_visibility(plan_at, people, who, status):
    plan = plan_at(status)
    visible = Plan.objects.visible_to(people[who]).filter(pk=plan.pk).exists()
    assert visible == (status in SEES[who])


def test_itat_reads_every_version_of_a_case_it_decided_on_but_no_other_draft(plan_at, people):
    returned = plan_at("submitted")
    services.plan_return(plan=returned, by=people["itat"], advice="Terug")
    approved = plan_at("approved")
    revision = services.plan_start_version(case=approved.case, by=people["regisseur"])
    elsewhere = plan_at("draft")
    visible = set(Plan.objects.visible_to(people["itat"]))
    assert returned in visible
    # The case's plans, with its dossier, while ITAT's decision is recent (plans.policies).
    assert approved in visible
    assert revision in visible
    assert elsewhere not in visible


def test_a_partner_leaving_the_team_stops_seeing_the_plan(plan_at, people, orgs):
    plan = plan_at("approved")
    membership = plan.case.team.get(organisation=orgs["WPI"], left_on__isnull=True)
    case_services.team_member_leave(membership=membership, by=people["regisseur"])
    assert not Plan.objects.visible_to(people["partner"]).filter(pk=plan.pk).exists()
    assert Plan.objects.visible_to(people["health_partner"]).filter(pk=plan.pk).exists()


@pytest.mark.parametrize("who", ["regisseur", "itat"])
def test_an_inactive_user_sees_no_plans(plan_at, people, who):
    from partners.models import User

    plan = plan_at("approved")
    user = User.objects.get(pk=people[who].pk)  # a fresh object: no cached permissions
    user.is_active = False
    user.save()
    assert not Plan.objects.visible_to(user).filter(pk=plan.pk).exists()


def test_health_goals_are_readable_only_for_health_readers(plan_at, people, orgs):
    from plans.policies import goal_is_readable

    plan = plan_at("draft")
    own = services.goal_add(  # WPI (no health organisation) is responsible for this one
        plan=plan,
        by=people["regisseur"],
        leefgebied=Leefgebied.GEZONDHEID,
        goal="Fictief: WPI's zorgdoel",
        responsible_organisation=orgs["WPI"],
    )
    plan = Plan.objects.get(pk=plan.pk)
    health = plan.goals.get(leefgebied=Leefgebied.GEZONDHEID, responsible_organisation=orgs["GGD"])
    money = goal_on(plan, Leefgebied.FINANCIEN)
    for who, readable, reads_own in [
        ("regisseur", True, True),
        ("accounthouder", True, True),
        ("health_partner", True, True),
        ("partner", False, True),  # its own health goal, that one only
        ("itat", False, False),
        ("outsider", False, False),
    ]:
        assert goal_is_readable(people[who], health) is readable, who
        assert goal_is_readable(people[who], own) is reads_own, who
        assert goal_is_readable(people[who], money, case=plan.case) is True, who


# --- the case history ---------------------------------------------------------------------------


def test_the_approval_shows_in_the_case_history(plan_at, people):
    plan = plan_at("approved")
    entries = case_history(case=plan.case, user=people["regisseur"], can_read_health=True)
    approval = [
        e
        for e in entries
        if e.what == "plan van aanpak v1"
        and any(c.field == "status" and c.new == "Geaccordeerd (geldend)" for c in e.changes)
    ]
    assert len(approval) == 1
    entry = approval[0]
    assert entry.user == people["itat"]
    changes = {c.field: (c.old, c.new) for c in entry.changes}
    assert changes["status"] == ("Ingediend bij ITAT", "Geaccordeerd (geldend)")
    assert changes["geaccordeerd door"] == ("—", str(people["itat"]))
    assert changes["vingerafdruk van de geaccordeerde inhoud"] == ("—", plan.fingerprint)
    assert entries.index(entry) == 0 or all(
        e.at >= entry.at for e in entries[: entries.index(entry)]
    )


def test_the_history_hides_health_goals_from_who_may_not_read_them(plan_at, people):
    plan = plan_at("approved")
    readable = case_history(case=plan.case, user=people["regisseur"], can_read_health=True)
    narrow = case_history(case=plan.case, user=people["partner"], can_read_health=False)
    health_text = "Fictief doel 9"
    assert any(c.new == health_text for e in readable for c in e.changes)
    assert not any(health_text in (c.old, c.new) for e in narrow for c in e.changes)
    assert any(e.what == "plan van aanpak v1" for e in narrow)


def test_a_superseding_approval_shows_both_versions_in_the_history(plan_at, people):
    v1 = plan_at("approved")
    v2 = services.plan_start_version(case=v1.case, by=people["regisseur"])
    services.plan_submit(plan=v2, by=people["regisseur"])
    services.plan_approve(reason=OPEN_COMMITMENTS_OK, plan=v2, by=people["itat"])
    entries = case_history(case=v1.case, user=people["regisseur"], can_read_health=True)
    status_changes = {(e.what, c.new) for e in entries for c in e.changes if c.field == "status"}
    assert ("plan van aanpak v1", "Vervangen") in status_changes
    assert ("plan van aanpak v2", "Geaccordeerd (geldend)") in status_changes
    assert PlanStatusChange.objects.filter(plan__case=v1.case, to_status="approved").count() == 2
