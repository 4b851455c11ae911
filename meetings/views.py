"""Browser pages for UVOs, agreements, notifications and the calendar feed."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from acvz.errors import DomainError, NotAllowed
from acvz.http import redirect_next
from acvz.web import (
    UncountedPage,
    add_validation_errors,
    confirmed,
    posted,
    posted_lock_version,
    refuse,
)
from cases.access import access_logged, visible_get
from cases.pages import case_page_context, case_page_get
from cases.policies import CasePart, actor_for
from meetings import escalations, selectors, services
from meetings.calendar import calendar_ics
from meetings.forms import (
    AgreementFilterForm,
    AgreementForm,
    AgreementStatusForm,
    CadenceForm,
    EscalationForm,
    EscalationStepForm,
    NextUvoForm,
    PreferenceForm,
    UvoCancelForm,
    UvoPlanForm,
    UvoRecordForm,
)
from meetings.models import (
    Agreement,
    AgreementStatus,
    CalendarFeed,
    EscalationLevel,
    NotificationPreference,
    UvoStatus,
)
from meetings.policies import agreement_can_update, uvo_can_manage
from partners.models import Organisation


@login_required
@access_logged
def case_uvos(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_page_get(request, pk, CasePart.UVO)
    can_manage = uvo_can_manage(request.user, case)
    plan_form = UvoPlanForm(posted(request) if "plan" in request.POST else None)
    cadence_form = CadenceForm(posted(request) if "cadence" in request.POST else None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = plan_form if "plan" in request.POST else cadence_form
        if form.is_valid():
            try:
                if form is plan_form:
                    services.uvo_plan(case=case, by=request.user, **form.cleaned_data)
                    messages.success(request, _("The UVO is planned."))
                else:
                    services.cadence_set(case=case, by=request.user, **form.cleaned_data)
                    messages.success(request, _("The UVO cadence is changed."))
            except DomainError as error:
                refuse(form, error)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("meetings:case_uvos", pk=case.pk)
    context = case_page_context(
        request,
        case,
        "uvo",
        state=selectors.case_uvo_state(case=case),
        uvos=selectors.case_uvos(case=case),
        agreements=selectors.case_agreements(case=case),
        can_manage=can_manage,
        plan_form=plan_form,
        cadence_form=cadence_form,
    )
    return render(request, "meetings/case_uvos.html", context)


@login_required
@access_logged
def uvo_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.uvo_get(user=request.user, pk=pk)
    case = meeting.case
    can_manage = uvo_can_manage(request.user, case)
    team = [m for m in case.team.select_related("organisation") if m.left_on is None]
    attendees = list(meeting.attendees.all())
    action = request.POST.get("action") if request.method == "POST" else None
    record_form = UvoRecordForm(
        request.POST if action == "record" else None,
        team=team,
        attendees=attendees,
        initial={
            "lock_version": meeting.lock_version,
            "minutes": meeting.minutes,
            "held_on": meeting.held_on or timezone.localdate(),
            # Those named by hand (carried over from the last UVO) stay on the list.
            "others": "\n".join(
                f"{a.name} ({a.organisation.code})" if a.organisation_id else a.name
                for a in attendees
                if a.name
            ),
        },
    )
    agreement_form = AgreementForm(request.POST if action == "agreement" else None, case=case)
    cancel_form = UvoCancelForm(request.POST if action == "cancel" else None)
    next_form = None
    next_planned = case.uvo_meetings.filter(
        status=UvoStatus.PLANNED, planned_at__gt=meeting.planned_at
    )
    if meeting.status == UvoStatus.HELD and can_manage and not next_planned.exists():
        next_form = NextUvoForm(
            request.POST if action == "next" else None, initial=_next_uvo(case, meeting)
        )
    if action:
        if not can_manage:
            raise PermissionDenied
        form = {
            "record": record_form,
            "agreement": agreement_form,
            "cancel": cancel_form,
            "next": next_form,
        }.get(action)
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                if action == "record":
                    services.uvo_record(
                        meeting=meeting,
                        by=request.user,
                        held_on=form.cleaned_data["held_on"],
                        minutes=form.cleaned_data["minutes"],
                        attendees=form.attendees(),
                        expected_lock_version=form.cleaned_data["lock_version"],
                    )
                    messages.success(request, _("The UVO is recorded."))
                elif action == "next":
                    planned = services.uvo_plan(
                        case=case,
                        by=request.user,
                        planned_at=form.cleaned_data["planned_at"],
                        place=form.cleaned_data["place"],
                        attendees_from=meeting if form.cleaned_data["same_attendees"] else None,
                    )
                    messages.success(
                        request, _("The next UVO is planned; the attendees are invited.")
                    )
                    return redirect("meetings:uvo_detail", pk=planned.pk)
                elif action == "agreement":
                    services.agreement_create(
                        case=case, by=request.user, meeting=meeting, **form.cleaned_data
                    )
                    messages.success(request, _("The agreement is recorded."))
                else:
                    services.uvo_cancel(meeting=meeting, by=request.user, **form.cleaned_data)
                    messages.success(request, _("The UVO is cancelled."))
            except DomainError as error:
                refuse(form, error)  # the user's input stays in the form
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("meetings:uvo_detail", pk=meeting.pk)
    return render(
        request,
        "meetings/uvo_detail.html",
        {
            "meeting": meeting,
            "case": case,
            "attendees": attendees,
            "can_manage": can_manage,
            "record_form": record_form,
            "agreement_form": agreement_form,
            "cancel_form": cancel_form,
            "next_form": next_form,
            "agreements": selectors.case_agreements(case=case).filter(meeting=meeting),
            "carried_over": selectors.open_agreements_for_agenda(case=case, before=meeting),
        },
    )


def _next_uvo(case, meeting) -> dict:
    """The proposal after a UVO: on the cadence from its date, at the same time and place."""
    state = selectors.case_uvo_state(case=case)
    start = timezone.localtime(meeting.planned_at)
    day = state.due or (meeting.held_on + timedelta(weeks=state.weeks))
    return {
        "planned_at": start.replace(year=day.year, month=day.month, day=day.day),
        "place": meeting.place,
        "same_attendees": True,
    }


PAGE_SIZE = 25


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@require_safe
@access_logged
def agreements(request: HttpRequest) -> HttpResponse:
    """The agreements of the user's organisation, a page at a time, open ones by default."""
    form = AgreementFilterForm(request.GET or None)
    today = timezone.localdate()
    queryset = selectors.agreements_of_my_organisation(
        user=request.user, today=today, **form.filters()
    )
    page = UncountedPage(queryset, request.GET.get("page"), PAGE_SIZE)
    for agreement in page:
        agreement.can_update = agreement_can_update(request.user, agreement)
    return render(
        request,
        "meetings/agreements.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "statuses": AgreementStatus.choices,
            "today": today,
        },
    )


