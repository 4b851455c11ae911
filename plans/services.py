"""Every write to plans goes through these services."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from acvz.audit import audited
from acvz.errors import DomainError, NotAllowed
from cases.events import announce
from cases.models import Case, FamilyRelation, TimelineEvent, TimelineKind
from cases.services import case_start_outflow
from partners.models import Organisation
from plans.models import (
    Evaluation,
    ExpertGroupReferral,
    GoalEvaluation,
    GoalProgress,
    HandedOverGoal,
    ItatAdvice,
    ItatMeeting,
    Plan,
    PlanAmendment,
    PlanGoal,
    PlanStatusChange,
)
from plans.policies import (
    case_can_plan,
    case_can_refer,
    goal_can_commit,
    goal_can_record_progress,
    goal_is_readable,
    plan_can,
    referral_can_answer,
)
from plans.workflow import (
    GOAL_FIELD_CHANGES,
    GOAL_STATUS_MOVES,
    PLAN_TRANSITIONS,
    ChangeKind,
    Commitment,
    EvaluationConclusion,
    GoalStatus,
    PlanStatus,
)

#: Fields of a goal that make up the plan's content (and reset the partner's commitment).
GOAL_CONTENT_FIELDS = (
    "leefgebied",
    "goal",
    "interventions",
    "concerns_id",
    "responsible_organisation_id",
    "professional_id",
    "start_date",
    "target_date",
)


def _stale() -> DomainError:
    return DomainError(
        _(
            "Someone else changed this plan meanwhile. Your input is kept: compare it with the "
            "current version and save again."
        ),
        code="stale",
    )


def _locked_plan(plan_id: int, expected_lock_version: int | None = None) -> Plan:
    plan = (
        Plan.objects.select_for_update(of=("self",))
        .select_related("case", "case__programme")
        .get(pk=plan_id)
    )
    if expected_lock_version is not None and expected_lock_version != plan.lock_version:
        raise _stale()
    return plan


def _bump(plan: Plan) -> None:
    plan.lock_version += 1
    plan.save()


def plan_fingerprint(plan: Plan, goals=None) -> str:
    """SHA-256 over the plan's content in a canonical form: what exactly was approved. `goals`
    (default: the plan's goals now) lets `approved_content_matches` hash the goals as approved."""
    goals = sorted(plan.goals.all() if goals is None else goals, key=lambda g: (g.leefgebied, g.pk))
    content = {
        "case": plan.case_id,
        "version": plan.version,
        "analysis": plan.analysis,
        "goals": [
            {
                name: str(getattr(g, name)) if getattr(g, name) is not None else None
                for name in GOAL_CONTENT_FIELDS
            }
            for g in goals
        ],
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def approved_content_matches(plan: Plan) -> bool:
    """Whether the goals as they were at approval (from their history, before any amendment)
    still hash to the fingerprint ITAT approved: amendments change the plan in force without
    touching the record of what was approved."""
    if plan.approved_at is None:
        return False
    as_approved = list(PlanGoal.history.as_of(plan.approved_at).filter(plan_id=plan.pk))
    return plan_fingerprint(plan, as_approved) == plan.fingerprint


def next_itat_meeting(*, after: date) -> ItatMeeting:
    """The first weekly ITAT meeting after `after` that has not been held yet."""
    weekday = settings.REGIE_ITAT_WEEKDAY
    day = after + timedelta(days=1)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    while True:
        meeting, _created = ItatMeeting.objects.get_or_create(date=day)
        if not meeting.held:
            return meeting
        day += timedelta(days=7)


# --- versions and content -----------------------------------------------------------------------


@audited
@transaction.atomic
def plan_start_version(*, case: Case, by) -> Plan:
    """Start a new draft: version 1, or a copy of the plan in force (which stays in force)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    in_force = case.plans.filter(status=PlanStatus.APPROVED).first()
    if in_force is None and not case_can_plan(by, case):
        raise NotAllowed(_("Only the case's regisseur writes its plan, while it is in regie."))
    if in_force is not None and not plan_can(by, in_force, "revise"):
        raise NotAllowed(_("Only the case's regisseur revises its plan."))
    if case.plans.filter(status__in=[PlanStatus.DRAFT, PlanStatus.SUBMITTED]).exists():
        raise DomainError(
            _("There is already a version being worked on; continue with that one."),
            code="open_version_exists",
        )
    latest = case.plans.aggregate(v=Max("version"))["v"] or 0
    plan = Plan.objects.create(
        case=case,
        version=latest + 1,
        created_by=by,
        based_on=in_force,
        analysis=in_force.analysis if in_force else "",
    )
    if in_force is not None:
        for goal in in_force.goals.all():
            origin_id = goal.pk
            goal.pk = None
            goal.plan = plan
            goal.origin_id = origin_id
            goal.save()
    return plan


@audited
@transaction.atomic
def plan_update(*, plan: Plan, by, analysis: str, expected_lock_version: int | None) -> Plan:
    plan = _locked_plan(plan.pk, expected_lock_version)
    if not plan_can(by, plan, "edit"):
        raise NotAllowed(_("This plan version cannot be edited (only drafts, by the regisseur)."))
    plan.analysis = analysis
    plan.full_clean()
    _bump(plan)
    return plan


def _validated_goal(goal: PlanGoal) -> None:
    goal.full_clean(exclude=["plan", "origin"])
    if (
        goal.concerns_id is not None
        and not FamilyRelation.objects.filter(
            person__cases=goal.plan.case_id, relative_id=goal.concerns_id
        ).exists()
    ):
        raise DomainError(
            _("A goal can only concern a recorded family member of the person."), code="invalid"
        )


@audited
@transaction.atomic
def goal_add(*, plan: Plan, by, expected_lock_version: int | None = None, **fields) -> PlanGoal:
    plan = _locked_plan(plan.pk, expected_lock_version)
    if not plan_can(by, plan, "edit"):
        raise NotAllowed(_("Goals can only be added to a draft, by the regisseur."))
    goal = PlanGoal(plan=plan, **fields)
    _validated_goal(goal)
    goal.save()
    _bump(plan)
    return goal


@audited
@transaction.atomic
def goal_update(
    *,
    goal: PlanGoal,
    by,
    expected_lock_version: int | None = None,
    text: str | None = None,
    **fields,
) -> PlanGoal:
    """Change a goal. A change of content asks the responsible partner to commit again.

    The goal's own text is `text`: its field name, `goal`, is taken by the goal parameter."""
    if text is not None:
        fields["goal"] = text
    plan = _locked_plan(goal.plan_id, expected_lock_version)
    goal = PlanGoal.objects.select_for_update().get(pk=goal.pk)
    if not plan_can(by, plan, "edit"):
        raise NotAllowed(_("Goals can only be changed in a draft, by the regisseur."))
    before = {name: getattr(goal, name) for name in GOAL_CONTENT_FIELDS}
    for name, value in fields.items():
        setattr(goal, name, value)
    _validated_goal(goal)
    if any(getattr(goal, name) != before[name] for name in GOAL_CONTENT_FIELDS):
        goal.commitment = Commitment.PENDING
        goal.commitment_reason = ""
        goal.committed_by = None
        goal.committed_at = None
    goal.save()
    _bump(plan)
    return goal


@audited
@transaction.atomic
def goal_delete(*, goal: PlanGoal, by, expected_lock_version: int | None = None) -> None:
    plan = _locked_plan(goal.plan_id, expected_lock_version)
    if not plan_can(by, plan, "edit"):
        raise NotAllowed(_("Goals can only be removed from a draft, by the regisseur."))
    goal.delete()
    _bump(plan)


@audited
@transaction.atomic
def goal_commit(
    *,
    goal: PlanGoal,
    by,
    committed: bool,
    reason: str = "",
    expected_lock_version: int | None = None,
) -> PlanGoal:
    """The responsible organisation confirms it can deliver the goal, or declines with a reason.
    With `expected_lock_version` (the plan's, as the caller read it), a goal whose plan changed
    since — its text, say — is refused (`stale`): one commits to what one read."""
    if expected_lock_version is not None:
        _locked_plan(goal.plan_id, expected_lock_version)
    goal = PlanGoal.objects.select_for_update().select_related("plan").get(pk=goal.pk)
    if not goal_can_commit(by, goal):
        raise NotAllowed(_("Only the responsible organisation answers for this goal."))
    if not committed and not reason.strip():
        raise DomainError(
            _("Say why your organisation cannot deliver this goal."),
            code="invalid",
            status_code=400,
        )
    goal.commitment = Commitment.COMMITTED if committed else Commitment.DECLINED
    goal.commitment_reason = "" if committed else reason
    goal.committed_by = by
    goal.committed_at = timezone.now()
    goal.save()
    if not committed:
        announce("commitment_declined", case=goal.plan.case, by=by, goal=goal)
    return goal


# --- the plan in force: progress and amendments -------------------------------------------------


@audited
@transaction.atomic
def goal_progress_record(
    *, goal: PlanGoal, by, status: str, note: str = "", on: date | None = None, uvo=None
) -> GoalProgress:
    """Record a step in a goal's progress (`GOAL_STATUS_MOVES`), without a new version. The
    same status again is a note, which must then say something. When the responsible
    organisation records it, the regisseur is told."""
    goal = (
        PlanGoal.objects.select_for_update(of=("self",))
        .select_related("plan__case__programme")
        .get(pk=goal.pk)
    )
    case = goal.plan.case
    if not goal_can_record_progress(by, goal):
        raise NotAllowed(
            _(
                "Progress is recorded on the plan in force, by the regisseur or the goal's "
                "responsible organisation."
            )
        )
    on = on or timezone.localdate()
    if status not in GoalStatus.values:
        raise DomainError(_("Choose a status."), code="invalid", status_code=400)
    if status != goal.status and status not in GOAL_STATUS_MOVES[goal.status]:
        raise DomainError(
            _("A goal that is “%(from)s” cannot become “%(to)s”.")
            % {"from": goal.get_status_display(), "to": GoalStatus(status).label},
            code="invalid_transition",
            status_code=400,
        )
    if status == goal.status and not note.strip():
        raise DomainError(
            _("The status stays the same: write what happened."), code="invalid", status_code=400
        )
    if on > timezone.localdate():
        raise DomainError(
            _("Progress cannot be recorded for a day still to come."),
            code="invalid",
            status_code=400,
        )
    if on < timezone.localtime(case.registered_at).date():
        raise DomainError(
            _("This day lies before the case was registered."), code="invalid", status_code=400
        )
    if uvo is not None and uvo.case_id != case.pk:
        raise DomainError(_("This UVO belongs to another case."), code="invalid", status_code=400)
    progress = GoalProgress(
        goal=goal,
        from_status=goal.status,
        status=status,
        note=note,
        on=on,
        uvo=uvo,
        recorded_by=by,
    )
    progress.full_clean(exclude=["goal", "uvo", "recorded_by"])
    progress.save()
    if status != goal.status:
        goal.status = status
        goal.save(update_fields=["status"])
    if by.pk != case.regisseur_id:
        announce("goal_progress", case=case, by=by, goal=goal, progress=progress)
    return progress


def goal_trail(goals) -> dict[int, list[GoalProgress]]:
    """Per goal (by id) its progress, oldest first, including the steps recorded on the goals it
    was copied from in earlier versions (`origin`): two queries for any number of goals."""
    goals = list(goals)
    if not goals:
        return {}
    case_ids = {g.plan.case_id for g in goals}
    origin = dict(PlanGoal.objects.filter(plan__case__in=case_ids).values_list("pk", "origin_id"))
    lineage: dict[int, list[int]] = {}
    for goal in goals:
        chain, pk = [], goal.pk
        while pk is not None and pk not in chain:
            chain.append(pk)
            pk = origin.get(pk)
        lineage[goal.pk] = chain
    steps: dict[int, list[GoalProgress]] = {}
    wanted = {pk for chain in lineage.values() for pk in chain}
    for step in GoalProgress.objects.filter(goal__in=wanted).select_related("recorded_by", "uvo"):
        steps.setdefault(step.goal_id, []).append(step)
    return {
        goal_id: sorted(
            (s for pk in chain for s in steps.get(pk, [])),
            key=lambda s: (s.on, s.recorded_at, s.pk),
        )
        for goal_id, chain in lineage.items()
    }


def classify_goal_change(goal: PlanGoal, fields: dict) -> dict[str, ChangeKind]:
    """What each changed field of `goal` is, by the rule in `GOAL_FIELD_CHANGES` (fields given
    as the form names them: `responsible_organisation`, not `…_id`)."""
    changed = {}
    for name, value in fields.items():
        current = getattr(goal, name)
        if getattr(current, "pk", current) != getattr(value, "pk", value):
            changed[name] = GOAL_FIELD_CHANGES[name]
    return changed


def field_label(name: str) -> str:
    return str(PlanGoal._meta.get_field(name).verbose_name)


def _shown(name: str, value) -> str | None:
    """A value as the amendment keeps it: dates and names; free text stays in the history."""
    if name == "interventions" or value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "username"):
        return value.get_full_name() or value.username
    return str(value)


@audited
@transaction.atomic
def goal_amend(
    *,
    goal: PlanGoal,
    by,
    reason: str,
    expected_lock_version: int | None = None,
    text: str | None = None,
    **fields,
) -> PlanAmendment:
    """Amend a goal of the plan in force: only the fields the rule calls amendments (dates, the
    professional, interventions), with a reason; the plan stays in force, the case team is
    told. A change the rule calls a revision is refused with the way to make it. The goal's
    own text is `text` (as in `goal_update`)."""
    if text is not None:
        fields["goal"] = text
    plan = _locked_plan(goal.plan_id, expected_lock_version)
    goal = PlanGoal.objects.select_for_update().get(pk=goal.pk, plan=plan)
    if not plan_can(by, plan, "amend"):
        raise NotAllowed(_("The regisseur amends the plan in force."))
    if not goal_is_readable(by, goal, case=plan.case):
        raise NotAllowed(_("You may not read this goal."))
    changed = classify_goal_change(goal, fields)
    revisions = [name for name, kind in changed.items() if kind == ChangeKind.REVISION]
    if revisions:
        raise DomainError(
            _("Changing %(fields)s is a revision: start a new version, which goes to ITAT.")
            % {"fields": ", ".join(field_label(name) for name in revisions)},
            code="revision_required",
        )
    if not changed:
        raise DomainError(_("Nothing is changed."), code="invalid", status_code=400)
    if not reason.strip():
        raise DomainError(_("Say why the plan changes."), code="invalid", status_code=400)
    changes = {name: [_shown(name, getattr(goal, name)), None] for name in changed}
    for name in changed:
        setattr(goal, name, fields[name])
        changes[name][1] = _shown(name, fields[name])
    _validated_goal(goal)
    goal.save()
    _bump(plan)
    amendment = PlanAmendment(plan=plan, goal=goal, changes=changes, reason=reason, by=by)
    amendment.full_clean(exclude=["plan", "goal", "by"])
    amendment.save()
    announce(
        "plan_amended",
        case=plan.case,
        by=by,
        plan=plan,
        goal=goal,
        fields=[field_label(name) for name in changed],
    )
    return amendment


# --- the ITAT cycle -----------------------------------------------------------------------------


def _plan_transition(*, plan: Plan, by, name: str, reason: str = "", apply=None) -> Plan:
    transition = PLAN_TRANSITIONS[name]
    # Lock the case first: approvals of one case are serialised (one plan in force).
    Case.objects.select_for_update().get(pk=plan.case_id)
    locked = _locked_plan(plan.pk)
    if locked.status != transition.source:
        raise DomainError(
            _("“%(action)s” is not possible: this version is “%(status)s”.")
            % {"action": transition.label, "status": locked.get_status_display()},
            code="invalid_transition",
        )
    if not plan_can(by, locked, name):
        raise NotAllowed(_("You may not “%(action)s” this plan.") % {"action": transition.label})
    if apply is not None:
        apply(locked)
    locked.status = transition.target
    _bump(locked)
    PlanStatusChange.objects.create(
        plan=locked,
        from_status=transition.source,
        to_status=transition.target,
        by=by,
        reason=reason,
        fingerprint=locked.fingerprint if name == "approve" else "",
    )
    return locked


@audited
@transaction.atomic
def plan_submit(*, plan: Plan, by) -> Plan:
    """Submit the draft to ITAT: it goes on the agenda of the next weekly meeting."""

    def apply(p: Plan) -> None:
        goals = list(p.goals.all())
        if not goals:
            raise DomainError(_("A plan needs at least one goal."), code="plan_incomplete")
        missing = [g for g in goals if g.responsible_organisation_id is None]
        if missing:
            raise DomainError(
                _("Every goal needs a responsible organisation; missing for leefgebied %(l)s.")
                % {"l": ", ".join(str(g.leefgebied) for g in missing)},
                code="plan_incomplete",
            )
        p.submitted_at = timezone.now()
        p.itat_meeting = next_itat_meeting(after=timezone.localdate())

    submitted = _plan_transition(plan=plan, by=by, name="submit", apply=apply)
    announce("plan_submitted", case=submitted.case, by=by, plan=submitted)
    return submitted


@audited
@transaction.atomic
def itat_advice_add(*, plan: Plan, by, text: str, goal: PlanGoal | None = None) -> ItatAdvice:
    """ITAT's advice on a submitted plan, as a whole or on one goal the adviser may read."""
    plan = _locked_plan(plan.pk)
    if not plan_can(by, plan, "advise"):
        raise NotAllowed(_("ITAT members advise on plans on their agenda."))
    if goal is not None and goal.plan_id != plan.pk:
        raise DomainError(_("This goal belongs to another plan."), code="invalid", status_code=400)
    if goal is not None and not goal_is_readable(by, goal, case=plan.case):
        raise NotAllowed(_("You may not read this goal, so you cannot advise on it."))
    advice = ItatAdvice(plan=plan, goal=goal, text=text, author=by)
    advice.full_clean()
    advice.save()
    return advice


@audited
@transaction.atomic
def plan_return(*, plan: Plan, by, advice: str = "") -> Plan:
    """Return the plan to the regisseur with advice; the advice stays with this version.

    Like every transition it locks the case before the plan, so it cannot deadlock with a
    concurrent approval, and checks state and actor before it writes anything."""

    def apply(p: Plan) -> None:
        if advice.strip():
            note = ItatAdvice(plan=p, text=advice, author=by)
            note.full_clean()
            note.save()
        elif not ItatAdvice.objects.filter(plan=p).exists():
            raise DomainError(
                _("Give the advice with which the plan is returned."),
                code="advice_required",
                status_code=400,
            )
        p.itat_meeting = None
        p.decided_at = timezone.now()

    returned = _plan_transition(plan=plan, by=by, name="return", reason=advice, apply=apply)
    announce("plan_returned", case=returned.case, by=by, plan=returned)
    return returned


@audited
@transaction.atomic
def plan_approve(*, plan: Plan, by, reason: str = "") -> Plan:
    """Approve ("accorderen"): record who, when and a fingerprint of the exact content. The
    previous version in force is superseded in the same transaction. With goals whose
    organisation has not committed (unanswered or declined) ITAT gives the reason it approves
    anyway; it is kept with the approval. (Only goals the approver reads count: the commitment
    of a health goal is health content.)"""

    def apply(p: Plan) -> None:
        # Of the goals the approver reads: a health goal's commitment is not ITAT's to know.
        open_goals = sum(
            1
            for g in p.goals.exclude(commitment=Commitment.COMMITTED)
            if goal_is_readable(by, g, case=p.case)
        )
        if open_goals and not reason.strip():
            raise DomainError(
                ngettext(
                    "%(n)d goal has no commitment of its organisation (unanswered or declined): "
                    "give the reason to approve the plan anyway.",
                    "%(n)d goals have no commitment of their organisation (unanswered or "
                    "declined): give the reason to approve the plan anyway.",
                    open_goals,
                )
                % {"n": open_goals},
                code="commitments_open",
                status_code=400,
            )
        for previous in Plan.objects.filter(case_id=p.case_id, status=PlanStatus.APPROVED):
            previous.status = PlanStatus.SUPERSEDED
            previous.superseded_at = timezone.now()
            previous.save()
        p.approved_at = timezone.now()
        p.decided_at = p.approved_at
        p.approved_by = by
        p.fingerprint = plan_fingerprint(p)

    try:
        with transaction.atomic():
            approved = _plan_transition(
                plan=plan, by=by, name="approve", apply=apply, reason=reason.strip()
            )
    except IntegrityError as exc:  # the database's one-plan-in-force rule
        raise DomainError(
            _("Another version of this plan was approved at the same time."), code="conflict"
        ) from exc
    TimelineEvent.objects.create(
        case=approved.case,
        kind=TimelineKind.STATUS,
        created_by=by,
        organisation_id=by.organisation_id,
        description=_("Plan version %(v)s approved by ITAT (%(fp)s).")
        % {"v": approved.version, "fp": approved.fingerprint[:12]},
    )
    announce("plan_approved", case=approved.case, by=by, plan=approved)
    return approved


# --- evaluation and expert group --------------------------------------------------------------


def evaluation_due_date(plan: Plan, last: Evaluation | None = None) -> date | None:
    """Due `evaluation_interval_weeks` after approval, or after the last evaluation."""
    if plan.approved_at is None:
        return None
    weeks = plan.case.programme.evaluation_interval_weeks
    start = last.held_on if last is not None else timezone.localtime(plan.approved_at).date()
    return start + timedelta(weeks=weeks)


@audited
@transaction.atomic
def evaluation_record(
    *,
    plan: Plan,
    by,
    held_on: date,
    conclusion: str,
    summary: str,
    results: list[tuple[PlanGoal, str, str]],
    question: str = "",
) -> Evaluation:
    """Evaluate the plan in force per goal. "Revise" opens a new draft version; "expert group"
    refers the case with `question`; "outflow" tells the case team."""
    plan = _locked_plan(plan.pk)
    if not plan_can(by, plan, "evaluate"):
        raise NotAllowed(_("The regisseur evaluates the plan in force."))
    goal_ids = set(plan.goals.values_list("pk", flat=True))
    given = [goal.pk for goal, _r, _e in results]
    if set(given) != goal_ids or len(given) != len(goal_ids):
        raise DomainError(
            _("Give one result for every goal of the plan."), code="invalid", status_code=400
        )
    if held_on > timezone.localdate():
        raise DomainError(
            _("An evaluation cannot be held in the future."), code="invalid", status_code=400
        )
    if conclusion == EvaluationConclusion.EXPERT_GROUP and not question.strip():
        raise DomainError(
            _("Give the question for the expert group."), code="invalid", status_code=400
        )
    last = plan.evaluations.order_by("-held_on").first()
    evaluation = Evaluation(
        plan=plan,
        due_date=evaluation_due_date(plan, last),
        held_on=held_on,
        conclusion=conclusion,
        summary=summary,
        created_by=by,
    )
    evaluation.full_clean()
    evaluation.save()
    for goal, result, explanation in results:
        row = GoalEvaluation(
            evaluation=evaluation, goal=goal, result=result, explanation=explanation
        )
        row.full_clean(exclude=["evaluation", "goal"])
        row.save()
    from plans.reviews import close_by_evaluation

    close_by_evaluation(case=plan.case, evaluation=evaluation, by=by)
    if conclusion == EvaluationConclusion.REVISE:
        plan_start_version(case=plan.case, by=by)
    elif conclusion == EvaluationConclusion.EXPERT_GROUP:
        expert_referral_create(case=plan.case, by=by, question=question)
    elif conclusion == EvaluationConclusion.OUTFLOW:
        TimelineEvent.objects.create(
            case=plan.case,
            kind=TimelineKind.OTHER,
            created_by=by,
            organisation_id=by.organisation_id,
            description=_("Evaluation proposes outflow: %(s)s") % {"s": summary},
        )
    return evaluation


@audited
@transaction.atomic
def expert_referral_create(*, case: Case, by, question: str) -> ExpertGroupReferral:
    if not case_can_refer(by, case):
        raise NotAllowed(_("The case's regisseur refers it to the expert group."))
    referral = ExpertGroupReferral(case=case, question=question, referred_by=by)
    referral.full_clean()
    referral.save()
    announce("referral_asked", case=case, by=by, referral=referral)
    return referral


@audited
@transaction.atomic
def expert_referral_answer(
    *, referral: ExpertGroupReferral, by, advice: str
) -> ExpertGroupReferral:
    referral = ExpertGroupReferral.objects.select_for_update().get(pk=referral.pk)
    if referral.advised_at is not None:
        raise DomainError(_("This referral has been answered already."), code="invalid_transition")
    if not referral_can_answer(by, referral):
        raise NotAllowed(_("The ITAT-Expertgroep answers referrals."))
    referral.advice = advice
    referral.advised_by = by
    referral.advised_at = timezone.now()
    referral.full_clean()
    referral.save()
    TimelineEvent.objects.create(
        case=referral.case,
        kind=TimelineKind.OTHER,
        created_by=by,
        organisation_id=by.organisation_id,
        description=_("The ITAT-Expertgroep advised: %(a)s") % {"a": advice},
    )
    announce("referral_answered", case=referral.case, by=by, referral=referral)
    return referral


# --- outflow: the structured handover (issue 16) ------------------------------------------------


@audited
@transaction.atomic
def case_hand_over(
    *,
    case: Case,
    by,
    reason: str,
    receiver: Organisation | None = None,
    receiving_organisation: str = "",
    handover_note: str = "",
    goals: Iterable[PlanGoal] = (),
) -> Case:
    """Start outflow (`cases.services.case_start_outflow`) and record which goals of the plan
    in force the receiving organisation takes over, in one transaction."""
    goal_ids = {g.pk for g in goals}
    outflowed = case_start_outflow(
        case=case,
        by=by,
        reason=reason,
        receiver=receiver,
        receiving_organisation=receiving_organisation,
        handover_note=handover_note,
    )
    # Checked with the case locked (by the transition): the plan in force cannot change now.
    in_force = set(
        PlanGoal.objects.filter(
            plan__case=case, plan__status=PlanStatus.APPROVED, pk__in=goal_ids
        ).values_list("pk", flat=True)
    )
    if goal_ids - in_force:
        raise DomainError(_("Only goals of the plan in force can be handed over."), code="invalid")
    for goal_id in sorted(goal_ids):
        HandedOverGoal.objects.create(case=outflowed, goal_id=goal_id, receiver=receiver, by=by)
    return outflowed
