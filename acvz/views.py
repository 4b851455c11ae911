"""Project-level pages that read across apps (through their selectors)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

from cases.access import access_logged
from cases.selectors import my_cases
from meetings.work import remember_work_count, work_queue


@login_required
@require_safe
@access_logged
def home(request: HttpRequest) -> HttpResponse:
    """The start page: what waits for the user, per role (meetings.work), and their cases."""
    sections = work_queue(user=request.user)
    remember_work_count(user=request.user, sections=sections)
    return render(
        request,
        "home.html",
        {
            "my_cases": my_cases(user=request.user)[:10],
            "sections": sections,
            "work_total": sum(s.count for s in sections),
        },
    )


#: The API documentation pages load nothing from the internet: scripts, styles, fonts and images
#: come from this server (ReDoc's search runs in a blob: worker).
API_DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' blob:; worker-src 'self' blob:; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'"
)


class ApiDocsPolicyMixin:
    """The API documentation pages send `API_DOCS_CSP`."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = API_DOCS_CSP
        return response


class RedocView(ApiDocsPolicyMixin, SpectacularRedocView):
    pass


class SwaggerView(ApiDocsPolicyMixin, SpectacularSwaggerView):
    pass
