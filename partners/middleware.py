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


#: What a user who still owes the second factor may reach.
SECOND_FACTOR_VIEW_NAMES = frozenset(
    {"second_factor", "second_factor_setup", "logout", "login", "set_language"}
)


class SecondFactorMiddleware:
    """A session whose user needs a second factor (partners.second_factor.required_for) but
    has not given it reaches only the code page, or the page that sets up the app when there is
    none yet; the API answers 401 `second_factor_required`. After OTPMiddleware."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from partners import second_factor

        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and second_factor.required_for(user)
            and not user.is_verified()
        ):
            try:
                allowed = resolve(request.path_info).view_name in SECOND_FACTOR_VIEW_NAMES
            except Resolver404:
                allowed = False
            # The pages it may reach show no navigation (partners.context_processors).
            request.second_factor_pending = True
            if not allowed:
                if request.path.startswith("/api/"):
                    return problems.problem_response(
                        request,
                        status_code=401,
                        code="second_factor_required",
                        title="Give the code of your second factor first.",
                    )
                target = reverse("second_factor")
                return redirect(f"{target}?next={quote(request.get_full_path())}")
        return self.get_response(request)


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


#: How often the idle clock of a session is written (a session write per request would cost a
#: query on every page).
IDLE_TOUCH_SECONDS = 60
IDLE_KEY = "regie_last_seen"


class IdleSessionMiddleware:
    """A signed-in session left alone for REGIE_SESSION_IDLE_MINUTES ends: the next request is
    sent to the login page (the API answers 401 problem+json), with what was asked as `next`.
    The time of the last request is kept in the session, written at most once a minute."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.contrib.auth import logout

        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and user.is_authenticated and session is not None:
            now = int(time.time())
            last = session.get(IDLE_KEY)
            if last is not None and now - last > settings.REGIE_SESSION_IDLE_MINUTES * 60:
                logout(request)
                if request.path.startswith("/api/"):
                    return problems.problem_response(
                        request,
                        status_code=401,
                        code="session_expired",
                        title="The session ended after a time without use. Sign in again.",
                    )
                messages.info(
                    request, _("You were signed out after a time without use. Sign in again.")
                )
                return redirect(f"{reverse('login')}?next={quote(request.get_full_path())}")
            if last is None or now - last >= IDLE_TOUCH_SECONDS:
                session[IDLE_KEY] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """Nothing shown to a signed-in user, nor the login page, is kept by a browser's or a
    proxy's cache (`Cache-Control: no-store`): the pages and API answers carry personal data."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils.cache import patch_cache_control

        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path.startswith("/api/") or request.path.startswith("/login"):
            patch_cache_control(response, no_store=True, private=True)
        return response
