from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from acvz.api import problems
from acvz.errors import DomainError, NotAllowed
from acvz.http import safe_next
from acvz.web import add_validation_errors, confirmed, refuse
from partners import second_factor, services
from partners.forms import (
    PasswordChangeForm,
    PasswordResetForm,
    SecondFactorCodeForm,
    SecondFactorSetupForm,
    SetPasswordForm,
)
from partners.health import DatabaseCheck, broker_status, email_status, scan_status

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness: 200 when the database answers (within 1.5 s); the broker is
    reported only."""
    database_check = DatabaseCheck()  # runs while the broker is asked
    broker = broker_status()
    database = database_check.result()
    healthy = database["status"] == "ok"
    body = {"status": "ok" if healthy else "error", "database": database, "broker": broker}
    if healthy:
        # Reported, not fatal: the site serves while the scan or the mail server lags.
        body["daily_scan"] = scan_status()
        body["email"] = email_status()
    return JsonResponse(body, status=200 if healthy else 503)


def _wants_problem(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """A request Django or the site refuses before a view: a NUL byte in the URL, a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields, a bad Host."""
    if _wants_problem(request):
        from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent

        if isinstance(exception, RequestDataTooBig | TooManyFieldsSent):
            return problems.too_large(request)
        return problems.bad_request(request)
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    if _wants_problem(request):
        return problems.problem_response(
            request, status_code=403, code="permission_denied", title="Permission denied."
        )
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if _wants_problem(request):
        return problems.not_found(request)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_problem(request):
        return problems.server_error(request)
    return render(request, "500.html", status=500)


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The answer to a login while the account or the source is locked (django-axes): 429,
    how long to wait (Retry-After), and who can unlock it. Says nothing about whether the
    account exists."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
    response["Retry-After"] = str(minutes * 60)
    return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change with the site's templates; a user an administrator gave a
    password is sent here until they chose their own (`PasswordChangeRequiredMiddleware`)."""

    form_class = PasswordChangeForm
    template_name = "partners/password_change_form.html"
    success_url = reverse_lazy("password_change_done")

    def get_success_url(self) -> str:
        return safe_next(self.request, str(self.success_url))

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "next": self.request.GET.get("next", ""),
            "required": self.request.user.must_change_password,
        }


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "partners/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for the address; sends the link (partners.forms.PasswordResetForm) and always
    answers the same."""

    form_class = PasswordResetForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        form.send_reset(self.request)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link from the e-mail: valid once, for PASSWORD_RESET_TIMEOUT; it does not log in
    (the second factor is asked at the next login as always)."""

    form_class = SetPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


def _next(request: HttpRequest) -> str:
    return request.POST.get("next") or request.GET.get("next") or ""


@login_required
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the app, or a recovery code."""
    user = request.user
    if user.is_verified():
        return redirect(safe_next(request, "home"))
    if not second_factor.is_set_up(user):
        return redirect(f"{reverse('second_factor_setup')}?next={quote(_next(request))}")
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor.verify(request, form.cleaned_data["code"]):
            return redirect(safe_next(request, "home"))
        form.add_error(
            "code",
            _(
                "This code is not right, or no longer valid. Give the code your app shows now; "
                "after several wrong codes you wait a little longer each time."
            ),
        )
    return render(request, "partners/second_factor.html", {"form": form, "next": _next(request)})


@login_required
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Setting up the authenticator app (the first time, or a new phone): scan the QR code,
    give the first code; the recovery codes are shown once, then."""
    user = request.user
    replacing = second_factor.is_set_up(user)
    if replacing and not user.is_verified():
        # Replacing the app needs the current one (or a recovery code) first.
        return redirect(f"{reverse('second_factor')}?next={quote(_next(request))}")
    device = second_factor.enrolment(user)
    form = SecondFactorSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = second_factor.confirm_enrolment(request, device, form.cleaned_data["code"])
        if codes is not None:
            return render(
                request,
                "partners/recovery_codes.html",
                {"codes": codes, "next": safe_next(request, "security"), "first": True},
            )
        form.add_error(
            "code",
            _(
                "This code is not right. Check that the app shows Regie and give the code "
                "it shows now."
            ),
        )
    return render(
        request,
        "partners/second_factor_setup.html",
        {
            "form": form,
            "next": _next(request),
            "qr_code": second_factor.qr_code_data_uri(device),
            "secret": second_factor.secret_for_typing(device),
            "replacing": replacing,
        },
    )


