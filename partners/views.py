from __future__ import annotations

import logging

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from acvz.api import problems
from acvz.http import safe_next
from partners.forms import PasswordChangeForm
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
