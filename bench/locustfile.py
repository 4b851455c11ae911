"""The mixed workload of `bench/load` (run by it; reads the plan it writes to BENCH_LOAD_PLAN).

Regisseurs (16) browse their own cases and tabs, their inbox, home and the agreements page, and
now and then share a timeline event or record an agreement at a UVO. API clients (4 partner
systems) list cases, plans, agreements and UVOs 100 a page, paging on, and read details.
The Empty* users do the same number of requests to the empty views (the floor).
"""

from __future__ import annotations

import itertools
import json
import os
import random
from datetime import date, timedelta
from urllib.parse import urlencode

from locust import FastHttpUser, between, constant, task

PLAN = json.load(open(os.environ["BENCH_LOAD_PLAN"]))  # noqa: SIM115
THINK = float(os.environ.get("BENCH_LOAD_THINK", "0"))
WAIT = between(THINK / 2, THINK * 1.5) if THINK else constant(0)
_regisseurs = itertools.count()
_systems = itertools.count()


class RegisseurUser(FastHttpUser):
    fixed_count = 16
    wait_time = WAIT

    def on_start(self) -> None:
        me = PLAN["regisseurs"][next(_regisseurs) % len(PLAN["regisseurs"])]
        self.me = me
        self.rng = random.Random(me["session"])  # noqa: S311
        self.headers = {"Cookie": f"sessionid={me['session']}; csrftoken={PLAN['csrf']}"}

    def get(self, url: str, name: str) -> None:
        self.client.get(url, headers=self.headers, name=name)

    def post(self, url: str, data: dict, name: str) -> None:
        """A form POST; a valid one redirects (302), anything else is a failure."""
        with self.client.post(
            url,
            data=urlencode({"csrfmiddlewaretoken": PLAN["csrf"], **data}),
            headers={**self.headers, "Content-Type": "application/x-www-form-urlencoded"},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                response.success()
            else:
                response.failure(f"{response.status_code}: the form was refused")

    def case(self) -> int:
        return self.rng.choice(self.me["cases"])

    @task(6)
    def case_detail(self) -> None:
        self.get(f"/casussen/{self.case()}/", "/casussen/[id]/")

    @task(2)
    def tab_dossier(self) -> None:
        self.get(f"/casussen/{self.case()}/basisdossier/", "/casussen/[id]/basisdossier/")

    @task(3)
    def tab_timeline(self) -> None:
        self.get(f"/casussen/{self.case()}/tijdlijn/", "/casussen/[id]/tijdlijn/")

    @task(3)
    def tab_plan(self) -> None:
        self.get(f"/casussen/{self.case()}/plan/", "/casussen/[id]/plan/")

    @task(3)
    def tab_uvo(self) -> None:
        self.get(f"/casussen/{self.case()}/uvo/", "/casussen/[id]/uvo/")

    @task(1)
    def tab_history(self) -> None:
        self.get(f"/casussen/{self.case()}/geschiedenis/", "/casussen/[id]/geschiedenis/")

    @task(2)
    def plan_page(self) -> None:
        if self.me["plans"]:
            self.get(f"/plannen/{self.rng.choice(self.me['plans'])}/", "/plannen/[id]/")

    @task(2)
    def uvo_page(self) -> None:
        if self.me["uvos"]:
            uvo, _org = self.rng.choice(self.me["uvos"])
            self.get(f"/uvo/{uvo}/", "/uvo/[id]/")

    @task(3)
    def home(self) -> None:
        self.get("/", "/")

    @task(3)
    def case_list(self) -> None:
        self.get("/casussen/", "/casussen/")

    @task(2)
    def inbox(self) -> None:
        self.get("/meldingen/", "/meldingen/")

    @task(1)
    def agreements(self) -> None:
        self.get("/afspraken/", "/afspraken/")

    @task(1)
    def share_event(self) -> None:
        self.post(
            f"/casussen/{self.case()}/tijdlijn/",
            {"kind": "move", "description": "Bench: verhuisd (load test)."},
            "POST /casussen/[id]/tijdlijn/",
        )

    @task(1)
    def record_agreement(self) -> None:
        if not self.me["uvos"]:
            return
        uvo, org = self.rng.choice(self.me["uvos"])
        deadline = date.today() + timedelta(days=self.rng.randrange(7, 60))  # noqa: DTZ011
        self.post(
            f"/uvo/{uvo}/",
            {
                "action": "agreement",
                "description": "Bench: afspraak uit de load test.",
                "owner_organisation": org,
                "deadline": deadline.isoformat(),
            },
            "POST /uvo/[id]/ (agreement)",
        )


class ApiClient(FastHttpUser):
    fixed_count = 4
    wait_time = WAIT
    resources = ["cases", "plans", "agreements", "uvo-meetings"]

    def on_start(self) -> None:
        me = PLAN["systems"][next(_systems) % len(PLAN["systems"])]
        self.headers = {"Authorization": f"Token {me['token']}"}
        self.pages = dict.fromkeys(self.resources, 1)
        self.seen: dict[str, list[int]] = {r: [] for r in self.resources}
        self.rng = random.Random(me["token"])  # noqa: S311

    @task(4)
    def list_page(self) -> None:
        resource = self.rng.choice(self.resources)
        page = self.pages[resource]
        with self.client.get(
            f"/api/v1/{resource}?page_size=100&page={page}",
            headers=self.headers,
            name=f"/api/v1/{resource}?page_size=100",
            catch_response=True,
        ) as response:
            if response.status_code == 404:  # past the last page: start again
                self.pages[resource] = 1
                response.success()
                return
            body = response.json()
            self.seen[resource] = [item["id"] for item in body.get("results", [])][:20]
            self.pages[resource] = page + 1 if body.get("next") and page < 20 else 1

    @task(2)
    def detail(self) -> None:
        resource = self.rng.choice(self.resources)
        if self.seen[resource]:
            pk = self.rng.choice(self.seen[resource])
            self.client.get(
                f"/api/v1/{resource}/{pk}", headers=self.headers, name=f"/api/v1/{resource}/[id]"
            )


class EmptyPageUser(FastHttpUser):
    fixed_count = 16
    wait_time = WAIT

    def on_start(self) -> None:
        me = PLAN["regisseurs"][next(_regisseurs) % len(PLAN["regisseurs"])]
        self.headers = {"Cookie": f"sessionid={me['session']}"}

    @task
    def empty(self) -> None:
        self.client.get("/__bench__/empty/", headers=self.headers, name="/__bench__/empty/")


class EmptyApiUser(FastHttpUser):
    fixed_count = 4
    wait_time = WAIT

    def on_start(self) -> None:
        me = PLAN["systems"][next(_systems) % len(PLAN["systems"])]
        self.headers = {"Authorization": f"Token {me['token']}"}

    @task
    def empty(self) -> None:
        self.client.get("/__bench__/api-empty/", headers=self.headers, name="/__bench__/api-empty/")
