"""The plan in force lives (issue 15): progress per goal without a new version, and small
changes (amendments) kept apart from revisions by a rule that is data."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from acvz.errors import DomainError, NotAllowed
from cases.models import Leefgebied
from meetings.models import Notification, NotificationEvent
from plans import services
from plans.models import GoalProgress, Plan, PlanAmendment, PlanGoal
from plans.workflow import (
    AMENDABLE_FIELDS,
    GOAL_FIELD_CHANGES,
    GOAL_STATUS_MOVES,
    ChangeKind,
    EvaluationConclusion,
    EvaluationResult,
    GoalStatus,
    PlanStatus,
)
from tests.scenarios import OPEN_COMMITMENTS_OK, settle

pytestmark = pytest.mark.django_db


def goal_of(plan: Plan, leefgebied: int) -> PlanGoal:
    return plan.goals.get(leefgebied=leefgebied)


# --- progress -----------------------------------------------------------------------------------


#: The moves a goal's status may make (written out here, not read from the table it tests).
MOVES = {
    ("open", "in_progress"),
    ("open", "achieved"),
    ("open", "stalled"),
    ("open", "stopped"),
    ("in_progress", "achieved"),
    ("in_progress", "stalled"),
    ("in_progress", "stopped"),
    ("stalled", "in_progress"),
    ("stalled", "achieved"),
    ("stalled", "stopped"),
    ("achieved", "in_progress"),
    ("stopped", "in_progress"),
}


def test_the_status_table_is_the_agreed_one():
    table = {(a, b) for a, targets in GOAL_STATUS_MOVES.items() for b in targets}
    assert table == MOVES
    assert not any(b == "open" for _a, b in table)  # nothing goes back to "not started"


@pytest.mark.parametrize(
    ("before", "after"), list(itertools.product(GoalStatus.values, GoalStatus.values))
)
def test_every_status_move_follows_the_table(plan_at, people, before, after):
    plan = plan_at("approved")
    goal = goal_of(plan, Leefgebied.FINANCIEN)
    PlanGoal.objects.filter(pk=goal.pk).update(status=before)
    goal.refresh_from_db()
    allowed = after == before or (before, after) in MOVES
    if allowed:
        step = services.goal_progress_record(
            goal=goal, by=people["regisseur"], status=after, note="Fictief gesprek"
        )
        assert (step.from_status, step.status) == (before, after)
    else:
        with pytest.raises(DomainError) as refused:
            services.goal_progress_record(
                goal=goal, by=people["regisseur"], status=after, note="Fictief"
            )
        assert refused.value.code == "invalid_transition"
        assert not GoalProgress.objects.exists()
    goal.refresh_from_db()
    assert goal.status == (after if allowed else before)


def test_progress_keeps_the_version_and_leaves_a_history(plan_at, people):
    plan = plan_at("approved")
    goal = goal_of(plan, Leefgebied.FINANCIEN)
    lock = plan.lock_version
    services.goal_progress_record(
        goal=goal, by=people["regisseur"], status=GoalStatus.IN_PROGRESS, note="Schuldhulp loopt"
    )
    services.goal_progress_record(
        goal=goal, by=people["regisseur"], status=GoalStatus.IN_PROGRESS, note="Tweede gesprek"
    )
    services.goal_progress_record(goal=goal, by=people["regisseur"], status=GoalStatus.STALLED)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert plan.lock_version == lock
    assert Plan.objects.filter(case=plan.case).count() == 1
    steps = list(GoalProgress.objects.filter(goal=goal).values_list("from_status", "status"))
    assert steps == [
        ("open", "in_progress"),
        ("in_progress", "in_progress"),
        ("in_progress", "stalled"),
    ]
    statuses = [h.status for h in PlanGoal.history.filter(id=goal.pk).order_by("history_id")]
    assert statuses[-2:] == ["in_progress", "stalled"]  # the note alone wrote no history row
    assert services.approved_content_matches(plan)  # the status is not the approved content


def test_bad_progress_is_refused_and_stores_nothing(plan_at, people, case_at):
    from meetings import services as meeting_services

    plan = plan_at("approved")
    goal = goal_of(plan, Leefgebied.FINANCIEN)
    other_case = case_at("in_regie")
    other_uvo = meeting_services.uvo_plan(
        case=other_case,
        by=people["regisseur"],
        planned_at=timezone.now() + dt.timedelta(days=3),
        place="Fictief",
    )
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for kwargs, code in [
        ({"status": GoalStatus.OPEN}, "invalid"),  # same status, nothing said
        ({"status": GoalStatus.IN_PROGRESS, "on": tomorrow}, "invalid"),
        ({"status": GoalStatus.IN_PROGRESS, "on": dt.date(2000, 1, 1)}, "invalid"),
        ({"status": GoalStatus.IN_PROGRESS, "uvo": other_uvo}, "invalid"),
        ({"status": "bogus"}, "invalid"),
    ]:
        with pytest.raises(DomainError) as refused:
            services.goal_progress_record(goal=goal, by=people["regisseur"], **kwargs)
        assert refused.value.code == code, kwargs
    assert not GoalProgress.objects.exists()
    goal.refresh_from_db()
    assert goal.status == GoalStatus.OPEN


def test_who_records_progress(plan_at, people):
    draft = plan_at("draft")
    with pytest.raises(NotAllowed):  # not on a draft: it is not in force
        services.goal_progress_record(
            goal=goal_of(draft, Leefgebied.FINANCIEN), by=people["regisseur"], status="in_progress"
        )
    plan = plan_at("approved")
    own, rn_goal = goal_of(plan, Leefgebied.FINANCIEN), goal_of(plan, Leefgebied.OPLEIDING_WERK)
    settle()
    # The responsible organisation (WPI) for its own goal; the regisseur is told.
    services.goal_progress_record(goal=own, by=people["partner"], status="in_progress")
    told = Notification.objects.filter(event=NotificationEvent.GOAL_PROGRESS)
    assert list(told.values_list("user", flat=True)) == [people["regisseur"].pk]
    assert "Fictief doel" not in told.get().message  # never a goal's content
    for by, goal in [
        (people["partner"], rn_goal),  # not its goal
        (people["outsider"], own),
        (people["itat"], own),
        (people["programme"], own),  # reads as support, does not act
        (people["partner"], goal_of(plan, Leefgebied.GEZONDHEID)),
    ]:
        with pytest.raises(NotAllowed):
            services.goal_progress_record(goal=goal, by=by, status="in_progress", note="x")
    # The accounthouder stands in; the regisseur recording is told nobody.
    services.goal_progress_record(goal=rn_goal, by=people["accounthouder"], status="in_progress")
    services.goal_progress_record(goal=rn_goal, by=people["regisseur"], status="achieved")
    assert told.count() == 2


def test_the_trail_runs_through_versions_and_the_status_is_carried(plan_at, people):
    plan = plan_at("approved")
    goal = goal_of(plan, Leefgebied.FINANCIEN)
    services.goal_progress_record(
        goal=goal, by=people["regisseur"], status="in_progress", note="In versie 1"
    )
    draft = services.plan_start_version(case=plan.case, by=people["regisseur"])
    services.plan_submit(plan=draft, by=people["regisseur"])
    v2 = services.plan_approve(plan=draft, by=people["itat"], reason=OPEN_COMMITMENTS_OK)
    copied = goal_of(v2, Leefgebied.FINANCIEN)
    assert copied.status == GoalStatus.IN_PROGRESS
    services.goal_progress_record(
        goal=copied, by=people["regisseur"], status="achieved", note="In versie 2"
    )
    trail = services.goal_trail([copied])[copied.pk]
    assert [s.note for s in trail] == ["In versie 1", "In versie 2"]
    with pytest.raises(NotAllowed):  # the superseded version is no longer in force
        services.goal_progress_record(goal=goal, by=people["regisseur"], status="achieved")


def test_the_evaluation_starts_from_the_progress(client, plan_at, people):
    plan = plan_at("approved")
    goal = goal_of(plan, Leefgebied.FINANCIEN)
    untouched = goal_of(plan, Leefgebied.OPLEIDING_WERK)
    services.goal_progress_record(
        goal=goal, by=people["regisseur"], status="achieved", note="Schulden geregeld"
    )
    client.force_login(people["regisseur"])
    response = client.get(reverse("plans:evaluate", args=[plan.case.pk]))
    form = response.context["form"]
    assert form.initial[f"result_{goal.pk}"] == EvaluationResult.ACHIEVED
    assert form.initial[f"explanation_{goal.pk}"] == "Schulden geregeld"
    assert f"result_{untouched.pk}" not in form.initial  # no progress: chosen, not suggested
    assert "Schulden geregeld" in response.content.decode()
    # After an evaluation, the next one starts from what came after it.
    services.evaluation_record(
        plan=plan,
        by=people["regisseur"],
        held_on=timezone.localdate(),
        conclusion=EvaluationConclusion.CONTINUE,
        summary="",
        results=[(g, EvaluationResult.PARTLY, "") for g in plan.goals.all()],
    )
    form = client.get(reverse("plans:evaluate", args=[plan.case.pk])).context["form"]
    assert f"explanation_{goal.pk}" not in form.initial


def test_progress_page_records_and_refuses_in_the_form(client, plan_at, people):
    plan = plan_at("approved")
    goal = goal_of(plan, Leefgebied.FINANCIEN)
    client.force_login(people["partner"])
    url = reverse("plans:goal_progress", args=[plan.pk, goal.pk])
    page = client.get(url)
    offered = [value for value, _label in page.context["form"].fields["status"].choices]
    assert offered == ["open", "in_progress", "achieved", "stalled", "stopped"]
    # The same status without a note: a form error, nothing stored.
    response = client.post(url, {"status": "open", "note": "", "on": timezone.localdate()})
    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    assert not GoalProgress.objects.exists()
    response = client.post(
        url, {"status": "in_progress", "note": "Intake gedaan", "on": timezone.localdate()}
    )
    assert response.status_code == 302
    step = GoalProgress.objects.get()
    assert (step.status, step.note, step.recorded_by) == (
        "in_progress",
        "Intake gedaan",
        people["partner"],
    )
    detail = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "Intake gedaan" in detail
    # WPI may not record on the RN goal, nor open the health goal's page at all.
    rn_goal = goal_of(plan, Leefgebied.OPLEIDING_WERK)
    assert client.get(reverse("plans:goal_progress", args=[plan.pk, rn_goal.pk])).status_code == 403
    health = goal_of(plan, Leefgebied.GEZONDHEID)
    assert client.get(reverse("plans:goal_progress", args=[plan.pk, health.pk])).status_code == 404


def test_a_health_goals_progress_is_read_only_by_its_readers(client, plan_at, people):
    plan = plan_at("approved")
    health = goal_of(plan, Leefgebied.GEZONDHEID)
    services.goal_progress_record(
        goal=health, by=people["health_partner"], status="in_progress", note="Fictieve behandeling"
    )
    for who, reads in [
        ("partner", False),
        ("programme", False),
        ("health_partner", True),
        ("regisseur", True),
        ("accounthouder", True),
    ]:
        client.force_login(people[who])
        for url in (
            reverse("plans:detail", args=[plan.pk]),
            reverse("plans:case_plan", args=[plan.case.pk]),
        ):
            content = client.get(url).content.decode()
            assert ("Fictieve behandeling" in content) is reads, (who, url)


# --- amendments and revisions -------------------------------------------------------------------

NEW_VALUES = {
    "start_date": lambda ctx: timezone.localdate(),
    "target_date": lambda ctx: timezone.localdate() + dt.timedelta(days=90),
    "professional": lambda ctx: ctx["people"]["partner"],
    "interventions": lambda ctx: "Budgetcoach twee keer per week",
    "goal": lambda ctx: "Een heel ander doel",
    "leefgebied": lambda ctx: Leefgebied.VERBLIJF,
    "responsible_organisation": lambda ctx: ctx["orgs"]["RN"],
    "concerns": lambda ctx: _sibling(ctx),
}


def _sibling(ctx):
    from cases import services as case_services
    from tests.factories import PersonFactory

    sibling = PersonFactory(date_of_birth=dt.date(2014, 1, 1))
    case_services.family_relation_add(
        person=ctx["plan"].case.person,
        relative=sibling,
        kind="sibling",
        by=ctx["people"]["programme"],
    )
    return sibling


def _arg(field: str) -> str:
    """The goal's own text travels as `text` (`goal` names the goal being changed)."""
    return "text" if field == "goal" else field


