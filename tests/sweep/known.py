"""Leaks the sweep finds in today's code, each with the operations and checks it fails.

The integrator empties this list as the fixes land. A listed leak still fails the run (one
`test_known_leak_today[...]` each, so it shows as a failure, never as a skip or xfail); the
operation's own test accepts exactly its listed failures and fails when a listed leak no longer
reproduces there (remove the operation from the entry, or the entry), so the list cannot go
stale. Anything not listed is a new failure of its operation's test.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatch

from tests.sweep.runner import Failure


@dataclass(frozen=True)
class KnownLeak:
    id: str
    title: str
    ops: tuple[str, ...]  # operation ids, exactly as the sweep's test ids
    check: str | tuple[str, ...]  # checks, or their start: "marker:H", "hidden", "write"
    users: str | tuple[str, ...] = "*"  # globs over user labels ("itat@*")
    targets: str | tuple[str, ...] = "*"  # globs over "case / object" ("closed*"; "-": none)
    #: For marker checks: the marker fields (world.py's field codes) the leak shows; a failure
    #: with any other marker is not this leak.
    fields: tuple[str, ...] = ()

    def matches(self, op_id: str, failure: Failure) -> bool:
        return (
            op_id in self.ops
            and any(failure.check.startswith(c) for c in _many(self.check))
            and any(fnmatch(failure.user, u) for u in _many(self.users))
            and any(fnmatch(failure.target, t) for t in _many(self.targets))
            and (not self.fields or all(t[5:-1] in self.fields for t in failure.tokens))
        )


def _many(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else value


def _both(*names: str) -> tuple[str, ...]:
    """A page's GET and POST (a function view answers both)."""
    return tuple(f"{method} {name}" for name in names for method in ("GET", "POST"))


KNOWN_LEAKS_TODAY: list[KnownLeak] = [
    # --- ITAT (issue #8, Build 3) --------------------------------------------------------------
    KnownLeak(
        "itat-reads-every-submitted-plan",
        "ITAT members read every plan ever submitted, with no time limit (here the closed "
        "case's plan, decided ten weeks ago): its goals, evaluations, history and print page; "
        "its write pages answer 403/409 where a missing id gives 404",
        (
            *_both("plans:detail", "plans:print", "plans:edit", "plans:transition"),
            *_both("plans:goal_add", "plans:goal_edit", "plans:goal_commit"),
            "POST plans:advice",
            "POST plans:goal_delete",
            "GET /api/v1/plans/",
            "GET /api/v1/plans/:id/",
            "PATCH /api/v1/plans/:id/",
            "GET /api/v1/plans/:id/history/",
            "POST /api/v1/plans/:id/advice/",
            "POST /api/v1/plans/:id/approve/",
            "POST /api/v1/plans/:id/return/",
            "POST /api/v1/plans/:id/submit/",
            "GET /api/v1/plan-goals/",
            "POST /api/v1/plan-goals/",
            "GET /api/v1/plan-goals/:id/",
            "PATCH /api/v1/plan-goals/:id/",
            "DELETE /api/v1/plan-goals/:id/",
            "POST /api/v1/plan-goals/:id/commitment/",
            "POST /api/v1/evaluations/",
        ),
        check=("hidden", "marker:C", "marker:N"),
        users="itat@*",
        targets=("closed / plan*", "-"),
    ),
    KnownLeak(
        "itat-cannot-read-the-dossier-in-its-window",
        "ITAT members cannot read the non-health basisdossier of a case whose plan is on their "
        "agenda or was decided less than 4 weeks ago (a missing grant, not a leak)",
        ("GET cases:dossier", "GET /api/v1/cases/:id/basisdossier/"),
        check="reach",
        users="itat@*",
    ),
    # --- the ITAT-Expertgroep (issue #8, Build 3) ---------------------------------------------
    KnownLeak(
        "no-expertgroep-role",
        "The ITAT-Expertgroep is no role of its own yet",
        ("world",),
        check="feature:expertgroep_role",
    ),
    KnownLeak(
        "itat-answers-every-referral",
        "Every ITAT member reads and answers every ITAT-Expertgroep referral (and the ITAT page "
        "lists the open referrals' questions), on cases they may not see",
        _both("plans:referral_answer", "plans:itat"),
        check=("hidden", "write", "marker:C", "marker:N"),
        users="itat@*",
    ),
    # --- the programme team (issue #8, Build 4) -------------------------------------------------
    KnownLeak(
        "no-programme-membership",
        "A programme-team member cannot be made a member of a programme yet, so the support "
        "role in regie (read-only, health excluded) has nobody to apply to",
        ("world",),
        check="feature:programme_membership",
    ),
    # --- health (issue #8, Build 1) -------------------------------------------------------------
    KnownLeak(
        "health-evaluation-results-on-the-plan-tab",
        "The case's plan tab shows the evaluation results of health goal H2 (GGD) to "
        "non-health organisations on the team",
        _both("plans:case_plan"),
        check="marker:H",
        users="*@team_n",
        fields=("evh",),
    ),
    KnownLeak(
        "health-section-metadata",
        "The author of basisdossier section 9 (and the section's other metadata) shows to "
        "everyone who reads the dossier, also to those who may not read health",
        (*_both("cases:dossier"), "GET /api/v1/cases/:id/basisdossier/"),
        check="marker:H",
        fields=("sau",),
    ),
    KnownLeak(
        "health-text-of-a-goal-moved-out-of-9",
        "The plan comparison shows the old health text of goal H2, moved out of leefgebied 9, "
        "to non-health organisations on the team and to ITAT",
        _both("plans:compare"),
        check="marker:H",
        users=("*@team_n", "itat@*"),
        fields=("hb", "hbi"),
    ),
    # --- notifications, e-mail, calendar (issue #8, Build 2) -----------------------------------
    KnownLeak(
        "left-organisation-keeps-the-reminders",
        "An organisation that left the team (WPI) keeps getting the case's agreement reminders "
        "with the agreement's text: stored, in the inbox, the API and by e-mail",
        (
            "notifications",
            "e-mail",
            *_both("meetings:inbox"),
            "GET /api/v1/notifications/",
            "POST /api/v1/notifications/:id/read/",
        ),
        check="marker:C",
        users="*@left_n",
        fields=("agw",),
    ),
    KnownLeak(
        "ical-location-carries-the-place",
        "The iCal feed's LOCATION carries the UVO's free-text place (the feed must name the "
        "case by number only)",
        _both("meetings:calendar_feed"),
        check="marker:C",
        fields=("upl", "upf"),
    ),
    # --- the API (issue #8, Build 8) ------------------------------------------------------------
    KnownLeak(
        "offence-post-echoes-another-person",
        "POST /api/v1/offence-records/ with an existing external_id answers with a record of a "
        "person the client cannot see",
        ("POST /api/v1/offence-records/",),
        check="marker:P",
        users="partner_system@team_n",
        fields=("ox",),
    ),
    # --- writes to a closed case ----------------------------------------------------------------
    KnownLeak(
        "writes-to-a-closed-case",
        "The regisseur and accounthouder still write to a closed case: agreement status, "
        "expert referral, evaluation of the plan",
        (
            "POST meetings:agreement_status",
            "PATCH /api/v1/agreements/:id/",
            "POST plans:refer",
            "POST plans:evaluate",
            "POST /api/v1/evaluations/",
        ),
        check="write",
        users="*@case",
        targets="closed*",
    ),
]
