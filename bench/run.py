"""One table, one run: every daily page and API endpoint against the generated data set.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/regie_bench bench/run --rounds 7

For each endpoint of `bench/endpoints.py`, interleaved (round-robin, so noise hits all alike):
the median and p95 over the rounds, the floor (an empty Django view through the same middleware
and authentication: a logged-in page, or a token-authenticated API view), the bare SQL that
fetches the same rows (median), the ratio median / (floor + bare SQL), the queries per request
and the response size. Not a test: no thresholds.

Requests go through Django's test `Client` in-process, as realistic users picked from the
generated data (see `pick_context`). In-process, not gunicorn: the ratio is about the server's
own work (ORM, templates, serializers, the queries' plans), and in-process it is measured without
loopback HTTP, worker scheduling and the load generator sharing the two CPUs; the queries are
counted on the very connection that runs them. `bench/load` measures the gunicorn set-up.

`--queries NAME` prints the SQL one request of the endpoints matching NAME runs (and their
bare SQL), `--explain NAME` the `EXPLAIN (ANALYZE, BUFFERS)` of its slowest queries.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import database_url, setup_django


def pick_context() -> dict:
    """Realistic users and objects, chosen by SQL from the generated data (deterministic)."""
    from django.db import connection

    from bench.endpoints import CONTEXT_SQL

    ctx: dict = {}
    with connection.cursor() as cursor:
        for name, sql in CONTEXT_SQL:
            cursor.execute(sql, ctx)
            row = cursor.fetchone()
            if row is None:
                sys.exit(f"The data set has no {name}: run bench/generate first.")
            ctx.update(zip([c.name for c in cursor.description], row, strict=True))
    return ctx


def make_clients(ctx: dict) -> dict:
    from django.test import Client

    from bench.common import signed_in_client
    from partners.models import User

    clients = {}
    for who in ("regisseur", "accounthouder", "itat", "programme_team", "beheerder", "expertgroep"):
        clients[who] = signed_in_client(User.objects.get(pk=ctx[who]))
    from bench.generate import ensure_bench_api_key

    key = ensure_bench_api_key(ctx["system"])
    clients["system"] = Client(HTTP_AUTHORIZATION=f"Token {key}")
    return clients


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0
        self.sql: list[str] = []
        self.keep = False

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        if self.keep:
            self.sql.append(sql % tuple(repr(p) for p in params) if params else sql)
        return execute(sql, params, many, context)


def request(client, url: str, counter: QueryCounter):
    from django.db import connection

    counter.count = 0
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        response = client.get(url)
        body = response.content
        elapsed = time.perf_counter() - started
    return elapsed, response.status_code, len(body), counter.count


def bare(sql: str, ctx: dict) -> float:
    """Run the statements in order; one that returns a single column named `visible` (the ids
    of the cases the user sees) passes its value on as `%(visible)s`."""
    from django.db import connection

    ctx = dict(ctx)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for statement in statements(sql):
            cursor.execute(statement, ctx)
            if cursor.description is None:
                continue
            rows = cursor.fetchall()
            if [column.name for column in cursor.description] == ["visible"]:
                ctx["visible"] = rows[0][0] or []
    return time.perf_counter() - started


def params(ctx: dict, who: str) -> dict:
    """The context with the endpoint's user as %(user)s, %(group)s and %(org)s."""
    return {**ctx, "user": ctx[who], "group": ctx[f"{who}_group"], "org": ctx[f"{who}_org"]}


def statements(sql: str) -> list[str]:
    return [s.strip() for s in sql.split(";\n") if s.strip()]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def show_queries(endpoints, clients, ctx) -> None:
    from django.db import connection

    for ep in endpoints:
        counter = QueryCounter()
        counter.keep = True
        _elapsed, status, size, count = request(clients[ep.who], ep.url.format(**ctx), counter)
        print(f"\n=== {ep.name}  {ep.url.format(**ctx)}  {status}, {count} queries, {size} B")
        for sql in counter.sql:
            print(f"  - {sql[:3000]}")
        print("  bare SQL:")
        with connection.cursor() as cursor:
            for statement in statements(ep.sql):
                print(f"  - {cursor.mogrify(statement, params(ctx, ep.who))[:3000]}")


def explain(endpoints, clients, ctx, top: int) -> None:
    """The slowest queries of one request of each endpoint, with their plans."""
    from django.db import connection

    for ep in endpoints:
        timed: list[tuple[float, str, tuple]] = []

        def timer(execute, sql, params, many, context, timed=timed):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                timed.append((time.perf_counter() - started, sql, params))

        with connection.execute_wrapper(timer):
            clients[ep.who].get(ep.url.format(**ctx))
        print(f"\n=== {ep.name}: {len(timed)} queries, slowest {top}")
        for elapsed, sql, params in sorted(timed, key=lambda t: -t[0])[:top]:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            print(f"\n--- {elapsed * 1000:.1f} ms: {sql[:400]}")
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                for (line,) in cursor.fetchall():
                    print(f"    {line}")


