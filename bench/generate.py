"""Generate the benchmark data set: ten times Amsterdam at --scale 1, clearly fake, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/regie_bench bench/generate --scale 1 --reset

At --scale 1: 10,000 cases in regie and 20,000 closed (plus a few hundred on their way in or
out), ~436 k UVOs, ~1.4 M agreements, ~585 k plan goals, ~8.3 M rows in all. Every case walks
its life in a small simulation (registration, basisdossier, assignment, regie with plan versions,
ITAT, evaluations, UVOs and agreements, outflow, closing) and writes the rows the services would
write for it: status changes, timeline events, team memberships and, for active memberships, the
guardian `CaseGroupObjectPermission` rows that `cases.services._team_join` grants (closing a case
revokes them, as `_team_leave` does), access log entries, reminders and notifications as the
daily scan makes them, and history rows (see HISTORY). Rows go in with COPY ... FREEZE in one
transaction; then ANALYZE.

Refuses SQLite and any database whose name does not contain "bench". Creates and migrates the
database when needed; `--reset` empties the generated tables first (otherwise they must be empty).

To adapt to a changed model: each model's rows are made in one small function below (`add_*`).
A new field with a default needs nothing; a new required field is named in the error message.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (
    BENCH_PASSWORD,
    MARK,
    database_url,
    ensure_database,
    migrate,
    setup_django,
)

# --- the shape of the data at --scale 1 -------------------------------------------------------

CASES_BY_STATUS = {  # scaled
    "in_regie": 10_000,
    "closed": 20_000,
    "registered": 100,
    "basisdossier": 150,
    "awaiting_assignment": 60,
    "assigned": 40,
    "outflow": 150,
}
#: Share of the cases each organisation directs (the regie organisation).
REGIE_SHARE = {
    "RN": 0.30,
    "LJR": 0.12,
    "INFORSA": 0.10,
    "STADSDELEN": 0.10,
    "WPI": 0.08,
    "OJZD": 0.08,
    "JBRA": 0.08,
    "GGD": 0.05,
    "AMSTELLAND": 0.05,
    "WSS": 0.04,
}
PROGRAMME_SHARE = {"TOP600": 0.65, "TOP400": 0.30, "DETENTIE": 0.03, "VERWARD": 0.02}
#: Chance that a kernpartner is on a case team (besides the regie organisation).
TEAM_CHANCE = {
    "POLITIE": 0.90,
    "OM": 0.60,
    "WPI": 0.45,
    "GGD": 0.40,
    "STADSDELEN": 0.30,
    "OJZD": 0.20,
    "RN": 0.20,
    "DJI": 0.12,
}
TOP400_TEAM_CHANCE = {"RVDK": 0.5, "JBRA": 0.35, "WSS": 0.1}
INTERVENTION_PARTNERS = [  # code, name, handles_health (fictitious)
    ("BENCHZORG1", "Bench Zorg Noord (fictief)", True),
    ("BENCHZORG2", "Bench Zorg Zuid (fictief)", True),
    ("BENCHVERSLAVING", "Bench Verslavingszorg (fictief)", True),
    ("BENCHWONEN", "Bench Begeleid Wonen (fictief)", False),
    ("BENCHWERK", "Bench Werkplaats (fictief)", False),
    ("BENCHSCHULD", "Bench Schuldhulp (fictief)", False),
    ("BENCHJEUGD", "Bench Jeugdhulp (fictief)", False),
    ("BENCHSPORT", "Bench Sport en Coaching (fictief)", False),
]
CASES_PER_REGISSEUR = 12  # in regie
REGISSEURS_PER_ACCOUNTHOUDER = 28
FORMER_REGISSEURS = 0.25  # inactive users who directed older closed cases
PROFESSIONALS_PER_KERNPARTNER = 15  # interventieplegers, scaled (at least 3)
PROFESSIONALS_PER_PARTNER = 8
IVG_PER_KERNPARTNER = 3
ITAT_MEMBERS = 12
EXPERTGROEP_MEMBERS = 5
PROGRAMME_TEAM = 6

UVO_EVERY_DAYS = 56  # 8 weeks, with a spread (UVO_SPREAD)
UVO_SPREAD = [-7, -3, 0, 0, 0, 0, 4, 7, 14]
ATTENDS = 0.75  # chance a team organisation comes to a UVO (absentees: 30 % recorded)
AGREEMENTS_PER_UVO = [1, 2, 2, 3, 3, 4, 4, 4, 5, 6]  # mean 3.4
PLAN_REVISION_DAYS = (240, 480)
GOALS_PER_PLAN = [4, 5, 6, 6, 7, 7, 8, 8, 9]  # mean 6.7
EVALUATION_HELD = 0.75
EVENTS_PER_YEAR = 1.6  # arrests, detention, moves, measures
ACCESS_READS_IN_REGIE = 30  # reads of a case's file in the last ACCESS_DAYS
ACCESS_DAYS = 180
NOTIFY_DAYS = 90  # reminders and notifications of the daily scans of the last 90 days
FAMILY_SHARE = 0.10

#: History rows (simple-history) per model. The history tab and the API read these back, so
#: they get every row the services write ("+" on create, "~" per change). The rest (agreements,
#: UVOs, attendees, timeline, offences, evaluations, advice, ...) would double the set to ~14 M
#: rows without a page that reads them; `--full-history` writes them too.
HISTORY = {
    "Person",
    "Case",
    "Basisdossier",
    "DossierSection",
    "DossierContribution",
    "CaseTeamMembership",
    "Plan",
    "PlanGoal",
    "HandedOverGoal",
    "User",
}

FIRST_NAMES = (  # noqa: SIM905
    "Sem Noah Daan Lucas Levi Milan Bram Finn Jesse Luuk Mohammed Ayoub Yassin Liam Sven "
    "Thijs Mees Ryan Ilias Adam Emma Julia Mila Sara Noor Yara Fleur Lotte Nora Amira Zoë "
    "Lina"
).split()
NAME_STEMS = (  # noqa: SIM905
    "dijk berg veld hoven bosch meer straat kamp laan burg water hof broek wijk horst land "
    "stein beek rode molen graaf haven zand hout"
).split()
WORDS = (  # noqa: SIM905
    "de het een en van in op met voor naar bij over uit door afspraak casus regie plan doel "
    "netwerk partner gesprek contact huisbezoek inkomen schulden woning school werk "
    "dagbesteding zorg begeleiding reclassering toezicht melding politie aanhouding familie "
    "broer moeder vader vrienden motivatie houding afspraken nakomen traject aanmelding "
    "wachtlijst uitkering budgetbeheer training behandeling ambulant intensief stabiel risico "
    "signalen zorgen voortgang evaluatie besproken afgesproken opgepakt uitgevoerd gepland "
    "loopt vertraging"
).split()


LETTERS = "ABCDEFGHJKLMNPRSTVWXZ"


# --- rows: a buffer per table, written with COPY FREEZE ----------------------------------------


class Missing:
    def __repr__(self) -> str:
        return "<no value>"


MISSING = Missing()


#: The moment the data set is generated: the value of fields Django fills on save.
GENERATED_AT = datetime.now(UTC)


class Table:
    """One model's rows, in the model's column order; ids assigned here."""

    def __init__(self, loader: Loader, model) -> None:
        from django.db.models import AutoField, BigAutoField, JSONField, SmallAutoField

        self.loader = loader
        self.model = model
        self.name = model._meta.db_table
        fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in fields]
        self.pos: dict[str, int] = {}
        for i, f in enumerate(fields):
            self.pos[f.attname] = i
            self.pos.setdefault(f.name, i)
        self.template = []
        for f in fields:
            if f.primary_key:
                self.template.append(None)
            elif f.has_default():
                self.template.append(f.get_default())
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.template.append(GENERATED_AT)  # `updated_at`, `created`: when generated
            elif f.has_db_default():
                self.template.append(getattr(f.db_default, "value", MISSING))
            elif f.null:
                self.template.append(None)
            elif f.blank and f.get_internal_type() in ("CharField", "TextField"):
                self.template.append("")
            else:
                self.template.append(MISSING)
        self.json = [i for i, f in enumerate(fields) if isinstance(f, JSONField)]
        pk = model._meta.pk
        self.pk_pos = self.pos[pk.attname]
        self.auto_pk = isinstance(pk, AutoField | BigAutoField | SmallAutoField)
        self.next_id = 1
        self.rows: list[list] = []
        self.count = 0

    def new_id(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value

    def add(self, **values) -> int:
        row = self.template.copy()
        pos = self.pos
        try:
            for key, value in values.items():
                row[pos[key]] = value
        except KeyError as exc:
            raise SystemExit(
                f"{self.model.__name__} has no field {exc}: adapt its add_* function."
            ) from None
        if self.auto_pk and row[self.pk_pos] is None:
            row[self.pk_pos] = self.next_id
            self.next_id += 1
        self.rows.append(row)
        if len(self.rows) >= 20_000:
            self.flush()
        return row[self.pk_pos]

    def flush(self) -> None:
        if not self.rows:
            return
        for row in self.rows:
            if MISSING in row:
                names = [c for c, v in zip(self.columns, row, strict=True) if v is MISSING]
                raise SystemExit(
                    f"{self.model.__name__}: no value for required field(s) {names}: "
                    "give them in its add_* function."
                )
        if self.json:
            from psycopg.types.json import Jsonb

            for row in self.rows:
                for i in self.json:
                    row[i] = Jsonb(row[i])
        self.loader.copy(self, self.rows)
        self.count += len(self.rows)
        self.rows = []


class History:
    """The historical model of a model (simple-history): one row per create or change."""

    def __init__(self, loader: Loader, model, enabled: bool) -> None:
        self.enabled = enabled
        self.table = loader.table(model.history.model)
        base = loader.table(model)
        self.map = [
            (self.table.pos[name], base.pos[name])
            for name in self.table.pos
            if name in base.pos and not name.startswith("history_")
        ]
        self.base = base
        pos = self.table.pos
        self.special = (pos["history_type"], pos["history_date"], pos["history_user_id"])

    def add(self, state: dict, kind: str, at: datetime, by: int | None) -> None:
        """`state`: the object's field values (attnames) after the change."""
        if not self.enabled:
            return
        row = self.table.template.copy()
        base_pos = self.base.pos
        hist_pos = self.table.pos
        for key, value in state.items():
            if key in base_pos and key in hist_pos:
                row[hist_pos[key]] = value
        t, d, u = self.special
        row[t], row[d], row[u] = kind, at, by
        row[self.table.pk_pos] = self.table.new_id()
        self.table.rows.append(row)
        if len(self.table.rows) >= 20_000:
            self.table.flush()