#: The agreed rule (written out here, not read from the table it tests).
AMENDMENTS = {"start_date", "target_date", "professional", "interventions"}


def test_the_rule_names_every_content_field_of_a_goal():
    assert set(GOAL_FIELD_CHANGES) == set(NEW_VALUES)
    assert {f for f, kind in GOAL_FIELD_CHANGES.items() if kind == ChangeKind.AMENDMENT} == (
        AMENDMENTS
    )
    assert {f.removesuffix("_id") for f in services.GOAL_CONTENT_FIELDS} == set(GOAL_FIELD_CHANGES)


@pytest.mark.parametrize("field", list(GOAL_FIELD_CHANGES))
def test_each_field_is_an_amendment_or_a_revision(plan_at, people, orgs, field):
    plan = plan_at("approved")
    goal = goal_of(plan, Leefgebied.FINANCIEN)
    value = NEW_VALUES[field]({"people": people, "orgs": orgs, "plan": plan})
    before = {name: getattr(goal, name) for name in GOAL_FIELD_CHANGES}
    settle()
    if field in AMENDMENTS:
        amendment = services.goal_amend(
            goal=goal, by=people["regisseur"], reason="Wachtlijst", **{field: value}
        )
        goal.refresh_from_db()
        assert getattr(goal, field) == value
        assert list(amendment.changes) == [field]
        plan.refresh_from_db()
        assert plan.status == PlanStatus.APPROVED
        assert plan.lock_version > 0
        assert services.plan_fingerprint(plan) != plan.fingerprint
        assert services.approved_content_matches(plan)  # what ITAT approved is still provable
        assert Notification.objects.filter(
            event=NotificationEvent.PLAN_AMENDED, user=people["accounthouder"]
        ).exists()
    else:
        with pytest.raises(DomainError) as refused:
            services.goal_amend(
                goal=goal, by=people["regisseur"], reason="x", **{_arg(field): value}
            )
        assert refused.value.code == "revision_required"
        goal.refresh_from_db()
        assert {name: getattr(goal, name) for name in GOAL_FIELD_CHANGES} == before
        assert not PlanAmendment.objects.exists()
        assert not Notification.objects.filter(event=NotificationEvent.PLAN_AMENDED).exists()


