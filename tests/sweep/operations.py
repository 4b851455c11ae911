"""The operations the sweep calls: generated from the URL resolver and from `openapi.yaml`.

Discovery is generated; what this file adds per URL name (pages) or per (method, path) (API)
is how to call it, never whether: the targets that fill its parameters with the world's ids,
the part of a case it shows (`resource`), the oracle action of a write and a plausible body.
A URL or API operation without an entry here is a failing test ("new URL ... unknown to the
sweep"), and so is an entry whose URL no longer exists.

`admin/` is left out: the admin is the beheerder's and is covered by its own tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

import yaml
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cases.workflow import TRANSITIONS
from plans.workflow import PLAN_TRANSITIONS
from tests.sweep.world import MISSING, World

OPENAPI = Path(settings.BASE_DIR) / "openapi.yaml"
API_PREFIX = "api/"
SKIPPED_PREFIXES = ("admin/",)
#: Keys of `Target.ids` that are not ids (kept as they are in the "missing" baseline).
NOT_IDS = frozenset({"code", "leefgebied", "name", "token", "uidb64", "version"})


@dataclass(frozen=True)
class Target:
    """One object an operation is called on: the case it belongs to (None: not case-bound),
    the ids its parameters and body take, and the facts the write oracle needs."""

    case: str | None
    label: str
    ids: dict = field(default_factory=dict)
    facts: dict = field(default_factory=dict)

    def missing(self) -> Target:
        return replace(self, ids={k: v if k in NOT_IDS else MISSING for k, v in self.ids.items()})

    @property
    def name(self) -> str:
        return f"{self.case} / {self.label}" if self.case else self.label


# --- targets ------------------------------------------------------------------------------------
# scope: "case" (visible if the oracle lets the user see `resource` of the case), "person"
# (the case's person), "global" (no object: only markers and writes are judged), "own" (an
# object of the user: their notification, their calendar), "meeting" (an ITAT meeting).


def t_global(w: World) -> list[Target]:
    return [Target(None, "-")]


def t_api_global(w: World) -> list[Target]:
    """The schema's own pages, under the versioned prefix."""
    return [Target(None, "-", {"version": "v1"})]


def t_case(w: World) -> list[Target]:
    return [
        Target(c.label, "case", {"case": c.pk}, {"has_dossier": c.has_dossier})
        for c in w.cases.values()
    ]


def t_transition(names: tuple[str, ...]) -> Callable[[World], list[Target]]:
    """Per case the steps its status allows, and one it does not (in turn over the cases, so
    that every step is also called where it is refused)."""

    def targets(w: World) -> list[Target]:
        chosen = []
        for i, c in enumerate(w.cases.values()):
            allowed = [n for n in names if c.status in TRANSITIONS[n].sources]
            refused = [n for n in names if n not in allowed]
            picked = allowed + ([refused[i % len(refused)]] if refused else [])
            if len(names) == 1:  # an operation of its own (the API): on every case
                picked = list(names)
            chosen += [
                Target(c.label, f"step {n}", {"case": c.pk, "name": n}, {"transition": n})
                for n in picked
            ]
        return chosen

    return targets


def t_section(w: World) -> list[Target]:
    return [
        Target(
            c.label,
            f"section {lg}",
            {"case": c.pk, "leefgebied": lg},
            {"leefgebied": lg},
        )
        for c in w.cases.values()
        if c.has_dossier
        # Section 9 (health) everywhere; 6 (the GGD screening) where it is written.
        for lg in ((6, 9) if c.status == "basisdossier" else (9,))
    ]


def t_screening(w: World) -> list[Target]:
    """The GGD screening of section 6, on every case with a dossier."""
    return [
        Target(c.label, "screening of 6", {"case": c.pk, "leefgebied": 6}, {"leefgebied": 6})
        for c in w.cases.values()
        if c.has_dossier
    ]


def t_dossier_request(w: World) -> list[Target]:
    """POLITIE's open or answered requests in each dossier (it is asked in every one)."""
    return [
        Target(
            c.label,
            "requests of POLITIE",
            {"case": c.pk, "organisation": _org(w, "POLITIE")},
            {},
        )
        for c in w.cases.values()
        if c.has_dossier
    ]


def t_membership(w: World) -> list[Target]:
    targets = []
    for c in w.cases.values():
        chosen = next((m for m in c.memberships if m[1] == "GGD"), None) or next(
            iter(c.memberships), None
        )
        if chosen:
            pk, code, active = chosen
            label = f"membership {code}{'' if active else ' (left)'}"
            targets.append(Target(c.label, label, {"case": c.pk, "membership": pk}, {}))
    return targets


def t_case_evaluation(w: World) -> list[Target]:
    """The case's evaluation page: it evaluates the plan in force, if any."""
    return [
        Target(
            c.label,
            "case",
            {"case": c.pk},
            {"plan_status": "approved" if c.plan_in_force else "no plan in force"},
        )
        for c in w.cases.values()
    ]


def t_minor_watch(w: World) -> list[Target]:
    """The followed minors of the in-regie case (open watches: the end page)."""
    return [
        Target(c.label, "followed minor", {"case": c.pk, "watch": pk}, {})
        for c in w.cases.values()
        for pk, _minor in c.minor_watches
    ]


def _minor_of(w: World, t: Target) -> int | str:
    case = next((c for c in w.cases.values() if c.pk == t.ids.get("case")), None)
    return case.minor_watches[0][1] if case and case.minor_watches else ""


def t_person(w: World) -> list[Target]:
    return [Target(c.label, "person", {"person": c.person_pk}, {}) for c in w.cases.values()]


def t_offence(w: World) -> list[Target]:
    """Each person's record pushed by RN's partner system (its source)."""
    return [
        Target(c.label, "offence record of RN", {"offence": c.offence_pk}, {"source": "RN"})
        for c in w.cases.values()
    ]


def _plan_facts(p) -> dict:
    return {"plan": p.label, "plan_status": p.status, "lock_version": p.lock_version}


def t_plan(w: World) -> list[Target]:
    return [
        Target(c.label, f"plan {p.label} ({p.status})", {"plan": p.pk}, _plan_facts(p))
        for c in w.cases.values()
        for p in c.plans
    ]


