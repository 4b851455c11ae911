"""Browser pages for cases: thin adapters over selectors, policies and services."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from acvz.errors import DomainError, NotAllowed
from acvz.web import UncountedPage, posted, refuse
from cases import selectors, services
from cases.access import access_logged
from cases.eligibility import outflow_signal_reason, programme_eligibility
from cases.filters import CaseFilter
from cases.forms import (
    TRANSITION_FORMS,
    AccessLogFilterForm,
    AdviceForm,
    ContributionForm,
    DossierRequestForm,
    MinorWatchEndForm,
    MinorWatchStartForm,
    OffenceForm,
    PersonForm,
    RegisterCaseForm,
    RelationForm,
    TeamMemberForm,
    TimelineEventForm,
)
from cases.models import (
    Case,
    CaseTeamMembership,
    ContributionPart,
    MinorWatch,
    Person,
    Programme,
)
from cases.pages import case_landing_url_name, case_page_context, case_page_get
from cases.policies import (
    CasePart,
    actor_for,
    case_can,
    case_can_read_health,
    case_read_scope,
    contribution_can_write,
    dossier_can_manage_requests,
    redact_section,
    redact_sections,
)
from cases.workflow import TRANSITIONS
from partners.models import Organisation

PAGE_SIZE = 25


# --- list and registration ----------------------------------------------------------------------


@login_required
@require_safe
@access_logged
def case_list(request: HttpRequest) -> HttpResponse:
    filterset = CaseFilter(
        request.GET or None,
        queryset=selectors.case_list(user=request.user, inline_ids=True),
        request=request,
    )
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/case_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "can_register": request.user.has_perm("cases.register_case"),
        },
    )


@login_required
@require_safe
@access_logged
def outflow_signals(request: HttpRequest) -> HttpResponse:
    """Cases in regie whose person no longer meets the inflow criteria: for the regisseur (and
    accounthouder) their own, for the programme team the cases of its programmes (issue 16)."""
    actor = actor_for(request.user)
    if not any(actor.has(p) for p in OUTFLOW_SIGNAL_PERMISSIONS):
        raise PermissionDenied
    today = timezone.localdate()
    page = Paginator(selectors.outflow_signals(user=request.user, on=today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(case, outflow_signal_reason(case, on=today)) for case in page]
    return render(request, "cases/outflow_signals.html", {"page": page, "rows": rows})


#: Who reads the outflow signal: regisseurs, accounthouders, the programme team.
OUTFLOW_SIGNAL_PERMISSIONS = ("cases.direct_case", "cases.account_case", "cases.support_case")


@login_required
@permission_required("cases.register_case", raise_exception=True)
@access_logged
def case_register(request: HttpRequest) -> HttpResponse:
    persons = selectors.person_list(user=request.user)
    chosen = request.GET.get("person", "")
    if chosen.isdigit():  # came from the person's page: offer just that person
        persons = persons.filter(pk=int(chosen))
    form = RegisterCaseForm(posted(request), persons=persons, initial={"person": chosen})
    eligibility = None
    if request.method == "POST" and form.is_valid():
        person, programme = form.cleaned_data["person"], form.cleaned_data["programme"]
        eligibility = programme_eligibility(person=person, programme=programme)
        try:
            case = services.case_register(
                person=person,
                programme=programme,
                by=request.user,
                override_reason=form.cleaned_data["override_reason"],
            )
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, _("The case is registered."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_register.html", {"form": form, "eligibility": eligibility})


# --- case tabs ----------------------------------------------------------------------------------


@login_required
@require_safe
@access_logged
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from cases.figures import OUTCOME_COLUMNS, person_line

    case = case_page_get(request, pk)
    scope = case_read_scope(request.user, case)
    if not scope.reads(CasePart.OVERVIEW):
        # ITAT and the Expertgroep read the header, the plan and the dossier, not the file.
        return redirect(case_landing_url_name(scope), pk=case.pk)
    offences = selectors.person_offences(person=case.person)
    eligibility = programme_eligibility(
        person=case.person, programme=case.programme, offences=offences
    )
    context = case_page_context(
        request,
        case,
        "overview",
        family=selectors.person_family(person=case.person, user=request.user),
        eligibility=eligibility,
        offences=offences[:10],
        outcome=person_line(case, offences),
        outcome_columns=OUTCOME_COLUMNS,
        team=list(case.team.all()),
        status_changes=case.status_changes.select_related("by")[:20],
        can_manage_team=case_can(request.user, case, "manage_team"),
        team_form=TeamMemberForm(),
        earlier=selectors.case_earlier(case=case, user=request.user),
    )
    return render(request, "cases/case_detail.html", context)


@login_required
@require_safe
@access_logged
def case_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_page_get(request, pk, CasePart.DOSSIER)
    dossier = selectors.case_dossier(case=case)
    sections, asked = [], {}
    if dossier is not None:
        all_sections = list(dossier.sections.all())
        for section, view in zip(
            all_sections, redact_sections(request.user, case, all_sections), strict=True
        ):
            sections.append(
                {
                    "view": view,
                    "can_contribute": contribution_can_write(
                        request.user, case, section, ContributionPart.CONTRIBUTION
                    ),
                    "can_write_screening": contribution_can_write(
                        request.user, case, section, ContributionPart.SCREENING
                    ),
                }
            )
            for contribution in (*view.contributions, *view.screenings):
                asked.setdefault(contribution.organisation.pk, contribution.organisation)
            for organisation in (*view.still_asked, *view.screening_still_asked):
                asked.setdefault(organisation.pk, organisation)
    can_manage_requests = dossier is not None and dossier_can_manage_requests(request.user, case)
    context = case_page_context(
        request,
        case,
        "dossier",
        dossier=dossier,
        sections=sections,
        can_advise=case_can(request.user, case, "advise"),
        can_manage_requests=can_manage_requests,
        asked_organisations=sorted(asked.values(), key=lambda o: o.name),
        request_form=DossierRequestForm() if can_manage_requests else None,
    )
    return render(request, "cases/case_dossier.html", context)


def _contribution_edit(request: HttpRequest, pk: int, leefgebied: int, part: str) -> HttpResponse:
    """The user's own organisation's part of one section: a text, or "nothing known"."""
    case = case_page_get(request, pk, CasePart.DOSSIER)
    section = selectors.dossier_section(case=case, leefgebied=leefgebied)
    if not contribution_can_write(request.user, case, section, part):
        raise PermissionDenied
    own = next(
        (
            c
            for c in section.contributions.all()
            if c.organisation_id == request.user.organisation_id and c.part == part
        ),
        None,
    )
    form = ContributionForm(posted(request), contribution=own)
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_contribution_save(
                section=section,
                by=request.user,
                text=form.cleaned_data["text"],
                nothing_known=form.cleaned_data["nothing_known"],
                expected_version=form.cleaned_data["version"],
                part=part,
            )
        except DomainError as error:
            # The user's input stays in the form; the message says what happened.
            refuse(form, error)
        else:
            messages.success(request, _("Section %(n)s is saved.") % {"n": leefgebied})
            return redirect(reverse("cases:dossier", args=[case.pk]) + f"#sectie-{leefgebied}")
    context = case_page_context(
        request,
        case,
        "dossier",
        section=redact_section(request.user, case, section),
        part=part,
        is_screening=part == ContributionPart.SCREENING,
        form=form,
    )
    return render(request, "cases/section_form.html", context)


@login_required
@access_logged
def section_edit(request: HttpRequest, pk: int, leefgebied: int) -> HttpResponse:
    return _contribution_edit(request, pk, leefgebied, ContributionPart.CONTRIBUTION)


@login_required
@access_logged
def section_screening(request: HttpRequest, pk: int, leefgebied: int) -> HttpResponse:
    return _contribution_edit(request, pk, leefgebied, ContributionPart.SCREENING)


@login_required
@require_POST
@access_logged
def dossier_request_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_page_get(request, pk, CasePart.DOSSIER)
    if not dossier_can_manage_requests(request.user, case):
        raise PermissionDenied
    form = DossierRequestForm(request.POST)
    if form.is_valid():
        organisation = form.cleaned_data["organisation"]
        try:
            services.dossier_request_add(case=case, by=request.user, organisation=organisation)
        except NotAllowed as error:
            raise PermissionDenied from error
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(org)s is asked.") % {"org": organisation})
    else:
        messages.error(request, _("Choose an organisation."))
    return redirect("cases:dossier", pk=case.pk)


@login_required
@require_POST
@access_logged
def dossier_request_remove(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    case = case_page_get(request, pk, CasePart.DOSSIER)
    if not dossier_can_manage_requests(request.user, case):
        raise PermissionDenied
    organisation = get_object_or_404(Organisation, pk=organisation_pk)
    try:
        services.dossier_request_remove(case=case, by=request.user, organisation=organisation)
    except NotAllowed as error:
        raise PermissionDenied from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(org)s is no longer asked.") % {"org": organisation})
    return redirect("cases:dossier", pk=case.pk)


@login_required
@access_logged
def dossier_advice(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_page_get(request, pk, CasePart.DOSSIER)
    if not case_can(request.user, case, "advise"):
        raise PermissionDenied
    dossier = case.basisdossier
    form = AdviceForm(
        posted(request),
        initial={
            "advice": dossier.ivg_advice,
            "organisation": dossier.advised_organisation_id,
            "style": dossier.advised_style,
            "language": dossier.advised_language,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_set_advice(case=case, by=request.user, **form.cleaned_data)
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, _("The IVG advice is saved."))
            return redirect("cases:dossier", pk=case.pk)
    return render(
        request, "cases/dossier_advice.html", case_page_context(request, case, "dossier", form=form)
    )


@login_required
@access_logged
def case_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_page_get(request, pk, CasePart.TIMELINE)
    can_add = case_can(request.user, case, "add_timeline_event")
    form = TimelineEventForm(posted(request))
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.timeline_event_create(case=case, by=request.user, **form.cleaned_data)
            except DomainError as error:
                refuse(form, error)
            else:
                messages.success(request, _("The event is shared with the case team."))
                return redirect("cases:timeline", pk=case.pk)
    context = case_page_context(
        request,
        case,
        "timeline",
        events=selectors.case_timeline(case=case),
        form=form,
        can_add=can_add,
    )
    return render(request, "cases/case_timeline.html", context)


@login_required
@require_safe
@access_logged
def case_history(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_page_get(request, pk, CasePart.HISTORY)
    can_read_health = case_can_read_health(request.user, case)
    parts = case_read_scope(request.user, case).parts
    entries = selectors.case_history(
        case=case, user=request.user, can_read_health=can_read_health, parts=parts
    )
    earlier, earlier_entries = None, []
    if case.previous_case_id is not None:
        # Re-inflow: the earlier case's history is read from this one, with this case's parts;
        # health only for who would read it on the earlier case itself too.
        earlier = selectors.case_previous(case=case)
        earlier_entries = selectors.case_history(
            case=earlier,
            user=request.user,
            can_read_health=can_read_health and case_can_read_health(request.user, earlier),
            parts=parts,
        )
    return render(
        request,
        "cases/case_history.html",
        case_page_context(
            request,
            case,
            "history",
            entries=entries,
            earlier=earlier,
            earlier_entries=earlier_entries,
            earlier_visible=earlier is not None
            and selectors.case_earlier(case=case, user=request.user) is not None,
        ),
    )


# --- minors in the family (goal 3) ---------------------------------------------------------------


@login_required
@access_logged
def case_minors(request: HttpRequest, pk: int) -> HttpResponse:
    """The minors of the family the case keeps in view, who follows them; the regisseur (or
    accounthouder) starts following one here."""
    case = case_page_get(request, pk, CasePart.OVERVIEW)
    can_follow = case_can(request.user, case, "follow_minors")
    # Readers who may not follow anyone get no form, and no query for its choices.
    relatives = selectors.minor_watch_candidates(case=case) if can_follow else Person.objects.none()
    form = MinorWatchStartForm(posted(request), relatives=relatives)
    if request.method == "POST":
        if not can_follow:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.minor_watch_start(case=case, by=request.user, **form.cleaned_data)
            except DomainError as error:
                refuse(form, error)
            else:
                messages.success(request, _("The relative is followed from now on."))
                return redirect("cases:minors", pk=case.pk)
    page = Paginator(selectors.minor_watch_list(case=case), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = case_page_context(
        request,
        case,
        "minors",
        page=page,
        today=timezone.localdate(),
        form=form,
        can_follow=can_follow,
    )
    return render(request, "cases/case_minors.html", context)


@login_required
@access_logged
def case_minor_end(request: HttpRequest, pk: int, watch_pk: int) -> HttpResponse:
    case = case_page_get(request, pk, CasePart.OVERVIEW)
    watch = get_object_or_404(
        MinorWatch.objects.select_related("relative", "organisation"), pk=watch_pk, case=case
    )
    if not case_can(request.user, case, "follow_minors"):
        raise PermissionDenied
    if watch.ended_on is not None:
        messages.info(request, _("Following this relative has already ended."))
        return redirect("cases:minors", pk=case.pk)
    form = MinorWatchEndForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.minor_watch_end(watch=watch, by=request.user, **form.cleaned_data)
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, _("Following this relative has ended."))
            return redirect("cases:minors", pk=case.pk)
    context = case_page_context(request, case, "minors", watch=watch, form=form)
    return render(request, "cases/minor_watch_end.html", context)


# --- transitions and team -----------------------------------------------------------------------

_TRANSITION_SERVICES = {
    "start_dossier": lambda case, by, data: services.case_start_dossier(case=case, by=by),
    "establish_dossier": lambda case, by, data: services.case_establish_dossier(case=case, by=by),
    "assign": lambda case, by, data: services.case_assign(case=case, by=by, **data),
    "appoint_regisseur": lambda case, by, data: services.case_appoint_regisseur(
        case=case, by=by, **data
    ),
    "start_outflow": lambda case, by, data: services.case_start_outflow(case=case, by=by, **data),
    "close": lambda case, by, data: services.case_close(case=case, by=by),
    "withdraw": lambda case, by, data: services.case_withdraw(case=case, by=by, **data),
}


@login_required
@access_logged
def case_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if name not in TRANSITIONS:
        raise Http404
    case = case_page_get(request, pk)
    transition = TRANSITIONS[name]
    form_class = TRANSITION_FORMS[name]
    kwargs = {}
    if name == "assign":
        kwargs["case"] = case
    elif name == "appoint_regisseur":
        kwargs.update(case=case, user=request.user)
    allowed = case_can(request.user, case, name)
    if not allowed and case.status in transition.sources:
        raise PermissionDenied
    form = form_class(posted(request), **kwargs)
    refusal = ""
    if not allowed:
        refusal = _("“%(action)s” is not possible: the case is “%(status)s”.") % {
            "action": transition.label,
            "status": case.get_status_display(),
        }
    elif request.method == "POST" and form.is_valid():
        try:
            _TRANSITION_SERVICES[name](case, request.user, form.cleaned_data)
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": transition.label})
            if not Case.objects.visible_to(request.user).filter(pk=case.pk).exists():
                # E.g. the IVG after establishing the dossier: need-to-know ends here.
                return redirect("cases:list")
            return redirect("cases:detail", pk=case.pk)
    context = case_page_context(
        request, case, "overview", form=form, transition=transition, refusal=refusal
    )
    if name == "appoint_regisseur" and allowed:
        context["need"], context["suggestions"] = _appoint_suggestions(request, case)
    return render(request, "cases/case_transition.html", context, status=200 if allowed else 409)


def _appoint_suggestions(request: HttpRequest, case: Case):
    """The regie organisation's regisseurs ranked for the case, each with why (issue 16)."""
    need, ranked = selectors.regisseur_suggestions(
        case=case, can_read_health=case_can_read_health(request.user, case)
    )
    rows = [
        {"s": s, "reasons": selectors.suggestion_reasons(suggestion=s, need=need)} for s in ranked
    ]
    return need, rows