def test_an_amendment_needs_a_reason_a_change_and_the_plan_in_force(plan_at, people):
    plan = plan_at("approved")
    goal = goal_of(plan, Leefgebied.FINANCIEN)
    later = timezone.localdate() + dt.timedelta(days=30)
    with pytest.raises(DomainError):
        services.goal_amend(goal=goal, by=people["regisseur"], reason=" ", target_date=later)
    with pytest.raises(DomainError):
        services.goal_amend(goal=goal, by=people["regisseur"], reason="x", target_date=None)
    with pytest.raises(DomainError) as stale:
        services.goal_amend(
            goal=goal,
            by=people["regisseur"],
            reason="x",
            expected_lock_version=plan.lock_version - 1,
            target_date=later,
        )
    assert stale.value.code == "stale"
    for by in (people["partner"], people["itat"], people["programme"]):
        with pytest.raises(NotAllowed):
            services.goal_amend(goal=goal, by=by, reason="x", target_date=later)
    draft = plan_at("draft")
    with pytest.raises(NotAllowed):
        services.goal_amend(
            goal=goal_of(draft, Leefgebied.FINANCIEN),
            by=people["regisseur"],
            reason="x",
            target_date=later,
        )
    assert not PlanAmendment.objects.exists()
    goal.refresh_from_db()
    assert goal.target_date is None