def t_latest_plan(w: World) -> list[Target]:
    return [
        Target(c.label, f"plan {p.label} ({p.status})", {"plan": p.pk}, _plan_facts(p))
        for c in w.cases.values()
        if (p := c.latest_plan)
    ]


def t_plan_in_force(w: World) -> list[Target]:
    return [
        Target(
            c.label,
            f"plan {p.label} in force",
            {"plan": p.pk},
            {**_plan_facts(p), "goals": [g.pk for g in p.goals.values()]},
        )
        for c in w.cases.values()
        if (p := c.plan_in_force)
    ]


def t_plan_transition(w: World) -> list[Target]:
    """Per plan the steps its status allows, and one it does not (in turn)."""
    targets = []
    for i, t in enumerate(t_plan(w)):
        allowed = [
            n for n, step in PLAN_TRANSITIONS.items() if step.source == t.facts["plan_status"]
        ]
        refused = [n for n in PLAN_TRANSITIONS if n not in allowed]
        for n in [*allowed, refused[i % len(refused)]]:
            targets.append(
                replace(
                    t,
                    label=f"{t.label} {n}",
                    ids={**t.ids, "name": n},
                    facts={**t.facts, "transition": n},
                )
            )
    return targets


def t_goal(w: World) -> list[Target]:
    """Health goal H1 of the latest version (leefgebied 9, a non-health organisation, RN, is
    responsible): the goal where every rule meets."""
    targets = []
    for c in w.cases.values():
        p = c.latest_plan
        if p and "H1" in p.goals:
            g = p.goals["H1"]
            targets.append(
                Target(
                    c.label,
                    f"plan {p.label} goal H1",
                    {"plan": p.pk, "goal": g.pk},
                    {**_plan_facts(p), "goal_org": g.resp_org, "leefgebied": g.leefgebied},
                )
            )
    return targets


def t_uvo(w: World) -> list[Target]:
    return [
        Target(c.label, f"uvo {status}", {"uvo": pk}, {"uvo_status": status, "lock_version": lv})
        for c in w.cases.values()
        for pk, status, lv in c.uvos
    ]


def t_agreement(w: World) -> list[Target]:
    return [
        Target(c.label, f"agreement of {owner}", {"agreement": pk}, {"owner": owner})
        for c in w.cases.values()
        for pk, owner in c.agreements
    ]


def t_evaluation(w: World) -> list[Target]:
    return [
        Target(c.label, "evaluation", {"evaluation": pk}, {})
        for c in w.cases.values()
        for pk in c.evaluations
    ]


def t_review(w: World) -> list[Target]:
    """A look at the plan that an arrest called for: open (outflow, closed) or done (in regie,
    by its evaluation)."""
    return [
        Target(
            c.label,
            f"look at the plan {'open' if is_open else 'done'}",
            {"review": pk},
            {"review_open": is_open},
        )
        for c in w.cases.values()
        for pk, is_open in c.reviews
    ]


def t_application(w: World) -> list[Target]:
    """The application on health goal H1 of version 1 (RN responsible)."""
    return [
        Target(
            c.label,
            "application on H1 of v1",
            {"application": pk},
            {"goal_org": "RN", "plan_status": c.plans[0].status, "lock_version": lock},
        )
        for c in w.cases.values()
        for pk, lock in c.applications
    ]


def t_budget(w: World) -> list[Target]:
    """Each budget request: approved (housing) and waiting (health or care)."""
    return [
        Target(
            c.label,
            f"budget request {status}",
            {"budget": pk},
            {"budget_status": status, "lock_version": lock},
        )
        for c in w.cases.values()
        for pk, status, lock in c.budget
    ]


def t_escalation(w: World) -> list[Target]:
    return [
        Target(
            c.label,
            f"escalation at {level}",
            {"escalation": pk},
            {"level": level, "lock_version": lock},
        )
        for c in w.cases.values()
        for pk, level, lock in c.escalations
    ]


def t_referral(w: World) -> list[Target]:
    return [
        Target(
            c.label,
            f"referral {'open' if is_open else 'answered'}",
            {"referral": pk},
            {"referral_open": is_open},
        )
        for c in w.cases.values()
        for pk, is_open in c.referrals
    ]


def t_meeting(w: World) -> list[Target]:
    return [Target(None, f"itat meeting {pk}", {"meeting": pk}) for pk in w.itat_meetings[-2:]]


def t_programme(w: World) -> list[Target]:
    return [Target(None, "programme TOP600", {"programme": w.refs["TOP600"]})]


def t_api_key(w: World) -> list[Target]:
    return [Target(None, "an API key of a partner system", {"prefix": w.refs["api_key"]})]


def _api_key_body(w: World, t: Target) -> dict:
    from datetime import timedelta

    from django.utils import timezone

    return {
        "user": w.refs["api_key_system"],
        "name": "sweep",
        "scopes": ["read"],
        "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
    }


def t_webhook(w: World) -> list[Target]:
    return [Target(None, "a webhook subscription of a partner system", {"pk": w.refs["webhook"]})]


def t_webhook_delivery(w: World) -> list[Target]:
    return [Target(None, "a webhook delivery", {"pk": w.refs["webhook_delivery"]})]


def _webhook_body(w: World, t: Target) -> dict:
    return {
        "user": w.refs["api_key_system"],
        "url": "https://sweep.example.test/regie",
        "event_types": ["plan.approved", "uvo.held"],
        "lock_version": 0,
    }


def t_leaving_regisseur(w: World) -> list[Target]:
    return [Target(None, "regisseur@case's caseload", {"user": w.refs["regisseur"]}, {"org": "RN"})]


def t_profile_regisseur(w: World) -> list[Target]:
    return [
        Target(
            None,
            "regisseur@case's profile",
            {"user": w.refs["regisseur"]},
            {"org": "RN", "user_pk": w.refs["regisseur"]},
        )
    ]


def _scan_body(w: World, t: Target) -> dict:
    from partners.models import Competence

    return {**dict.fromkeys(Competence.values, "3"), "note": "sweep"}