@login_required
@require_POST
@access_logged
def team_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_page_get(request, pk, CasePart.OVERVIEW)
    if not case_can(request.user, case, "manage_team"):
        raise PermissionDenied
    form = TeamMemberForm(request.POST)
    if form.is_valid():
        try:
            services.team_member_add(case=case, by=request.user, **form.cleaned_data)
        except DomainError as error:
            if isinstance(error, NotAllowed):
                raise PermissionDenied from error
            messages.error(request, error.message)
        else:
            messages.success(request, _("The organisation joined the case team."))
    else:
        messages.error(request, _("Choose an organisation and a role."))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
@access_logged
def team_leave(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    case = case_page_get(request, pk, CasePart.OVERVIEW)
    membership = get_object_or_404(CaseTeamMembership, pk=membership_pk, case=case)
    try:
        services.team_member_leave(membership=membership, by=request.user)
    except NotAllowed as error:
        raise PermissionDenied from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(org)s left the case team.") % {"org": membership.organisation}
        )
    return redirect("cases:detail", pk=case.pk)


# --- persons ------------------------------------------------------------------------------------


@login_required
@require_safe
@access_logged
def person_list(request: HttpRequest) -> HttpResponse:
    queryset = selectors.person_list(user=request.user)
    q = request.GET.get("q", "").strip()
    for word in q.split()[:5]:
        queryset = queryset.filter(first_name__icontains=word) | queryset.filter(
            last_name__icontains=word
        )
    queryset = queryset.annotate(case_count=Count("cases"))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/person_list.html",
        {
            "page": page,
            "q": q,
            "can_add": request.user.has_perm("cases.add_person"),
        },
    )