@login_required
@require_POST
def recovery_codes_renew(request: HttpRequest) -> HttpResponse:
    if not request.user.is_verified():
        return redirect("second_factor")
    codes = second_factor.renew_recovery_codes(user=request.user)
    return render(
        request,
        "partners/recovery_codes.html",
        {"codes": codes, "next": reverse("security"), "first": False},
    )


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The user's own login and security: password, second factor, recovery codes left."""
    user = request.user
    return render(
        request,
        "partners/security.html",
        {
            "set_up": second_factor.is_set_up(user),
            "required": second_factor.required_for(user),
            "verified": user.is_verified(),
            "codes_left": second_factor.recovery_codes_left(user),
        },
    )


# --- API keys (the beheerder) -------------------------------------------------------------------


def _key_shown_once(request: HttpRequest, key, secret: str) -> HttpResponse:
    """The one page that shows a key's secret: never cached, never redirected to."""
    response = render(request, "partners/api_key_issued.html", {"key": key, "secret": secret})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@permission_required("partners.view_apikey", raise_exception=True)
def api_keys(request: HttpRequest) -> HttpResponse:
    """Every API key with its system, scopes, expiry, last use and state; a form for a new one.
    No secret is shown here: only the prefix that names a key."""
    from partners.forms import ApiKeyForm
    from partners.models import ApiKey

    form = None
    if request.user.has_perm("partners.add_apikey"):
        if request.method == "POST":
            form = ApiKeyForm(request.POST)
            if form.is_valid():
                try:
                    key, secret = services.api_key_issue(by=request.user, **form.cleaned_data)
                except ValidationError as error:
                    add_validation_errors(form, error)
                except NotAllowed as error:
                    form.add_error("user", str(error))
                else:
                    return _key_shown_once(request, key, secret)
        else:
            form = ApiKeyForm(
                initial={
                    "scopes": ["read"],
                    "expires_on": timezone.localdate() + timedelta(days=365),
                }
            )
    elif request.method == "POST":
        raise PermissionDenied
    keys = ApiKey.objects.select_related("user__organisation", "created_by", "rotated_to").order_by(
        "user__organisation__name", "user__username", "-created"
    )
    return render(request, "partners/api_keys.html", {"keys": keys, "form": form})


@login_required
@require_POST
@permission_required("partners.rotate_apikey", raise_exception=True)
def api_key_rotate(request: HttpRequest, prefix: str) -> HttpResponse:
    from partners.models import ApiKey

    key = get_object_or_404(ApiKey, prefix=prefix)
    try:
        successor, secret = services.api_key_rotate(key=key, by=request.user)
    except NotAllowed as error:
        messages.error(request, str(error))
        return redirect("api_keys")
    return _key_shown_once(request, successor, secret)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("partners.rotate_apikey", raise_exception=True)
def api_key_revoke(request: HttpRequest, prefix: str) -> HttpResponse:
    """Revoking is for good and cuts a partner system off at once, so it takes two steps: GET
    names the key and what follows, and only that page's POST (with `confirm`) revokes. A POST
    without it (an old list's button) asks again."""
    from partners.models import ApiKey

    key = get_object_or_404(
        ApiKey.objects.select_related("user__organisation", "rotated_to"), prefix=prefix
    )
    if confirmed(request):
        services.api_key_revoke(key=key, by=request.user)
        messages.success(request, _("The key %(prefix)s is revoked.") % {"prefix": key.prefix})
        return redirect("api_keys")
    return render(request, "partners/api_key_revoke.html", {"key": key})


# --- regisseur profiles and the competence scan (issue 16) ---------------------------------------

SCANS_PER_PAGE = 6
PROFILES_PER_PAGE = 25