def t_organisation(w: World) -> list[Target]:
    return [Target(None, "organisation RN", {"organisation": w.refs["org:RN"]})]


def t_notification(w: World, user) -> list[Target]:
    """The user's own first notification, and another user's."""
    targets = []
    own = w.notifications.get(user.label, [])
    if own:
        targets.append(
            Target(None, "own notification", {"notification": own[0]}, {"owner": user.label})
        )
    other = next(
        ((label, ids) for label, ids in w.notifications.items() if label != user.label), None
    )
    if other:
        label, ids = other
        targets.append(
            Target(None, f"notification of {label}", {"notification": ids[0]}, {"owner": label})
        )
    return targets


def t_reset_link(w: World) -> list[Target]:
    """A password reset link that is not (or no longer) valid: the page says so."""
    return [Target(None, "stale reset link", {"uidb64": "MQ", "token": "set-password"})]


def t_feed(w: World, user) -> list[Target]:
    if user.feed_token is None:
        return [Target(None, "no calendar (anonymous)", {"token": "no-such-token"})]
    return [Target(None, "own calendar", {"token": user.feed_token})]


# --- bodies ---------------------------------------------------------------------------------------


def _today() -> str:
    return timezone.localdate().isoformat()


def _in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _org(w: World, code: str) -> int:
    return w.refs[f"org:{code}"]


CASE_TRANSITION_BODIES: dict[str, Callable[[World], dict]] = {
    "start_dossier": lambda w: {},
    "establish_dossier": lambda w: {},
    "assign": lambda w: {"organisation": _org(w, "RN"), "regie_style": "case"},
    "appoint_regisseur": lambda w: {
        "regisseur": w.refs["regisseur"],
        "accounthouder": w.refs["accounthouder"],
    },
    "start_outflow": lambda w: {
        "reason": "sweep",
        "receiving_organisation": "sweep",
        "handover_note": "",
    },
    "close": lambda w: {},
    "withdraw": lambda w: {"reason": "sweep"},
}
CASE_TRANSITIONS = tuple(CASE_TRANSITION_BODIES)


def _next_case_label(w: World, case: str) -> str:
    labels = list(w.cases)
    return labels[(labels.index(case) + 1) % len(labels)]


# --- the registry -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """How to call one operation (method + URL) and what to expect of it."""

    targets: Callable
    params: dict[str, str] = field(default_factory=dict)  # URL kwarg: Target.ids key
    scope: str = "case"
    resource: str | None = None
    write: str | Callable[[Target], str] | None = None  # the oracle action of a write method
    body: Callable[[World, Target], dict] | None = None
    canonical: bool | Callable[[Target], bool] = False  # visible ⇒ 200
    markers: str = "rules"  # rules · none (no marker at all) · audit (names for the log reader)
    per_user: bool = False
    #: No personal data at all (the schema, reference data, log-in): one user per set of roles.
    per_role: bool = False

    def action(self, target: Target) -> str | None:
        return self.write(target) if callable(self.write) else self.write

    def is_canonical(self, target: Target) -> bool:
        return self.canonical(target) if callable(self.canonical) else self.canonical


def page(
    targets=t_global,
    params=None,
    *,
    scope="case",
    resource=None,
    post="none",
    body=None,
    canonical=False,
    markers="rules",
    get_targets=None,
    per_user=False,
    per_role=False,
) -> dict[str, Spec]:
    """A page: GET shows, POST writes (`post` is the oracle action; "none": nothing may
    change). Function views answer both methods, so the sweep calls both."""
    params = params or {}
    if targets in (t_global, t_api_global):
        scope = "global"
    common = {
        "params": params,
        "resource": resource,
        "markers": markers,
        "per_user": per_user,
        "per_role": per_role,
    }
    get_scope = "global" if get_targets is t_global else scope
    return {
        "GET": Spec(get_targets or targets, scope=get_scope, canonical=canonical, **common),
        "POST": Spec(targets, scope=scope, write=post, body=body, **common),
    }


CASE = {"pk": "case"}
PLAN = {"pk": "plan"}
GOAL = {"pk": "plan", "goal_pk": "goal"}


def _goal_body(w: World, t: Target) -> dict:
    return {
        "lock_version": t.facts.get("lock_version", 0),
        "leefgebied": 8,
        "goal": "sweep",
        "interventions": "",
        "responsible_organisation": _org(w, "RN"),
    }


def _evaluation_form(w: World, t: Target) -> dict:
    case = w.cases[t.case]
    plan = case.plan_in_force
    body = {"held_on": _today(), "conclusion": "continue", "summary": "sweep", "question": ""}
    for goal in plan.goals.values() if plan else []:
        body[f"result_{goal.pk}"] = "achieved"
    return body


