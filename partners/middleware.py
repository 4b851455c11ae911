"""A user whose password an administrator set chooses their own before anything else."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from acvz.api import problems

#: What such a user may still reach (by view name: the admin's own password_change is not it).
ALLOWED_VIEW_NAMES = frozenset(
    {"password_change", "password_change_done", "logout", "login", "set_language"}
)


class PasswordChangeRequiredMiddleware:
    """Sessions of a user with `must_change_password` are sent to the password change page
    (the API answers 403 `password_change_required`). Token requests to the API are not
    affected: Django's middleware sees no user on them (DRF authenticates in the view), and a
    partner system's token is not a password."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            try:
                allowed = resolve(request.path_info).view_name in ALLOWED_VIEW_NAMES
            except Resolver404:
                allowed = False
            if not allowed:
                if request.path.startswith("/api/"):
                    return problems.problem_response(
                        request,
                        status_code=403,
                        code="password_change_required",
                        title="Choose a new password first.",
                    )
                target = reverse("password_change")
                return redirect(f"{target}?next={quote(request.get_full_path())}")
        return self.get_response(request)