@login_required
@require_POST
@access_logged
def agreement_status(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = visible_get(selectors.agreements_visible(user=request.user), pk=pk)
    if not agreement_can_update(request.user, agreement):
        raise PermissionDenied
    form = AgreementStatusForm(request.POST)
    if form.is_valid():
        services.agreement_set_status(agreement=agreement, by=request.user, **form.cleaned_data)
        messages.success(request, _("The agreement is updated."))
    else:
        messages.error(request, _("Choose a valid status."))
    return redirect_next(request, "meetings:agreements")


@login_required
@require_safe
@permission_required("cases.account_case", raise_exception=True)
@access_logged
def casuistry(request: HttpRequest) -> HttpResponse:
    """The accounthouder's casuistry meeting with their regisseurs: its dates in each
    programme's rhythm and the agenda of cases that need discussing."""
    today = timezone.localdate()
    page = UncountedPage(
        selectors.casuistry_cases(user=request.user, today=today),
        request.GET.get("page"),
        PAGE_SIZE,
    )
    return render(
        request,
        "meetings/casuistry.html",
        {
            "rhythms": selectors.casuistry_rhythms(user=request.user, today=today),
            "items": selectors.casuistry_items(cases=page, today=today),
            "page": page,
            "query": "",
        },
    )


@login_required
@require_safe
@access_logged
def inbox(request: HttpRequest) -> HttpResponse:
    """The user's notifications, 25 at a time, in the API's order (unread first)."""
    page = UncountedPage(selectors.inbox(user=request.user), request.GET.get("page"), PAGE_SIZE)
    return render(request, "meetings/inbox.html", {"page": page, "query": ""})


def _back_to_inbox(request: HttpRequest) -> HttpResponse:
    page = request.POST.get("page", "")
    url = reverse("meetings:inbox")
    if page.isascii() and page.isdigit() and 1 < int(page) <= 100_000:
        url += f"?page={page}"
    return redirect(url)


@login_required
@require_POST
@access_logged
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(selectors.notifications_visible(user=request.user), pk=pk)
    services.notification_mark_read(notification=notification, by=request.user)
    return _back_to_inbox(request)


@login_required
@require_POST
@access_logged
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(by=request.user)
    return redirect("meetings:inbox")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    preference = NotificationPreference.objects.filter(user=request.user).first()
    form = PreferenceForm(
        posted(request),
        initial={
            "email": preference.email if preference else True,
            "digest": preference.digest if preference else False,
        },
    )
    if request.method == "POST":
        if "revoke" in request.POST:
            services.calendar_feed_revoke(by=request.user)
            messages.success(
                request, _("Your calendar address is renewed; the old one no longer works.")
            )
            return redirect("meetings:preferences")
        if form.is_valid():
            services.notification_preference_set(by=request.user, **form.cleaned_data)
            messages.success(request, _("Your preferences are saved."))
            return redirect("meetings:preferences")
    feed = services.calendar_feed_get(by=request.user)
    return render(
        request,
        "meetings/preferences.html",
        {
            "form": form,
            "feed_url": request.build_absolute_uri(f"/agenda/{feed.token}.ics"),
        },
    )


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal iCal feed. The token is the credential; a revoked token is a 404."""
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("user__organisation"), token=token, user__is_active=True
    )
    today = timezone.localdate()
    uvos, itat = selectors.calendar_items(
        user=feed.user, start=today - timedelta(days=90), end=today + timedelta(days=365)
    )
    response = HttpResponse(
        calendar_ics(uvos=uvos, itat_meetings=itat, request=request),
        content_type="text/calendar; charset=utf-8",
    )
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- the accounthouder's dashboard ----------------------------------------------------------------


@login_required
@require_safe
@permission_required("cases.account_case", raise_exception=True)
@access_logged
def dashboard(request: HttpRequest) -> HttpResponse:
    """The accounthouder's figures per regisseur (meetings.dashboard); a figure opens the cases
    (or agreements) behind it below the table. `?format=csv` or `xlsx`: the table as a file.
    Only the list behind a chosen figure names persons (and is logged as shown); the table holds
    counts."""
    from meetings import dashboard as figures
    from meetings.charts import bar_chart
    from meetings.forms import DashboardFilterForm

    form = DashboardFilterForm(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {}
    programme = chosen.get("programme")
    board = figures.accounthouder_dashboard(
        user=request.user, programme_id=programme.pk if programme else None
    )
    if request.GET.get("format") in ("csv", "xlsx"):
        return figures.file_response(board, request.GET["format"])
    table = [
        {
            "label": row.label,
            "regisseur": row.regisseur_id,
            "figures": [(figure.key, value) for figure, value in row.figures],
            "programmes": row.programmes,
            "styles": row.styles,
            "longest_wait": row.longest_itat_wait,
        }
        for row in [*board.rows, board.total]
    ]
    figure = figures.FIGURE_KEYS.get(chosen.get("figure") or "")
    behind = None
    agreements = None
    organisation = chosen.get("organisation")
    row = board.row_of(chosen.get("regisseur"))
    if organisation is not None:
        agreements = figures.agreements_of(
            board,
            organisation_id=organisation.pk,
            overdue=chosen.get("figure") == "agreements_overdue",
        )
    elif figure is not None:
        behind = figures.with_cases(row.behind(figure.key))
    chart = bar_chart(
        title=_("Active cases per regisseur, of which UVO overdue"),
        rows=[(row.label, row.total("active"), row.total("uvo_overdue")) for row in board.rows],
        legend=(_("active cases"), _("of which UVO overdue")),
    )
    return render(
        request,
        "meetings/dashboard.html",
        {
            "form": form,
            "table": table,
            "figures": figures.FIGURES,
            "organisations": board.organisations,
            "figure": figure,
            "row_label": row.label,
            "behind": behind,
            "agreements": agreements,
            "organisation": organisation,
            "chart": chart,
            "today": board.today,
            "query_string": request.GET.urlencode(),
        },
    )


def _draw_figures(tables) -> None:
    """Pictures beside the tables people would rather look at: the monthly flow, and the
    offences before and during regie per cohort."""
    from meetings.charts import series_chart

    for table in tables:
        if table.key == "flow" and table.rows:
            table.chart = series_chart(title=table.title, rows=table.rows, legend=table.columns)
        elif table.key == "outcomes" and table.rows:
            table.chart = series_chart(
                title=table.title,
                rows=[(label, cells[1:3]) for label, cells in table.rows],
                legend=table.columns[1:3],
            )


@login_required
@require_safe
@permission_required("cases.view_programme_figures", raise_exception=True)
def programme_figures(request: HttpRequest) -> HttpResponse:
    """The programmes' figures (meetings.figures): counts only, small groups suppressed, no
    person named (so no access-log entry). `?format=csv|xlsx&table=<key>`: one table as a
    file."""
    from meetings import figures
    from meetings.forms import FiguresFilterForm

    # The programme team reads every organisation's figures; an accounthouder its own.
    own = None if actor_for(request.user).has("cases.support_case") else request.user.organisation
    if own is None and not actor_for(request.user).has("cases.support_case"):
        raise PermissionDenied
    form = FiguresFilterForm(request.GET or None, organisation=own)
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    scope = figures.Scope(chosen.get("programme"), own or chosen.get("organisation"))
    period = form.period()
    tables = figures.programme_figures(period=period, scope=scope)
    wanted = request.GET.get("format")
    _draw_figures(tables)
    if wanted in ("csv", "xlsx"):
        table = next((t for t in tables if t.key == request.GET.get("table")), None)
        if table is None:
            raise Http404
        return figures.table_response(table, wanted)
    return render(
        request,
        "meetings/programme_figures.html",
        {
            "form": form,
            "tables": tables,
            "period": period,
            "scope": scope,
            "small_group": settings.REGIE_SMALL_GROUP,
            "query_string": request.GET.urlencode(),
        },
    )


# --- the escalation ladder ----------------------------------------------------------------------


@login_required
@access_logged
def escalation_raise(request: HttpRequest, pk: int) -> HttpResponse:
    """The regisseur escalates: what about, the organisation concerned, the question."""
    from plans.models import PlanGoal

    case = case_page_get(request, pk, CasePart.OVERVIEW)
    if not escalations.case_can_escalate(request.user, case):
        raise PermissionDenied
    team = case.team.filter(left_on__isnull=True).values("organisation_id")
    form = EscalationForm(
        posted(request),
        organisations=Organisation.objects.filter(pk__in=team).order_by("name"),
        goals=PlanGoal.objects.filter(
            plan__case=case, plan__status__in=["draft", "submitted", "approved"]
        ).select_related("responsible_organisation"),
        agreements=Agreement.objects.filter(
            case=case, status=AgreementStatus.OPEN, deadline__lt=timezone.localdate()
        ).select_related("owner_organisation"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            escalation = escalations.escalation_raise(
                case=case, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, _("The question is with the accounthouder."))
            return redirect("meetings:escalation", pk=escalation.pk)
    return render(
        request,
        "meetings/escalation_raise.html",
        case_page_context(request, case, "overview", form=form),
    )


@login_required
@require_safe
@access_logged
def escalation_list(request: HttpRequest) -> HttpResponse:
    """Per level of the ladder: what is open there and how long it waits."""
    rows = list(
        escalations.escalations_visible_to(request.user)
        .filter(status="open")
        .select_related("case__programme", "organisation")
        .order_by("due_at", "pk")
    )
    now = timezone.now()
    levels = []
    for value, label in EscalationLevel.choices:
        here = [e for e in rows if e.level == value]
        for e in here:
            e.waiting_days = (now - e.level_since).days
            e.overdue = e.due_at <= now
        levels.append(
            {
                "value": value,
                "label": label,
                "escalations": here,
                "oldest": max((e.waiting_days for e in here), default=None),
                "overdue": sum(1 for e in here if e.overdue),
            }
        )
    closed = (
        escalations.escalations_visible_to(request.user)
        .exclude(status="open")
        .select_related("case__programme", "organisation")
        .order_by("-closed_at", "-pk")[:20]
    )
    return render(request, "meetings/escalation_list.html", {"levels": levels, "closed": closed})


@login_required
@access_logged
def escalation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The question, its trail and the steps the user may take now."""
    escalation = get_object_or_404(
        escalations.escalations_visible_to(request.user).select_related(
            "case__programme", "case__person", "organisation", "raised_by"
        ),
        pk=pk,
    )
    form = EscalationStepForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            escalations.escalation_act(
                escalation=escalation,
                by=request.user,
                action=data["action"],
                text=data["text"],
                expected_lock_version=data["lock_version"],
            )
        except NotAllowed as error:
            raise PermissionDenied from error
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, _("Recorded."))
            return redirect("meetings:escalation", pk=escalation.pk)
    allowed = escalations.escalation_actions(request.user, escalation)
    actions = [
        (name, label)
        for name, label in EscalationStepForm.base_fields["action"].choices
        if name in allowed
    ]
    names_person = escalations.escalation_names_person(request.user, escalation)
    return render(
        request,
        "meetings/escalation_detail.html",
        {
            "escalation": escalation,
            "steps": escalation.steps.select_related("by"),
            "actions": actions,
            "form": form,
            "names_person": names_person,
            "next_level": escalations.next_level(escalation.level),
            "overdue": escalation.due_at <= timezone.now(),
        },
    )