def test_a_health_goals_amendment_is_told_only_to_its_readers(plan_at, people, orgs):
    plan = plan_at("approved")
    for org in ("WPI", "GGD"):  # reached through their professionals on the team
        membership = plan.case.team.get(organisation=orgs[org], left_on__isnull=True)
        membership.professional = people["partner" if org == "WPI" else "health_partner"]
        membership.save()
    settle()
    health = goal_of(plan, Leefgebied.GEZONDHEID)
    services.goal_amend(
        goal=health,
        by=people["regisseur"],
        reason="Fictief",
        target_date=timezone.localdate() + dt.timedelta(days=60),
    )
    told = set(
        Notification.objects.filter(event=NotificationEvent.PLAN_AMENDED).values_list(
            "user", flat=True
        )
    )
    assert told == {people["health_partner"].pk, people["accounthouder"].pk}
    settle()
    services.goal_amend(
        goal=goal_of(plan, Leefgebied.FINANCIEN),
        by=people["regisseur"],
        reason="Fictief",
        interventions="Nieuwe interventie",
    )
    told = set(
        Notification.objects.filter(event=NotificationEvent.PLAN_AMENDED).values_list(
            "user", flat=True
        )
    )
    assert told == {people["partner"].pk, people["health_partner"].pk, people["accounthouder"].pk}


