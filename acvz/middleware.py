from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
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