@login_required
@permission_required("cases.add_person", raise_exception=True)
@access_logged
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(by=request.user, **form.cleaned_data)
        except DomainError as error:
            refuse(form, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The person is registered."))
            return redirect("cases:person_detail", pk=person.pk)
    return render(request, "cases/person_form.html", {"form": form})


@login_required
@require_safe
@access_logged
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, pk=pk)
    offences = selectors.person_offences(person=person)
    cases = list(selectors.case_list(user=request.user).filter(person=person))
    programmes = Programme.objects.filter(active=True)
    return render(
        request,
        "cases/person_detail.html",
        {
            "person": person,
            "family": selectors.person_family(person=person, user=request.user),
            "offences": offences,
            "cases": cases,
            "eligibility": [
                (p, programme_eligibility(person=person, programme=p, offences=offences))
                for p in programmes
            ],
            "relation_form": RelationForm(persons=selectors.person_list(user=request.user)),
            "can_add_relation": request.user.has_perm("cases.add_familyrelation"),
            "offence_form": OffenceForm(),
            "can_add_offence": request.user.has_perm("cases.add_offencerecord"),
            "can_register": request.user.has_perm("cases.register_case"),
        },
    )


@login_required
@require_POST
@access_logged
def person_add_relation(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, pk=pk)
    form = RelationForm(request.POST, persons=selectors.person_list(user=request.user))
    if form.is_valid():
        try:
            services.family_relation_add(person=person, by=request.user, **form.cleaned_data)
        except NotAllowed as error:
            raise PermissionDenied from error
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The relation is recorded."))
    else:
        messages.error(request, _("Choose a relative and the relation."))
    return redirect("cases:person_detail", pk=person.pk)


