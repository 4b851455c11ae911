import datetime as dt

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.http import http_date
from django.utils.translation import get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Pages: Dutch unless the user chose otherwise with the language switch. API: English
    unless the client asks for Dutch with Accept-Language.

    The browser's Accept-Language is ignored on purpose: the network works in Dutch, and a
    regisseur on an English-language laptop should still see the Dutch words of the covenant.
    """

    def process_request(self, request):
        if request.path.startswith("/api/"):
            # The API is English; a client may ask for Dutch messages with Accept-Language.
            language = self._api_language(request)
        else:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            if language not in dict(settings.LANGUAGES):
                language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    @staticmethod
    def _api_language(request) -> str:
        header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
        for code, _quality in parse_accept_lang_header(header):
            try:
                return get_supported_language_variant(code)
            except LookupError:
                continue
        return "en"


class RejectNulBytesMiddleware:
    """A NUL byte in the path or the query string is a 400 before any view runs: PostgreSQL
    cannot store or compare text with NUL, so a lookup with it would end in a server error.
    The API names the parameters in `invalid_params`. (Form and API body fields refuse NUL
    themselves, with a field error.)"""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return self._refuse(request, [])
        names = self._parameters_with_nul(request)
        if names:
            return self._refuse(request, names)
        return self.get_response(request)

    @staticmethod
    def _parameters_with_nul(request) -> list[str]:
        raw = request.META.get("QUERY_STRING", "")
        if "%00" not in raw and "\x00" not in raw:
            return []
        return [
            key.replace("\x00", "") or "?"
            for key, values in request.GET.lists()
            if "\x00" in key or any("\x00" in v for v in values)
        ]

    @staticmethod
    def _refuse(request, names: list[str]):
        if request.path.startswith("/api/"):
            from django.utils.translation import gettext as _

            from acvz.api import problems

            if not names:
                return problems.bad_request(request)
            reason = _("Null characters are not allowed.")
            return problems.invalid_params_response(
                request,
                [
                    {"name": name, "code": "null_characters_not_allowed", "reason": reason}
                    for name in names
                ],
                instance=request.path,  # the query holds the NUL byte
            )
        from partners.views import bad_request

        return bad_request(request)


class MethodNotAllowedPageMiddleware:
    """A page asked with a method it does not take (a POST to a read-only page, an address of a
    form's action opened in the browser) answers Django's 405 without a body: here it gets a
    page that says so, with the navigation, keeping the status and the `Allow` header. The API
    answers its own problem+json."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or request.path.startswith("/api/"):
            return response
        if getattr(response, "streaming", False) or response.content:
            return response
        from django.shortcuts import render

        page = render(request, "405.html", status=405)
        page["Allow"] = response.get("Allow", "")
        return page


class ApiVersionMiddleware:
    """Every API answer names the version of the contract it follows (`API-Version`, as the
    NL API Design Rules ask): `info.version` of `openapi.yaml`, semver. Outermost, so that
    errors raised before a view (401, 413, 429) carry it too."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        from django.conf import settings

        self.version = settings.SPECTACULAR_SETTINGS["VERSION"]

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            response["API-Version"] = self.version
        return response


class ApiTrailingSlashMiddleware:
    """The API's paths end without a slash (NL API Design Rules, API-48): `/api/v1/cases/12`.
    Until `REGIE_API_SLASHED_PATHS_SUNSET` the old form with a slash keeps working — answered
    as the path without it, never redirected, so a POST keeps its body — and says it is on its
    way out: `Deprecation` (RFC 9745) and `Sunset` (RFC 8594), with a `Link` to the path to use.
    From the sunset on it is what any unknown path is: a 404.

    Right after `ApiVersionMiddleware`: everything after it (the views, the access log, the
    problem documents' `instance`, the pagination links) sees the path without the slash."""

    PREFIX = "/api/"

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        deprecated = dt.datetime.combine(
            settings.REGIE_API_SLASHED_PATHS_DEPRECATED, dt.time(), tzinfo=dt.UTC
        )
        sunset = dt.datetime.combine(
            settings.REGIE_API_SLASHED_PATHS_SUNSET, dt.time(), tzinfo=dt.UTC
        )
        self.deprecation = f"@{int(deprecated.timestamp())}"
        self.sunset = http_date(sunset.timestamp())
        self.sunset_at = sunset

    def __call__(self, request):
        path = request.path_info
        slashed = (
            path.startswith(self.PREFIX)
            and path.endswith("/")
            and path.count("/") > 3  # not /api/v1/ itself
        )
        if not slashed or dt.datetime.now(dt.UTC) >= self.sunset_at:
            return self.get_response(request)  # after the sunset: the 404 of an unknown path
        request.path_info = path[:-1]
        request.path = request.path[:-1]
        response = self.get_response(request)
        response["Deprecation"] = self.deprecation
        response["Sunset"] = self.sunset
        response["Link"] = f'<{request.path}>; rel="successor-version"'
        return response
