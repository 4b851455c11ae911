"""Benchmark of the daily reminder scan against bare SQL, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/regie_bench \\
        .venv/bin/python bench/reminder_scan.py --cases 10000

Creates the database if needed (and migrates it), fills it once with fictitious cases in regie
(bulk inserts: a benchmark, not the app), then times, best of --repeat runs:

- find: `meetings.reminders.find_due_items(today)`, the scan's read phase (ORM rows, rules in
  Python, with the people each item may reach: on the team or directing the case, and able to
  sign in);
- bare SQL: raw cursor queries that find the same items (and read the same people) with the
  rules in SQL;
- scan: the whole `reminders_scan`, each run in a transaction that is rolled back, so that every
  run starts from the same state and inserts every reminder and notification.

It checks that find and bare SQL find exactly the same items, and prints the ratio (target:
find at most 2x bare SQL) and the number of queries of each.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "acvz.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("CONN_MAX_AGE", "0")

MARK = "Bench"  # the last names of the benchmark's persons start with it
FIRST_NAMES = ["Sem", "Noah", "Daan", "Lucas", "Levi", "Milan", "Bram", "Finn", "Jesse", "Luuk"]


# --- the database -------------------------------------------------------------------------------


def ensure_database(url: str) -> None:
    """CREATE DATABASE when it does not exist yet (connecting to the server's `postgres`)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def seed(n_cases: int, rng: random.Random) -> None:
    """n cases in regie with held UVOs, plans, evaluations, cadences and agreements."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Permission
    from django.db import transaction
    from django.utils import timezone

    from cases.models import Case, CaseGroupObjectPermission, Person, Programme
    from meetings.models import Agreement, AgreementStatus, UvoCadence, UvoMeeting, UvoStatus
    from partners.models import Organisation, User
    from plans.models import Evaluation, Plan
    from plans.workflow import EvaluationConclusion, PlanStatus

    existing = Case.objects.filter(person__last_name__startswith=MARK).count()
    if existing >= n_cases:
        print(f"reusing {existing} benchmark cases")
        return
    if Case.objects.exclude(person__last_name__startswith=MARK).exists():
        sys.exit(
            "This database holds cases that are not the benchmark's: use a database of its own."
        )
    if existing:
        sys.exit(f"{existing} benchmark cases, fewer than {n_cases}: drop the database first.")

    now = timezone.now()
    today = timezone.localdate()
    orgs = {o.code: o for o in Organisation.objects.all()}
    programme = Programme.objects.get(code="TOP600")
    # A quarter of the cases in a programme with local agreements of its own (the UVO clock
    # starts at the first approved plan; the plan is due in 28 days), so both sides read them.
    other = Programme.objects.get(code="TOP400")
    Programme.objects.filter(pk=other.pk).update(
        uvo_clock_start="plan_approved", plan_submit_days=28
    )
    password = make_password(None)
    batch = 2000
    with transaction.atomic():
        users = []
        for i in range(40):
            users.append(
                User(
                    username=f"bench-reg-{i}",
                    organisation=orgs["RN"],
                    email=f"reg{i}@example.invalid",
                    password=password,
                )
            )
        for i in range(10):
            users.append(
                User(
                    username=f"bench-ah-{i}",
                    organisation=orgs["RN"],
                    email=f"ah{i}@example.invalid",
                    password=password,
                )
            )
        owners = ["WPI", "GGD", "POLITIE", "OM", "OJZD", "RN"]
        for code in owners:
            for i in range(8):
                users.append(
                    User(
                        username=f"bench-{code.lower()}-{i}",
                        organisation=orgs[code],
                        email=f"{code.lower()}{i}@example.invalid",
                        password=password,
                    )
                )
        User.objects.bulk_create(users, batch_size=batch)
        users = list(User.objects.filter(username__startswith="bench-"))
        regisseurs = [u for u in users if u.username.startswith("bench-reg-")]
        accounthouders = [u for u in users if u.username.startswith("bench-ah-")]
        people_of = {
            code: [u for u in users if u.organisation_id == orgs[code].pk] for code in owners
        }

        persons = [
            Person(
                first_name=rng.choice(FIRST_NAMES),
                last_name=f"{MARK}{i:05d}",
                date_of_birth=date(1990, 1, 1) + timedelta(days=rng.randrange(4000)),
            )
            for i in range(n_cases)
        ]
        Person.objects.bulk_create(persons, batch_size=batch)
        persons = list(Person.objects.filter(last_name__startswith=MARK).order_by("pk"))

        cases = []
        for i, person in enumerate(persons):
            started = now - timedelta(days=rng.randrange(5, 730), hours=rng.randrange(24))
            cases.append(
                Case(
                    person=person,
                    programme=other if i % 4 == 3 else programme,
                    status="in_regie",
                    regie_organisation=orgs["RN"],
                    regisseur=rng.choice(regisseurs),
                    accounthouder=rng.choice(accounthouders),
                    regie_style="case",
                    registered_at=started - timedelta(days=60),
                    assigned_at=started - timedelta(days=5),
                    regie_started_at=started,
                )
            )
        Case.objects.bulk_create(cases, batch_size=batch)
        cases = list(Case.objects.filter(person__last_name__startswith=MARK).order_by("pk"))

        meetings, cadences, plans = [], [], []
        for case in cases:
            started = timezone.localtime(case.regie_started_at).date()
            age = (today - started).days
            if rng.random() < 0.7:  # most cases had UVOs: up to 4, every ~8 weeks
                for k in range(1, 1 + min(4, age // 50)):
                    held = started + timedelta(days=50 * k + rng.randrange(-5, 10))
                    if held <= today:
                        meetings.append(
                            UvoMeeting(
                                case=case,
                                planned_at=now - timedelta(days=(today - held).days),
                                status=UvoStatus.HELD,
                                held_on=held,
                                minutes="Fictief",
                                chair=case.regisseur,
                            )
                        )
            if rng.random() < 0.15:
                meetings.append(
                    UvoMeeting(
                        case=case,
                        planned_at=now + timedelta(days=rng.randrange(1, 30)),
                        chair=case.regisseur,
                    )
                )
            if rng.random() < 0.05:
                meetings.append(
                    UvoMeeting(
                        case=case,
                        planned_at=now - timedelta(days=3),
                        status=UvoStatus.CANCELLED,
                        cancel_reason="Ziek",
                        chair=case.regisseur,
                    )
                )
            if rng.random() < 0.05:
                until = (
                    today + timedelta(days=rng.randrange(-30, 60)) if rng.random() < 0.5 else None
                )
                cadences.append(
                    UvoCadence(
                        case=case, weeks=rng.choice([4, 6, 12]), reason="Fictief", until=until
                    )
                )
            roll = rng.random()
            if age > 30 and roll < 0.55:
                approved = case.regie_started_at + timedelta(days=rng.randrange(20, 30))
                plans.append(
                    Plan(
                        case=case,
                        version=1,
                        status=PlanStatus.APPROVED,
                        created_by=case.regisseur,
                        submitted_at=approved - timedelta(days=7),
                        approved_at=approved,
                        approved_by=case.regisseur,
                        fingerprint="0" * 64,
                    )
                )
            elif roll < 0.75:
                submitted = rng.random() < 0.5
                plans.append(
                    Plan(
                        case=case,
                        version=1,
                        status=PlanStatus.SUBMITTED if submitted else PlanStatus.DRAFT,
                        created_by=case.regisseur,
                        submitted_at=now if submitted else None,
                    )
                )
        UvoMeeting.objects.bulk_create(meetings, batch_size=batch)
        UvoCadence.objects.bulk_create(cadences, batch_size=batch)
        Plan.objects.bulk_create(plans, batch_size=batch)

        evaluations = []
        for plan in Plan.objects.filter(status=PlanStatus.APPROVED, case__in=cases):
            held = timezone.localtime(plan.approved_at).date() + timedelta(weeks=26)
            if held <= today and rng.random() < 0.5:
                evaluations.append(
                    Evaluation(
                        plan=plan,
                        due_date=held,
                        held_on=held,
                        conclusion=EvaluationConclusion.CONTINUE,
                        created_by=plan.created_by,
                    )
                )
        Evaluation.objects.bulk_create(evaluations, batch_size=batch)

        agreements = []
        for case in cases:
            for _ in range(rng.choice([0, 1, 1, 2, 3])):
                code = rng.choice(owners)
                person = rng.choice(people_of[code]) if rng.random() < 0.5 else None
                status = (
                    AgreementStatus.OPEN
                    if rng.random() < 0.75
                    else rng.choice([AgreementStatus.DONE, AgreementStatus.NOT_DONE])
                )
                agreements.append(
                    Agreement(
                        case=case,
                        description="Fictieve afspraak",
                        owner_organisation=orgs[code],
                        owner_person=person,
                        deadline=today + timedelta(days=rng.randrange(-90, 60)),
                        status=status,
                    )
                )
        Agreement.objects.bulk_create(agreements, batch_size=batch)

        # The owning organisations are on the case team (as agreement_create demands): they hold
        # the case's view grant, which the scan asks before it notifies their people.
        view_case = Permission.objects.get(codename="view_case", content_type__app_label="cases")
        grants = {(a.case_id, a.owner_organisation.group_id) for a in agreements}
        CaseGroupObjectPermission.objects.bulk_create(
            [
                CaseGroupObjectPermission(
                    content_object_id=case_id, group_id=group_id, permission=view_case
                )
                for case_id, group_id in sorted(grants)
            ],
            batch_size=batch,
        )
    print(
        f"seeded {len(cases)} cases: {len(meetings)} UVOs, {len(cadences)} cadences, "
        f"{len(plans)} plans, {len(evaluations)} evaluations, {len(agreements)} agreements"
    )


# --- bare SQL -----------------------------------------------------------------------------------

UVO_AND_PLAN_SQL = """
WITH c AS (
    SELECT c.id, c.regisseur_id, c.accounthouder_id, p.first_name, p.last_name,
           (c.regie_started_at AT TIME ZONE %(tz)s)::date AS started,
           CASE WHEN coalesce(nullif(prog.uvo_clock_start, ''), %(clock)s) = 'plan_approved'
                THEN ((SELECT min(pl.approved_at) FROM plans_plan pl WHERE pl.case_id = c.id)
                      AT TIME ZONE %(tz)s)::date
                ELSE (c.regie_started_at AT TIME ZONE %(tz)s)::date END AS clock,
           coalesce(prog.plan_submit_days, %(plan_days)s) AS plan_days,
           (SELECT max(u.held_on) FROM meetings_uvomeeting u
             WHERE u.case_id = c.id AND u.status = 'held') AS last_held,
           CASE WHEN cad.weeks IS NOT NULL AND (cad.until IS NULL OR %(today)s <= cad.until)
                THEN cad.weeks ELSE %(weeks)s END AS weeks,
           EXISTS (SELECT 1 FROM plans_plan pl
                    WHERE pl.case_id = c.id AND pl.submitted_at IS NOT NULL) AS submitted
      FROM cases_case c
      JOIN cases_person p ON p.id = c.person_id
      JOIN cases_programme prog ON prog.id = c.programme_id
      LEFT JOIN meetings_uvocadence cad ON cad.case_id = c.id
     WHERE c.status = 'in_regie' AND c.regie_started_at IS NOT NULL
)
SELECT 'uvo_overdue', id, coalesce(last_held, clock) + 7 * weeks,
       regisseur_id, accounthouder_id, first_name, last_name
  FROM c WHERE %(today)s > coalesce(last_held, clock) + 7 * weeks + %(grace)s
UNION ALL
SELECT 'plan_not_submitted', id, started + plan_days,
       regisseur_id, accounthouder_id, first_name, last_name
  FROM c WHERE NOT submitted AND %(today)s > started + plan_days
"""


EVALUATION_SQL = """
WITH e AS (
    SELECT pl.id, pl.case_id, c.regisseur_id, c.accounthouder_id, p.first_name, p.last_name,
           coalesce((SELECT max(ev.held_on) FROM plans_evaluation ev WHERE ev.plan_id = pl.id),
                    (pl.approved_at AT TIME ZONE %(tz)s)::date)
             + 7 * pr.evaluation_interval_weeks AS due
      FROM plans_plan pl
      JOIN cases_case c ON c.id = pl.case_id
      JOIN cases_person p ON p.id = c.person_id
      JOIN cases_programme pr ON pr.id = c.programme_id
     WHERE pl.status = 'approved' AND c.status = 'in_regie'
)
SELECT CASE WHEN %(today)s > due THEN 'evaluation_overdue' ELSE 'evaluation_due' END,
       id, due, case_id, regisseur_id, accounthouder_id, first_name, last_name
  FROM e WHERE %(today)s >= due - %(notice)s
"""

#: Whether the organisation (by its permission group) holds the case's view grant: on the team.
ON_TEAM_SQL = """
EXISTS (SELECT 1 FROM cases_casegroupobjectpermission g
          JOIN auth_permission p ON p.id = g.permission_id
          JOIN django_content_type ct ON ct.id = p.content_type_id
         WHERE g.content_object_id = a.case_id AND g.group_id = {group}
           AND p.codename = 'view_case' AND ct.app_label = 'cases')
"""

AGREEMENT_SQL = f"""
SELECT a.id, a.case_id, a.deadline, a.description, a.owner_person_id, a.owner_organisation_id,
       c.regisseur_id, c.accounthouder_id,
       {ON_TEAM_SQL.format(group="o.group_id")},
       {ON_TEAM_SQL.format(group="po.group_id")},
       (SELECT m.professional_id FROM cases_caseteammembership m
          JOIN partners_user mu ON mu.id = m.professional_id
         WHERE m.case_id = a.case_id AND m.organisation_id = a.owner_organisation_id
           AND m.left_on IS NULL AND mu.organisation_id = a.owner_organisation_id LIMIT 1)
  FROM meetings_agreement a JOIN cases_case c ON c.id = a.case_id
  JOIN partners_organisation o ON o.id = a.owner_organisation_id
  LEFT JOIN partners_user pu ON pu.id = a.owner_person_id
  LEFT JOIN partners_organisation po ON po.id = pu.organisation_id
 WHERE a.status = 'open' AND a.deadline < %(today)s AND c.status <> 'closed'
"""

RECIPIENTS_SQL = """
SELECT id, organisation_id, email FROM partners_user
 WHERE is_active AND organisation_id IS NOT NULL
   AND (id = ANY(%(people)s)
        OR (organisation_id = ANY(%(orgs)s) AND organisation_contact AND email <> ''))
"""


def bare_sql(today: date) -> set[tuple[str, int, date]]:
    """The same items as `find_due_items`, with the rules in SQL: (kind, object id, due date)."""
    from django.conf import settings
    from django.db import connection

    params = {
        "today": today,
        "tz": settings.TIME_ZONE,
        "weeks": settings.REGIE_UVO_CADENCE_WEEKS,
        "grace": settings.REGIE_UVO_GRACE_DAYS,
        "plan_days": settings.REGIE_PLAN_SUBMIT_DAYS,
        "clock": settings.REGIE_UVO_CLOCK_START,
        "notice": settings.REGIE_EVALUATION_NOTICE_DAYS,
    }
    items = set()
    people: set[int] = set()
    with connection.cursor() as cursor:
        cursor.execute(UVO_AND_PLAN_SQL, params)
        for kind, pk, due, regisseur, accounthouder, *_rest in cursor.fetchall():
            items.add((kind, pk, due))
            people.update((regisseur, accounthouder))
        cursor.execute(EVALUATION_SQL, params)
        for kind, pk, due, _case, regisseur, accounthouder, *_rest in cursor.fetchall():
            items.add((kind, pk, due))
            people.update((regisseur, accounthouder))
        cursor.execute(AGREEMENT_SQL, params)
        agreements = cursor.fetchall()
        unnamed = [row for row in agreements if row[4] is None and row[8]]
        orgs = sorted({row[5] for row in unnamed if row[10] is None})
        people.update(row[10] for row in unnamed if row[10] is not None)
        people.update(row[4] for row in agreements if row[4] is not None and row[9])
        people.update(row[i] for row in agreements for i in (6, 7))
        cursor.execute(RECIPIENTS_SQL, {"people": sorted(people - {None}), "orgs": orgs})
        cursor.fetchall()
        items.update(("agreement_overdue", row[0], row[2]) for row in agreements)
    return items


# --- timing -------------------------------------------------------------------------------------


def best_of(repeat: int, run: Callable[[], object]) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def queries_of(run: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured.captured_queries)


def scan_rolled_back(today: date):
    from django.db import transaction

    from meetings.reminders import reminders_scan

    def run():
        with transaction.atomic():
            result = reminders_scan(today=today)
            transaction.set_rollback(True)
        return result

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    parser.add_argument("--seed", type=int, default=600)
    parser.add_argument("--profile", action="store_true", help="cProfile one find phase")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL=postgres://...: the benchmark runs on PostgreSQL.")
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from meetings import reminders
    from meetings.models import Reminder

    call_command("migrate", verbosity=0)
    seed(args.cases, random.Random(args.seed))  # noqa: S311  (fictitious data)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    if Reminder.objects.exists():
        print("note: the database holds reminders; the scan inserts only what is new to them")

    today = args.today or timezone.localdate()
    find = lambda: reminders.find_due_items(today)  # noqa: E731
    sql = lambda: bare_sql(today)  # noqa: E731
    scan = scan_rolled_back(today)
    find()  # warm up: connection, translations, content types
    sql()

    found = {(f.kind, f.object_id, f.due_date) for f in find()}
    expected = sql()
    if found != expected:
        sys.exit(
            f"find_due_items and bare SQL disagree: {len(found - expected)} only in find, "
            f"{len(expected - found)} only in SQL, e.g. {sorted(found ^ expected)[:5]}"
        )

    t_find, findings = best_of(args.repeat, find)
    t_sql, _ = best_of(args.repeat, sql)
    t_scan, result = best_of(args.repeat, scan)
    parts = {
        "uvo+plan": lambda: reminders.find_uvo_and_plan_items(today),
        "evaluation": lambda: reminders.find_evaluation_items(today),
        "agreement": lambda: reminders.find_agreement_items(today),
    }
    by_kind: dict[str, int] = {}
    for finding in findings:
        by_kind[str(finding.kind)] = by_kind.get(str(finding.kind), 0) + 1

    print(f"\nreminder scan, {args.cases} cases in regie, today {today}, best of {args.repeat}")
    print(f"  items due          {len(findings):>8}  {dict(sorted(by_kind.items()))}")
    print(f"  bare SQL           {t_sql * 1000:>8.1f} ms   {queries_of(sql)} queries")
    print(f"  find_due_items     {t_find * 1000:>8.1f} ms   {queries_of(find)} queries")
    for name, part in parts.items():
        t_part, _ = best_of(args.repeat, part)
        print(f"    {name:<16} {t_part * 1000:>8.1f} ms")
    print(
        f"  reminders_scan     {t_scan * 1000:>8.1f} ms   {queries_of(scan)} queries  "
        f"({result.reminders_created} reminders, {result.notifications_created} notifications,"
        f" rolled back)"
    )
    ratio = t_find / t_sql
    print(
        f"  ratio find / bare SQL  {ratio:.2f}x  (target <= 2x): {'ok' if ratio <= 2 else 'OVER'}"
    )

    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(find)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