class Loader:
    """A psycopg connection in one transaction: TRUNCATE the generated tables, COPY FREEZE."""

    def __init__(self, url: str, *, check_constraints: bool) -> None:
        import psycopg

        self.conn = psycopg.connect(url)
        self.tables: dict[type, Table] = {}
        self.copy_seconds = 0.0
        self.check_constraints = check_constraints

    def table(self, model) -> Table:
        if model not in self.tables:
            self.tables[model] = Table(self, model)
        return self.tables[model]

    def begin(self, models: list) -> None:
        names = ", ".join(f'"{m._meta.db_table}"' for m in models)
        with self.conn.cursor() as cur:
            if not self.check_constraints:
                # Foreign keys are not checked row by row (the generator makes them consistent;
                # `--check-constraints` checks them, slowly). Needs a superuser, as here.
                cur.execute("SET session_replication_role = replica")
            cur.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")

    def copy(self, table: Table, rows: list[list]) -> None:
        started = time.perf_counter()
        columns = ", ".join(f'"{c}"' for c in table.columns)
        freeze = "" if self.check_constraints else " WITH (FREEZE)"
        with (
            self.conn.cursor() as cur,
            cur.copy(f'COPY "{table.name}" ({columns}) FROM STDIN{freeze}') as copy,
        ):
            for row in rows:
                copy.write_row(row)
        self.copy_seconds += time.perf_counter() - started

    def finish(self) -> None:
        for table in self.tables.values():
            table.flush()
        with self.conn.cursor() as cur:
            for table in self.tables.values():
                if table.auto_pk and table.count:
                    pk = table.columns[table.pk_pos]
                    cur.execute(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{pk}'), "
                        f'(SELECT max("{pk}") FROM "{table.name}"))'
                    )
            cur.execute("SET session_replication_role = DEFAULT")
        self.conn.commit()


# --- the generator's state ---------------------------------------------------------------------


@dataclass
class Org:
    id: int
    code: str
    group_id: int
    kernpartner: bool
    health: bool
    users: list[int] = field(default_factory=list)  # active users with e-mail (reminders)
    professionals: list[int] = field(default_factory=list)
    ivg: list[int] = field(default_factory=list)


@dataclass
class Member:
    id: int
    org: Org
    role: str
    joined: date
    left: date | None
    professional: int | None


class G:
    """Everything the add_* functions need: tables, reference ids, random, dates."""

    def __init__(self, loader: Loader, rng: random.Random, today: date, full_history: bool):
        from django.apps import apps

        self.loader = loader
        self.rng = rng
        self.today = today
        self.now = datetime(today.year, today.month, today.day, 6, 30, tzinfo=UTC)
        self.m = {m.__name__: m for m in apps.get_models()}
        self.t = {name: loader.table(model) for name, model in self.m.items()}
        self.h = {
            name: History(loader, model, full_history or name in HISTORY)
            for name, model in self.m.items()
            if hasattr(model, "history") and not name.startswith("Historical")
        }
        self.text_pool = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randrange(30, 260))).capitalize() + "."
            for _ in range(400)
        ]
        self.itat_meetings: dict[date, int] = {}
        self.event_ext = 0

    def text(self, low: int, high: int) -> str:
        body = self.text_pool[self.rng.randrange(len(self.text_pool))]
        return body[: self.rng.randrange(low, high)].rstrip() + "."

    def at(self, day: date, hour: int | None = None) -> datetime:
        """A moment on `day` in office hours (UTC)."""
        hour = self.rng.randrange(7, 16) if hour is None else hour
        return datetime(day.year, day.month, day.day, hour, self.rng.randrange(60), tzinfo=UTC)


def days(n: float) -> timedelta:
    return timedelta(days=int(n))


# --- organisations, users, roles ---------------------------------------------------------------


def ensure_organisations() -> None:
    """The fictitious intervention partners (through the ORM: each gets its permission group)."""
    from partners.models import Organisation, OrganisationKind

    for code, name, health in INTERVENTION_PARTNERS:
        Organisation.objects.get_or_create(
            code=code,
            defaults={"name": name, "kind": OrganisationKind.PARTNER, "handles_health": health},
        )


def load_reference(g: G) -> None:
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from cases.models import Programme
    from partners.models import Organisation, RoleGroup

    g.orgs = {
        o.code: Org(o.pk, o.code, o.group_id, o.kind == "kernpartner", o.handles_health)
        for o in Organisation.objects.all()
    }
    g.role_groups = dict(RoleGroup.objects.values_list("role", "group_id"))
    g.programmes = dict(Programme.objects.values_list("code", "pk"))
    g.view_case = Permission.objects.get(codename="view_case", content_type__app_label="cases").pk
    g.content_types = {
        name: ContentType.objects.get_for_model(g.m[name]).pk
        for name in ("Case", "Plan", "Agreement")
    }


def add_user(g: G, *, org: Org | None, username: str, roles: list[str], active=True, email=True):
    """A user with their organisation's group and their role groups (as the admin and
    partners.services.user_sync_organisation_group leave them)."""
    rng = g.rng
    first = rng.choice(FIRST_NAMES)
    last = f"{MARK}{rng.choice(NAME_STEMS)}"
    joined = g.now - days(rng.randrange(200, 2500))
    state = {
        "id": g.t["User"].new_id(),
        "password": g.password,
        "username": username,
        "first_name": first,
        "last_name": last,
        "email": f"{username}@example.invalid" if email else "",
        "is_staff": "beheerder" in roles,
        "is_active": active,
        "date_joined": joined,
        "organisation_id": org.id if org else None,
        # The organisation's first person who can be reached is its contact.
        "organisation_contact": bool(
            org and active and email and not org.users and "partner_system" not in roles
        ),
    }
    g.t["User"].add(**state)
    g.h["User"].add(state, "+", joined, None)
    g.org_of_user[state["id"]] = org.id if org else None
    if "partner_system" in roles:
        g.system[org.code] = state["id"]
    groups = g.t["User"].model.groups.through
    through = g.loader.table(groups)
    if org is not None:
        through.add(user_id=state["id"], group_id=org.group_id)
    for role in roles:
        through.add(user_id=state["id"], group_id=g.role_groups[role])
    if org is not None and active and email:
        org.users.append(state["id"])
    return state["id"]


def bench_api_key(user_id: int) -> str:
    """The API key of a generated partner system, derived from its id (bench/run sends it)."""
    secret = hashlib.sha256(f"regie-bench-{user_id}".encode()).hexdigest()[:32]
    return f"b{user_id:07d}.{secret}"


def ensure_bench_api_key(user_id: int) -> str:
    """The system's bench key, stored (hashed) if a data set from before API keys lacks it."""
    from partners.models import ApiKey, ApiScope

    key = bench_api_key(user_id)
    prefix = key.partition(".")[0]
    if not ApiKey.objects.filter(prefix=prefix, revoked=False).exists():
        hashed = ApiKey.objects.key_generator.hash(key)
        ApiKey.objects.create(
            id=f"{prefix}.{hashed}",
            prefix=prefix,
            hashed_key=hashed,
            name="bench",
            user_id=user_id,
            scopes=list(ApiScope.values),
        )
    return key


#: Webhooks at ten times the city: events of 30 days (the time they are kept), each delivered
#: to the subscriptions of the organisations on the case's team; one attempt each, 2 % failed.
WEBHOOK_EVENTS = 60_000
WEBHOOK_TYPES = [
    "case.assigned", "case.team_joined", "plan.submitted", "plan.approved", "uvo.planned",
    "uvo.held", "agreement.created", "agreement.due", "agreement.done", "timeline.event",
]  # fmt: skip


