"""The case page frame shared by every tab, also the tabs other apps add (plans, meetings)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases import selectors
from cases.models import Case
from cases.policies import CasePart, Scope, case_can, case_can_read_health, case_read_scope
from cases.workflow import transitions_from

#: Extra tabs on the case page, added by apps that build on cases: (key, label, url name). The
#: key is the `CasePart` the tab shows; a tab is offered only to readers of that part.
CASE_TABS: list[tuple[str, str, str]] = []


#: Transitions whose page lives in an app that builds on cases: {transition name: url name}
#: (plans: outflow with the goals handed over). The case header's button opens that page.
TRANSITION_PAGES: dict[str, str] = {}


def case_tabs() -> list[tuple[str, str, str]]:
    """Every tab of the case page, in order: (key, label, url name)."""
    return [
        (CasePart.OVERVIEW, _("Overview"), "cases:detail"),
        (CasePart.DOSSIER, _("Basisdossier"), "cases:dossier"),
        *CASE_TABS,
        (CasePart.TIMELINE, _("Timeline"), "cases:timeline"),
        (CasePart.HISTORY, _("History"), "cases:history"),
    ]


def case_landing_url_name(scope: Scope) -> str:
    """The tab a reader without the overview opens first (ITAT: the plan)."""
    tabs = {key: url_name for key, _label, url_name in case_tabs() if scope.reads(key)}
    return tabs.get(scope.landing) or next(iter(tabs.values()), "cases:list")


def case_page_get(request: HttpRequest, pk: int, part: CasePart | None = None) -> Case:
    """The visible case (404 otherwise, also when the user does not read `part` of it). Pages
    wrapped in `cases.access.access_logged` log its read (and a refused id)."""
    return selectors.case_get(user=request.user, pk=pk, part=part)


def case_page_context(request: HttpRequest, case: Case, tab: str, **extra) -> dict:
    scope = case_read_scope(request.user, case)
    actions = [t for t in transitions_from(case.status) if case_can(request.user, case, t.name)]
    action_urls = [
        (
            t,
            reverse(TRANSITION_PAGES[t.name], args=[case.pk])
            if t.name in TRANSITION_PAGES
            else reverse("cases:transition", args=[case.pk, t.name]),
        )
        for t in actions
    ]
    return {
        "case": case,
        "tab": tab,
        "actions": actions,
        "action_urls": action_urls,
        "scope": scope,
        "can_read_health": case_can_read_health(request.user, case),
        "case_tabs": [t for t in case_tabs() if scope.reads(t[0])],
        **extra,
    }