WEB: dict[str, dict[str, Spec]] = {
    # project and partners
    "home": page(),
    "healthz": page(markers="none", per_role=True),
    "login": page(post="any", per_role=True),
    "logout": page(post="any", per_role=True),
    # One's own password (an empty form changes nothing; a wrong old password neither).
    "password_change": page(
        post="any",
        body=lambda w, t: {
            "old_password": "not-the-password",
            "new_password1": "Sweep-nieuw-wachtwoord-1",
            "new_password2": "Sweep-nieuw-wachtwoord-1",
        },
        per_role=True,
    ),
    "password_change_done": page(post="any", per_role=True),
    # A forgotten password (an unknown address: nothing is sent), a stale reset link.
    "password_reset": page(
        post="any", body=lambda w, t: {"email": "niemand@example.invalid"}, per_role=True
    ),
    "password_reset_done": page(post="any", per_role=True),
    "password_reset_confirm": page(
        t_reset_link,
        {"uidb64": "uidb64", "token": "token"},
        scope="global",
        post="any",
        body=lambda w, t: {
            "new_password1": "Sweep-nieuw-wachtwoord-2",
            "new_password2": "Sweep-nieuw-wachtwoord-2",
        },
        per_role=True,
    ),
    "password_reset_complete": page(post="any", per_role=True),
    # One's own second factor (a wrong code changes nothing but the throttle).
    "second_factor": page(post="any", body=lambda w, t: {"code": "000000"}, per_role=True),
    "second_factor_setup": page(post="any", body=lambda w, t: {"code": "000000"}, per_role=True),
    "recovery_codes_renew": page(post="any", per_role=True),
    "security": page(post="any", per_role=True),
    # The beheerder's API keys: names, scopes and dates; a secret only in the answer to issuing.
    "api_keys": page(post="apikey.manage", body=_api_key_body, markers="none", per_role=True),
    "api_key_rotate": page(
        t_api_key, {"prefix": "prefix"}, scope="global", post="apikey.manage", markers="none"
    ),
    # GET asks (naming the key); the POST of that question revokes.
    "api_key_revoke": page(
        t_api_key,
        {"prefix": "prefix"},
        scope="global",
        post="apikey.manage",
        body=lambda w, t: {"confirm": "1"},
        markers="none",
    ),
    # The beheerder's webhooks: addresses, events and the delivery log (case numbers, no
    # person's data); a secret only in the answer to subscribing or renewing it.
    "meetings:webhooks": page(
        post="webhook.manage", body=_webhook_body, markers="none", per_role=True
    ),
    "meetings:webhook": page(
        t_webhook,
        {"pk": "pk"},
        scope="global",
        post="webhook.manage",
        body=_webhook_body,
        markers="none",
    ),
    "meetings:webhook_switch": page(
        t_webhook,
        {"pk": "pk"},
        scope="global",
        post="webhook.manage",
        body=lambda w, t: {"active": "0", "confirm": "1", "lock_version": 0},
        markers="none",
    ),
    # GET asks (naming the subscription and the overlap); the POST of that question renews.
    "meetings:webhook_secret": page(
        t_webhook,
        {"pk": "pk"},
        scope="global",
        post="webhook.manage",
        body=lambda w, t: {"confirm": "1", "lock_version": 0},
        markers="none",
    ),
    "meetings:webhook_redeliver": page(
        t_webhook_delivery, {"pk": "pk"}, scope="global", post="webhook.manage", markers="none"
    ),
    # Regisseur profiles and the competence scan (issue 16): no person's data, no case content.
    "my_profile": page(markers="none", per_role=True),
    "competence_scan_add": page(post="scan.own", body=_scan_body, markers="none", per_role=True),
    "regisseur_profiles": page(markers="none", per_role=True),
    "competence_group": page(markers="none", per_role=True),
    "regisseur_profile_edit": page(
        t_profile_regisseur,
        {"pk": "user"},
        scope="global",
        post="profile.edit",
        body=lambda w, t: {"style": "case", "capacity": "7", "lock_version": "0"},
        markers="none",
    ),
    "set_language": page(
        post="any", body=lambda w, t: {"language": "en", "next": "/"}, per_role=True
    ),
    # cases
    "cases:list": page(),
    "cases:register": page(
        t_person,
        scope="person",
        get_targets=t_global,
        post="person.register",
        body=lambda w, t: {
            "person": t.ids["person"],
            "programme": w.refs["TOP400"],
            "override_reason": "sweep",
        },
    ),
    "cases:detail": page(t_case, CASE, resource="case", canonical=True),
    "cases:dossier": page(
        t_case, CASE, resource="dossier", canonical=lambda t: t.facts["has_dossier"]
    ),
    "cases:advice": page(
        t_case,
        CASE,
        resource="dossier",
        post="dossier.advice",
        body=lambda w, t: {"advice": "sweep", "organisation": _org(w, "RN"), "style": "case"},
    ),
    "cases:section": page(
        t_section,
        {"pk": "case", "leefgebied": "leefgebied"},
        resource="dossier",
        post="dossier.section",
        body=lambda w, t: {"text": "sweep", "version": 0},
    ),
    "cases:section_screening": page(
        t_screening,
        {"pk": "case", "leefgebied": "leefgebied"},
        resource="dossier",
        post="dossier.screening",
        body=lambda w, t: {"text": "sweep", "version": 0},
    ),
    "cases:dossier_request_add": page(
        t_case,
        CASE,
        resource="dossier",
        post="dossier.requests",
        body=lambda w, t: {"organisation": _org(w, "DJI")},
    ),
    "cases:dossier_request_remove": page(
        t_dossier_request,
        {"pk": "case", "organisation_pk": "organisation"},
        resource="dossier",
        post="dossier.requests",
    ),
    "cases:timeline": page(
        t_case,
        CASE,
        resource="timeline",
        post="case.timeline",
        body=lambda w, t: {"kind": "move", "description": "sweep"},
    ),
    "cases:history": page(t_case, CASE, resource="history"),
    "cases:team_add": page(
        t_case,
        CASE,
        resource="team",
        post="case.team",
        body=lambda w, t: {"organisation": _org(w, "STADSDELEN"), "role": "partner"},
    ),
    "cases:minors": page(
        t_case,
        CASE,
        resource="person",
        post="case.minors",
        body=lambda w, t: {
            "relative": _minor_of(w, t),
            "organisation": _org(w, "JBRA"),
            "note": "sweep",
        },
    ),
    "cases:minor_end": page(
        t_minor_watch,
        {"pk": "case", "watch_pk": "watch"},
        resource="person",
        post="case.minors",
        body=lambda w, t: {"reason": "sweep"},
    ),
    "cases:team_leave": page(
        t_membership,
        {"pk": "case", "membership_pk": "membership"},
        resource="team",
        post="case.team",
    ),
    "cases:transition": page(
        t_transition(CASE_TRANSITIONS),
        {"pk": "case", "name": "name"},
        resource="case",
        post=lambda t: f"case.transition.{t.ids['name']}",
        body=lambda w, t: CASE_TRANSITION_BODIES[t.ids["name"]](w),
    ),
    "cases:person_list": page(),
    "cases:person_create": page(
        post="person.create",
        body=lambda w, t: {
            "first_name": "Sweep",
            "last_name": "Nieuw",
            "date_of_birth": "1990-01-01",
        },
    ),
    "cases:person_detail": page(t_person, {"pk": "person"}, scope="person"),
    "cases:person_relation": page(
        t_person,
        {"pk": "person"},
        scope="person",
        post="person.relation",
        body=lambda w, t: {"relative": w.refs["spare_person"], "kind": "sibling"},
    ),
    "cases:person_offence": page(
        t_person,
        {"pk": "person"},
        scope="person",
        post="person.offence",
        body=lambda w, t: {
            "date": _in_days(-10),
            "kind": "arrest",
            "category": "other",
            "description": "sweep",
        },
    ),
    "cases:access_log": page(markers="audit"),
    # The beheerder's "who looked at this person": names only (the person's, the readers').
    "cases:access_log_person": page(t_person, {"pk": "person"}, scope="global", markers="audit"),
    # The beheerder's inzage: finding the person (names), and everything stored about them but
    # health content (the page; the file holds the same).
    "cases:inzage_search": page(markers="audit"),
    "cases:inzage": page(t_person, {"pk": "person"}, scope="global", markers="inzage"),
    "cases:retention": page(markers="none", per_role=True),
    # The accounthouder hands over regisseur@case's cases (every case of the world) to another
    # regisseur of RN.
    "cases:caseload_transfer": page(
        t_leaving_regisseur,
        {"pk": "user"},
        scope="global",
        post="caseload.transfer",
        body=lambda w, t: {"to_all": w.refs["receiving_regisseur"]},
    ),
    # The outflow signal (issue 16): the user's own cases, or the programme team's programmes.
    "cases:outflow_signals": page(),
    # plans
    "plans:case_plan": page(t_case, CASE, resource="plan"),
    # Outflow with the goals handed over, and the summary redacted for the receiver (issue 16).
    "plans:handover": page(
        t_case,
        CASE,
        resource="case",
        post="case.transition.start_outflow",
        body=lambda w, t: {"reason": "sweep", "receiver": _org(w, "WPI")},
    ),
    "plans:handover_summary": page(t_case, CASE, resource="case"),
    "plans:handover_print": page(t_case, CASE, resource="case"),
    "plans:start": page(t_case, CASE, resource="plan", post="plan.start"),
    "plans:evaluate": page(
        t_case_evaluation, CASE, resource="plan", post="plan.evaluate", body=_evaluation_form
    ),
    "plans:refer": page(
        t_case,
        CASE,
        resource="referral",
        post="referral.create",
        body=lambda w, t: {"question": "sweep"},
    ),
    "plans:detail": page(t_plan, PLAN, resource="plan", canonical=True),
    "plans:edit": page(
        t_plan,
        PLAN,
        resource="plan",
        post="plan.edit",
        body=lambda w, t: {"analysis": "sweep", "lock_version": t.facts["lock_version"]},
    ),
    "plans:print": page(t_plan, PLAN, resource="plan"),
    "plans:compare": page(t_plan, PLAN, resource="plan"),
    "plans:advice": page(
        t_plan, PLAN, resource="plan", post="plan.advice", body=lambda w, t: {"text": "sweep"}
    ),
    "plans:transition": page(
        t_plan_transition,
        {"pk": "plan", "name": "name"},
        resource="plan",
        post=lambda t: f"plan.transition.{t.ids['name']}",
        body=lambda w, t: {"return": {"advice": "sweep"}, "approve": {"reason": "sweep"}}.get(
            t.ids["name"], {}
        ),
    ),
    "plans:goal_add": page(t_plan, PLAN, resource="plan", post="plan.edit", body=_goal_body),
    "plans:goal_edit": page(t_goal, GOAL, resource="plan", post="plan.edit", body=_goal_body),
    "plans:goal_delete": page(
        t_goal,
        GOAL,
        resource="plan",
        post="plan.edit",
        body=lambda w, t: {"lock_version": t.facts["lock_version"]},
    ),
    "plans:goal_commit": page(
        t_goal,
        GOAL,
        resource="plan",
        post="goal.commit",
        body=lambda w, t: {"committed": "no", "reason": "sweep"},
    ),
    "plans:goal_progress": page(
        t_goal,
        GOAL,
        resource="plan",
        post="goal.progress",
        body=lambda w, t: {"status": "in_progress", "note": "sweep", "on": _in_days(0)},
    ),
    "plans:goal_amend": page(
        t_goal,
        GOAL,
        resource="plan",
        post="plan.amend",
        body=lambda w, t: {
            "lock_version": t.facts["lock_version"],
            "target_date": _in_days(400),
            "reason": "sweep",
        },
    ),
    "plans:review_close": page(
        t_review,
        {"pk": "review"},
        resource="plan",
        post="review.close",
        body=lambda w, t: {"note": "sweep"},
    ),
    "plans:application_add": page(
        t_goal,
        GOAL,
        resource="plan",
        post="goal.progress",
        body=lambda w, t: {"kind": "benefits", "body": "sweep", "requested_on": _in_days(-1)},
    ),
    "plans:application_edit": page(
        t_application,
        {"pk": "application"},
        resource="plan",
        post="goal.progress",
        body=lambda w, t: {
            "status": "granted",
            "decided_on": _in_days(0),
            "lock_version": t.facts["lock_version"],
        },
    ),
    "plans:case_budget": page(t_case, CASE, resource="budget"),
    "plans:budget_request_add": page(
        t_case,
        CASE,
        resource="budget",
        post="budget.request",
        body=lambda w, t: {
            "purpose": "other",
            "description": "sweep",
            "amount_cents": "10",
            "provisions_checked": "sweep",
            "no_prior_provision": "on",
        },
    ),
    "plans:budget_request": page(t_budget, {"pk": "budget"}, resource="budget"),
    "plans:budget_decide": page(
        t_budget,
        {"pk": "budget"},
        resource="budget",
        post="budget.decide",
        body=lambda w, t: {"decision": "approve", "lock_version": t.facts["lock_version"]},
    ),
    "plans:budget_withdraw": page(
        t_budget,
        {"pk": "budget"},
        resource="budget",
        post="budget.withdraw",
        body=lambda w, t: {"lock_version": t.facts["lock_version"]},
    ),
    "plans:budget_payment": page(
        t_budget,
        {"pk": "budget"},
        resource="budget",
        post="budget.payment",
        body=lambda w, t: {"paid_on": _in_days(0), "amount_cents": "1", "payee": "sweep"},
    ),
    "plans:budget_report": page(),
    "plans:itat": page(),
    "plans:itat_agenda": page(t_meeting, {"pk": "meeting"}, scope="meeting"),
    "plans:referral_answer": page(
        t_referral,
        {"pk": "referral"},
        resource="referral",
        post="referral.answer",
        body=lambda w, t: {"advice": "sweep"},
    ),
    "plans:commitments": page(),
    "plans:referrals": page(),
    # meetings
    "meetings:escalation_raise": page(
        t_case,
        CASE,
        resource="case",
        post="escalation.raise",
        body=lambda w, t: {
            "subject": "case_transcending",
            "organisation": _org(w, "RN"),
            "question": "sweep",
        },
    ),
    # The ladder's pages: not bound to a case (the bodies read none); the person's name is a
    # marker only readers of the case may see.
    "meetings:escalations": page(),
    # A programme's norms: reference data, no case in it.
    "meetings:programme_norms": page(
        lambda w: [Target(None, "programme TOP600", {"code": "TOP600"})],
        {"code": "code"},
        scope="global",
        markers="none",
    ),
    "meetings:escalation": page(
        t_escalation,
        {"pk": "escalation"},
        scope="global",
        post="escalation.answer",
        body=lambda w, t: {
            "action": "answer",
            "text": "sweep",
            "lock_version": t.facts["lock_version"],
        },
    ),
    "meetings:case_uvos": page(
        t_case,
        CASE,
        resource="uvo",
        post="uvo.manage",
        body=lambda w, t: {"plan": "1", "planned_at": f"{_in_days(30)}T10:00", "place": "sweep"},
    ),
    "meetings:uvo_detail": page(
        t_uvo,
        {"pk": "uvo"},
        resource="uvo",
        post="uvo.manage",
        body=lambda w, t: {
            "action": "agreement",
            "description": "sweep",
            "owner_organisation": _org(w, "RN"),
            "deadline": _in_days(10),
        },
    ),
    "meetings:agreements": page(),
    "meetings:agreement_status": page(
        t_agreement,
        {"pk": "agreement"},
        resource="agreement",
        post="agreement.update",
        body=lambda w, t: {"status": "done", "note": "sweep"},
    ),
    "meetings:casuistry": page(),
    "meetings:dashboard": page(),
    "meetings:programme_figures": page(markers="none"),
    "meetings:inbox": page(),
    "meetings:notification_read": page(
        t_notification,
        {"pk": "notification"},
        scope="own",
        post="notification.own",
        per_user=True,
    ),
    "meetings:read_all": page(post="any"),
    "meetings:preferences": page(post="any", body=lambda w, t: {"email": ""}),
    "meetings:calendar_feed": page(
        t_feed, {"token": "token"}, scope="own", markers="none", per_user=True
    ),
    # the API's schema and its viewers (outside the schema itself)
    "api:schema": page(
        t_api_global, {"version": "version"}, scope="global", markers="none", per_role=True
    ),
    "api:swagger-ui": page(
        t_api_global, {"version": "version"}, scope="global", markers="none", per_role=True
    ),
    "api:redoc": page(
        t_api_global, {"version": "version"}, scope="global", markers="none", per_role=True
    ),
}


