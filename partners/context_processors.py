from django.conf import settings


def navigation(request) -> dict:
    """Values the base layout needs on every page."""
    return {
        "LANGUAGES": settings.LANGUAGES,
        "DEBUG": settings.DEBUG,
        "AMSTERDAM_STYLES": settings.REGIE_AMSTERDAM_STYLES,
    }
