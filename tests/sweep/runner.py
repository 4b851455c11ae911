"""Calling an operation for every (user, target) and judging the answer against the oracle.

Every request runs in a savepoint that is rolled back, so the world stays as built; a write's
effect is measured inside it, before the rollback: the row count and highest id of every table
of the apps (every domain model keeps django-simple-history rows, so any write leaves a trace),
read in one query before and one after.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from django.apps import apps
from django.core import mail
from django.db import connection, transaction
from django.db.models import Max
from django.test import TestCase

from cases.models import Case
from meetings.models import Notification
from plans.models import ExpertGroupReferral
from tests.sweep import oracle
from tests.sweep.operations import Operation, Target
from tests.sweep.world import FULL, SweepUser, World

MARKER = re.compile(r"MK[NPCHGS]\d\d[a-z]{1,4}Z")
SNAPSHOT_APPS = ("partners", "cases", "plans", "meetings", "guardian", "auth")
#: Reads are logged (the access log is a write every read makes); sessions change with logins.
NOT_A_WRITE = re.compile(r"access|session", re.IGNORECASE)
MAX_ROWS = 40


def planted(text: str, markers) -> set[str]:
    """The world's markers in `text`. A random token (a CSRF token is 64 letters and digits) can
    spell the marker pattern by chance, about once in fifty sweeps (`MKP31dzZ` on a print page,
    where the world has eight cases): only what the world wrote counts. Not matched on word
    boundaries: a marker in a percent-encoded URL follows `%20`."""
    return set(MARKER.findall(text)) & set(markers)


#: What the sweep did, for the size report at the end of the run.
STATS: dict = {"operations": {}, "known": Counter()}


@dataclass
class Failure:
    check: str
    user: str
    stands_for: list[str]
    target: str
    expected: str
    got: str
    tokens: list[str] = field(default_factory=list)  # the markers, for a marker check


@dataclass
class Outcome:
    status: int
    text: str
    fingerprint: tuple
    changed: list[str] = field(default_factory=list)
    notified: list[tuple[int, str]] = field(default_factory=list)  # (user id, message)
    mailed: list[tuple[str, str]] = field(default_factory=list)  # (address, subject and body)
    #: The facts of the target case that the write changed (status, an open referral): who is
    #: told of a step reads the case as it is after it (an IVG member asked to contribute).
    after: dict = field(default_factory=dict)


#: PostgreSQL counts every row a transaction inserts, updates or deletes, per table, as it goes:
#: one cheap query instead of a count of every table.
PG_SNAPSHOT = (
    "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables ORDER BY 1"
)


def _snapshot_query() -> tuple[str, list[tuple[str, str]]]:
    """One query for the row count and highest id of every table of the apps (SQLite)."""
    # Table and column names come from the models, quoted by the backend: no input reaches it.
    quote = connection.ops.quote_name
    columns, labels = [], []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in SNAPSHOT_APPS or NOT_A_WRITE.search(model.__name__):
            continue
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        columns += [f"(SELECT COUNT(*) FROM {table})", f"(SELECT MAX({pk}) FROM {table})"]  # noqa: S608
        labels += [(model.__name__, "rows"), (model.__name__, "highest id")]
        if model.__name__ == "Notification":  # marked read with update(): no history row
            columns += [
                f"(SELECT COUNT(*) FROM {table} WHERE read_at IS NULL)",  # noqa: S608
                f"(SELECT COUNT(*) FROM {table} WHERE email_state <> 'sent')",  # noqa: S608
            ]
            labels += [("Notification", "unread"), ("Notification", "not e-mailed")]
    return "SELECT " + ", ".join(columns), labels


def _text(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    text = content.decode("utf-8", errors="replace")
    if response.get("Content-Type", "").startswith("text/calendar"):
        text = re.sub(r"\r?\n[ \t]", "", text)  # iCal folds long lines
    return text


def _fingerprint(response, text: str, api: bool) -> tuple:
    """What a refused request answers, without the ids: the status, and for a redirect its
    target, for a problem its code and the names of the invalid parameters."""
    status = response.status_code
    if 300 <= status < 400:
        return (status, re.sub(r"\d+", "#", response.get("Location", "")))
    if api and "json" in response.get("Content-Type", ""):
        try:
            data = json.loads(text)
        except ValueError:
            return (status,)
        if isinstance(data, dict):
            params = tuple(
                sorted((p.get("name"), p.get("code")) for p in data.get("invalid_params", []))
            )
            return (status, data.get("code"), params)
    return (status,)


class Sweep:
    def __init__(self, world: World) -> None:
        self.world = world
        self.sql, self.labels = _snapshot_query()
        self.models = {m._meta.db_table: m.__name__ for m in apps.get_models()}
        self._allowed: dict[tuple[str, str], frozenset[str]] = {}
        self._missing: dict[tuple, tuple] = {}
        self.requests = 0
        self.last_notification = Notification.objects.aggregate(m=Max("pk"))["m"] or 0

    # --- what a user may find in a body ------------------------------------------------------

    def allowed(self, user: SweepUser, mode: str) -> frozenset[str]:
        key = (user.label, mode)
        if key not in self._allowed:
            w = self.world
            if mode == "none":
                tokens: set[str] = set()
            else:
                tokens = {
                    t for t, m in w.markers.items() if oracle.reads_marker(user, m, w.cases[m.case])
                }
                if mode == "audit" and oracle.reads_access_log(user):
                    tokens |= {t for t, m in w.markers.items() if m.field in oracle.NAME_FIELDS}
                if mode == "inzage" and oracle.reads_for_inzage(user):
                    tokens |= {t for t, m in w.markers.items() if m.cls in oracle.INZAGE_CLASSES}
            self._allowed[key] = frozenset(tokens)
        return self._allowed[key]

    def leaks(self, user: SweepUser, text: str, mode: str = "rules") -> list[str]:
        found = planted(text, self.world.markers.keys())
        return sorted(found - self.allowed(user, mode))

    def leaks_after(self, user: SweepUser, text: str, case, after: dict) -> list[str]:
        """`leaks` judged on the case as the write left it (the markers of other cases as they
        are): what a notification of this write may tell its recipient."""
        leaked = self.leaks(user, text)
        if not leaked or case is None or not after:
            return leaked
        changed = dataclasses.replace(case, **after)
        markers = self.world.markers
        return [
            t
            for t in leaked
            if not (
                t in markers
                and markers[t].case == case.label
                and oracle.reads_marker(user, markers[t], changed)
            )
        ]

    def describe(self, tokens: list[str]) -> str:
        shown = []
        for t in tokens[:6]:
            m = self.world.markers.get(t)
            shown.append(f"{t} ({m.case} {m.resource}:{m.field})" if m else t)
        return ", ".join(shown) + (f" and {len(tokens) - 6} more" if len(tokens) > 6 else "")

    # --- one request ---------------------------------------------------------------------------

    def snapshot(self) -> dict[tuple[str, str], object]:
        """What the tables hold, by (model, measure): on SQLite the row count and highest id of
        each; on PostgreSQL the rows this transaction has written to each so far."""
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(PG_SNAPSHOT)
                return {
                    (self.models.get(table, table), "written"): n
                    for table, n in cursor.fetchall()
                    if not NOT_A_WRITE.search(table)
                }
            cursor.execute(self.sql)
            return dict(zip(self.labels, cursor.fetchone(), strict=True))

    @staticmethod
    def written(before: dict, after: dict) -> list[str]:
        """The models a request wrote to."""
        changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
        return sorted({model for model, _measure in changed})

    def call(self, op: Operation, user: SweepUser, target: Target) -> Outcome:
        spec = op.spec
        url = op.url(target)
        body = spec.body(self.world, target) if spec.body and op.method != "GET" else None
        write = op.method != "GET"
        client = user.client
        cookies = SimpleCookie(client.cookies)  # logout must not log the sweep's user out
        extra = {}
        if op.api and user.token:
            extra["HTTP_AUTHORIZATION"] = f"Token {user.token}"
        self.requests += 1
        sent_before = len(mail.outbox)
        with transaction.atomic():
            before = self.snapshot() if write else None
            # A write's side effects wait for the commit that never comes here: run them, inside
            # the savepoint, so that what they notify and send is judged too.
            with TestCase.captureOnCommitCallbacks(execute=write):
                if op.api:
                    data = json.dumps(body) if body is not None else ""
                    response = client.generic(
                        op.method, url, data, content_type="application/json", **extra
                    )
                elif op.method == "GET":
                    response = client.get(url, **extra)
                else:
                    response = client.post(url, body or {}, **extra)
            text = _text(response)
            changed, notified, after = [], [], {}
            if write and response.status_code < 500:
                changed = self.written(before, self.snapshot())
                if "Notification" in changed:
                    notified = list(
                        Notification.objects.filter(pk__gt=self.last_notification).values_list(
                            "user_id", "message"
                        )
                    )
                case = self.world.cases.get(target.case) if target.case else None
                if case is not None and changed:
                    after = {
                        "status": Case.objects.filter(pk=case.pk).values_list("status", flat=True)[
                            0
                        ],
                        "referral_open": ExpertGroupReferral.objects.filter(
                            case_id=case.pk, advised_at__isnull=True
                        ).exists(),
                    }
            transaction.set_rollback(True)
        mailed = [
            (address, f"{m.subject}\n{m.body}")
            for m in mail.outbox[sent_before:]
            for address in m.to
        ]
        del mail.outbox[sent_before:]
        client.cookies = cookies
        fingerprint = _fingerprint(response, text, op.api)
        return Outcome(response.status_code, text, fingerprint, changed, notified, mailed, after)

    def missing(self, op: Operation, user: SweepUser, target: Target) -> tuple:
        """The answer to the same request with ids no object has. A missing object has no
        case, team or organisation to relate to, so the answer depends on the user's roles
        only: it is asked once per operation, body and set of roles."""
        gone = target.missing()
        body = op.spec.body(self.world, gone) if op.spec.body and op.method != "GET" else None
        who = (sorted(user.roles), user.user is None, user.api_only)
        key = (op.id, json.dumps([who, gone.ids, body], sort_keys=True, default=str))
        if key not in self._missing:
            self._missing[key] = self.call(op, user, gone).fingerprint
        return self._missing[key]

    # --- judging -------------------------------------------------------------------------------

    def visible(self, op: Operation, user: SweepUser, target: Target) -> tuple[bool, bool]:
        """(the object exists for the user, the user reads the part the operation shows).

        A case exists for whoever reads any part of it: its header (the person's name,
        programme, status) goes with every part, so a reader of the plan alone (ITAT) may be
        sent from the overview to the plan tab, or refused a step with 403 or 409. What such a
        reader may not read is judged by the markers, what it may not do by the writes."""
        scope = op.spec.scope
        case = self.world.cases.get(target.case) if target.case else None
        if scope == "case":
            seen = oracle.sees(user, case)
            return bool(seen), op.spec.resource in seen
        if scope == "person":
            reads = oracle.reads_person(user, case)
            return reads, reads
        if scope == "record":  # an offence record: the person's readers, and its source
            reads = oracle.reads_record(user, case, target.facts["source"])
            return reads, reads
        if scope == "own":
            own = target.facts.get("owner", user.label) == user.label
            return own, own
        return True, True  # global, meeting: no object of a case in the URL

    def judge(self, op: Operation, user: SweepUser, stands_for, target: Target) -> list[Failure]:
        spec = op.spec
        out = self.call(op, user, target)
        failures = []

        def fail(check: str, expected: str, got: str, tokens=()) -> None:
            failures.append(
                Failure(check, user.label, stands_for, target.name, expected, got, list(tokens))
            )

        case = self.world.cases.get(target.case) if target.case else None
        if out.status >= 500:
            fail("5xx", "no server error", str(out.status))
        visible, reads = self.visible(op, user, target)
        if not visible:
            baseline = self.missing(op, user, target)
            if out.fingerprint != baseline:
                fail("hidden", f"{baseline} (as a missing id)", str(out.fingerprint))
            if out.changed:
                fail("write-hidden", "nothing written", f"{out.status}, wrote {out.changed}")
        elif op.method != "GET":
            action = spec.action(target)
            if not oracle.may(user, action, case, {**target.facts, **target.ids}):
                if out.changed:
                    fail("write", f"refused ({action})", f"{out.status}, wrote {out.changed}")
                elif op.api and 200 <= out.status < 300:
                    fail("write-status", f"refused ({action})", f"{out.status} (nothing written)")
        # A page that writes nothing is read-only: a POST is refused before any work.
        read_only_page = not op.api and op.method == "POST" and spec.write == "none"
        if read_only_page and user.user is not None and out.status != 405:
            fail("method", "405 (a page that writes nothing takes no POST)", str(out.status))
        reads = reads and op.method == "GET" and user.user is not None
        if reads and spec.is_canonical(target) and out.status != 200:
            fail("reach", "200 (the oracle lets this user read it)", str(out.status))
        leaked = self.leaks(user, out.text, spec.markers)
        for cls, tokens in _by_class(leaked).items():
            fail(f"marker:{cls}", "no marker the user may not read", self.describe(tokens), tokens)
        by_email = {u.user.email: u for u in self.world.users if u.user is not None}
        told = [
            (self.world.sweep_users_by_pk.get(user_id), message)
            for user_id, message in out.notified
        ]
        told += [(by_email.get(address), text) for address, text in out.mailed]
        for recipient, message in told:
            if recipient is None:
                continue
            for cls, tokens in _by_class(
                self.leaks_after(recipient, message, case, out.after)
            ).items():
                fail(
                    f"marker:{cls}",
                    f"no marker that {recipient.label} may not read, in the notification "
                    "this write made for them",
                    self.describe(tokens),
                    tokens,
                )
        return failures

    def run(self, op: Operation) -> tuple[list[Failure], int, float]:
        started, cpu, count = time.perf_counter(), time.process_time(), self.requests
        failures: list[Failure] = []
        mail.outbox = []
        w = self.world
        if op.spec.per_user:
            for user in w.users:
                if user.api_only and not op.api:
                    continue
                for target in op.spec.targets(w, user):
                    failures += self.judge(op, user, [], target)
        else:
            anonymous_done = False
            for target in op.spec.targets(w):
                # Users are taken together by their facts about the target's case (any target
                # of a case: a page about its person or an escalation too); an offence record
                # adds whether the user's organisation is the record's source.
                source = target.facts.get("source") if op.spec.scope == "record" else None
                users = w.users_for(
                    target.case, api=op.api, per_role=op.spec.per_role, source=source
                )
                for user, stands_for in users:
                    if user.user is None:
                        # Nobody: no case can make a difference (else its answer differs from
                        # the missing id's, which the first call compares).
                        if anonymous_done and not FULL:
                            continue
                        anonymous_done = True
                    failures += self.judge(op, user, stands_for, target)
        failures += self.mail_failures(list(mail.outbox), "during this operation")
        STATS["cpu"] = STATS.get("cpu", 0.0) + time.process_time() - cpu
        return failures, self.requests - count, time.perf_counter() - started

    def mail_failures(self, outbox, when: str) -> list[Failure]:
        by_email = {u.user.email: u for u in self.world.users if u.user is not None}
        failures = []
        for message in outbox:
            text = f"{message.subject}\n{message.body}"
            for address in message.to:
                user = by_email.get(address)
                if user is None:
                    continue
                for cls, tokens in _by_class(self.leaks(user, text)).items():
                    failures.append(
                        Failure(
                            f"marker:{cls}",
                            user.label,
                            [],
                            f"e-mail {when}",
                            "no marker the recipient may not read",
                            self.describe(tokens),
                            tokens,
                        )
                    )
        return failures


def _by_class(tokens: list[str]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for t in tokens:
        grouped.setdefault(t[2], []).append(t)
    return grouped


def table(failures: list[Failure]) -> str:
    rows = [("check", "user (stands for)", "target", "expected", "got")]
    for f in failures[:MAX_ROWS]:
        who = f.user + (
            f" (+{len(f.stands_for)}: {', '.join(f.stands_for[:3])}…)" if f.stands_for else ""
        )
        rows.append((f.check, who, f.target, f.expected, f.got))
    widths = [min(max(len(r[i]) for r in rows), 60) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(widths[i]) if i < 4 else cell for i, cell in enumerate(row))
        for row in rows
    ]
    if len(failures) > MAX_ROWS:
        lines.append(f"... and {len(failures) - MAX_ROWS} more")
    return "\n".join(lines)


def export_stats() -> dict:
    """STATS as plain data, to cross from a pytest-xdist worker to the controller."""
    return {**STATS, "operations": dict(STATS["operations"]), "known": dict(STATS["known"])}


def merge_stats(stats: dict | None) -> None:
    if not stats:
        return
    STATS["operations"].update(stats["operations"])
    STATS["known"].update(stats["known"])
    for key, value in stats.items():
        if key not in ("operations", "known"):
            STATS[key] = value


def summary(terminalreporter) -> None:
    """The sweep's size, time, failing checks and slowest operations, after the run."""
    ops = STATS["operations"]
    if not ops:
        return
    from tests.sweep.known import KNOWN_LEAKS_TODAY

    write = terminalreporter.write_line
    requests = sum(o["requests"] for o in ops.values())
    seconds = sum(o["seconds"] for o in ops.values())
    web = sum(
        1
        for key in ops
        if not key.startswith(("GET /api", "POST /api", "PATCH /api", "PUT /api", "DELETE /api"))
    )
    terminalreporter.section("permission sweep")
    write(
        f"{len(ops)} operations ({web} page, {len(ops) - web} API) × {STATS.get('users', '?')} "
        f"users × {STATS.get('cases', '?')} cases → {requests} requests in {seconds:.0f} s "
        f"({STATS.get('cpu', 0):.0f} s CPU; world built in {STATS.get('world_seconds', 0):.1f} s)"
    )
    write(
        f"failing checks: {sum(o['new'] for o in ops.values())} new, "
        f"{sum(STATS['known'].values())} known ({len(KNOWN_LEAKS_TODAY)} KNOWN_LEAKS_TODAY entries)"
    )
    for leak in KNOWN_LEAKS_TODAY:
        write(f"  known leak {leak.id}: {STATS['known'][leak.id]} failing checks — {leak.title}")
    slowest = sorted(ops.items(), key=lambda kv: -kv[1]["seconds"])[:5]
    write(
        "slowest: " + "; ".join(f"{k} {v['requests']} req {v['seconds']:.1f} s" for k, v in slowest)
    )
