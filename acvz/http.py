"""Small HTTP helpers every view shares."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, fallback: str, *args, **kwargs) -> str:
    """The `next` of the request (POST first, then GET) when it is a path or URL of this site,
    else the fallback (a view name, with `args`/`kwargs`, or a path). Never another host, never
    a `javascript:` or other scheme, never a view name the client picked."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target
        and "\x00" not in target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and target.startswith(("/", "http://", "https://"))
    ):
        return target
    return resolve_url(fallback, *args, **kwargs)


def redirect_next(request: HttpRequest, fallback: str, *args, **kwargs) -> HttpResponseRedirect:
    return HttpResponseRedirect(safe_next(request, fallback, *args, **kwargs))


def client_ip(request: HttpRequest, *_args) -> str:
    """The address of the client: REMOTE_ADDR, or behind `REGIE_TRUSTED_PROXIES` reverse proxies
    the address the outermost of them saw (counted from the right of X-Forwarded-For, so that a
    client cannot choose it by sending the header itself). Lockouts and throttles key on it.
    (Extra arguments: django-axes passes the request's credentials too.)"""
    from django.conf import settings

    proxies = settings.REGIE_TRUSTED_PROXIES
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
