"""Browser pages for plans: thin adapters over selectors, policies and services."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from acvz.errors import DomainError, NotAllowed
from acvz.web import UncountedPage, posted, posted_lock_version, refuse
from cases.access import access_logged
from cases.models import AccessAction
from cases.pages import case_page_context, case_page_get
from cases.policies import CasePart, case_can, case_can_read, case_is_directed_by
from cases.selectors import person_relatives
from plans import selectors, services
from plans.applications import application_decide, application_record
from plans.forms import (
    AdviceForm,
    ApplicationDecisionForm,
    ApplicationForm,
    ApproveForm,
    CommitmentForm,
    ConfirmForm,
    EvaluationForm,
    GoalAmendForm,
    GoalForm,
    GoalProgressForm,
    HandoverForm,
    PlanForm,
    ReferralAnswerForm,
    ReferralForm,
    ReturnForm,
    ReviewCloseForm,
)
from plans.models import Application, ItatMeeting, Plan, PlanGoal, PlanReview
from plans.policies import (
    ANSWER_REFERRAL,
    case_can_plan,
    case_can_refer,
    goal_can_commit,
    goal_can_record_progress,
    goal_is_readable,
    plan_can,
    redact_advice,
    redact_evaluation_result,
    redact_goal,
    redact_goal_for_receiver,
)
from plans.reviews import open_reviews, review_close
from plans.workflow import (
    GOAL_FIELD_CHANGES,
    PLAN_TRANSITIONS,
    RESULT_FROM_STATUS,
    ChangeKind,
    PlanStatus,
)


def _plan_for(request: HttpRequest, pk: int) -> Plan:
    """The visible plan (404 otherwise); the page's `access_logged` logs the read."""
    return selectors.plan_get(user=request.user, pk=pk)


def _goals_for(request: HttpRequest, plan: Plan) -> list[PlanGoal]:
    """The plan's goals as this user may see them (`plans.policies.redact_goal`), each readable
    one with its progress trail and what the user may do with it."""
    goals = [redact_goal(request.user, goal, case=plan.case) for goal in plan.goals.all()]
    readable = [g for g in goals if not getattr(g, "restricted", False)]
    trail = services.goal_trail(readable)
    applications: dict[int, list] = {}
    if plan.status in (PlanStatus.APPROVED, PlanStatus.SUPERSEDED) and readable:
        for application in Application.objects.filter(goal__in=readable):
            applications.setdefault(application.goal_id, []).append(application)
    can_amend = plan_can(request.user, plan, "amend")
    for goal in goals:
        goal.plan = plan  # with its case and team, for the policies
        readable_goal = not getattr(goal, "restricted", False)
        goal.can_commit = readable_goal and goal_can_commit(request.user, goal)
        goal.can_progress = readable_goal and goal_can_record_progress(request.user, goal)
        goal.can_amend = readable_goal and can_amend
        goal.trail = trail.get(goal.pk, [])
        goal.shown_applications = applications.get(goal.pk, [])
    return goals


def _day(value: str | None) -> str | None:
    """An ISO date as the interface writes dates; anything else (a name) as it is."""
    try:
        return date.fromisoformat(value).strftime("%d-%m-%Y")
    except (TypeError, ValueError):
        return value


def _amendments_for(request: HttpRequest, plan: Plan) -> list:
    """The plan's amendments; one on a goal the user may not read says only that it exists."""
    shown = []
    if plan.status not in (PlanStatus.APPROVED, PlanStatus.SUPERSEDED):
        return shown  # only a plan that was in force is amended
    for amendment in plan.amendments.select_related("goal", "by"):
        amendment.restricted = not goal_is_readable(request.user, amendment.goal, case=plan.case)
        amendment.shown_changes = [
            (services.field_label(name), _day(before), _day(after))
            for name, (before, after) in amendment.changes.items()
        ]
        shown.append(amendment)
    return shown


def _readable_goals(request: HttpRequest, plan: Plan):
    """The goals the user may read, as a queryset (the advice form's choices)."""
    readable = [g.pk for g in plan.goals.all() if goal_is_readable(request.user, g, case=plan.case)]
    return PlanGoal.objects.filter(pk__in=readable).order_by("leefgebied", "pk")


def _keep_input_after_stale(form, error: DomainError, plan_id: int) -> None:
    """After a stale refusal the form keeps the user's input but carries the current version
    counter, so that saving again (after comparing) succeeds."""
    if error.code == "stale":
        form.data = form.data.copy()
        form.data["lock_version"] = Plan.objects.values_list("lock_version", flat=True).get(
            pk=plan_id
        )