@login_required
@require_POST
@access_logged
def person_add_offence(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, pk=pk)
    form = OffenceForm(request.POST)
    if form.is_valid():
        try:
            services.offence_record_create(person=person, by=request.user, **form.cleaned_data)
        except NotAllowed as error:
            raise PermissionDenied from error
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The offence is recorded."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("cases:person_detail", pk=person.pk)


# --- access log ---------------------------------------------------------------------------------

ACCESS_LOG_PAGE_SIZE = 50
#: Entries one CSV export holds at most (a period of a busy month; narrow the filters beyond).
ACCESS_LOG_EXPORT_MAX = 20_000
ACCESS_LOG_CSV_COLUMNS = (
    "at",
    "user",
    "organisation",
    "channel",
    "action",
    "outcome",
    "page",
    "path",
    "search",
    "person_id",
    "person",
    "case_id",
)


def _access_log_csv(request, entries) -> HttpResponse:
    """The filtered log as CSV, one row per person an entry showed (an entry without persons:
    one row). The export names persons, so it is logged as an export of them, and each person
    in it is in the disclosure register (a file that leaves the system)."""
    import csv
    import io

    from cases import disclosure
    from cases.access import access_shown, current_access_record, page_label
    from cases.models import AccessAction, AccessLogSubject, DisclosureChannel

    rows = list(entries.select_related("user", "organisation").prefetch_related(None))
    subjects: dict[int, list] = {}
    for subject in (
        AccessLogSubject.objects.filter(entry__in=[e.pk for e in rows])
        .select_related("person")
        .order_by("pk")
        .iterator(chunk_size=5000)
    ):
        subjects.setdefault(subject.entry_id, []).append(subject)
    record = current_access_record()
    if record is not None:
        record.action = AccessAction.EXPORT
        access_shown([s.person for group in subjects.values() for s in group])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ACCESS_LOG_CSV_COLUMNS)
    for entry in rows:
        common = [
            timezone.localtime(entry.at).isoformat(timespec="seconds"),
            entry.user.username,
            entry.organisation.code if entry.organisation_id else "",
            entry.channel,
            entry.action,
            entry.outcome,
            page_label(entry.path),
            entry.path,
            entry.query,
        ]
        for subject in subjects.get(entry.pk) or [None]:
            if subject is None:
                writer.writerow([*common, "", "", ""])
            else:
                writer.writerow(
                    [*common, subject.person_id, subject.person.full_name, subject.case_id or ""]
                )
    disclosure.record(
        channel=DisclosureChannel.EXPORT,
        subjects=[(s.person_id, None) for group in subjects.values() for s in group],
        what=disclosure.ACCESS_LOG_EXPORT,
        recipient_user_id=request.user.pk,
        recipient_organisation_id=request.user.organisation_id,
        by_id=request.user.pk,
    )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="toegangslog-{stamp}.csv"'
    return response


