"""The case page frame shared by every tab, also the tabs other apps add (plans, meetings)."""

from __future__ import annotations

from django.http import HttpRequest

from cases import selectors
from cases.models import Case
from cases.policies import case_can, case_can_read_health
from cases.workflow import transitions_from

#: Extra tabs on the case page, added by apps that build on cases: (key, label, url name).
CASE_TABS: list[tuple[str, str, str]] = []


def case_page_get(request: HttpRequest, pk: int) -> Case:
    """The visible case (404 otherwise). Pages wrapped in `cases.access.access_logged` log
    its read (and a refused id)."""
    return selectors.case_get(user=request.user, pk=pk)


def case_page_context(request: HttpRequest, case: Case, tab: str, **extra) -> dict:
    actions = [t for t in transitions_from(case.status) if case_can(request.user, case, t.name)]
    return {
        "case": case,
        "tab": tab,
        "actions": actions,
        "can_read_health": case_can_read_health(request.user, case),
        "case_tabs": CASE_TABS,
        **extra,
    }
