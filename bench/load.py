"""Load test: a mixed workload against gunicorn (2 workers), then the empty views on the same
workers, with locust (FastHttpUser, headless, loopback, bounded in time).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/regie_bench bench/load --duration 60

Starts `gunicorn acvz.wsgi` itself (the production command of the Dockerfile with --workers 2,
settings `bench.settings`), logs 16 regisseurs in (sessions made directly, so that no password
hashing runs during the test) and takes 4 partner systems' tokens from the generated data. Runs
20 users (see `bench/locustfile.py`) for --duration seconds, then the same 20 users against the
empty views for as long. Prints req/s, p50/p95/p99, errors and the peak RSS of each worker
(VmRSS from /proc, sampled every 0.2 s), and the app's share of the empty views' rate.
The users do not wait between requests (--think 0): it measures capacity, not a day's traffic.

Writes happen (timeline events, agreements, access log): run it on the bench database only.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, database_url, setup_django, signed_in_client

BIN = Path(sys.executable).parent

PLAN_SQL = {
    "regisseurs": """
        SELECT u.id FROM partners_user u
         WHERE u.is_active AND u.username LIKE 'bench.reg.%%'
           AND (SELECT count(*) FROM cases_case c
                 WHERE c.regisseur_id = u.id AND c.status = 'in_regie') >= 4
         ORDER BY md5(u.id::text) LIMIT 16""",
    "cases": """
        SELECT id FROM cases_case WHERE regisseur_id = %s AND status = 'in_regie' ORDER BY id""",
    "plans": """
        SELECT p.id FROM plans_plan p JOIN cases_case c ON c.id = p.case_id
         WHERE c.regisseur_id = %s AND c.status = 'in_regie' ORDER BY p.id DESC LIMIT 20""",
    "uvos": """
        SELECT DISTINCT ON (m.case_id) m.id, t.organisation_id
          FROM meetings_uvomeeting m JOIN cases_case c ON c.id = m.case_id
          JOIN cases_caseteammembership t ON t.case_id = c.id AND t.left_on IS NULL
         WHERE c.regisseur_id = %s AND c.status = 'in_regie' AND m.status <> 'cancelled'
         ORDER BY m.case_id, m.planned_at DESC""",
    "systems": """
        SELECT u.id FROM partners_user u
         WHERE u.username IN ('bench.system.politie', 'bench.system.om', 'bench.system.wpi',
                              'bench.system.ggd') ORDER BY u.username""",
}


def make_plan() -> dict:
    """Who the locust users are: sessions for regisseurs (with their cases), tokens for APIs."""
    from django.db import connection

    from partners.models import User

    plan: dict = {"regisseurs": [], "systems": [], "csrf": secrets.token_hex(16)}
    with connection.cursor() as cursor:
        cursor.execute(PLAN_SQL["regisseurs"])
        for (user_id,) in cursor.fetchall():
            client = signed_in_client(User.objects.get(pk=user_id))
            entry = {"session": client.cookies["sessionid"].value}
            for key in ("cases", "plans", "uvos"):
                cursor.execute(PLAN_SQL[key], [user_id])
                rows = cursor.fetchall()
                entry[key] = [list(r) if len(r) > 1 else r[0] for r in rows]
            plan["regisseurs"].append(entry)
        cursor.execute(PLAN_SQL["systems"])
        systems = [user_id for (user_id,) in cursor.fetchall()]
    from bench.generate import ensure_bench_api_key

    plan["systems"] = [{"token": ensure_bench_api_key(user_id)} for user_id in systems]
    if len(plan["regisseurs"]) < 16 or len(plan["systems"]) < 4:
        sys.exit("Not enough regisseurs or partner systems: run bench/generate first.")
    return plan


# --- gunicorn and its workers' memory -----------------------------------------------------------


def start_gunicorn(port: int, workers: int, timeout: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(ROOT),
    }
    command = [
        str(BIN / "gunicorn"),
        "acvz.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        str(timeout),
        "--access-logfile",
        "-",
        "--no-control-socket",
    ]
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(log, "w"),  # noqa: SIM115
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                return server
        except OSError:
            if server.poll() is not None:
                sys.exit(f"gunicorn exited: see {log}")
            time.sleep(0.3)
    server.terminate()
    sys.exit(f"gunicorn did not answer /healthz within 60 s: see {log}")


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class RssSampler(threading.Thread):
    """Peak VmRSS per gunicorn worker while running."""

    def __init__(self, master: int) -> None:
        super().__init__(daemon=True)
        self.master = master
        self.peaks: dict[int, int] = {}
        self.running = True

    def run(self) -> None:
        while self.running:
            for pid in children(self.master):
                self.peaks[pid] = max(self.peaks.get(pid, 0), rss_kb(pid))
            time.sleep(0.2)

    def stop(self) -> dict[int, int]:
        self.running = False
        self.join()
        return self.peaks


# --- locust -------------------------------------------------------------------------------------


def run_locust(
    classes: list[str],
    *,
    port: int,
    duration: int,
    users: int,
    workdir: Path,
    name: str,
    plan_file: Path,
    think: float,
) -> list[dict]:
    prefix = workdir / name
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{duration}s",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        *classes,
    ]
    env = {**os.environ, "BENCH_LOAD_PLAN": str(plan_file), "BENCH_LOAD_THINK": str(think)}
    with open(workdir / f"{name}.log", "w") as log:
        subprocess.run(command, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
    with open(f"{prefix}_stats.csv") as stats:
        return list(csv.DictReader(stats))


def summary(rows: list[dict]) -> dict:
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return {
        "requests": int(total["Request Count"]),
        "errors": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "p50": total["50%"],
        "p95": total["95%"],
        "p99": total["99%"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds per run")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=30, help="gunicorn's (its default: 30)")
    parser.add_argument("--port", type=int, default=8619)
    parser.add_argument("--think", type=float, default=0.0, help="mean seconds between requests")
    parser.add_argument("--keep", action="store_true", help="keep the CSV files and logs")
    args = parser.parse_args()

    database_url()
    setup_django()
    plan = make_plan()
    from django.db import connection

    connection.close()

    workdir = Path(tempfile.mkdtemp(prefix="regie-load-"))
    plan_file = workdir / "plan.json"
    plan_file.write_text(json.dumps(plan))
    server = start_gunicorn(args.port, args.workers, args.timeout, workdir / "gunicorn.log")
    results = {}
    try:
        # Warm every worker up (imports, templates, connections) before measuring.
        session = plan["regisseurs"][0]["session"]
        for _ in range(4 * args.workers):
            for path in (
                "/",
                f"/casussen/{plan['regisseurs'][0]['cases'][0]}/",
                "/__bench__/empty/",
            ):
                request = urllib.request.Request(
                    f"http://127.0.0.1:{args.port}{path}",
                    headers={"Cookie": f"sessionid={session}"},
                )
                urllib.request.urlopen(request, timeout=120).read()
        runs = [
            ("app", ["RegisseurUser", "ApiClient"]),
            ("empty", ["EmptyPageUser", "EmptyApiUser"]),
        ]
        for name, classes in runs:
            print(
                f"  {name}: {args.users} users for {args.duration} s ...",
                file=sys.stderr,
                flush=True,
            )
            sampler = RssSampler(server.pid)
            sampler.start()
            rows = run_locust(
                classes,
                port=args.port,
                duration=args.duration,
                users=args.users,
                workdir=workdir,
                name=name,
                plan_file=plan_file,
                think=args.think,
            )
            results[name] = (summary(rows), rows, sampler.stop())
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    print(
        f"\nbench/load: gunicorn {args.workers} sync workers (timeout {args.timeout} s), "
        f"{args.users} locust FastHttpUsers, {args.duration} s per run, think {args.think} s, "
        f"loopback"
    )
    header = (
        f"{'run':<8}{'requests':>10}{'req/s':>9}{'p50':>8}{'p95':>8}{'p99':>8}{'errors':>8}"
        "  peak RSS per worker (MB)"
    )
    print(header)
    print("-" * len(header))
    for name, (s, _rows, peaks) in results.items():
        rss = ", ".join(f"{kb / 1024:.0f}" for _pid, kb in sorted(peaks.items()))
        print(
            f"{name:<8}{s['requests']:>10}{s['rps']:>9.1f}{s['p50']:>8}{s['p95']:>8}"
            f"{s['p99']:>8}{s['errors']:>8}  {rss}"
        )
    app, empty = results["app"][0], results["empty"][0]
    print(f"app / empty req/s: {app['rps'] / empty['rps'] * 100:.1f} %  (times in ms)")
    print(f"\napp requests by endpoint ({'median':>6} / p95 ms):")
    for row in sorted(results["app"][1], key=lambda r: -int(r["Request Count"])):
        if row["Name"] != "Aggregated":
            print(
                f"  {row['Type']:<5}{row['Name']:<44}{row['Request Count']:>7}"
                f"{row['50%']:>8} /{row['95%']:>7}  errors {row['Failure Count']}"
            )
    if args.keep:
        print(f"\nCSV files and logs in {workdir}")
    else:
        for path in workdir.iterdir():
            path.unlink()
        workdir.rmdir()


if __name__ == "__main__":
    main()