@login_required
@require_safe
def my_profile(request: HttpRequest) -> HttpResponse:
    """The regisseur's own page: the profile used at appointment and their competence scans
    over time (newest first), per competence. Only the regisseur reaches their scans."""
    from django.core.paginator import Paginator

    from partners.models import COMPETENCE_ROLES, RegisseurProfile
    from partners.policies import profile_can_keep_own
    from partners.selectors import competence_scans_of

    if not profile_can_keep_own(request.user):
        raise PermissionDenied
    profile = RegisseurProfile.objects.filter(user=request.user).first()
    page = Paginator(competence_scans_of(user=request.user), SCANS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    scans = list(page)
    development = [
        (
            role,
            [(c.label, [scan.score(c.value) for scan in scans]) for c in competences],
        )
        for role, competences in COMPETENCE_ROLES
    ]
    return render(
        request,
        "partners/my_profile.html",
        {"profile": profile, "page": page, "scans": scans, "development": development},
    )


@login_required
def competence_scan_add(request: HttpRequest) -> HttpResponse:
    from partners.forms import CompetenceScanForm
    from partners.policies import profile_can_keep_own
    from partners.profiles import competence_scan_record

    if not profile_can_keep_own(request.user):
        raise PermissionDenied
    form = CompetenceScanForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            competence_scan_record(
                by=request.user, scores=form.scores(), note=form.cleaned_data["note"]
            )
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, _("Your competence scan is saved."))
            return redirect("my_profile")
    return render(request, "partners/competence_scan_form.html", {"form": form})


def _profile_owner(request: HttpRequest, pk: int):
    """The regisseur whose profile `request.user` may keep: themself, or one of their
    organisation's regisseurs for its accounthouder. Anyone else: 404, as if missing."""
    from partners.models import User
    from partners.policies import profile_can_edit
    from partners.selectors import organisation_regisseurs

    regisseur = get_object_or_404(User, pk=pk)
    if not profile_can_edit(request.user, regisseur):
        raise Http404
    if not (
        organisation_regisseurs(organisation=regisseur.organisation)
        .filter(pk=regisseur.pk)
        .exists()
    ):
        raise Http404
    return regisseur


@login_required
def regisseur_profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    from partners.forms import RegisseurProfileForm
    from partners.models import RegisseurProfile
    from partners.profiles import regisseur_profile_update

    regisseur = _profile_owner(request, pk)
    profile = RegisseurProfile.objects.filter(user=regisseur).first()
    initial = {"lock_version": profile.lock_version if profile else 0}
    if profile:
        initial.update(
            style=profile.style,
            expertise=profile.expertise,
            languages=", ".join(profile.languages),
            capacity=profile.capacity,
        )
    form = RegisseurProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            regisseur_profile_update(
                regisseur=regisseur,
                by=request.user,
                style=data["style"],
                expertise=data["expertise"],
                languages=data["languages"],
                capacity=data["capacity"],
                expected_lock_version=data["lock_version"],
            )
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, _("The profile is saved."))
            if regisseur.pk == request.user.pk:
                return redirect("my_profile")
            return redirect("regisseur_profiles")
    return render(
        request,
        "partners/regisseur_profile_form.html",
        {"form": form, "regisseur": regisseur, "own": regisseur.pk == request.user.pk},
    )


@login_required
@require_safe
@permission_required("partners.change_regisseurprofile", raise_exception=True)
def regisseur_profiles(request: HttpRequest) -> HttpResponse:
    """The accounthouder's view of their organisation's regisseurs and their profiles (never
    their competence scans)."""
    from django.core.paginator import Paginator

    from partners.selectors import organisation_regisseurs

    if request.user.organisation_id is None:
        raise PermissionDenied
    regisseurs = organisation_regisseurs(organisation=request.user.organisation).select_related(
        "regisseur_profile"
    )
    page = Paginator(regisseurs, PROFILES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "partners/regisseur_profiles.html", {"page": page})


@login_required
@require_safe
def competence_group(request: HttpRequest) -> HttpResponse:
    """The competence scan of the organisation's regisseurs as a group: per competence the
    spread of their latest scans, only over a group large enough; optionally one year."""
    from partners.policies import competence_group_can_view
    from partners.selectors import competence_group_minimum, competence_group_spread

    if not competence_group_can_view(request.user):
        raise PermissionDenied
    this_year = timezone.localdate().year
    years = list(range(this_year, this_year - 6, -1))
    raw = request.GET.get("jaar", "")
    year = int(raw) if raw.isdigit() and int(raw) in years else None
    view = competence_group_spread(organisation=request.user.organisation, year=year)
    return render(
        request,
        "partners/competence_group.html",
        {
            "view": view,
            "year": year,
            "years": years,
            "minimum": competence_group_minimum(),
            "organisation": request.user.organisation,
        },
    )