def api(targets=t_global, params=None, **kwargs) -> Spec:
    scope = kwargs.pop("scope", "global" if targets is t_global else "case")
    return Spec(targets, params or {}, scope=scope, **kwargs)


ID = {"id": "case"}


def _api_transition(name: str) -> Spec:
    return api(
        t_transition((name,)),
        ID,
        resource="case",
        write=f"case.transition.{name}",
        body=lambda w, t: CASE_TRANSITION_BODIES[name](w),
    )


API: dict[tuple[str, str], Spec] = {
    # organisations and programmes: reference data, no personal data
    ("GET", "/api/v1/me"): api(per_role=True, markers="none"),
    ("GET", "/api/v1/organisations"): api(per_role=True),
    ("GET", "/api/v1/organisations/{id}"): api(
        t_organisation, {"id": "organisation"}, scope="global", per_role=True
    ),
    ("GET", "/api/v1/programmes"): api(per_role=True),
    ("GET", "/api/v1/programmes/{id}"): api(
        t_programme, {"id": "programme"}, scope="global", per_role=True
    ),
    # persons and offences
    ("GET", "/api/v1/persons"): api(),
    ("POST", "/api/v1/persons"): api(
        write="person.create",
        body=lambda w, t: {
            "first_name": "Sweep",
            "last_name": "Nieuw",
            "date_of_birth": "1990-01-01",
        },
    ),
    ("GET", "/api/v1/persons/{id}"): api(t_person, {"id": "person"}, scope="person"),
    # A lookup, open to every signed-in user (it writes nothing but the access log): the body may
    # hold only what the caller may read of that person.
    ("POST", "/api/v1/persons/search"): api(
        t_person,
        scope="global",
        write="any",
        body=lambda w, t: {"bsn": f"{900_000_000 + w.cases[t.case].index}"},
    ),
    ("PATCH", "/api/v1/persons/{id}"): api(
        t_person,
        {"id": "person"},
        scope="person",
        write="person.edit",
        body=lambda w, t: {"city": "Sweep"},
    ),
    ("GET", "/api/v1/offence-records"): api(),
    ("POST", "/api/v1/offence-records"): api(
        t_person,
        scope="person",
        write="person.offence",
        # The external_id of another case's record of RN (its partner system is the sweep's
        # partner_system@team_n): a repeated push must not echo a record the caller may not see.
        body=lambda w, t: {
            "person": t.ids["person"],
            "date": _in_days(-10),
            "kind": "arrest",
            "category": "other",
            "external_id": f"SW-{_next_case_label(w, t.case)}",
            "description": "sweep",
        },
    ),
    # A batch of one item per target person: the same rule and body as the single push.
    ("POST", "/api/v1/offence-records/batch"): api(
        t_person,
        scope="person",
        write="person.offence",
        body=lambda w, t: {
            "items": [
                {
                    "person": t.ids["person"],
                    "date": _in_days(-10),
                    "kind": "arrest",
                    "category": "other",
                    "external_id": f"SWB-{_next_case_label(w, t.case)}",
                    "description": "sweep",
                }
            ]
        },
    ),
    ("GET", "/api/v1/offence-records/{id}"): api(t_offence, {"id": "offence"}, scope="record"),
    ("PUT", "/api/v1/offence-records/{id}"): api(
        t_offence,
        {"id": "offence"},
        scope="record",
        write="offence.correct",
        body=lambda w, t: {"date": _in_days(-9), "kind": "summons", "category": "other"},
    ),
    ("DELETE", "/api/v1/offence-records/{id}"): api(
        t_offence, {"id": "offence"}, scope="record", write="offence.correct"
    ),
    # cases
    ("GET", "/api/v1/cases"): api(),
    ("POST", "/api/v1/cases"): api(
        t_person,
        scope="person",
        write="person.register",
        body=lambda w, t: {
            "person": t.ids["person"],
            "programme": w.refs["TOP400"],
            "override_reason": "sweep",
        },
    ),
    ("GET", "/api/v1/cases/{id}"): api(t_case, ID, resource="case", canonical=True),
    **{
        ("POST", f"/api/v1/cases/{{id}}/{name.replace('_', '-')}"): _api_transition(name)
        for name in CASE_TRANSITIONS
    },
    ("GET", "/api/v1/cases/{id}/basisdossier"): api(
        t_case, ID, resource="dossier", canonical=lambda t: t.facts["has_dossier"]
    ),
    ("GET", "/api/v1/cases/{id}/basisdossier/sections/{leefgebied}"): api(
        t_section, {"id": "case", "leefgebied": "leefgebied"}, resource="dossier"
    ),
    ("PATCH", "/api/v1/cases/{id}/basisdossier/sections/{leefgebied}"): api(
        t_section,
        {"id": "case", "leefgebied": "leefgebied"},
        resource="dossier",
        write="dossier.section",
        body=lambda w, t: {"text": "sweep"},
    ),
    ("GET", "/api/v1/cases/{id}/history"): api(t_case, ID, resource="history"),
    ("GET", "/api/v1/cases/{id}/team"): api(t_case, ID, resource="team"),
    ("POST", "/api/v1/cases/{id}/team"): api(
        t_case,
        ID,
        resource="team",
        write="case.team",
        body=lambda w, t: {"organisation": _org(w, "STADSDELEN"), "role": "partner"},
    ),
    ("POST", "/api/v1/cases/{id}/team/{membership_id}/leave"): api(
        t_membership,
        {"id": "case", "membership_id": "membership"},
        resource="team",
        write="case.team",
    ),
    ("GET", "/api/v1/cases/{id}/timeline"): api(t_case, ID, resource="timeline"),
    ("POST", "/api/v1/cases/{id}/timeline"): api(
        t_case,
        ID,
        resource="timeline",
        write="case.timeline",
        body=lambda w, t: {"kind": "move", "description": "sweep"},
    ),
    # plans
    ("GET", "/api/v1/plans"): api(),
    ("POST", "/api/v1/plans"): api(
        t_case, resource="plan", write="plan.start", body=lambda w, t: {"case": t.ids["case"]}
    ),
    ("GET", "/api/v1/plans/{id}"): api(t_plan, {"id": "plan"}, resource="plan", canonical=True),
    ("PATCH", "/api/v1/plans/{id}"): api(
        t_plan,
        {"id": "plan"},
        resource="plan",
        write="plan.edit",
        body=lambda w, t: {"analysis": "sweep"},
    ),
    ("GET", "/api/v1/plans/{id}/history"): api(t_plan, {"id": "plan"}, resource="plan"),
    ("POST", "/api/v1/plans/{id}/advice"): api(
        t_plan,
        {"id": "plan"},
        resource="plan",
        write="plan.advice",
        body=lambda w, t: {"text": "sweep"},
    ),
    ("POST", "/api/v1/plans/{id}/submit"): api(
        t_plan, {"id": "plan"}, resource="plan", write="plan.transition.submit"
    ),
    ("POST", "/api/v1/plans/{id}/approve"): api(
        t_plan,
        {"id": "plan"},
        resource="plan",
        write="plan.transition.approve",
        body=lambda w, t: {"reason": "sweep"},
    ),
    ("POST", "/api/v1/plans/{id}/return"): api(
        t_plan,
        {"id": "plan"},
        resource="plan",
        write="plan.transition.return",
        body=lambda w, t: {"advice": "sweep"},
    ),
    ("GET", "/api/v1/plan-goals"): api(),
    ("POST", "/api/v1/plan-goals"): api(
        t_latest_plan,
        resource="plan",
        write="plan.edit",
        body=lambda w, t: {
            "plan": t.ids["plan"],
            "leefgebied": 8,
            "goal": "sweep",
            "responsible_organisation": _org(w, "RN"),
        },
    ),
    ("GET", "/api/v1/plan-goals/{id}"): api(t_goal, {"id": "goal"}, resource="plan"),
    ("PATCH", "/api/v1/plan-goals/{id}"): api(
        t_goal,
        {"id": "goal"},
        resource="plan",
        write="plan.edit",
        body=lambda w, t: {"interventions": "sweep"},
    ),
    ("DELETE", "/api/v1/plan-goals/{id}"): api(
        t_goal, {"id": "goal"}, resource="plan", write="plan.edit"
    ),
    ("POST", "/api/v1/plan-goals/{id}/commitment"): api(
        t_goal,
        {"id": "goal"},
        resource="plan",
        write="goal.commit",
        body=lambda w, t: {"committed": False, "reason": "sweep"},
    ),
    ("GET", "/api/v1/plan-goals/{id}/progress"): api(t_goal, {"id": "goal"}, resource="plan"),
    ("POST", "/api/v1/plan-goals/{id}/progress"): api(
        t_goal,
        {"id": "goal"},
        resource="plan",
        write="goal.progress",
        body=lambda w, t: {"status": "in_progress", "note": "sweep"},
    ),
    ("GET", "/api/v1/plan-goals/{id}/amendments"): api(t_goal, {"id": "goal"}, resource="plan"),
    ("POST", "/api/v1/plan-goals/{id}/amendments"): api(
        t_goal,
        {"id": "goal"},
        resource="plan",
        write="plan.amend",
        body=lambda w, t: {"target_date": _in_days(400), "reason": "sweep"},
    ),
    ("GET", "/api/v1/evaluations"): api(),
    ("POST", "/api/v1/evaluations"): api(
        t_plan_in_force,
        resource="plan",
        write="plan.evaluate",
        body=lambda w, t: {
            "plan": t.ids["plan"],
            "held_on": _today(),
            "conclusion": "continue",
            "results": [{"goal": g, "result": "achieved"} for g in t.facts["goals"]],
        },
    ),
    ("GET", "/api/v1/evaluations/{id}"): api(t_evaluation, {"id": "evaluation"}, resource="plan"),
    ("GET", "/api/v1/itat-meetings"): api(),
    ("GET", "/api/v1/itat-meetings/{id}"): api(t_meeting, {"id": "meeting"}, scope="meeting"),
    ("GET", "/api/v1/itat-meetings/{id}/agenda"): api(
        t_meeting, {"id": "meeting"}, scope="meeting"
    ),
    # meetings
    ("GET", "/api/v1/uvo-meetings"): api(),
    ("POST", "/api/v1/uvo-meetings"): api(
        t_case,
        resource="uvo",
        write="uvo.manage",
        body=lambda w, t: {
            "case": t.ids["case"],
            "planned_at": f"{_in_days(30)}T10:00:00+01:00",
            "place": "sweep",
        },
    ),
    ("GET", "/api/v1/uvo-meetings/{id}"): api(t_uvo, {"id": "uvo"}, resource="uvo"),
    ("POST", "/api/v1/uvo-meetings/{id}/record"): api(
        t_uvo,
        {"id": "uvo"},
        resource="uvo",
        write="uvo.manage",
        body=lambda w, t: {
            "held_on": _today(),
            "minutes": "sweep",
            "lock_version": t.facts["lock_version"],
        },
    ),
    ("POST", "/api/v1/uvo-meetings/{id}/cancel"): api(
        t_uvo,
        {"id": "uvo"},
        resource="uvo",
        write="uvo.manage",
        body=lambda w, t: {"reason": "sweep"},
    ),
    ("GET", "/api/v1/agreements"): api(),
    ("POST", "/api/v1/agreements"): api(
        t_case,
        resource="agreement",
        write="uvo.manage",
        body=lambda w, t: {
            "case": t.ids["case"],
            "description": "sweep",
            "owner_organisation": _org(w, "RN"),
            "deadline": _in_days(10),
        },
    ),
    ("GET", "/api/v1/agreements/{id}"): api(t_agreement, {"id": "agreement"}, resource="agreement"),
    ("PATCH", "/api/v1/agreements/{id}"): api(
        t_agreement,
        {"id": "agreement"},
        resource="agreement",
        write="agreement.update",
        body=lambda w, t: {"status": "done", "note": "sweep"},
    ),
    ("GET", "/api/v1/notifications"): api(),
    ("POST", "/api/v1/notifications/{id}/read"): api(
        t_notification,
        {"id": "notification"},
        scope="own",
        write="notification.own",
        per_user=True,
    ),
    ("POST", "/api/v1/notifications/read-all"): api(write="any"),
}