@login_required
@require_safe
def programme_norms(request: HttpRequest, code: str) -> HttpResponse:
    """The norms of a programme, each marked as a fact of the report or a local agreement."""
    from cases.models import Programme
    from meetings.norms import programme_norms as norms_of

    programme = get_object_or_404(Programme, code=code)
    return render(
        request,
        "meetings/programme_norms.html",
        {"programme": programme, "norms": norms_of(programme)},
    )


# --- webhooks (the beheerder) -------------------------------------------------------------------


def _secret_shown_once(request: HttpRequest, subscription, secret: str) -> HttpResponse:
    """The one page that shows a webhook's secret: never cached, never redirected to. After a
    renewal it says until when the old one signs alongside."""
    response = render(
        request,
        "meetings/webhook_secret.html",
        {
            "subscription": subscription,
            "secret": secret,
            "previous_until": subscription.previous_secret_until
            if subscription.previous_secret
            else None,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@permission_required("meetings.view_webhooksubscription", raise_exception=True)
def webhook_list(request: HttpRequest) -> HttpResponse:
    """Every subscription with its state and what waits or failed; a form for a new one."""
    from meetings import webhooks
    from meetings.forms import WebhookSubscriptionForm

    form = None
    if request.user.has_perm("meetings.add_webhooksubscription"):
        form = WebhookSubscriptionForm(posted(request))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                subscription, secret = webhooks.webhook_subscribe(
                    by=request.user,
                    user=data["user"],
                    url=data["url"],
                    event_types=data["event_types"],
                    description=data["description"],
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            except DomainError as error:
                refuse(form, error)
            else:
                return _secret_shown_once(request, subscription, secret)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "meetings/webhook_list.html",
        {"subscriptions": selectors.webhook_subscriptions(), "form": form},
    )


@login_required
@permission_required("meetings.view_webhooksubscription", raise_exception=True)
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One subscription: its settings, and its delivery log (newest first) with redelivery."""
    from meetings import webhooks
    from meetings.forms import WebhookSubscriptionForm
    from meetings.models import WebhookSubscription

    subscription = get_object_or_404(
        WebhookSubscription.objects.select_related("organisation", "user", "created_by"), pk=pk
    )
    form = WebhookSubscriptionForm(
        posted(request),
        editing=True,
        initial={
            "url": subscription.url,
            "event_types": subscription.event_types,
            "description": subscription.description,
            "lock_version": subscription.lock_version,
        },
    )
    if request.method == "POST":
        if not request.user.has_perm("meetings.change_webhooksubscription"):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                webhooks.webhook_change(
                    subscription=subscription,
                    by=request.user,
                    url=data["url"],
                    event_types=data["event_types"],
                    description=data["description"],
                    expected_lock_version=data["lock_version"],
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            except DomainError as error:
                refuse(form, error)
            else:
                messages.success(request, _("The subscription is saved."))
                return redirect("meetings:webhook", pk=subscription.pk)
    page = UncountedPage(
        selectors.webhook_deliveries(subscription=subscription), request.GET.get("page"), 50
    )
    return render(
        request,
        "meetings/webhook_detail.html",
        {
            "subscription": subscription,
            "form": form,
            "page": page,
            "overlap_until": subscription.previous_secret_until
            if len(webhooks.signing_secrets(subscription, at=timezone.now())) > 1
            else None,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("meetings.change_webhooksubscription", raise_exception=True)
def webhook_switch(request: HttpRequest, pk: int) -> HttpResponse:
    """Switching on again acts at once. Switching off cuts a partner system off from its events
    (they wait, and are forgotten after REGIE_WEBHOOK_KEEP_DAYS), so it takes two steps: GET
    names the subscription and what follows, and only that page's POST (with `confirm`)
    switches off. A POST without it (an old page's button) asks again."""
    from meetings import webhooks
    from meetings.models import WebhookSubscription

    subscription = get_object_or_404(
        WebhookSubscription.objects.select_related("organisation", "user"), pk=pk
    )
    active = request.POST.get("active") == "1"
    if request.method != "POST" or not (active or confirmed(request)):
        return render(
            request,
            "meetings/webhook_switch_off.html",
            {"subscription": subscription, "keep_days": settings.REGIE_WEBHOOK_KEEP_DAYS},
        )
    try:
        webhooks.webhook_set_active(
            subscription=subscription,
            by=request.user,
            active=active,
            expected_lock_version=posted_lock_version(request),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The subscription is on again; what waited is sent now.")
            if active
            else _("The subscription is switched off; events wait until it is on again."),
        )
    return redirect("meetings:webhook", pk=pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("meetings.change_webhooksubscription", raise_exception=True)
def webhook_secret(request: HttpRequest, pk: int) -> HttpResponse:
    """A new secret takes two steps, like switching off: GET names the subscription and what
    follows (the new secret shown once; the old one signing alongside for
    REGIE_WEBHOOK_SECRET_OVERLAP_HOURS, the partner's time to deploy it), and only that page's
    POST (with `confirm`) renews. A POST without it (an old page's button) asks again."""
    from meetings import webhooks
    from meetings.models import WebhookSubscription

    subscription = get_object_or_404(
        WebhookSubscription.objects.select_related("organisation", "user"), pk=pk
    )
    if not confirmed(request):
        now = timezone.now()
        return render(
            request,
            "meetings/webhook_secret_renew.html",
            {
                "subscription": subscription,
                "overlap_hours": settings.REGIE_WEBHOOK_SECRET_OVERLAP_HOURS,
                # A renewal within the overlap of the last one stops that one's old secret.
                "previous_until": subscription.previous_secret_until
                if len(webhooks.signing_secrets(subscription, at=now)) > 1
                else None,
            },
        )
    try:
        subscription, secret = webhooks.webhook_renew_secret(
            subscription=subscription,
            by=request.user,
            expected_lock_version=posted_lock_version(request),
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("meetings:webhook", pk=pk)
    return _secret_shown_once(request, subscription, secret)


@login_required
@require_POST
@permission_required("meetings.change_webhooksubscription", raise_exception=True)
def webhook_redeliver(request: HttpRequest, pk: int) -> HttpResponse:
    from meetings import webhooks
    from meetings.models import WebhookDelivery

    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    try:
        webhooks.webhook_redeliver(delivery=delivery, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(id)s is sent again (with the same webhook-id).") % {"id": delivery.message_id},
        )
    return redirect_next(request, reverse("meetings:webhook", args=[delivery.subscription_id]))