def profile(endpoints, clients, ctx, top: int) -> None:
    """Where the Python time of an endpoint goes: cProfile over 20 requests (after one to warm
    up), the functions with the most time of their own and the most time in all."""
    import cProfile
    import pstats

    for ep in endpoints:
        url = ep.url.format(**ctx)
        clients[ep.who].get(url)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(20):
            clients[ep.who].get(url)
        profiler.disable()
        print(f"\n=== {ep.name}  {url}")
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("tottime").print_stats(max(top, 25))
        stats.sort_stats("cumulative").print_stats(max(top, 40))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--only", default="", help="endpoints whose name contains this")
    parser.add_argument("--queries", metavar="NAME", help="print the SQL of matching endpoints")
    parser.add_argument("--explain", metavar="NAME", help="EXPLAIN the slowest queries")
    parser.add_argument("--top", type=int, default=2, help="queries to EXPLAIN per endpoint")
    parser.add_argument("--profile", metavar="NAME", help="cProfile 20 requests of each match")
    args = parser.parse_args()

    database_url()
    setup_django()
    from django.conf import settings
    from django.db import connection

    from bench.endpoints import API_FLOOR, ENDPOINTS, PAGE_FLOOR
    from bench.generate import ensure_bench_webhooks

    ensure_bench_webhooks()  # a data set from before webhooks
    ctx = pick_context()
    clients = make_clients(ctx)
    needle = next((n for n in (args.queries, args.explain, args.profile) if n is not None), None)
    if needle is not None:
        chosen = [ep for ep in ENDPOINTS if needle.lower() in ep.name.lower()]
        if args.queries is not None:
            show_queries(chosen, clients, ctx)
        elif args.explain is not None:
            explain(chosen, clients, ctx, args.top)
        else:
            profile(chosen, clients, ctx, args.top)
        return

    endpoints = [ep for ep in ENDPOINTS if args.only.lower() in ep.name.lower()]
    floors = [PAGE_FLOOR, API_FLOOR]
    counter = QueryCounter()
    # Warm up (connection, templates, translations, first-use caches) and check every answer.
    for ep in floors + endpoints:
        _t, status, _size, _count = request(clients[ep.who], ep.url.format(**ctx), counter)
        if status != 200:
            sys.exit(f"{ep.name}: {ep.url.format(**ctx)} answered {status}")
        bare(ep.sql, params(ctx, ep.who))

    times: dict[str, list[float]] = {ep.name: [] for ep in floors + endpoints}
    sql_times: dict[str, list[float]] = {ep.name: [] for ep in floors + endpoints}
    facts: dict[str, tuple[int, int]] = {}
    started = time.perf_counter()
    for round_no in range(args.rounds):
        for ep in floors + endpoints:
            elapsed, _status, size, count = request(clients[ep.who], ep.url.format(**ctx), counter)
            times[ep.name].append(elapsed)
            facts[ep.name] = (count, size)
            sql_times[ep.name].append(bare(ep.sql, params(ctx, ep.who)))
        print(
            f"  round {round_no + 1}/{args.rounds}  {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), current_setting('work_mem'), version()")
        jit, work_mem, version = cursor.fetchone()
    floor = {ep.kind: statistics.median(times[ep.name]) for ep in floors}
    print(
        f"\nbench/run: {args.rounds} rounds, in-process Django test Client, "
        f"{settings.DATABASES['default']['NAME']}, {version.split(' on ')[0]}, jit={jit}, "
        f"work_mem={work_mem}"
    )
    print(
        f"users: regisseur #{ctx['regisseur']} ({ctx['regisseur_cases']} cases in regie), "
        f"accounthouder #{ctx['accounthouder']}, ITAT #{ctx['itat']}, programme team "
        f"#{ctx['programme_team']}, partner system #{ctx['system']} ({ctx['system_org_code']}); "
        f"case #{ctx['case']}, plan #{ctx['plan']}, UVO #{ctx['uvo']}, ITAT meeting "
        f"#{ctx['meeting']}"
    )
    header = (
        f"{'endpoint':<36}{'median':>9}{'p95':>9}{'floor':>8}{'bareSQL':>9}{'ratio':>7}"
        f"{'queries':>8}{'KB':>8}"
    )
    print(header)
    print("-" * len(header))
    for ep in floors + endpoints:
        median = statistics.median(times[ep.name])
        base = floor[ep.kind] + (statistics.median(sql_times[ep.name]) if ep.sql else 0)
        sql_ms = statistics.median(sql_times[ep.name]) * 1000 if ep.sql else 0
        count, size = facts[ep.name]
        print(
            f"{ep.name:<36}{median * 1000:>9.1f}{p95(times[ep.name]) * 1000:>9.1f}"
            f"{floor[ep.kind] * 1000:>8.1f}{sql_ms:>9.1f}{median / base:>7.1f}"
            f"{count:>8}{size / 1024:>8.0f}"
        )
    print("times in ms; ratio = median / (floor + bare SQL)")


if __name__ == "__main__":
    main()