# --- discovery ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    id: str
    method: str
    api: bool
    route: str  # the pattern (pages) or the OpenAPI path (API)
    name: str | None  # the URL name (pages)
    spec: Spec | None  # None: the sweep does not know this operation

    def url(self, target: Target) -> str:
        kwargs = {param: target.ids[key] for param, key in self.spec.params.items()}
        if not self.api:
            return reverse(self.name, kwargs=kwargs)
        path = self.route
        for param, value in kwargs.items():
            path = path.replace("{" + param + "}", str(value))
        return path + ("?page_size=100" if self.method == "GET" and "{" not in self.route else "")


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            yield from _walk(
                p.url_patterns, prefix + str(p.pattern), ns if p.namespace else namespace
            )
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name


def resolver_routes() -> list[tuple[str, str | None]]:
    return [(route.lstrip("^"), name) for route, name in _walk(get_resolver().url_patterns)]


def openapi_operations() -> list[tuple[str, str]]:
    schema = yaml.safe_load(OPENAPI.read_text())
    return [
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in ("get", "put", "post", "patch", "delete")
    ]


def _as_openapi_path(route: str) -> str:
    """A DRF router pattern as the schema writes it: ^api/(?P<version>v1)/cases/(?P<pk>..)/$
    becomes /api/v1/cases/{id}/."""
    path = route.replace("^", "").replace("$", "")
    path = re.sub(r"\(\?P<version>[^)]*\)", "v1", path)
    path = re.sub(r"\(\?P<pk>[^)]*\)", "{id}", path)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", path)
    return "/" + path