def ensure_bench_webhooks() -> None:
    """A subscription (every event type) for each generated partner system, with 30 days of
    events, deliveries and their log, made in SQL if the data set has none yet."""
    from django.db import connection, transaction

    from meetings.models import WebhookEventType, WebhookSubscription
    from meetings.webhooks import new_secret
    from partners.models import User

    if WebhookSubscription.objects.exists():
        return
    with transaction.atomic():
        for system in User.objects.filter(username__startswith="bench.system.").order_by("pk"):
            WebhookSubscription.objects.create(
                organisation_id=system.organisation_id,
                user=system,
                url=f"https://{system.username.split('.')[-1]}.bench.example/regie/hooks",
                event_types=list(WebhookEventType.values),
                secret=new_secret(),
            )
        with connection.cursor() as cursor:
            cursor.execute(
                """
                WITH cs AS (SELECT array_agg(id ORDER BY id) AS a FROM cases_case
                             WHERE status = 'in_regie')
                INSERT INTO meetings_webhookevent
                       (type, case_id, part, data, also_organisation_ids, created_at,
                        fanned_out_at)
                SELECT (%(types)s::text[])[1 + g %% %(n_types)s], cs.a[1 + g %% cardinality(cs.a)],
                       'uvo', jsonb_build_object('case', jsonb_build_object(
                           'id', cs.a[1 + g %% cardinality(cs.a)])), '[]'::jsonb,
                       now() - (g * interval '43 seconds'), now() - (g * interval '43 seconds')
                  FROM generate_series(1, %(events)s) g, cs""",
                {"types": WEBHOOK_TYPES, "n_types": len(WEBHOOK_TYPES), "events": WEBHOOK_EVENTS},
            )
            cursor.execute(
                """
                INSERT INTO meetings_webhookdelivery
                       (subscription_id, event_id, message_id, state, attempts, next_attempt_at,
                        delivered_at, created_at, manual)
                SELECT s.id, e.id, 'msg_bench_' || e.id || '_' || s.id,
                       CASE WHEN (e.id + s.id) % 50 = 0 THEN 'failed' ELSE 'delivered' END,
                       CASE WHEN (e.id + s.id) % 50 = 0 THEN 8 ELSE 1 END, e.created_at,
                       CASE WHEN (e.id + s.id) % 50 = 0 THEN NULL
                            ELSE e.created_at + interval '1 second' END,
                       e.created_at, false
                  FROM meetings_webhookevent e
                  JOIN cases_caseteammembership m ON m.case_id = e.case_id AND m.left_on IS NULL
                  JOIN meetings_webhooksubscription s ON s.organisation_id = m.organisation_id"""
            )
            cursor.execute(
                """
                INSERT INTO meetings_webhookattempt
                       (delivery_id, at, status_code, error, duration_ms, manual)
                SELECT id, created_at + interval '1 second',
                       CASE state WHEN 'failed' THEN 503 ELSE 200 END, '', 80, false
                  FROM meetings_webhookdelivery"""
            )
            cursor.execute(
                "ANALYZE meetings_webhookevent, meetings_webhookdelivery, meetings_webhookattempt"
            )


def add_api_key(g: G, user_id: int) -> None:
    key = bench_api_key(user_id)
    prefix = key.partition(".")[0]
    hashed = "sha512$$" + hashlib.sha512(key.encode()).hexdigest()  # the library's own hasher
    g.t["ApiKey"].add(
        id=f"{prefix}.{hashed}",
        prefix=prefix,
        hashed_key=hashed,
        created=g.now,
        name="bench",
        revoked=False,
        expiry_date=None,
        user_id=user_id,
        scopes=["read", "offences", "timeline", "commitments", "agreements", "plans", "cases"],
        created_by_id=None,
        last_used_at=None,
        rotated_from_id=None,
    )


def add_preferences(g: G, user_id: int) -> None:
    rng = g.rng
    if rng.random() < 0.2:
        g.t["NotificationPreference"].add(user_id=user_id, email=False)
        g.no_email.add(user_id)
    if rng.random() < 0.3:
        g.t["CalendarFeed"].add(
            user_id=user_id, token=f"{rng.getrandbits(256):064x}", created_at=g.now
        )


