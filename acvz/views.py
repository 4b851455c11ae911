"""Project-level pages that read across apps (through their selectors)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases.access import access_logged
from cases.selectors import cases_waiting_for, my_cases


@login_required
@access_logged
def home(request: HttpRequest) -> HttpResponse:
    """The start page: the user's own cases, and the cases waiting for their role."""
    return render(
        request,
        "home.html",
        {
            "my_cases": my_cases(user=request.user)[:10],
            "waiting": cases_waiting_for(user=request.user)[:10],
        },
    )