def api_routes_outside_schema() -> list[str]:
    """Routes under api/ that the schema does not list (each must be a page entry in WEB)."""
    documented = {path for _method, path in openapi_operations()}
    return [
        f"{route} [{name}]"
        for route, name in resolver_routes()
        if route.startswith(API_PREFIX)
        and _as_openapi_path(route) not in documented
        and name not in WEB
    ]


def discover() -> list[Operation]:
    operations = []
    for route, name in resolver_routes():
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if route.startswith(API_PREFIX) and name not in WEB:
            continue  # an API operation: from openapi.yaml below
        specs = WEB.get(name, {})
        for method in ("GET", "POST"):
            operations.append(
                Operation(f"{method} {name}", method, False, route, name, specs.get(method))
            )
    for method, path in openapi_operations():
        op_id = f"{method} " + re.sub(r"\{(\w+)\}", r":\1", path)
        operations.append(Operation(op_id, method, True, path, None, API.get((method, path))))
    return operations


def stale_entries() -> list[str]:
    """Registry entries whose URL or API operation no longer exists."""
    names = {name for _route, name in resolver_routes()}
    documented = set(openapi_operations())
    return [f"WEB[{n!r}]" for n in WEB if n not in names] + [
        f"API[{key!r}]" for key in API if key not in documented
    ]
