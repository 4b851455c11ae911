"""Request guards of the partners app: a password set by an administrator is changed first;
a form is handled once however often it is posted."""

from __future__ import annotations

import time
from urllib.parse import quote

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

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


#: The hidden field `{% once %}` puts in every POST form.
SUBMISSION_FIELD = "submission"
#: How long a repeated POST waits for the first one to finish before it says "in progress".
REPLAY_WAIT_SECONDS = 10.0


class SubmitOnceMiddleware:
    """A POST form carrying a one-time token (`{% once %}`) is handled once per user and token.

    The first request claims the token (an INSERT committed at once); when its view redirects
    (the pattern of every successful form here) the target is stored with it. The same token
    posted again — a double click, a resend after a timeout, the back button — does not reach
    the view: it is redirected to the first one's result, after waiting for it when the first
    is still running. A POST that did not redirect (a form error, a refusal) frees its token, so
    the corrected form can be sent. API requests (JSON, no form) are not affected."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = self._token(request)
        if token is None:
            return self.get_response(request)
        from partners.models import Submission

        try:
            with transaction.atomic():
                submission = Submission.objects.create(user=request.user, token=token)
        except IntegrityError:
            return self._replay(request, token)
        try:
            response = self.get_response(request)
        except BaseException:
            Submission.objects.filter(pk=submission.pk).delete()
            raise
        location = response.get("Location", "") if response.status_code in (301, 302, 303) else ""
        if location:
            Submission.objects.filter(pk=submission.pk).update(location=location[:2000])
        else:
            Submission.objects.filter(pk=submission.pk).delete()
        return response

    @staticmethod
    def _token(request: HttpRequest) -> str | None:
        if request.method != "POST" or request.path.startswith("/api/"):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return None
        token = request.POST.get(SUBMISSION_FIELD, "")
        return token if len(token) == 32 and token.isalnum() else None

    def _replay(self, request: HttpRequest, token: str) -> HttpResponse:
        from partners.models import Submission

        deadline = time.monotonic() + REPLAY_WAIT_SECONDS
        while True:
            location = (
                Submission.objects.filter(user=request.user, token=token)
                .values_list("location", flat=True)
                .first()
            )
            if location is None:  # the first one failed meanwhile: this one may try
                return self(request)
            if location:
                messages.info(request, _("This form was sent already; this is its result."))
                return redirect(location)
            if time.monotonic() > deadline:
                return render(request, "409_submission.html", status=409)
            time.sleep(0.1)