@login_required
@require_safe
@permission_required("cases.view_accesslogentry", raise_exception=True)
@access_logged
def access_log(request: HttpRequest) -> HttpResponse:
    """The access log for the functioneel beheerder, filtered by user, organisation and dates.
    It names persons too, so reading it is logged like any other page."""
    form = AccessLogFilterForm(request.GET or None)
    filters = form.filters()
    entries = selectors.access_log_list(**filters) if filters is not None else []
    if request.GET.get("format") == "csv" and filters is not None:
        count = entries.count()
        if count <= ACCESS_LOG_EXPORT_MAX:
            return _access_log_csv(request, entries)
        form.add_error(
            None,
            _("%(count)s entries match: narrow the filters to at most %(max)s to export them.")
            % {"count": count, "max": ACCESS_LOG_EXPORT_MAX},
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/accesslog_list.html",
        {
            "form": form,
            "page": UncountedPage(entries, request.GET.get("page"), ACCESS_LOG_PAGE_SIZE),
            "query": query.urlencode(),
        },
    )


@login_required
@require_safe
@permission_required("cases.view_accesslogentry", raise_exception=True)
@access_logged
def access_log_person(request: HttpRequest, pk: int) -> HttpResponse:
    """Who looked at this person: every logged request that showed them (or refused them)."""
    person = get_object_or_404(Person, pk=pk)
    entries = selectors.access_log_of_person(person=person)
    return render(
        request,
        "cases/accesslog_person.html",
        {
            "person": person,
            "page": UncountedPage(entries, request.GET.get("page"), ACCESS_LOG_PAGE_SIZE),
            "query": "",
        },
    )


