from django.conf import settings


def navigation(request) -> dict:
    """Values the base layout needs on every page. `signed_in`: the navigation shows (not
    while the second factor is still owed: the password alone shows nothing of the site)."""
    user = getattr(request, "user", None)
    return {
        "signed_in": bool(
            user is not None
            and user.is_authenticated
            and not getattr(request, "second_factor_pending", False)
        ),
        "LANGUAGES": settings.LANGUAGES,
        "DEBUG": settings.DEBUG,
        "AMSTERDAM_STYLES": settings.REGIE_AMSTERDAM_STYLES,
    }