def _plan_context(request: HttpRequest, plan: Plan, **extra) -> dict:
    actions = [t for t in PLAN_TRANSITIONS.values() if plan_can(request.user, plan, t.name)]
    return {
        "plan": plan,
        "case": plan.case,
        "goals": _goals_for(request, plan),
        "actions": actions,
        "can_edit": plan_can(request.user, plan, "edit"),
        "can_advise": plan_can(request.user, plan, "advise"),
        "can_revise": plan_can(request.user, plan, "revise"),
        "amendments": _amendments_for(request, plan),
        "advice": [redact_advice(request.user, a, case=plan.case) for a in plan.advice.all()],
        **extra,
    }


# --- the case's plan tab ------------------------------------------------------------------------


@login_required
@require_safe
@access_logged
def case_plan(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_page_get(request, pk, CasePart.PLAN)
    versions = list(selectors.case_plan_versions(case=case))
    in_force = selectors.plan_in_force(case=case)
    open_version = next((p for p in versions if p.status in ("draft", "submitted")), None)
    evaluations = list(selectors.case_evaluations(case=case))
    for evaluation in evaluations:
        evaluation.shown_results = [
            redact_evaluation_result(request.user, result, case=case)
            for result in evaluation.results.all()
        ]
    # Due from the plan in force and its own evaluations (as the reminder scan counts).
    last = next((e for e in evaluations if in_force and e.plan_id == in_force.pk), None)
    if in_force is not None:
        in_force.case = case  # the case with its team, for the health check
    context = case_page_context(
        request,
        case,
        "plan",
        versions=versions,
        in_force=in_force,
        open_version=open_version,
        goals=_goals_for(request, in_force) if in_force else [],
        evaluations=evaluations,
        evaluation_due=services.evaluation_due_date(in_force, last) if in_force else None,
        today=timezone.localdate(),
        referrals=(
            selectors.case_referrals(case=case)
            if case_can_read(request.user, case, CasePart.REFERRAL)
            else None
        ),
        can_start=open_version is None
        and (
            plan_can(request.user, in_force, "revise")
            if in_force
            else case_can_plan(request.user, case)
        ),
        can_evaluate=in_force is not None and plan_can(request.user, in_force, "evaluate"),
        # Events that call for a look at the plan: the regisseur's to act on (plans.reviews).
        reviews=list(open_reviews(case)) if case_is_directed_by(request.user, case) else [],
        can_refer=case_can_refer(request.user, case),
    )
    return render(request, "plans/case_plan.html", context)


@login_required
@require_POST
@access_logged
def plan_start(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_page_get(request, pk, CasePart.PLAN)
    try:
        plan = services.plan_start_version(case=case, by=request.user)
    except NotAllowed as error:
        raise PermissionDenied from error
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("plans:case_plan", pk=case.pk)
    messages.success(request, _("Version %(v)s is started.") % {"v": plan.version})
    return redirect("plans:detail", pk=plan.pk)


# --- one plan version ---------------------------------------------------------------------------


@login_required
@require_safe
@access_logged
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    return render(
        request,
        "plans/plan_detail.html",
        _plan_context(
            request,
            plan,
            advice_form=AdviceForm(goals=_readable_goals(request, plan)),
            versions=selectors.case_plan_versions(case=plan.case).exclude(pk=plan.pk),
        ),
    )


@login_required
@require_safe
@access_logged(action=AccessAction.EXPORT)
def plan_print(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    return render(request, "plans/plan_print.html", _plan_context(request, plan))


@login_required
@access_logged
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    if not plan_can(request.user, plan, "edit"):
        raise PermissionDenied
    form = PlanForm(
        posted(request), initial={"analysis": plan.analysis, "lock_version": plan.lock_version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                plan=plan,
                by=request.user,
                analysis=form.cleaned_data["analysis"],
                expected_lock_version=form.cleaned_data["lock_version"],
            )
        except DomainError as error:
            refuse(form, error)  # the user's text stays in the form
            _keep_input_after_stale(form, error, plan.pk)
        else:
            messages.success(request, _("The plan is saved."))
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/plan_form.html", _plan_context(request, plan, form=form))


@login_required
@access_logged
def goal_edit(request: HttpRequest, pk: int, goal_pk: int | None = None) -> HttpResponse:
    plan = _plan_for(request, pk)
    if not plan_can(request.user, plan, "edit"):
        raise PermissionDenied
    goal = None
    initial = {"lock_version": plan.lock_version}
    if goal_pk is not None:
        goal = get_object_or_404(PlanGoal, pk=goal_pk, plan=plan)
        if not goal_is_readable(request.user, goal, case=plan.case):
            raise Http404
        initial.update(
            {
                "leefgebied": goal.leefgebied,
                "goal": goal.goal,
                "interventions": goal.interventions,
                "responsible_organisation": goal.responsible_organisation_id,
                "concerns": goal.concerns_id,
                "start_date": goal.start_date,
                "target_date": goal.target_date,
            }
        )
    form = GoalForm(
        posted(request), initial=initial, relatives=person_relatives(person_id=plan.case.person_id)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("lock_version")
        try:
            if goal is None:
                services.goal_add(
                    plan=plan, by=request.user, expected_lock_version=expected, **data
                )
            else:
                # The goal's text travels as `text`: `goal` names the goal being changed.
                services.goal_update(
                    goal=goal,
                    by=request.user,
                    expected_lock_version=expected,
                    text=data.pop("goal"),
                    **data,
                )
        except DomainError as error:
            refuse(form, error)
            _keep_input_after_stale(form, error, plan.pk)
        except ValidationError as error:  # the goal's own model validation
            form.add_error(None, error)
        else:
            messages.success(request, _("The goal is saved."))
            return redirect("plans:detail", pk=plan.pk)
    return render(
        request, "plans/goal_form.html", _plan_context(request, plan, form=form, goal=goal)
    )


@login_required
@require_POST
@access_logged
def goal_delete(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    goal = get_object_or_404(PlanGoal, pk=goal_pk, plan=plan)
    try:
        services.goal_delete(
            goal=goal, by=request.user, expected_lock_version=posted_lock_version(request)
        )
    except NotAllowed as error:
        raise PermissionDenied from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The goal is removed."))
    return redirect("plans:detail", pk=plan.pk)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@access_logged
def goal_commit(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    goal = get_object_or_404(PlanGoal, pk=goal_pk, plan=plan)
    goal.plan = plan  # with its case and team, for the policies
    if not goal_can_commit(request.user, goal):  # the API and the service ask the same
        raise PermissionDenied
    form = CommitmentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_commit(goal=goal, by=request.user, **form.cleaned_data)
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, _("Your organisation's answer is recorded."))
            return redirect("plans:detail", pk=plan.pk)
    shown = redact_goal(request.user, goal)
    return render(
        request, "plans/goal_commit.html", _plan_context(request, plan, form=form, goal=shown)
    )


def _form_context(plan: Plan, **extra) -> dict:
    """A form about one goal: the plan's header, not its goals, advice and actions."""
    return {"plan": plan, "case": plan.case, **extra}


@login_required
@access_logged
def application_add(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    """An application at an outside body for a goal of the plan in force."""
    plan = selectors.plan_header_get(user=request.user, pk=pk)
    goal = _readable_goal(request, plan, goal_pk)
    if not goal_can_record_progress(request.user, goal):
        raise PermissionDenied
    form = ApplicationForm(posted(request), initial={"requested_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            application_record(goal=goal, by=request.user, **form.cleaned_data)
        except DomainError as error:
            refuse(form, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The application is recorded."))
            return redirect(f"{plan_url(plan)}#goal-{goal.pk}")
    return render(request, "plans/application_form.html", _form_context(plan, form=form, goal=goal))


@login_required
@access_logged
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The outside body's decision on an application (or its withdrawal)."""
    application = get_object_or_404(Application.objects.select_related("goal"), pk=pk)
    plan = selectors.plan_header_get(user=request.user, pk=application.goal.plan_id)
    goal = _readable_goal(request, plan, application.goal_id)
    if not goal_can_record_progress(request.user, goal):
        raise PermissionDenied
    form = ApplicationDecisionForm(
        posted(request),
        initial={
            "status": application.status,
            "decided_on": application.decided_on or timezone.localdate(),
            "note": application.note,
            "lock_version": application.lock_version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            application_decide(
                application=application,
                by=request.user,
                expected_lock_version=data.pop("lock_version"),
                **data,
            )
        except DomainError as error:
            refuse(form, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The application is updated."))
            return redirect(f"{plan_url(plan)}#goal-{goal.pk}")
    return render(
        request,
        "plans/application_form.html",
        _form_context(plan, form=form, goal=goal, application=application),
    )


def plan_url(plan: Plan) -> str:
    return reverse("plans:detail", args=[plan.pk])


def _readable_goal(request: HttpRequest, plan: Plan, goal_pk: int) -> PlanGoal:
    goal = get_object_or_404(PlanGoal, pk=goal_pk, plan=plan)
    goal.plan = plan  # with its case and team, for the policies
    if not goal_is_readable(request.user, goal, case=plan.case):
        raise Http404
    return goal


@login_required
@access_logged
def goal_progress(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    """Record a step in a goal's progress on the plan in force (no new version)."""
    plan = selectors.plan_header_get(user=request.user, pk=pk)
    goal = _readable_goal(request, plan, goal_pk)
    if not goal_can_record_progress(request.user, goal):
        raise PermissionDenied
    form = GoalProgressForm(
        posted(request), goal=goal, initial={"status": goal.status, "on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_progress_record(goal=goal, by=request.user, **form.cleaned_data)
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, _("The progress is recorded."))
            return redirect(f"{plan_url(plan)}#goal-{goal.pk}")
    goal.trail = services.goal_trail([goal]).get(goal.pk, [])
    return render(request, "plans/goal_progress.html", _form_context(plan, form=form, goal=goal))


@login_required
@access_logged
def goal_amend(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    """Amend a goal of the plan in force: the rule (`GOAL_FIELD_CHANGES`) is shown with the
    form; what it calls a revision is shown but not edited here."""
    plan = selectors.plan_header_get(user=request.user, pk=pk)
    goal = _readable_goal(request, plan, goal_pk)
    if not plan_can(request.user, plan, "amend"):
        raise PermissionDenied
    form = GoalAmendForm(
        posted(request),
        goal=goal,
        initial={
            "lock_version": plan.lock_version,
            "interventions": goal.interventions,
            "professional": goal.professional_id,
            "start_date": goal.start_date,
            "target_date": goal.target_date,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_amend(
                goal=goal,
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_lock_version=form.cleaned_data["lock_version"],
                **form.changes(),
            )
        except DomainError as error:
            refuse(form, error)
            _keep_input_after_stale(form, error, plan.pk)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The amendment is recorded; the case team is told."))
            return redirect(f"{plan_url(plan)}#goal-{goal.pk}")
    rule = {
        kind: [services.field_label(n) for n, k in GOAL_FIELD_CHANGES.items() if k == kind]
        for kind in ChangeKind
    }
    return render(
        request,
        "plans/goal_amend.html",
        _form_context(
            plan,
            form=form,
            goal=goal,
            amendable=rule[ChangeKind.AMENDMENT],
            revisions=rule[ChangeKind.REVISION],
        ),
    )


_PLAN_SERVICES = {
    "submit": lambda plan, by, data: services.plan_submit(plan=plan, by=by),
    "approve": lambda plan, by, data: services.plan_approve(plan=plan, by=by, **data),
    "return": lambda plan, by, data: services.plan_return(plan=plan, by=by, **data),
}


@login_required
@access_logged
def plan_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if name not in PLAN_TRANSITIONS:
        raise Http404
    plan = _plan_for(request, pk)
    transition = PLAN_TRANSITIONS[name]
    allowed = plan_can(request.user, plan, name)
    if not allowed and plan.status == transition.source:
        raise PermissionDenied
    form_class = {"return": ReturnForm, "approve": ApproveForm}.get(name, ConfirmForm)
    form = form_class(posted(request))
    refusal = ""
    if not allowed:
        refusal = _("“%(action)s” is not possible: this version is “%(status)s”.") % {
            "action": transition.label,
            "status": plan.get_status_display(),
        }
    elif request.method == "POST" and form.is_valid():
        try:
            _PLAN_SERVICES[name](plan, request.user, form.cleaned_data)
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": transition.label})
            return redirect("plans:detail", pk=plan.pk)
    return render(
        request,
        "plans/plan_transition.html",
        _plan_context(
            request,
            plan,
            form=form,
            transition=transition,
            refusal=refusal,
            uncommitted=[
                g
                for g in _goals_for(request, plan)
                if not getattr(g, "restricted", False) and g.commitment != "committed"
            ],
        ),
        status=200 if allowed else 409,
    )


@login_required
@require_POST
@access_logged
def plan_advice(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    form = AdviceForm(request.POST, goals=_readable_goals(request, plan))
    if form.is_valid():
        try:
            services.itat_advice_add(plan=plan, by=request.user, **form.cleaned_data)
        except NotAllowed as error:
            raise PermissionDenied from error
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The advice is recorded."))
    else:
        messages.error(request, _("Write the advice."))
    return redirect("plans:detail", pk=plan.pk)


@login_required
@require_safe
@access_logged
def plan_compare(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    other_pk = _int(request.GET.get("met"))
    if other_pk is None and plan.based_on_id is None:
        raise Http404
    other = selectors.plan_get(user=request.user, pk=other_pk or plan.based_on_id)
    if other.case_id != plan.case_id:
        raise Http404
    old, new = sorted([other, plan], key=lambda p: p.version)
    analysis, changes = selectors.plan_compare(user=request.user, old=old, new=new)
    return render(
        request,
        "plans/plan_compare.html",
        _plan_context(request, plan, old=old, new=new, analysis=analysis, changes=changes),
    )


# --- ITAT ---------------------------------------------------------------------------------------

PAGE_SIZE = 25
#: Plans per page of an ITAT agenda: a weekly agenda of the city fits on one (about 20); one of
#: ten times the city (about 200) is read a page at a time, its count above the table.
AGENDA_PAGE_SIZE = 50
COMMITMENTS_PAGE_SIZE = 50


@login_required
@require_safe
@permission_required("plans.review_plan", raise_exception=True)
@access_logged
def itat_meetings(request: HttpRequest) -> HttpResponse:
    """The meetings to come (and those with plans waiting), then the past ones a page at a
    time."""
    today = timezone.localdate()
    return render(
        request,
        "plans/itat_meetings.html",
        {
            "meetings": selectors.itat_meetings(today=today),
            "page": UncountedPage(
                selectors.itat_meetings_past(today=today), request.GET.get("page"), PAGE_SIZE
            ),
            "query": "",
        },
    )


@login_required
@require_safe
@permission_required("plans.review_plan", raise_exception=True)
@access_logged(action=AccessAction.LIST)
def itat_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    """The plans a meeting is to review, in the order they were submitted, a page at a time."""
    meeting = get_object_or_404(ItatMeeting, pk=pk)
    plans = selectors.itat_agenda(user=request.user, meeting=meeting)
    return render(
        request,
        "plans/itat_agenda.html",
        {
            "meeting": meeting,
            "plans": Paginator(plans, AGENDA_PAGE_SIZE).get_page(request.GET.get("page")),
            "query": "",
        },
    )


@login_required
@require_safe
@access_logged
def commitments(request: HttpRequest) -> HttpResponse:
    """The goals the user's organisation is asked to commit to, a page at a time with their
    count: a partner on thousands of cases has a hundred waiting at ten times the city."""
    goals = selectors.commitments_waiting_for(user=request.user)
    page = Paginator(goals, COMMITMENTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/commitments.html",
        {
            "goals": [redact_goal(request.user, goal) for goal in page],
            "page": page,
            "query": "",
        },
    )


@login_required
@access_logged
def review_close_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that an event needs no change of the plan (an evaluation closes it otherwise)."""
    review = get_object_or_404(PlanReview.objects.select_related("event"), pk=pk)
    case = case_page_get(request, review.case_id, CasePart.PLAN)
    if not case_is_directed_by(request.user, case) or review.closed_at is not None:
        raise PermissionDenied
    form = ReviewCloseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            review_close(review=review, by=request.user, note=form.cleaned_data["note"])
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, _("Recorded: the plan stays as it is."))
            return redirect("plans:case_plan", pk=case.pk)
    return render(
        request,
        "plans/review_close.html",
        case_page_context(request, case, "plan", form=form, review=review),
    )


# --- evaluation and expert group --------------------------------------------------------------


@login_required
@access_logged
def evaluation_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_page_get(request, pk, CasePart.PLAN)
    plan = selectors.plan_in_force(case=case)
    if plan is None or not plan_can(request.user, plan, "evaluate"):
        raise PermissionDenied
    goals = list(plan.goals.select_related("responsible_organisation"))
    for goal in goals:
        goal.plan = plan
    # The evaluation starts from the recorded progress: each goal's trail since the last
    # evaluation, a suggested result from its status and its latest note (all to be confirmed).
    trail = services.goal_trail(goals)
    since = plan.evaluations.order_by("-held_on").values_list("held_on", flat=True).first()
    initial = {"held_on": timezone.localdate()}
    for goal in goals:
        goal.trail = [s for s in trail.get(goal.pk, []) if since is None or s.on > since]
        if goal.status in RESULT_FROM_STATUS and goal.trail:
            initial[f"result_{goal.pk}"] = RESULT_FROM_STATUS[goal.status]
        notes = [s.note for s in goal.trail if s.note]
        if notes:
            initial[f"explanation_{goal.pk}"] = notes[-1]
    form = EvaluationForm(posted(request), goals=goals, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.evaluation_record(
                plan=plan,
                by=request.user,
                held_on=data["held_on"],
                conclusion=data["conclusion"],
                summary=data["summary"],
                results=form.results(),
                question=data["question"],
            )
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, _("The evaluation is recorded."))
            return redirect("plans:case_plan", pk=case.pk)
    return render(
        request,
        "plans/evaluation_form.html",
        case_page_context(request, case, "plan", form=form, plan=plan),
    )


@login_required
@access_logged
def referral_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_page_get(request, pk, CasePart.PLAN)
    if not case_can_refer(request.user, case):
        raise PermissionDenied
    form = ReferralForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.expert_referral_create(case=case, by=request.user, **form.cleaned_data)
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, _("The case is referred to the ITAT-Expertgroep."))
            return redirect("plans:case_plan", pk=case.pk)
    return render(
        request, "plans/referral_form.html", case_page_context(request, case, "plan", form=form)
    )


@login_required
@require_safe
@permission_required(ANSWER_REFERRAL, raise_exception=True)
@access_logged
def referral_list(request: HttpRequest) -> HttpResponse:
    """The open questions for the ITAT-Expertgroep: a page for its members only."""
    return render(
        request,
        "plans/referral_list.html",
        {"referrals": selectors.open_referrals(user=request.user)},
    )


@login_required
@access_logged
def referral_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """An open referral, for members of the Expertgroep (others, and after the answer: 404)."""
    referral = selectors.referral_get(user=request.user, pk=pk)
    form = ReferralAnswerForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.expert_referral_answer(referral=referral, by=request.user, **form.cleaned_data)
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, _("The advice is recorded on the case."))
            return redirect("plans:referrals")
    return render(request, "plans/referral_answer.html", {"referral": referral, "form": form})


# --- outflow: the structured handover (issue 16) ------------------------------------------------


@login_required
@access_logged
def case_handover(request: HttpRequest, pk: int) -> HttpResponse:
    """Start outflow: the receiving organisation from the register, the goals of the plan in
    force it takes over, a note; the summary for the receiver follows from these."""
    case = case_page_get(request, pk)
    if not case_can(request.user, case, "start_outflow"):
        raise (
            Http404
            if not case_can_read(request.user, case, CasePart.OVERVIEW)
            else PermissionDenied
        )
    in_force = selectors.plan_in_force(case=case)
    goals = []
    if in_force is not None:
        goals = [redact_goal(request.user, g, case=case) for g in in_force.goals.all()]
    form = HandoverForm(posted(request), goals=goals)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_hand_over(case=case, by=request.user, **form.cleaned_data)
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, _("Outflow started; the handover summary is ready."))
            return redirect("plans:handover_summary", pk=case.pk)
    return render(
        request,
        "plans/handover_form.html",
        case_page_context(request, case, "overview", form=form, in_force=in_force),
    )


def _handover_context(request: HttpRequest, pk: int) -> dict:
    # The outflow's reason and note are the overview's (not ITAT's, which reads the plan only).
    case = case_page_get(request, pk, CasePart.OVERVIEW)
    if case.outflow_at is None:
        raise Http404
    receiver_id = case.receiver_id
    goals = [
        redact_goal_for_receiver(request.user, handed.goal, receiver_id=receiver_id, case=case)
        for handed in selectors.case_handed_over_goals(case=case)
    ]
    return case_page_context(
        request,
        case,
        "overview",
        goals=goals,
        withheld=sum(1 for g in goals if getattr(g, "restricted", False)),
    )


@login_required
@require_safe
@access_logged
def handover_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The handover summary as the receiving organisation may read it (need-to-know for the
    receiver: health goals only when it is responsible for them), never as its author sees it."""
    return render(request, "plans/handover_summary.html", _handover_context(request, pk))


@login_required
@require_safe
@access_logged(action=AccessAction.EXPORT)
def handover_print(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "plans/handover_print.html", _handover_context(request, pk))
