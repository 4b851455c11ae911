"""Need-to-know for plans: the case's rules (`cases.policies`), plus ITAT and the Expertgroep.

ITAT's scope is its agenda: an ITAT member reads a case's plans and its non-health basisdossier
while a plan of the case is submitted, and for REGIE_ITAT_READ_WEEKS after ITAT's decision on it
(approve or return), so that it judges integrality with the dossier in hand. The
ITAT-Expertgroep is a role of its own: its members read the case while a referral of it is open.
Both are grounds in `cases.policies.CASE_GROUNDS` (registered in `PlansConfig.ready`).

Field-level rules live here too, and only here: whether a goal (or a historical version of it,
its evaluation results, ITAT's advice on it) may be read, and what a reader who may not read it
sees instead (`redact_goal`). Pages, forms, the API, compare, history and print call these.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from cases.models import HEALTH_LEEFGEBIEDEN
from cases.policies import (
    EXPERT_SCOPE,
    REVIEW_SCOPE,
    Actor,
    CasePart,
    Ground,
    actor_for,
    actor_rule_holds,
    case_can_read_health,
    case_is_directed_by,
    case_scoped_filter,
)
from cases.workflow import REGIE_STATUSES, CaseStatus
from plans.workflow import PLAN_TRANSITIONS, PlanStatus

REVIEW = "plans.review_plan"
ANSWER_REFERRAL = "plans.answer_referral"


def itat_read_since() -> datetime:
    """ITAT reads a case whose plan it decided on after this moment."""
    return timezone.now() - timedelta(weeks=settings.REGIE_ITAT_READ_WEEKS)


def _on_itat_agenda(actor: Actor) -> QuerySet:
    from plans.models import Plan

    in_window = Q(status=PlanStatus.SUBMITTED) | Q(decided_at__gte=itat_read_since())
    return Plan.objects.filter(in_window).values("case_id")


def _referred_open(actor: Actor) -> QuerySet:
    from plans.models import ExpertGroupReferral

    return ExpertGroupReferral.objects.filter(advised_at__isnull=True).values("case_id")


ITAT_GROUND = Ground("itat", REVIEW_SCOPE, lambda actor: actor.has(REVIEW), _on_itat_agenda)
EXPERTGROEP_GROUND = Ground(
    "expertgroep", EXPERT_SCOPE, lambda actor: actor.has(ANSWER_REFERRAL), _referred_open
)


def plan_visibility_filter(user, field: str = "case", *, inline_ids: bool = False) -> Q:
    """A Q over Plan: the plans of the cases whose plan part this user reads (the case team and
    directors, the programme team's support, ITAT within its window, the Expertgroep while a
    referral is open). One SQL expression, on the plan's case key (`case_scoped_filter`).
    `field` is the path to the case from another model (`"plan__case"` for a goal): a filter
    on the key, not `plan__in=<visible plans>`, which made the planner list every plan of
    every visible case first (19 ms for the commitments page, ten times the city).
    `inline_ids` for a page of the whole list (`case_scoped_filter`)."""
    return case_scoped_filter(user, field, part=CasePart.PLAN, inline_ids=inline_ids)


def plan_can(user, plan, action: str) -> bool:
    """May `user` do `action` to `plan` (which they can see)?"""
    case = plan.case
    transition = PLAN_TRANSITIONS.get(action)
    if transition is not None:
        return (
            plan.status == transition.source
            and (not transition.case_statuses or case.status in transition.case_statuses)
            and actor_rule_holds(user, case, transition.actor, transition.permissions)
        )
    if action == "edit":
        return plan.status == PlanStatus.DRAFT and case_is_directed_by(user, case)
    if action == "revise":
        return (
            plan.status == PlanStatus.APPROVED
            and case_is_directed_by(user, case)
            and case.status == CaseStatus.IN_REGIE
        )
    if action == "advise":
        return plan.status == PlanStatus.SUBMITTED and actor_for(user).has(REVIEW)
    if action == "amend":
        return (
            plan.status == PlanStatus.APPROVED
            and case.status in REGIE_STATUSES
            and case_is_directed_by(user, case)
        )
    if action == "evaluate":
        return (
            plan.status == PlanStatus.APPROVED
            and case.status in REGIE_STATUSES
            and case_is_directed_by(user, case)
        )
    raise ValueError(f"Unknown plan action {action!r}")


def case_can_plan(user, case) -> bool:
    """May the user start a plan (version 1) for this case?"""
    return case.status == CaseStatus.IN_REGIE and case_is_directed_by(user, case)


def goal_can_commit(user, goal) -> bool:
    """The responsible organisation answers for its own goals, before approval, while it is on
    the case team (an organisation that reads the case only through a role, e.g. the programme
    team's support, does not act on it), and only for a goal it may read (it cannot commit to
    what it cannot read)."""
    actor = actor_for(user)
    return (
        goal.responsible_organisation_id is not None
        and goal.responsible_organisation_id == actor.organisation_id
        and goal.plan.status in (PlanStatus.DRAFT, PlanStatus.SUBMITTED)
        and _on_team(user, goal)
        and goal_is_readable(user, goal)
    )


def _on_team(user, goal) -> bool:
    organisation_id = actor_for(user).organisation_id
    return organisation_id is not None and any(
        m.organisation_id == organisation_id and m.left_on is None
        for m in goal.plan.case.team.all()
    )


def goal_can_record_progress(user, goal) -> bool:
    """Progress is recorded on the goals of the plan in force, while the case is in regie or
    outflow, by the case's regisseur (or accounthouder), and by the goal's responsible
    organisation for its own goals while it is on the case team."""
    plan = goal.plan
    if plan.status != PlanStatus.APPROVED or plan.case.status not in REGIE_STATUSES:
        return False
    if case_is_directed_by(user, plan.case):
        return True
    return (
        goal.responsible_organisation_id is not None
        and goal.responsible_organisation_id == actor_for(user).organisation_id
        and _on_team(user, goal)
        and goal_is_readable(user, goal)
    )


# --- field-level rules: health goals ------------------------------------------------------------

#: What a goal says besides its leefgebied. A reader who may not read the goal sees none of it.
RESTRICTED_GOAL_FIELDS = (
    "goal",
    "interventions",
    "concerns",
    "responsible_organisation",
    "professional",
    "start_date",
    "target_date",
    "status",
    "commitment",
    "commitment_reason",
    "committed_by",
    "committed_at",
)


def goal_is_health(goal) -> bool:
    return goal.leefgebied in HEALTH_LEEFGEBIEDEN


def goal_is_readable(user, goal, *, case=None) -> bool:
    """Health goals (leefgebied 9) are as narrow as basisdossier section 9, with one addition:
    the goal's responsible organisation reads that goal (only that one).

    `goal` may also be a historical version of a goal; `case` is the goal's case with its team
    loaded (default: `goal.plan.case`)."""
    if not goal_is_health(goal):
        return True
    organisation_id = actor_for(user).organisation_id
    if organisation_id is not None and goal.responsible_organisation_id == organisation_id:
        return True
    return case_can_read_health(user, case if case is not None else goal.plan.case)


def _redacted(obj, fields):
    """A copy of `obj` (never saved) with `fields` emptied and `restricted` set."""
    shown = copy.copy(obj)
    for name in fields:
        setattr(shown, type(obj)._meta.get_field(name).attname, None)
        shown._state.fields_cache.pop(name, None)
    shown.__dict__.pop("_prefetched_objects_cache", None)
    shown.restricted = True
    return shown


def redact_goal(user, goal, *, case=None):
    """The goal as `user` may see it: the goal itself, or a copy that only says that a goal on
    a restricted leefgebied exists (its id, plan and leefgebied; every content field None, no
    advice, `restricted` true)."""
    if goal_is_readable(user, goal, case=case):
        return goal
    return _redacted(goal, RESTRICTED_GOAL_FIELDS)


def goal_is_readable_by_receiver(organisation_id: int | None, goal) -> bool:
    """The goal as the organisation that takes it over at outflow may read it: it is not on
    the case team, so health content only for a health goal it is itself responsible for
    (it cannot take on what it cannot read), never the whole health leefgebied."""
    if not goal_is_health(goal):
        return True
    return organisation_id is not None and goal.responsible_organisation_id == organisation_id


def redact_goal_for_receiver(user, goal, *, receiver_id: int | None, case=None):
    """The goal in the handover summary: what the receiving organisation may read, and no more
    than `user` (who reads the summary) may read either."""
    if goal_is_readable_by_receiver(receiver_id, goal) and goal_is_readable(user, goal, case=case):
        return goal
    return _redacted(goal, RESTRICTED_GOAL_FIELDS)


def goal_version_is_readable(user, record, *, latest, case) -> bool:
    """A historical version of a goal: readable when that version is and the goal as it is now
    (`latest`, its newest version) is. A goal moved out of health keeps its health past."""
    return goal_is_readable(user, record, case=case) and goal_is_readable(user, latest, case=case)


def goal_change_is_readable(user, old, new, *, case) -> bool:
    """A compared pair of goal versions (either may be None): shown only when both sides are
    readable, so a goal moved out of health does not show its old text."""
    return all(goal_is_readable(user, g, case=case) for g in (old, new) if g is not None)


def evaluation_result_is_readable(user, result, *, case=None) -> bool:
    """An evaluation result on a goal follows the goal."""
    return goal_is_readable(user, result.goal, case=case)


def redact_evaluation_result(user, result, *, case=None):
    """The result as `user` may see it: itself, or a copy without result and explanation."""
    if evaluation_result_is_readable(user, result, case=case):
        return result
    return _redacted(result, ("result", "explanation"))


def advice_is_readable(user, advice, *, case=None) -> bool:
    """ITAT's advice on the plan as a whole is read with the plan; advice on a goal follows the
    goal (also for its author)."""
    return advice.goal_id is None or goal_is_readable(user, advice.goal, case=case)


def redact_advice(user, advice, *, case=None):
    """The advice as `user` may see it: itself, or a copy without its text."""
    if advice_is_readable(user, advice, case=case):
        return advice
    return _redacted(advice, ("text",))


# --- the ITAT-Expertgroep -------------------------------------------------------------------


def referral_visibility_filter(user) -> Q:
    """A Q over ExpertGroupReferral: the open referrals, for members of the Expertgroep only.
    An answered referral is the referring case's (its plan tab), not the group's."""
    if not actor_for(user).has(ANSWER_REFERRAL):
        return Q(pk__in=[])
    return Q(advised_at__isnull=True)


def referral_can_answer(user, referral) -> bool:
    return actor_for(user).has(ANSWER_REFERRAL) and referral.advised_at is None


def case_can_refer(user, case) -> bool:
    """The case's regisseur (or accounthouder) brings it to the Expertgroep, while in regie or
    outflow (a closed case takes no more writes)."""
    return case.status in REGIE_STATUSES and case_is_directed_by(user, case)


# --- the flexible budget (plans.budget) ---------------------------------------------------------

ACCOUNT = "cases.account_case"
SUPPORT = "cases.support_case"


def budget_visibility_filter(user) -> Q:
    """A Q over BudgetRequest: the requests of the cases whose budget part this user reads (the
    case team and directors, the programme team's support; not ITAT, not the Expertgroep)."""
    return case_scoped_filter(user, "case", part=CasePart.BUDGET)


def case_can_request_budget(user, case) -> bool:
    """The case's regisseur asks, while the case is in regie."""
    return (
        case.status == CaseStatus.IN_REGIE and user.pk is not None and user.pk == case.regisseur_id
    )


def budget_can_decide(user, request) -> bool:
    """One step: the case's accounthouder, or (standing in) another accounthouder of the
    regie organisation; never the one who asked."""
    case = request.case
    if request.status != "requested" or case.status != CaseStatus.IN_REGIE:
        return False
    if user.pk is None or user.pk == request.requested_by_id:
        return False
    actor = actor_for(user)
    return user.pk == case.accounthouder_id or (
        actor.has(ACCOUNT)
        and actor.organisation_id is not None
        and actor.organisation_id == case.regie_organisation_id
    )


def budget_can_withdraw(user, request) -> bool:
    return (
        request.status == "requested"
        and user.pk is not None
        and user.pk == request.case.regisseur_id
    )


def budget_can_record_payment(user, request) -> bool:
    """The regisseur or the accounthouder records what was paid out of an approved request,
    while the case is in regie or outflow."""
    return (
        request.status == "approved"
        and request.case.status in REGIE_STATUSES
        and case_is_directed_by(user, request.case)
    )


def budget_description_is_readable(user, request, *, case=None) -> bool:
    """A request for health or care may say something about the person's health: its
    description (and the provisions checked) only for who reads health content."""
    if request.purpose != "health_care":
        return True
    return case_can_read_health(user, case or request.case)


def redact_budget_request(user, request, *, case=None):
    if budget_description_is_readable(user, request, case=case):
        return request
    return _redacted(request, ("description", "provisions_checked", "decision_reason"))


def budget_can_see_report(user) -> bool:
    """The report of use: accounthouders and the programme team (over the cases they read)."""
    actor = actor_for(user)
    return actor.has(ACCOUNT) or actor.has(SUPPORT)