# --- AVG inzage ---------------------------------------------------------------------------------

INZAGE_SEARCH_MAX = 50


@login_required
@require_safe
@permission_required("cases.export_person_data", raise_exception=True)
@access_logged
def inzage_search(request: HttpRequest) -> HttpResponse:
    """The beheerder finds the person an inzage request is about: by name, BSN or number."""
    query = request.GET.get("q", "").strip()[:100]
    persons = []
    if query:
        persons = list(selectors.persons_matching(query=query)[:INZAGE_SEARCH_MAX])
    return render(
        request,
        "cases/inzage_search.html",
        {"query": query, "persons": persons, "max": INZAGE_SEARCH_MAX},
    )


@login_required
@require_safe
@permission_required("cases.export_person_data", raise_exception=True)
@access_logged
def inzage(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything stored about one person (cases.inzage): the readable page, or with
    ?format=json the file to hand over — an export, and a disclosure to the person."""
    import json

    from cases import disclosure, inzage
    from cases.access import access_shown, current_access_record
    from cases.models import AccessAction, DisclosureChannel

    person = get_object_or_404(Person, pk=pk)
    data = inzage.person_record(person, user=request.user)
    access_shown(person)
    if request.GET.get("format") == "json":
        record = current_access_record()
        if record is not None:
            record.action = AccessAction.EXPORT
        disclosure.record(
            channel=DisclosureChannel.INZAGE,
            subjects=[(person.pk, None)],
            what=disclosure.INZAGE_EXPORT,
            recipient=disclosure.PERSON_CONCERNED,
            by_id=request.user.pk,
        )
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        stamp = timezone.localtime().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="inzage-{person.pk}-{stamp}.json"'
        return response
    withheld = sum(case["health_withheld"] for case in data["cases"])
    return render(
        request, "cases/inzage.html", {"person": person, "data": data, "withheld": withheld}
    )


# --- retention ----------------------------------------------------------------------------------


@login_required
@require_safe
@permission_required("cases.export_person_data", raise_exception=True)
def retention(request: HttpRequest) -> HttpResponse:
    """What the retention run anonymises tonight, and what comes up in the next 90 days: case
    numbers, programmes and dates only (no names)."""
    from datetime import timedelta

    from cases import retention as rules

    today = timezone.localdate()
    rows = [
        {"case": case, "due": day, "now": day <= today}
        for case in rules.due(today=today + timedelta(days=90)).cases
        if (day := rules.due_on(case)) is not None
    ]
    return render(
        request,
        "cases/retention.html",
        {
            "rows": rows,
            "due_count": sum(row["now"] for row in rows),
            "default_years": settings.REGIE_RETENTION_YEARS,
            "anonymised": Case.objects.filter(anonymised_at__isnull=False).count(),
        },
    )


# --- a regisseur's caseload handed over ---------------------------------------------------------


@login_required
@permission_required("cases.appoint_regisseur", raise_exception=True)
@access_logged
def caseload_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """The accounthouder hands over the cases of a regisseur of their organisation who leaves:
    per case a receiving regisseur (or one for all) and a handover note."""
    from partners.models import User

    leaving = get_object_or_404(User, pk=pk, organisation_id=request.user.organisation_id)
    cases = list(services.caseload_of(leaving).filter(regie_organisation=request.user.organisation))
    receivers = list(services.eligible_regisseurs(request.user.organisation).exclude(pk=leaving.pk))
    by_pk = {u.pk: u for u in receivers}
    errors: list[str] = []
    chosen: dict[int, str] = {}
    notes: dict[int, str] = {}
    if request.method == "POST":
        for_all = request.POST.get("to_all", "")
        moves = []
        for case in cases:
            choice = request.POST.get(f"to_{case.pk}", "") or for_all
            chosen[case.pk] = choice
            notes[case.pk] = request.POST.get(f"note_{case.pk}", "")
            if not choice:
                continue
            receiving = by_pk.get(int(choice)) if choice.isdigit() else None
            if receiving is None:
                errors.append(_("Choose a regisseur of your organisation for each case."))
                break
            moves.append((case.pk, receiving, notes[case.pk][:2000]))
        if not moves and not errors:
            errors.append(_("Choose who receives the cases: for all, or per case."))
        if not errors:
            try:
                done = services.caseload_transfer(by=request.user, leaving=leaving, moves=moves)
            except (DomainError, ValidationError) as error:
                errors.append(
                    error.messages[0] if isinstance(error, ValidationError) else error.message
                )
            else:
                messages.success(
                    request,
                    _("%(n)s cases handed over; the receiving regisseurs and the teams are told.")
                    % {"n": done},
                )
                return redirect("meetings:dashboard")
    choices = [(str(u.pk), u.get_full_name() or u.username) for u in receivers]
    options = _receiver_options(choices)
    rows = [
        {
            "case": c,
            "options": _receiver_options(choices, chosen[c.pk]) if chosen.get(c.pk) else options,
            "note": notes.get(c.pk, ""),
        }
        for c in cases
    ]
    return render(
        request,
        "cases/caseload_transfer.html",
        {"leaving": leaving, "rows": rows, "receivers": choices, "errors": errors},
    )


def _receiver_options(choices: list[tuple[str, str]], chosen: str = "") -> str:
    """The `<option>`s of one row's receiver select, built once in Python: a loop over every
    regisseur inside the loop over every case made the template the page's cost."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((pk, " selected" if pk == chosen else "", label) for pk, label in choices),
    )