def make_users(g: G, scale: float, regie_cases: Counter) -> None:
    """Regisseurs (~1 per 12 cases in regie) under accounthouders, IVG, ITAT, programme team,
    professionals, partner systems with tokens, beheerders."""
    from django.contrib.auth.hashers import make_password

    g.password = make_password(BENCH_PASSWORD)
    g.no_email = set()
    g.regisseurs: dict[str, list[int]] = {}
    g.former: dict[str, list[int]] = {}
    g.accounthouder_of: dict[int, int] = {}
    g.accounthouders: dict[str, list[int]] = {}
    g.weights: dict[str, list[float]] = {}
    made: list[int] = []
    for code, in_regie in sorted(regie_cases.items()):
        org = g.orgs[code]
        n = max(1, round(in_regie / CASES_PER_REGISSEUR))
        heads = [
            add_user(
                g, org=org, username=f"bench.ah.{code.lower()}.{i:03d}", roles=["accounthouder"]
            )
            for i in range(-(-n // REGISSEURS_PER_ACCOUNTHOUDER))
        ]
        g.accounthouders[code] = heads
        g.regisseurs[code] = []
        for i in range(n):
            uid = add_user(
                g, org=org, username=f"bench.reg.{code.lower()}.{i:04d}", roles=["regisseur"]
            )
            g.regisseurs[code].append(uid)
            g.accounthouder_of[uid] = heads[i * len(heads) // n]
        g.weights[code] = [g.rng.uniform(0.5, 1.5) for _ in range(n)]
        g.former[code] = [
            add_user(
                g,
                org=org,
                username=f"bench.exreg.{code.lower()}.{i:03d}",
                roles=["regisseur"],
                active=False,
            )
            for i in range(max(1, round(n * FORMER_REGISSEURS)))
        ]
        for uid in g.former[code]:
            g.accounthouder_of[uid] = g.rng.choice(heads)
        made += heads + g.regisseurs[code]
    for org in g.orgs.values():
        base = PROFESSIONALS_PER_KERNPARTNER if org.kernpartner else PROFESSIONALS_PER_PARTNER
        n = max(3, round(base * scale))
        for i in range(n):
            uid = add_user(
                g,
                org=org,
                username=f"bench.pro.{org.code.lower()}.{i:03d}",
                roles=["interventiepleger"],
            )
            org.professionals.append(uid)
            made.append(uid)
        if org.kernpartner:
            for i in range(IVG_PER_KERNPARTNER):
                uid = add_user(
                    g, org=org, username=f"bench.ivg.{org.code.lower()}.{i}", roles=["ivg"]
                )
                org.ivg.append(uid)
                made.append(uid)
            system = add_user(
                g,
                org=org,
                username=f"bench.system.{org.code.lower()}",
                roles=["partner_system"],
                email=False,
            )
            add_api_key(g, system)
    itat_orgs = ["OM", "POLITIE", "GGD", "RN", "WPI", "OJZD"]
    g.itat = [
        add_user(g, org=g.orgs[itat_orgs[i % 6]], username=f"bench.itat.{i:02d}", roles=["itat"])
        for i in range(ITAT_MEMBERS)
    ]
    g.programme_team = [
        add_user(g, org=g.orgs["OJZD"], username=f"bench.pt.{i:02d}", roles=["programme_team"])
        for i in range(PROGRAMME_TEAM)
    ]
    # The programme team supports the regisseurs of both programmes (Programme.team_members).
    members = g.loader.table(g.m["Programme"].team_members.through)
    for uid in g.programme_team:
        for programme in g.programmes.values():
            members.add(programme_id=programme, user_id=uid)
    g.expertgroep = [
        add_user(
            g, org=g.orgs[itat_orgs[i % 6]], username=f"bench.expert.{i:02d}", roles=["expertgroep"]
        )
        for i in range(EXPERTGROEP_MEMBERS)
    ]
    beheer = [
        add_user(g, org=g.orgs["OJZD"], username=f"bench.beheer.{i}", roles=["beheerder"])
        for i in range(2)
    ]
    for uid in made + g.itat + g.expertgroep + g.programme_team + beheer:
        add_preferences(g, uid)


# --- persons ------------------------------------------------------------------------------------


def add_person(g: G, *, created: datetime, young: bool) -> int:
    rng = g.rng
    born = g.today - days(
        rng.randrange(13 * 365, 23 * 365) if young else rng.randrange(20 * 365, 45 * 365)
    )
    state = {
        "id": g.t["Person"].new_id(),
        "first_name": rng.choice(FIRST_NAMES),
        "last_name": f"{MARK}{rng.choice(NAME_STEMS)}",
        "date_of_birth": born,
        "bsn": None,
        "address": f"Benchstraat {rng.randrange(1, 400)}",
        "postcode": f"10{rng.randrange(10, 99)} {rng.choice(LETTERS)}{rng.choice(LETTERS)}",
        "city": "Amsterdam",
        "phone": f"06-{rng.randrange(10_000_000, 99_999_999)}",
        "created_at": created,
    }
    g.t["Person"].add(**state)
    g.h["Person"].add(state, "+", created, g.rng.choice(g.programme_team))
    return state["id"]


def add_offences(g: G, *, person: int, before: date, system: dict[str, int]) -> None:
    """Arrests and convictions pushed by the police and OM systems (inflow criteria)."""
    rng = g.rng
    categories = [
        "hic_burglary",
        "hic_robbery",
        "hic_street_robbery",
        "hic_assault",
        "dg_drugs",
        "dg_weapons",
        "dg_violence",
        "other",
    ]
    for _ in range(rng.randrange(2, 7)):
        source = "POLITIE" if rng.random() < 0.7 else "OM"
        day = before - days(rng.randrange(10, 5 * 365))
        row_id = g.t["OffenceRecord"].new_id()
        g.t["OffenceRecord"].add(
            id=row_id,
            person_id=person,
            date=day,
            kind="arrest" if source == "POLITIE" else rng.choice(["summons", "conviction"]),
            category=rng.choice(categories),
            source_id=g.orgs[source].id,
            external_id=f"BENCH-{row_id}",
            description=g.text(20, 120),
            created_at=g.at(day + days(rng.randrange(1, 20))),
        )
        g.h["OffenceRecord"].add(
            {"id": row_id, "person_id": person}, "+", g.at(day), system[source]
        )


def add_family(g: G, *, person: int, created: datetime) -> None:
    relative = add_person(g, created=created, young=True)
    kind, inverse = g.rng.choice([("sibling", "sibling"), ("child", "parent")])
    g.t["FamilyRelation"].add(person_id=person, relative_id=relative, kind=kind)
    g.t["FamilyRelation"].add(person_id=relative, relative_id=person, kind=inverse)


# --- the case and its lifecycle -----------------------------------------------------------------


@dataclass
class Life:
    """The dates of one case's walk (None: not reached)."""

    status: str
    registered: datetime
    dossier_started: datetime | None = None
    dossier_established: datetime | None = None
    assigned: datetime | None = None
    regie_started: datetime | None = None
    outflow: datetime | None = None
    closed: datetime | None = None


def plan_life(g: G, status: str) -> Life:
    rng, today = g.rng, g.today
    if status == "closed":
        closed = today - days(rng.randrange(10, int(3.5 * 365)))
        outflow = closed - days(rng.randrange(14, 60))
        regie = outflow - days(rng.triangular(240, 1800, 800))
    elif status == "outflow":
        closed, outflow = None, today - days(rng.randrange(1, 40))
        regie = outflow - days(rng.triangular(240, 1500, 600))
    elif status == "in_regie":
        closed = outflow = None
        regie = today - days(rng.triangular(5, 1500, 150))
    else:
        closed = outflow = regie = None
    if regie is not None:
        assigned = regie - days(rng.randrange(3, 21))
    elif status == "assigned":
        assigned = today - days(rng.randrange(0, 10))
    else:
        assigned = None
    if assigned is not None:
        established = assigned - days(rng.randrange(3, 14))
    elif status == "awaiting_assignment":
        established = today - days(rng.randrange(0, 14))
    else:
        established = None
    if established is not None:
        started = established - days(rng.randrange(14, 42))
    elif status == "basisdossier":
        started = today - days(rng.randrange(0, 30))
    else:
        started = None
    registered = (started or today) - days(rng.randrange(1, 8))
    return Life(
        status,
        g.at(registered),
        g.at(started) if started else None,
        g.at(established) if established else None,
        g.at(assigned) if assigned else None,
        g.at(regie) if regie else None,
        g.at(outflow) if outflow else None,
        g.at(closed) if closed else None,
    )


def status_labels() -> dict[str, str]:
    from django.utils import translation

    from cases.workflow import TRANSITIONS, CaseStatus

    with translation.override("nl"):
        labels = {name: str(t.label) for name, t in TRANSITIONS.items()}
        labels.update({f"status:{s.value}": str(s.label) for s in CaseStatus})
    return labels


def add_case(
    g: G,
    *,
    life: Life,
    person: int,
    programme: str,
    regie_org: Org | None,
    regisseur: int | None,
    accounthouder: int | None,
) -> tuple[int, dict]:
    """The case row and its history: one "+" on registration, one "~" per transition."""
    case_id = g.t["Case"].new_id()
    state = {
        "id": case_id,
        "person_id": person,
        "programme_id": g.programmes[programme],
        "status": "registered",
        "regie_organisation_id": None,
        "regisseur_id": None,
        "accounthouder_id": None,
        "regie_style": "",
        "registered_at": life.registered,
        "dossier_started_at": None,
        "dossier_established_at": None,
        "assigned_at": None,
        "regie_started_at": None,
        "outflow_at": None,
        "closed_at": None,
        "outflow_reason": "",
        "receiving_organisation": "",
        "handover_note": "",
    }
    pt = g.rng.choice(g.programme_team)
    hist = g.h["Case"]
    hist.add(state, "+", life.registered, pt)
    add_status_change(
        g,
        case_id,
        "registered",
        "registered",
        pt,
        life.registered,
        "Voldoet aan de instroomcriteria.",
    )
    steps = [
        (
            "start_dossier",
            "basisdossier",
            life.dossier_started,
            pt,
            {"dossier_started_at": life.dossier_started},
        ),
        (
            "establish_dossier",
            "awaiting_assignment",
            life.dossier_established,
            None,
            {"dossier_established_at": life.dossier_established},
        ),
        (
            "assign",
            "assigned",
            life.assigned,
            pt,
            {
                "assigned_at": life.assigned,
                "regie_organisation_id": regie_org.id if regie_org else None,
                "regie_style": "case" if g.rng.random() < 0.8 else "network",
            },
        ),
        (
            "appoint_regisseur",
            "in_regie",
            life.regie_started,
            accounthouder,
            {
                "regie_started_at": life.regie_started,
                "regisseur_id": regisseur,
                "accounthouder_id": accounthouder,
            },
        ),
        (
            "start_outflow",
            "outflow",
            life.outflow,
            regisseur,
            {
                "outflow_at": life.outflow,
                "outflow_reason": "Voldoet niet meer aan de criteria.",
                "receiving_organisation": "Bench Wijkteam (fictief)",
                "receiver_id": g.rng.choice(
                    [o.id for o in g.orgs.values() if o is not regie_org and not o.health]
                ),
                "handover_note": g.text(80, 300),
            },
        ),
        ("close", "closed", life.closed, regisseur, {"closed_at": life.closed}),
    ]
    for name, target, at, by, changes in steps:
        if at is None:
            break
        if by is None:  # the IVG member who establishes the dossier
            by = g.rng.choice(g.orgs["POLITIE"].ivg)
        previous = state["status"]
        state.update(changes, status=target)
        hist.add(state, "~", at, by)
        add_status_change(g, case_id, previous, target, by, at, "")
        add_timeline(
            g,
            case_id,
            "status",
            at,
            by,
            f"{g.labels[name]}: {g.labels['status:' + target]}",
            org_of=g.org_of_user.get(by),
        )
    g.t["Case"].add(**state)
    return case_id, state


def add_status_change(
    g: G, case: int, from_status: str, to_status: str, by: int, at: datetime, reason: str
) -> None:
    g.t["CaseStatusChange"].add(
        case_id=case, from_status=from_status, to_status=to_status, by_id=by, at=at, reason=reason
    )


def add_timeline(
    g: G,
    case: int,
    kind: str,
    at: datetime,
    by: int | None,
    description: str,
    *,
    org_of: int | None = None,
    external: bool = False,
) -> None:
    row_id = g.t["TimelineEvent"].new_id()
    g.t["TimelineEvent"].add(
        id=row_id,
        case_id=case,
        kind=kind,
        occurred_at=at,
        description=description,
        organisation_id=org_of,
        created_by_id=by,
        external_id=f"BENCH-{row_id}" if external else None,
        created_at=at,
    )
    g.h["TimelineEvent"].add(
        {
            "id": row_id,
            "case_id": case,
            "kind": kind,
            "occurred_at": at,
            "description": description,
        },
        "+",
        at,
        by,
    )


def add_dossier(g: G, *, case: int, life: Life, regie_org: Org | None) -> None:
    """Basisdossier with its 11 sections, written by IVG members of the kernpartners."""
    rng = g.rng
    started = life.dossier_started
    if started is None:
        return
    dossier = {
        "id": g.t["Basisdossier"].new_id(),
        "case_id": case,
        "established_at": None,
        "established_by_id": None,
        "ivg_advice": "",
        "advised_organisation_id": None,
        "advised_style": "",
    }
    pt = rng.choice(g.programme_team)
    g.h["Basisdossier"].add(dossier, "+", started, pt)
    end = life.dossier_established or g.now
    span = max(1, (end - started).days)
    for leefgebied in range(1, 12):
        add_section(
            g,
            dossier=dossier["id"],
            leefgebied=leefgebied,
            started=started,
            span=span,
            complete=life.dossier_established is not None,
            by=pt,
        )
    if life.dossier_established is not None:
        ivg = rng.choice(g.orgs["POLITIE"].ivg)
        dossier.update(
            ivg_advice=g.text(100, 500),
            advised_organisation_id=regie_org.id if regie_org else None,
            advised_style="case",
        )
        g.h["Basisdossier"].add(dossier, "~", life.dossier_established - timedelta(hours=2), ivg)
        dossier.update(established_at=life.dossier_established, established_by_id=ivg)
        g.h["Basisdossier"].add(dossier, "~", life.dossier_established, ivg)
    g.t["Basisdossier"].add(**dossier)


SECTION_WRITERS = {
    1: ["POLITIE"],
    2: ["OM"],
    3: ["OM", "RN"],
    4: ["STADSDELEN", "WPI"],
    5: ["POLITIE", "RVDK"],
    6: ["GGD"],
    7: ["WPI"],
    8: ["WPI", "STADSDELEN"],
    9: ["GGD", "INFORSA"],
    10: ["POLITIE", "RN"],
    11: ["RN", "OJZD"],
}


def add_section(
    g: G, *, dossier: int, leefgebied: int, started: datetime, span: int, complete: bool, by: int
) -> None:
    """One section and its contributions (cases.services.case_start_dossier asks, the IVG
    members answer): the organisations of SECTION_WRITERS are asked when the dossier starts;
    each answers (a text or, sometimes, "nothing known") once or twice, all of them when the
    dossier is established, about half otherwise. Section 6 also has the GGD's screening."""
    rng = g.rng
    section = g.t["DossierSection"].add(dossier_id=dossier, leefgebied=leefgebied)
    g.h["DossierSection"].add(
        {"id": section, "dossier_id": dossier, "leefgebied": leefgebied}, "+", started, by
    )
    parts = [(code, "contribution") for code in SECTION_WRITERS[leefgebied]]
    if leefgebied == 6:
        parts.append(("GGD", "screening"))
    for code, part in parts:
        org = g.orgs[code]
        state = {
            "id": g.t["DossierContribution"].new_id(),
            "section_id": section,
            "organisation_id": org.id,
            "part": part,
            "author_id": None,
            "text": "",
            "nothing_known": False,
            "created_at": started,
            "updated_at": None,
            "version": 0,
        }
        g.h["DossierContribution"].add(state, "+", started, by)
        if complete or rng.random() < 0.5:
            author = rng.choice(org.ivg)
            for _ in range(2 if rng.random() < 0.2 else 1):
                at = started + days(rng.randrange(1, span + 1)) if span > 1 else started
                empty = rng.random() < 0.12
                low, high = (100, 400) if part == "screening" else (300, 1200)
                state.update(
                    text="" if empty else g.text(low, high),
                    nothing_known=empty,
                    author_id=author,
                    updated_at=at,
                    version=state["version"] + 1,
                )
                g.h["DossierContribution"].add(state, "~", at, author)
        g.t["DossierContribution"].add(**state)


def add_membership(
    g: G,
    *,
    case: int,
    org: Org,
    role: str,
    joined: datetime,
    left: date | None,
    by: int,
    professional: int | None,
    case_open: bool,
) -> Member:
    """A team membership with the guardian row `_team_join` grants (revoked on leaving)."""
    state = {
        "id": g.t["CaseTeamMembership"].new_id(),
        "case_id": case,
        "organisation_id": org.id,
        "role": role,
        "professional_id": professional,
        "joined_on": joined.date(),
        "left_on": None,
    }
    g.h["CaseTeamMembership"].add(state, "+", joined, by)
    add_timeline(
        g,
        case,
        "team_change",
        joined,
        by,
        f"{org.code} neemt deel aan het casusteam.",
        org_of=g.org_of_user.get(by),
    )
    if left is not None:
        state["left_on"] = left
        at = g.at(left)
        g.h["CaseTeamMembership"].add(state, "~", at, by)
        add_timeline(
            g,
            case,
            "team_change",
            at,
            by,
            f"{org.code} verlaat het casusteam.",
            org_of=g.org_of_user.get(by),
        )
    elif case_open:
        g.t["CaseGroupObjectPermission"].add(
            content_object_id=case, group_id=org.group_id, permission_id=g.view_case
        )
    g.t["CaseTeamMembership"].add(**state)
    return Member(state["id"], org, role, state["joined_on"], left, professional)


def make_team(
    g: G, *, case: int, life: Life, programme: str, regie_org: Org | None, regisseur: int | None
) -> list[Member]:
    rng = g.rng
    if life.assigned is None or regie_org is None:
        return []
    end = life.closed.date() if life.closed else None
    case_open = life.closed is None
    pt = rng.choice(g.programme_team)
    team = [
        add_membership(
            g,
            case=case,
            org=regie_org,
            role="regie",
            joined=life.assigned,
            left=end,
            by=pt,
            professional=None,
            case_open=case_open,
        )
    ]
    if life.regie_started is None:
        return team
    chances = dict(TEAM_CHANCE)
    if programme == "TOP400":
        chances.update(TOP400_TEAM_CHANCE)
    last_day = life.outflow.date() if life.outflow else g.today
    for code, chance in chances.items():
        if code == regie_org.code or rng.random() >= chance:
            continue
        org = g.orgs[code]
        joined = life.regie_started + days(rng.randrange(0, 30))
        if joined.date() > g.today:
            continue
        left = end
        if rng.random() < 0.08 and (last_day - joined.date()).days > 60:
            left = joined.date() + days(rng.randrange(30, (last_day - joined.date()).days))
        professional = rng.choice(org.professionals) if rng.random() < 0.4 else None
        team.append(
            add_membership(
                g,
                case=case,
                org=org,
                role="partner",
                joined=joined,
                left=left,
                by=regisseur,
                professional=professional,
                case_open=case_open,
            )
        )
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        org = g.orgs[rng.choice(INTERVENTION_PARTNERS)[0]]
        if any(m.org is org for m in team):
            continue
        span = (last_day - life.regie_started.date()).days
        if span < 30:
            continue
        joined = life.regie_started + days(rng.randrange(20, span))
        professional = rng.choice(org.professionals) if rng.random() < 0.6 else None
        team.append(
            add_membership(
                g,
                case=case,
                org=org,
                role="intervention",
                joined=joined,
                left=end,
                by=regisseur,
                professional=professional,
                case_open=case_open,
            )
        )
    return team


def on_team(team: list[Member], day: date) -> list[Member]:
    return [m for m in team if m.joined <= day and (m.left is None or m.left > day)]


# --- plans, ITAT, evaluations -------------------------------------------------------------------


def itat_meeting(g: G, after: date) -> tuple[int, date]:
    """The weekly ITAT meeting after `after` (Thursdays), created on first use."""
    day = after + timedelta(days=1)
    day += timedelta(days=(3 - day.weekday()) % 7)
    if day not in g.itat_meetings:
        state = {"id": g.t["ItatMeeting"].new_id(), "date": day, "held": day < g.today, "notes": ""}
        g.t["ItatMeeting"].add(**state)
        g.h["ItatMeeting"].add(state, "+", g.at(day - days(7)), None)
        g.itat_meetings[day] = state["id"]
    return g.itat_meetings[day], day


def goal_org(g: G, team: list[Member], leefgebied: int, day: date) -> Org:
    from cases.policies import leefgebied_is_health

    members = on_team(team, day) or team
    if leefgebied_is_health(leefgebied):
        health = [m.org for m in members if m.org.health]
        if health:
            return g.rng.choice(health)
    return g.rng.choice(members).org


def add_goal(
    g: G, *, plan: int, leefgebied: int, org: Org, at: datetime, by: int, origin: dict | None = None
) -> dict:
    """A new goal (or the copy of `origin` in a new version), with its "+" history."""
    rng = g.rng
    if origin is not None:
        state = dict(origin, id=g.t["PlanGoal"].new_id(), plan_id=plan, origin_id=origin["id"])
    else:
        start = at.date() + days(rng.randrange(0, 30))
        state = {
            "id": g.t["PlanGoal"].new_id(),
            "plan_id": plan,
            "leefgebied": leefgebied,
            "goal": g.text(60, 220),
            "interventions": g.text(40, 300),
            "responsible_organisation_id": org.id,
            "professional_id": rng.choice(org.professionals) if rng.random() < 0.4 else None,
            "start_date": start,
            "target_date": start + days(rng.randrange(60, 365)),
            "status": "open",
            "commitment": "pending",
            "commitment_reason": "",
            "committed_by_id": None,
            "committed_at": None,
            "origin_id": None,
        }
    g.h["PlanGoal"].add(state, "+", at, by)
    return state


def commit_goal(g: G, goal: dict, org: Org, at: datetime) -> None:
    person = g.rng.choice(org.professionals)
    declined = g.rng.random() < 0.03
    goal.update(
        commitment="declined" if declined else "committed",
        commitment_reason="Geen capaciteit binnen de termijn." if declined else "",
        committed_by_id=person,
        committed_at=at,
    )
    g.h["PlanGoal"].add(goal, "~", at, person)


def add_plan_status(
    g: G,
    plan: int,
    from_status: str,
    to_status: str,
    by: int,
    at: datetime,
    reason: str = "",
    fingerprint: str = "",
) -> None:
    g.t["PlanStatusChange"].add(
        plan_id=plan,
        from_status=from_status,
        to_status=to_status,
        by_id=by,
        at=at,
        reason=reason,
        fingerprint=fingerprint,
    )


def add_advice(g: G, *, plan: int, goal: int | None, by: int, at: datetime) -> None:
    row_id = g.t["ItatAdvice"].new_id()
    text = g.text(60, 400)
    g.t["ItatAdvice"].add(
        id=row_id, plan_id=plan, goal_id=goal, text=text, author_id=by, created_at=at
    )
    g.h["ItatAdvice"].add(
        {"id": row_id, "plan_id": plan, "goal_id": goal, "text": text}, "+", at, by
    )


def make_plans(g: G, *, case: int, life: Life, team: list[Member], regisseur: int) -> dict:
    """Plan versions: drafted by the regisseur, committed by partners, reviewed by ITAT
    (sometimes returned), approved, evaluated every 26 weeks, revised; the last one may still be
    a draft or on the agenda. Returns facts the reminders need."""
    facts = {"in_force": None, "approved_on": None, "last_evaluation": None, "submitted": False}
    if life.regie_started is None:
        return facts
    rng = g.rng
    end = life.outflow.date() if life.outflow else g.today
    start = life.regie_started.date() + days(rng.randrange(5, 30))
    version, in_force, in_force_goals = 0, None, []
    while start <= end:
        version += 1
        plan, goals = draft_plan(
            g,
            case=case,
            version=version,
            start=start,
            end=end,
            team=team,
            regisseur=regisseur,
            in_force=in_force,
            in_force_goals=in_force_goals,
        )
        if plan["submitted_at"] is not None:
            facts["submitted"] = True
        if plan["status"] != "approved":  # still a draft, or on the agenda
            write_plan(g, plan, goals)
            break
        if in_force is not None:
            at = plan["approved_at"]
            in_force.update(
                status="superseded", superseded_at=at, lock_version=in_force["lock_version"] + 1
            )
            g.h["Plan"].add(in_force, "~", at, plan["approved_by_id"])
            write_plan(g, in_force, in_force_goals)
        in_force, in_force_goals = plan, goals
        facts["in_force"], facts["approved_on"] = plan["id"], plan["approved_at"].date()
        progress_goals(g, goals, end)
        start, facts["last_evaluation"] = evaluate_plan(
            g, case=case, plan=plan, goals=goals, end=end, regisseur=regisseur
        )
    if in_force is not None:
        write_plan(g, in_force, in_force_goals)
    facts["in_force_goals"] = [goal["id"] for goal in in_force_goals]
    return facts


def write_plan(g: G, plan: dict, goals: list[dict]) -> None:
    g.t["Plan"].add(**plan)
    for goal in goals:
        g.t["PlanGoal"].add(**goal)


def draft_plan(
    g: G,
    *,
    case: int,
    version: int,
    start: date,
    end: date,
    team: list[Member],
    regisseur: int,
    in_force: dict | None,
    in_force_goals: list[dict],
) -> tuple[dict, list[dict]]:
    """One version from its creation to approval (or as far as it got by `end`)."""
    rng = g.rng
    created = g.at(start)
    plan = {
        "id": g.t["Plan"].new_id(),
        "case_id": case,
        "version": version,
        "status": "draft",
        "analysis": g.text(400, 2000),
        "based_on_id": in_force["id"] if in_force else None,
        "created_by_id": regisseur,
        "created_at": created,
        "itat_meeting_id": None,
        "submitted_at": None,
        "approved_at": None,
        "approved_by_id": None,
        "fingerprint": "",
        "superseded_at": None,
        "lock_version": 0,
    }
    hist = g.h["Plan"]
    hist.add(plan, "+", created, regisseur)

    def bump(at: datetime, by: int) -> None:  # every goal change and transition saves the plan
        plan["lock_version"] += 1
        hist.add(plan, "~", at, by)

    goals: list[tuple[dict, Org]] = []
    if in_force is None:
        for lg in sorted(rng.sample(range(1, 12), rng.choice(GOALS_PER_PLAN))):
            org = goal_org(g, team, lg, start)
            goals.append(
                (
                    add_goal(g, plan=plan["id"], leefgebied=lg, org=org, at=created, by=regisseur),
                    org,
                )
            )
            bump(created, regisseur)
    else:  # a revision copies the goals in force and changes, drops or adds a few
        for old in in_force_goals:
            if rng.random() < 0.1:
                continue
            goal = add_goal(
                g,
                plan=plan["id"],
                leefgebied=old["leefgebied"],
                org=None,
                at=created,
                by=regisseur,
                origin=old,
            )
            if rng.random() < 0.25:
                goal.update(
                    goal=g.text(60, 220),
                    commitment="pending",
                    committed_by_id=None,
                    committed_at=None,
                )
                g.h["PlanGoal"].add(goal, "~", created, regisseur)
                bump(created, regisseur)
            goals.append((goal, g.org_by_id[goal["responsible_organisation_id"]]))
        for _ in range(rng.choice([0, 1, 1, 2])):
            lg = rng.randrange(1, 12)
            org = goal_org(g, team, lg, start)
            goals.append(
                (
                    add_goal(g, plan=plan["id"], leefgebied=lg, org=org, at=created, by=regisseur),
                    org,
                )
            )
            bump(created, regisseur)
    for goal, org in goals:
        if goal["commitment"] == "pending":
            answered = start + days(rng.randrange(1, 20))
            if answered <= min(end, g.today) and rng.random() < 0.93:
                commit_goal(g, goal, org, g.at(answered))
    goal_rows = [goal for goal, _org in goals]

    def submit(day: date) -> date | None:
        meeting, meeting_day = itat_meeting(g, day)
        if meeting_day > end and end < g.today:  # the case ended first
            return None
        plan.update(status="submitted", submitted_at=g.at(day), itat_meeting_id=meeting)
        bump(plan["submitted_at"], regisseur)
        add_plan_status(g, plan["id"], "draft", "submitted", regisseur, plan["submitted_at"])
        return meeting_day

    day = start + days(rng.randrange(5, 25))
    meeting_day = submit(day) if day <= end else None
    if meeting_day is None or meeting_day >= g.today:
        return plan, goal_rows
    itat = rng.choice(g.itat)
    at = g.at(meeting_day)
    if rng.random() < 0.25:  # returned with advice, submitted again
        add_advice(g, plan=plan["id"], goal=None, by=itat, at=at)
        if rng.random() < 0.5 and goal_rows:
            add_advice(g, plan=plan["id"], goal=rng.choice(goal_rows)["id"], by=itat, at=at)
        plan.update(status="draft", itat_meeting_id=None, decided_at=at)
        bump(at, itat)
        add_plan_status(g, plan["id"], "submitted", "draft", itat, at, "Terug met advies.")
        day = meeting_day + days(rng.randrange(4, 15))
        meeting_day = submit(day) if day <= end else None
        if meeting_day is None or meeting_day >= g.today:
            return plan, goal_rows
        at = g.at(meeting_day)
    if rng.random() < 0.3:
        add_advice(g, plan=plan["id"], goal=None, by=itat, at=at)
    fingerprint = hashlib.sha256(f"{plan['id']}:{version}".encode()).hexdigest()
    plan.update(
        status="approved",
        approved_at=at,
        approved_by_id=itat,
        fingerprint=fingerprint,
        decided_at=at,
    )
    bump(at, itat)
    add_plan_status(g, plan["id"], "submitted", "approved", itat, at, "", fingerprint)
    add_timeline(
        g,
        case,
        "status",
        at,
        itat,
        f"Planversie {version} geaccordeerd door ITAT ({fingerprint[:12]}).",
        org_of=g.org_of_user[itat],
    )
    return plan, goal_rows


def evaluate_plan(
    g: G, *, case: int, plan: dict, goals: list[dict], end: date, regisseur: int
) -> tuple[date, date | None]:
    """Evaluations every 26 weeks while the plan is in force (some are skipped); returns when
    the next version starts (after a while, or at once on "revise") and the last evaluation."""
    rng = g.rng
    approved = plan["approved_at"].date()
    next_version = approved + days(rng.randrange(*PLAN_REVISION_DAYS))
    last, evaluated = approved, None
    while True:
        due = last + timedelta(weeks=26)
        if due > end or due >= next_version:
            break
        held = due + days(rng.randrange(-7, 21))
        if held <= min(end, g.today - days(1)) and rng.random() < EVALUATION_HELD:
            conclusion = rng.choices(["continue", "revise", "expert_group"], [0.82, 0.14, 0.04])[0]
            add_evaluation(
                g,
                plan=plan["id"],
                case=case,
                due=due,
                held=held,
                goals=goals,
                by=regisseur,
                conclusion=conclusion,
            )
            evaluated = last = held
            if conclusion == "revise":
                return held, evaluated
        else:
            last = due
    return next_version, evaluated


def progress_goals(g: G, goals: list[dict], end: date) -> None:
    for goal in goals:
        if goal["target_date"] and goal["target_date"] < end:
            goal["status"] = g.rng.choices(
                ["achieved", "stopped", "in_progress"], [0.6, 0.15, 0.25]
            )[0]
        elif goal["start_date"] and goal["start_date"] < end:
            goal["status"] = "in_progress"


def add_evaluation(
    g: G,
    *,
    plan: int,
    case: int,
    due: date,
    held: date,
    goals: list[dict],
    by: int,
    conclusion: str,
) -> None:
    rng = g.rng
    at = g.at(held)
    row_id = g.t["Evaluation"].new_id()
    g.t["Evaluation"].add(
        id=row_id,
        plan_id=plan,
        due_date=due,
        held_on=held,
        conclusion=conclusion,
        summary=g.text(100, 600),
        created_by_id=by,
        created_at=at,
    )
    g.h["Evaluation"].add(
        {"id": row_id, "plan_id": plan, "due_date": due, "held_on": held, "conclusion": conclusion},
        "+",
        at,
        by,
    )
    for goal in goals:
        g.t["GoalEvaluation"].add(
            evaluation_id=row_id,
            goal_id=goal["id"],
            result=rng.choice(["achieved", "partly", "not_achieved"]),
            explanation=g.text(30, 200) if rng.random() < 0.5 else "",
        )
    if conclusion == "expert_group":
        answered = held + days(rng.randrange(10, 40))
        done = answered < g.today
        itat = rng.choice(g.expertgroep)
        g.t["ExpertGroupReferral"].add(
            case_id=case,
            question=g.text(60, 300),
            referred_by_id=by,
            referred_at=at,
            advice=g.text(100, 500) if done else "",
            advised_by_id=itat if done else None,
            advised_at=g.at(answered) if done else None,
        )
        if done:
            add_timeline(
                g,
                case,
                "other",
                g.at(answered),
                itat,
                "De ITAT-Expertgroep adviseerde.",
                org_of=g.org_of_user[itat],
            )


# --- UVOs, attendees, agreements ----------------------------------------------------------------


def make_uvos(g: G, *, case: int, life: Life, team: list[Member], regisseur: int) -> dict:
    """A UVO every ~8 weeks from the start of regie, chaired by the regisseur; held ones have
    attendees and ~3.3 agreements each. Returns facts the reminders need."""
    rng = g.rng
    facts = {"last_held": None, "open_overdue": []}
    if life.regie_started is None:
        return facts
    end = life.outflow.date() if life.outflow else g.today
    day = life.regie_started.date() + days(rng.randrange(15, 45))
    while day < end:
        cancelled = rng.random() < 0.05
        uvo = add_uvo(
            g, case=case, day=day, status="cancelled" if cancelled else "held", chair=regisseur
        )
        if not cancelled:
            facts["last_held"] = day
            present = on_team(team, day)
            for member in present:
                came = rng.random() < ATTENDS
                if came or rng.random() < 0.3:
                    add_attendee(g, meeting=uvo, member=member, day=day, present=came)
            for _ in range(rng.choice(AGREEMENTS_PER_UVO)):
                add_agreement(
                    g,
                    case=case,
                    meeting=uvo,
                    day=day,
                    members=present,
                    regisseur=regisseur,
                    facts=facts,
                )
        day += days(UVO_EVERY_DAYS + rng.choice(UVO_SPREAD))
    if life.status in ("in_regie", "outflow") and rng.random() < 0.7:
        planned = max(day, g.today + days(rng.randrange(1, 30)))
        add_uvo(g, case=case, day=planned, status="planned", chair=regisseur)
    if life.status == "in_regie":  # agreements made between UVOs (by the API, e.g.)
        for _ in range(rng.choice([0, 1, 2, 3])):
            day = life.regie_started.date() + days(
                rng.randrange(0, max(1, (end - life.regie_started.date()).days))
            )
            add_agreement(
                g,
                case=case,
                meeting=None,
                day=day,
                members=on_team(team, day) or team,
                regisseur=regisseur,
                facts=facts,
            )
    return facts


def add_uvo(g: G, *, case: int, day: date, status: str, chair: int) -> int:
    planned = g.at(day)
    state = {
        "id": g.t["UvoMeeting"].new_id(),
        "case_id": case,
        "planned_at": planned,
        "place": "Bench Veiligheidshuis (fictief)",
        "status": "planned",
        "held_on": None,
        "cancel_reason": "",
        "minutes": "",
        "chair_id": chair,
        "lock_version": 0,
    }
    g.h["UvoMeeting"].add(state, "+", planned - days(30), chair)
    if status == "held":
        state.update(status="held", held_on=day, minutes=g.text(300, 1500), lock_version=1)
        g.h["UvoMeeting"].add(state, "~", planned + timedelta(hours=2), chair)
    elif status == "cancelled":
        state.update(
            status="cancelled", cancel_reason="Afgezegd door meerdere partners.", lock_version=1
        )
        g.h["UvoMeeting"].add(state, "~", planned - days(2), chair)
    g.t["UvoMeeting"].add(**state)
    return state["id"]


def add_attendee(g: G, *, meeting: int, member: Member, day: date, present: bool) -> None:
    rng = g.rng
    user = member.professional if member.professional and rng.random() < 0.8 else None
    row_id = g.t["UvoAttendee"].new_id()
    g.t["UvoAttendee"].add(
        id=row_id,
        meeting_id=meeting,
        organisation_id=member.org.id,
        user_id=user,
        name="",
        present=present,
    )
    g.h["UvoAttendee"].add(
        {
            "id": row_id,
            "meeting_id": meeting,
            "organisation_id": member.org.id,
            "user_id": user,
            "present": present,
        },
        "+",
        g.at(day),
        None,
    )


def add_agreement(
    g: G,
    *,
    case: int,
    meeting: int | None,
    day: date,
    members: list[Member],
    regisseur: int,
    facts: dict,
) -> None:
    """An afspraak owned by an organisation on the team (half of them name a person)."""
    rng = g.rng
    owner = rng.choice(members) if members else None
    if owner is None:
        return
    org = owner.org
    person = None
    if rng.random() < 0.5:
        person = (
            regisseur
            if owner.role == "regie"
            else (owner.professional or rng.choice(org.professionals))
        )
    deadline = day + days(rng.randrange(14, 90))
    created = g.at(day, 15)
    if deadline < g.today:
        status = rng.choices(["done", "not_done", "open"], [0.80, 0.10, 0.10])[0]
    else:
        status = "done" if rng.random() < 0.1 else "open"
    changed_at = changed_by = None
    note = ""
    if status != "open":
        changed_at = g.at(min(g.today - days(1), deadline + days(rng.randrange(-20, 10))))
        changed_by = person or rng.choice(org.professionals)
        note = "Uitgevoerd." if status == "done" and rng.random() < 0.3 else ""
    state = {
        "id": g.t["Agreement"].new_id(),
        "case_id": case,
        "meeting_id": meeting,
        "description": g.text(30, 200),
        "owner_organisation_id": org.id,
        "owner_person_id": person,
        "deadline": deadline,
        "status": status,
        "status_note": note,
        "status_changed_at": changed_at,
        "status_changed_by_id": changed_by,
        "created_at": created,
    }
    g.t["Agreement"].add(**state)
    g.h["Agreement"].add(state, "+", created, regisseur)
    if status == "open" and deadline < g.today:
        facts["open_overdue"].append(state)


def add_cadence(g: G, *, case: int, regisseur: int, started: datetime) -> None:
    until = g.today + days(g.rng.randrange(-30, 90)) if g.rng.random() < 0.5 else None
    state = {
        "id": g.t["UvoCadence"].new_id(),
        "case_id": case,
        "weeks": g.rng.choice([4, 6, 12]),
        "reason": "Fictieve reden.",
        "until": until,
    }
    g.t["UvoCadence"].add(**state)
    g.h["UvoCadence"].add(state, "+", started + days(60), regisseur)


# --- events, reads, reminders -------------------------------------------------------------------


def make_events(g: G, *, case: int, life: Life, team: list[Member]) -> None:
    """Arrests, detention, moves, new measures pushed by partner systems over the years."""
    rng = g.rng
    if life.regie_started is None:
        return
    end = life.outflow.date() if life.outflow else g.today
    span = (end - life.regie_started.date()).days
    for _ in range(round(rng.expovariate(1) * EVENTS_PER_YEAR * span / 365)):
        day = life.regie_started.date() + days(rng.randrange(0, max(1, span)))
        kind = rng.choice(
            ["arrest", "arrest", "detention_in", "detention_out", "move", "new_measure", "other"]
        )
        source = g.orgs[
            "POLITIE" if kind == "arrest" else rng.choice(["DJI", "OM", "RN", "STADSDELEN"])
        ]
        add_timeline(
            g,
            case,
            kind,
            g.at(day),
            g.system[source.code],
            g.text(40, 200),
            org_of=source.id,
            external=True,
        )


def make_reads(
    g: G,
    *,
    case: int,
    person: int,
    life: Life,
    team: list[Member],
    regisseur: int | None,
    accounthouder: int | None,
) -> None:
    """Access log: reads of the case's file (web and API) in the last ACCESS_DAYS."""
    rng = g.rng
    if life.status in ("in_regie", "outflow"):
        n = rng.randrange(ACCESS_READS_IN_REGIE // 2, ACCESS_READS_IN_REGIE * 3 // 2)
    elif life.status == "closed":
        n = 1 if rng.random() < 0.5 else 0
    else:
        n = rng.randrange(2, 10)
    start = max(life.registered.date(), g.today - days(ACCESS_DAYS))
    span = max(1, (g.today - start).days)
    tabs = ["", "basisdossier/", "tijdlijn/", "plan/", "uvo/", "geschiedenis/"]
    for _ in range(n):
        roll = rng.random()
        channel = "web"
        if roll < 0.5 and regisseur:
            user = regisseur
        elif roll < 0.6 and accounthouder:
            user = accounthouder
        elif roll < 0.8 and team:
            member = rng.choice(team)
            user = (
                g.system[member.org.code]
                if member.org.code in g.system
                else rng.choice(member.org.professionals)
            )
            channel = "api" if user == g.system.get(member.org.code) else "web"
        else:
            user = rng.choice(g.programme_team)
        at = g.at(start + days(rng.randrange(0, span)))
        path = (
            f"/api/v1/cases/{case}" if channel == "api" else f"/casussen/{case}/{rng.choice(tabs)}"
        )
        add_access(g, user=user, person=person, case=case, at=at, channel=channel, path=path)


def add_access(
    g: G, *, user: int, person: int, case: int | None, at: datetime, channel: str, path: str
) -> None:
    """One access log entry (cases.services.access_log_write) and the (person, case) it
    showed."""
    entry = g.t["AccessLogEntry"].add(
        at=at,
        user_id=user,
        organisation_id=g.org_of_user.get(user),
        channel=channel,
        path=path,
        action="detail",
        outcome="shown",
    )
    g.t["AccessLogSubject"].add(entry_id=entry, person_id=person, case_id=case)


def add_reminder(
    g: G,
    *,
    kind: str,
    model: str,
    object_id: int,
    due: date,
    case: int,
    recipients: set[int],
    message: str,
) -> None:
    """A reminder of the daily scan of the day after `due`, and its notifications to
    `recipients` (meetings.reminders): read after a few days, e-mailed by preference."""
    if due >= g.today or due < g.today - days(NOTIFY_DAYS):
        return
    rng = g.rng
    created = g.at(due + days(1), 5)
    reminder = g.t["Reminder"].add(
        kind=kind,
        content_type_id=g.content_types[model],
        object_id=object_id,
        due_date=due,
        case_id=case,
        created_at=created,
    )
    for user in sorted(recipients):
        age = (g.today - due).days
        read = g.at(due + days(rng.randrange(1, 6))) if age > 6 and rng.random() < 0.85 else None
        emailed = None if user in g.no_email else created + timedelta(minutes=rng.randrange(1, 30))
        g.t["Notification"].add(
            reminder_id=reminder,
            case_id=case,
            user_id=user,
            message=message,
            created_at=created,
            read_at=read,
            emailed_at=emailed,
            email_state="skipped" if emailed is None else "sent",
            email_attempts=0 if emailed is None else 1,
        )


def make_reminders(
    g: G, *, case: int, life: Life, regisseur: int, accounthouder: int, uvo: dict, plan: dict
) -> None:
    """What the scans of the last NOTIFY_DAYS found for this case, with the current recipients:
    a named person, else every active user with e-mail of the owning organisation."""
    if life.status != "in_regie":
        return
    people = {regisseur, accounthouder}
    started = life.regie_started.date()
    due = (uvo["last_held"] or started) + timedelta(weeks=8)
    if due + timedelta(days=7) < g.today:
        add_reminder(
            g,
            kind="uvo_overdue",
            model="Case",
            object_id=case,
            due=due,
            case=case,
            recipients=people,
            message=f"De UVO was uiterlijk {due:%d-%m-%Y} gepland.",
        )
    if not plan["submitted"]:
        add_reminder(
            g,
            kind="plan_not_submitted",
            model="Case",
            object_id=case,
            due=started + timedelta(days=42),
            case=case,
            recipients=people,
            message="Het plan van aanpak is nog niet ingediend.",
        )
    if plan["in_force"]:
        due = (plan["last_evaluation"] or plan["approved_on"]) + timedelta(weeks=26)
        kind = "evaluation_overdue" if due < g.today else "evaluation_due"
        add_reminder(
            g,
            kind=kind,
            model="Plan",
            object_id=plan["in_force"],
            due=due,
            case=case,
            recipients=people if kind == "evaluation_overdue" else {regisseur},
            message="De evaluatie van het plan is (bijna) verlopen.",
        )
    for agreement in uvo["open_overdue"]:
        person = agreement["owner_person_id"]
        owners = {person} if person else set(g.org_by_id[agreement["owner_organisation_id"]].users)
        add_reminder(
            g,
            kind="agreement_overdue",
            model="Agreement",
            object_id=agreement["id"],
            due=agreement["deadline"],
            case=case,
            recipients=owners | people,
            message=f"Afspraak over de deadline: {agreement['description'][:120]}",
        )


# --- one case, all cases ------------------------------------------------------------------------


def pick(rng: random.Random, shares: dict[str, float]) -> str:
    return rng.choices(list(shares), list(shares.values()))[0]


def hand_over(g: G, *, case: int, goals: list[int], state: dict, by: int) -> None:
    """At outflow the regisseur hands most goals of the plan in force to the receiver."""
    at = state["outflow_at"]
    for goal in goals:
        if g.rng.random() < 0.7:
            row = {
                "id": g.t["HandedOverGoal"].new_id(),
                "case_id": case,
                "goal_id": goal,
                "receiver_id": state["receiver_id"],
                "at": at,
                "by_id": by,
            }
            g.t["HandedOverGoal"].add(**row)
            g.h["HandedOverGoal"].add(row, "+", at, by)


def make_case(g: G, status: str) -> None:
    rng = g.rng
    programme = pick(rng, PROGRAMME_SHARE)
    life = plan_life(g, status)
    regie_org = g.orgs[pick(rng, REGIE_SHARE)] if life.assigned else None
    regisseur = accounthouder = None
    if life.regie_started is not None:
        code = regie_org.code
        old = life.closed is not None and (g.today - life.closed.date()).days > 365
        if old and rng.random() < 0.5:
            regisseur = rng.choice(g.former[code])
        else:
            regisseur = rng.choices(g.regisseurs[code], g.weights[code])[0]
        accounthouder = g.accounthouder_of[regisseur]
    person = add_person(
        g, created=life.registered - days(rng.randrange(1, 20)), young=programme == "TOP400"
    )
    add_offences(g, person=person, before=life.registered.date(), system=g.system)
    if rng.random() < FAMILY_SHARE:
        add_family(g, person=person, created=life.registered)
    case, state = add_case(
        g,
        life=life,
        person=person,
        programme=programme,
        regie_org=regie_org,
        regisseur=regisseur,
        accounthouder=accounthouder,
    )
    add_dossier(g, case=case, life=life, regie_org=regie_org)
    team = make_team(
        g, case=case, life=life, programme=programme, regie_org=regie_org, regisseur=regisseur
    )
    if regisseur is not None:
        if status == "in_regie" and rng.random() < 0.05:
            add_cadence(g, case=case, regisseur=regisseur, started=life.regie_started)
        plan = make_plans(g, case=case, life=life, team=team, regisseur=regisseur)
        if life.outflow is not None and plan["in_force"] is not None:
            hand_over(g, case=case, goals=plan["in_force_goals"], state=state, by=regisseur)
        uvo = make_uvos(g, case=case, life=life, team=team, regisseur=regisseur)
        make_events(g, case=case, life=life, team=team)
        make_reminders(
            g,
            case=case,
            life=life,
            regisseur=regisseur,
            accounthouder=accounthouder,
            uvo=uvo,
            plan=plan,
        )
    make_reads(
        g,
        case=case,
        person=person,
        life=life,
        team=team,
        regisseur=regisseur,
        accounthouder=accounthouder,
    )


def generated_models(g: G) -> list:
    """Every table the generator writes (and so truncates)."""
    names = [
        "User",
        "ApiKey",
        "NotificationPreference",
        "CalendarFeed",
        "Person",
        "OffenceRecord",
        "FamilyRelation",
        "Case",
        "CaseStatusChange",
        "TimelineEvent",
        "Basisdossier",
        "DossierSection",
        "DossierContribution",
        "CaseTeamMembership",
        "CaseGroupObjectPermission",
        "CaseUserObjectPermission",
        "ItatMeeting",
        "Plan",
        "PlanGoal",
        "HandedOverGoal",
        "PlanStatusChange",
        "ItatAdvice",
        "Evaluation",
        "GoalEvaluation",
        "ExpertGroupReferral",
        "UvoMeeting",
        "UvoAttendee",
        "Agreement",
        "UvoCadence",
        "Reminder",
        "Notification",
        "AccessLogEntry",
        "AccessLogSubject",
        "Session",
        "LogEntry",
    ]
    models = [g.m[n] for n in names]
    models.append(g.m["User"].groups.through)
    models.append(g.m["User"].user_permissions.through)
    models.append(g.m["Programme"].team_members.through)
    models += [g.h[n].table.model for n in names if n in g.h]
    return models


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = ten times Amsterdam")
    parser.add_argument("--seed", type=int, default=600)
    parser.add_argument("--reset", action="store_true", help="empty the generated tables first")
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    parser.add_argument("--full-history", action="store_true", help="history rows for every model")
    parser.add_argument(
        "--check-constraints", action="store_true", help="check foreign keys (slow; no FREEZE)"
    )
    args = parser.parse_args()

    url = database_url()
    started = time.perf_counter()
    ensure_database(url)
    setup_django()
    migrate()
    from django.db import connection
    from django.utils import timezone

    from cases.models import Case

    if Case.objects.exists() and not args.reset:
        sys.exit("The database already holds cases: add --reset to generate it again.")
    ensure_organisations()
    connection.close()

    rng = random.Random(args.seed)  # noqa: S311 (fictitious data)
    loader = Loader(url, check_constraints=args.check_constraints)
    g = G(loader, rng, args.today or timezone.localdate(), args.full_history)
    load_reference(g)
    loader.begin(generated_models(g))
    g.labels = status_labels()
    g.org_by_id = {o.id: o for o in g.orgs.values()}

    counts = {s: max(1, round(n * args.scale)) for s, n in CASES_BY_STATUS.items()}
    statuses = [s for s, n in counts.items() for _ in range(n)]
    rng.shuffle(statuses)
    # Regisseurs are sized on the cases in regie each organisation directs.
    regie_cases = Counter(
        {code: max(1, round(counts["in_regie"] * share)) for code, share in REGIE_SHARE.items()}
    )
    g.system, g.org_of_user = {}, {}
    make_users(g, args.scale, regie_cases)

    t0 = time.perf_counter()
    for i, status in enumerate(statuses, 1):
        make_case(g, status)
        if i % 5000 == 0:
            print(
                f"  {i:>6} of {len(statuses)} cases  {time.perf_counter() - t0:6.1f} s", flush=True
            )
    loader.finish()
    generated = time.perf_counter()
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    analysed = time.perf_counter()

    total = 0
    print(f"\n{'table':<42}{'rows':>12}")
    for table in sorted(loader.tables.values(), key=lambda t: -t.count):
        if table.count:
            print(f"{table.name:<42}{table.count:>12,}")
            total += table.count
    print(f"{'total':<42}{total:>12,}")
    print(
        f"\nscale {args.scale}, seed {args.seed}, today {g.today}: {total:,} rows in "
        f"{generated - started:.1f} s (of which COPY {loader.copy_seconds:.1f} s), "
        f"ANALYZE {analysed - generated:.1f} s; total {analysed - started:.1f} s"
    )


if __name__ == "__main__":
    main()