def test_the_amend_page_shows_the_rule_and_keeps_bad_input(client, plan_at, people):
    plan = plan_at("approved")
    goal = goal_of(plan, Leefgebied.FINANCIEN)
    client.force_login(people["regisseur"])
    url = reverse("plans:goal_amend", args=[plan.pk, goal.pk])
    page = client.get(url)
    content = page.content.decode()
    assert 'data-testid="change-rule"' in content
    assert set(page.context["form"].fields) == {*AMENDABLE_FIELDS, "reason", "lock_version"}
    # The target date before the start: a form error, nothing stored, the input kept.
    response = client.post(
        url,
        {
            "lock_version": plan.lock_version,
            "start_date": "2031-05-01",
            "target_date": "2031-01-01",
            "reason": "Fictief",
        },
    )
    assert response.context["form"].errors["target_date"]
    assert not PlanAmendment.objects.exists()
    response = client.post(
        url,
        {
            "lock_version": plan.lock_version,
            "interventions": goal.interventions,
            "start_date": "2031-01-01",
            "target_date": "2031-05-01",
            "reason": "Later gestart door wachtlijst",
        },
    )
    assert response.status_code == 302
    amendment = PlanAmendment.objects.get()
    assert amendment.changes == {
        "start_date": [None, "2031-01-01"],
        "target_date": [None, "2031-05-01"],
    }
    detail = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "Later gestart door wachtlijst" in detail
    assert "01-05-2031" in detail
    # Saving again with the old counter: stale, nothing overwritten.
    response = client.post(
        url,
        {
            "lock_version": plan.lock_version,
            "interventions": "Iets anders",
            "reason": "Tweede wijziging",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert PlanAmendment.objects.count() == 1
    # Not the regisseur: no page.
    client.force_login(people["partner"])
    assert client.get(url).status_code == 403


def test_the_inzage_file_holds_progress_and_amendments_without_health(plan_at, people):
    from cases.inzage import WITHHELD, person_record

    plan = plan_at("approved")
    services.goal_progress_record(
        goal=goal_of(plan, Leefgebied.FINANCIEN),
        by=people["regisseur"],
        status="in_progress",
        note="Fictief: budgetcoach gestart",
    )
    services.goal_progress_record(
        goal=goal_of(plan, Leefgebied.GEZONDHEID),
        by=people["regisseur"],
        status="in_progress",
        note="Fictief: behandeling gestart",
    )
    services.goal_amend(
        goal=goal_of(plan, Leefgebied.GEZONDHEID),
        by=people["regisseur"],
        reason="Fictief: wachtlijst kliniek",
        interventions="Fictief",
    )
    record = person_record(plan.case.person, user=people["beheerder"])
    (shown,) = record["cases"][0]["plans"]
    assert [s.get("note") for s in shown["goal_progress"]] == [
        "Fictief: budgetcoach gestart",
        None,
    ]
    assert shown["goal_progress"][1]["content"] == WITHHELD
    assert shown["amendments"][0]["content"] == WITHHELD
    text = str(record)
    assert "behandeling" not in text
    assert "kliniek" not in text
