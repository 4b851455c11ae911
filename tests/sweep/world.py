"""The sweep's world: one user per role and situation, one case per status, marker strings in
every free-text field, built once through the real services and rolled back at the end.

Situations (the user's organisation relative to a case, docs/domain.md "Need-to-know"):

=========  ==========  ======  ============================================================
key        org         health  in the case
=========  ==========  ======  ============================================================
team_n     RN          no      the regie organisation (on the team from assignment)
team_h     GGD         yes     on the team from regie on (responsible for health goal H2)
left_n     WPI         no      joined in regie, left again (owns an overdue agreement)
left_h     INFORSA     yes     joined in regie, left again
out_n      DJI         no      never on the team
out_h      SWZORG      yes     never on the team (a health kernpartner made for the sweep)
=========  ==========  ======  ============================================================

Every role of `partners.models.Role` gets one user per situation (a new role appears by itself;
the oracle must name it). Special users: the case's regisseur and accounthouder (RN, they direct
every case), an IVG member of a health organisation that is no kernpartner, a programme-team
member of another programme, and the anonymous visitor. Builder users (at POLITIE, OM, OJZD)
do the writes a world needs and are not swept.

Where the product cannot yet express a rule of the oracle (programme-team membership of a
programme, an Expertgroep role), `features` says so and the builder leaves the piece out; see
`_join_programme` and the README ("switching a rule on").
"""

from __future__ import annotations

import contextlib
import itertools
import os
from dataclasses import dataclass, field
from datetime import timedelta

import time_machine
from django.apps import apps
from django.db import models, transaction
from django.test import Client
from django.utils import timezone

from acvz.errors import DomainError
from cases import services as case_services
from cases.models import (
    Case,
    CaseTeamMembership,
    ContributionPart,
    DossierContribution,
    Leefgebied,
    OffenceKind,
    Programme,
)
from cases.workflow import CaseStatus
from meetings import services as meeting_services
from meetings.escalations import escalation_act, escalation_raise
from meetings.models import Escalation, WebhookDelivery, WebhookEvent, WebhookSubscription
from meetings.webhooks import new_secret
from partners.models import ApiKey, ApiScope, Organisation, OrganisationKind, Role
from plans import services as plan_services
from plans.applications import application_record
from plans.budget import budget_payment_record, budget_request_create, budget_request_decide
from plans.models import Application, BudgetRequest, ItatAdvice, ItatMeeting, Plan, PlanReview
from tests.factories import OffenceRecordFactory, OrganisationFactory, PersonFactory, UserFactory
from tests.scenarios import OPEN_COMMITMENTS_OK
from tests.sweep import oracle

#: Any id no object has: the "missing" baseline of every request.
MISSING = 987654321
#: REGIE_SWEEP=full: call every user the facts distinguish, also all who are shut out.
FULL = os.environ.get("REGIE_SWEEP") == "full"

SITUATIONS: dict[str, str] = {
    "team_n": "RN",
    "team_h": "GGD",
    "left_n": "WPI",
    "left_h": "INFORSA",
    "out_n": "DJI",
    "out_h": "SWZORG",
}
REGIE_ORG = "RN"
#: Organisations the sweep creates (code: name, kind, health).
EXTRA_ORGS = {
    "SWZORG": ("Sweep zorgpartner", OrganisationKind.KERNPARTNER, True),
    "SWZPARTNER": ("Sweep zorgaanbieder", OrganisationKind.PARTNER, True),
    # Only the authors of section 9 work here: never on a team, so their names (which carry a
    # health marker) appear in no list of a team's people.
    "SWZLAB": ("Sweep GGD-onderzoek", OrganisationKind.KERNPARTNER, True),
}

#: The cases, one per status (withdrawn is closed before assignment), with the status they end
#: in. "in_regie" is the richest: plan version 1 approved ten weeks ago and evaluated, UVOs,
#: agreements, referrals (one open), and version 2 on ITAT's agenda now. "outflow" was approved
#: ten days ago (inside ITAT's read window), "closed" ten weeks ago (outside it).
CASES: dict[str, str] = {
    "registered": CaseStatus.REGISTERED,
    "basisdossier": CaseStatus.BASISDOSSIER,
    "awaiting_assignment": CaseStatus.AWAITING_ASSIGNMENT,
    "assigned": CaseStatus.ASSIGNED,
    "in_regie": CaseStatus.IN_REGIE,
    "outflow": CaseStatus.OUTFLOW,
    "closed": CaseStatus.CLOSED,
    "withdrawn": CaseStatus.CLOSED,
}


# --- facts the oracle reads ------------------------------------------------------------------


@dataclass(frozen=True)
class Marker:
    token: str
    case: str  # the case label
    #: N name · P person details · C case content · H health · G health goal H1 · S an offence
    #: record's text (the person's details, and its source organisation's partner systems)
    cls: str
    field: str  # where it was written (for failure messages)
    resource: str  # the part of the case it belongs to (oracle.RESOURCES)
    goal_org: str | None = None  # G: the goal's responsible organisation; S: the source


@dataclass
class OrgFacts:
    code: str
    pk: int
    health: bool
    kernpartner: bool


@dataclass
class SweepUser:
    label: str
    user: object | None  # None: the anonymous visitor
    roles: frozenset[str]  # oracle role names
    org: OrgFacts | None
    api_only: bool = False
    programmes: frozenset[str] = frozenset()
    token: str | None = None
    feed_token: str | None = None
    client: Client | None = None

    @property
    def pk(self) -> int | None:
        return self.user.pk if self.user is not None else None


@dataclass
class GoalFacts:
    label: str  # G_N (leefgebied 8), H1 (9, RN responsible), H2 (9, GGD responsible)
    pk: int
    leefgebied: int
    resp_org: str
    plan: str


@dataclass
class PlanFacts:
    label: str  # v1, v2
    pk: int
    status: str
    goals: dict[str, GoalFacts] = field(default_factory=dict)
    lock_version: int = 0


@dataclass
class CaseFacts:
    label: str
    index: int
    pk: int
    status: str
    programme: str
    person_pk: int
    offence_pk: int = 0  # the record RN's partner system pushed (its source: RN)
    org_state: dict[str, str] = field(default_factory=dict)  # code: on | left
    regie_org: str | None = None
    regisseur: int | None = None
    accounthouder: int | None = None
    itat_window: bool = False
    referral_open: bool = False
    has_dossier: bool = False
    plans: list[PlanFacts] = field(default_factory=list)
    evaluations: list[int] = field(default_factory=list)
    uvos: list[tuple[int, str, int]] = field(default_factory=list)  # pk, status, lock_version
    agreements: list[tuple[int, str]] = field(default_factory=list)  # pk, owner code
    referrals: list[tuple[int, bool]] = field(default_factory=list)  # pk, open
    reviews: list[tuple[int, bool]] = field(default_factory=list)  # pk, open (a look at the plan)
    escalations: list[tuple[int, str, int]] = field(default_factory=list)  # pk, level, lock
    applications: list[tuple[int, int]] = field(default_factory=list)  # pk, lock (on H1, v1)
    budget: list[tuple[int, str, int]] = field(default_factory=list)  # pk, status, lock
    memberships: list[tuple[int, str, bool]] = field(default_factory=list)  # pk, org, active
    minor_watches: list[tuple[int, int]] = field(default_factory=list)  # pk, the minor's pk

    def state_of(self, code: str | None) -> str:
        return self.org_state.get(code, "never") if code else "never"

    @property
    def latest_plan(self) -> PlanFacts | None:
        return self.plans[-1] if self.plans else None

    @property
    def plan_in_force(self) -> PlanFacts | None:
        return next((p for p in self.plans if p.status == "approved"), None)


@dataclass
class World:
    users: list[SweepUser]
    cases: dict[str, CaseFacts]
    markers: dict[str, Marker]
    orgs: dict[str, OrgFacts]
    features: dict[str, bool]
    refs: dict[str, int]  # ids a request body needs: programmes, organisations, people
    itat_meetings: list[int]
    notifications: dict[str, list[int]]  # user label: own notification ids
    outbox: list  # the e-mails the world's reminder scan sent
    sweep_users_by_pk: dict[int, SweepUser] = field(default_factory=dict)
    _reps: dict = field(default_factory=dict)

    def user(self, label: str) -> SweepUser:
        return next(u for u in self.users if u.label == label)

    def users_for(
        self, case: str | None, *, api: bool, per_role: bool = False, source: str | None = None
    ) -> list[tuple[SweepUser, list[str]]]:
        """The users a request on `case` is made for, each with the labels it stands for.

        A user whose facts about the case (roles, the organisation's state in the team, health,
        ties to the case) equal another's stands for it. Unless REGIE_SWEEP=full, the users the
        oracle shuts out of the case entirely are also taken together per set of roles, and one
        of them is called, in turn by case (so every situation meets every role across the
        cases); everyone who sees anything of the case is called as before. Partner systems
        only use the API. `per_role`: operations without personal data, once per set of roles.
        `source`: an offence record's source organisation, whose partner systems read and
        correct the record whether or not they see the case: whether the user's organisation
        is it is one more fact, so its users stand only for each other.
        """
        key = (case, api, per_role, source)
        if key not in self._reps:
            groups: dict[tuple, list[SweepUser]] = {}
            c = self.cases[case] if case else None
            for u in self.users:
                if u.api_only and not api:
                    continue
                of_source = source is not None and u.org is not None and u.org.code == source
                if per_role:
                    facts = (u.roles, u.user is None)
                elif c is None:
                    facts = (u.label,)
                elif not FULL and u.user is not None and not oracle.sees(u, c):
                    facts = (u.roles, "shut out", of_source)
                else:
                    facts = (*self.fact_key(u, c), of_source)
                groups.setdefault(facts, []).append(u)
            turn = c.index if c else 0
            chosen = []
            for members in groups.values():
                rep = members[turn % len(members)]
                chosen.append((rep, [u.label for u in members if u is not rep]))
            self._reps[key] = chosen
        return self._reps[key]

    def fact_key(self, u: SweepUser, c: CaseFacts) -> tuple:
        if u.user is None:
            return ("anonymous",)
        org = u.org
        return (
            u.roles,
            c.state_of(org.code),
            org.health,
            org.kernpartner,
            org.code == "GGD",
            org.code == c.regie_org,
            frozenset(g.label for p in c.plans for g in p.goals.values() if g.resp_org == org.code),
            frozenset(pk for pk, owner in c.agreements if owner == org.code),
            u.pk == c.regisseur,
            u.pk == c.accounthouder,
            c.programme in u.programmes,
        )


# --- building -----------------------------------------------------------------------------------


class _Builder:
    def __init__(self) -> None:
        self.now = timezone.now()
        self.markers: dict[str, Marker] = {}
        self.cases: dict[str, CaseFacts] = {}
        self.features: dict[str, bool] = {}
        self.orgs: dict[str, Organisation] = {}

    # markers ---------------------------------------------------------------------------------

    def mark(self, c: CaseFacts, cls: str, code: str, resource: str, goal_org=None) -> str:
        """A marker string: MK + class + case index + a field code + Z, e.g. MKH05siZ."""
        token = f"MK{cls}{c.index:02d}{code}Z"
        assert token not in self.markers, token
        self.markers[token] = Marker(token, c.label, cls, code, resource, goal_org)
        return token

    def text(self, c, cls, code, resource, goal_org=None) -> str:
        return f"Fictief {self.mark(c, cls, code, resource, goal_org)} tekst"

    @contextlib.contextmanager
    def days_ago(self, days: float):
        with time_machine.travel(self.now - timedelta(days=days), tick=True):
            yield

    # organisations and users -----------------------------------------------------------------

    def organisations(self) -> None:
        for code, (name, kind, health) in EXTRA_ORGS.items():
            OrganisationFactory(code=code, name=name, kind=kind, handles_health=health)
        self.orgs = {o.code: o for o in Organisation.objects.all()}

    def org_facts(self, code: str) -> OrgFacts:
        o = self.orgs[code]
        return OrgFacts(code, o.pk, o.handles_health, o.kind == OrganisationKind.KERNPARTNER)

    def make_user(self, label: str, role: Role, code: str, **extra) -> SweepUser:
        user = UserFactory(
            username=label, organisation=self.orgs[code], roles=[role], last_name=label
        )
        return SweepUser(
            label, user, frozenset({oracle.role_name(role)}), self.org_facts(code), **extra
        )

    def users(self) -> list[SweepUser]:
        swept = [
            self.make_user(
                f"{role.value}@{situation}",
                role,
                code,
                api_only=role == Role.PARTNER_SYSTEM,
            )
            for role in Role
            for situation, code in SITUATIONS.items()
        ]
        self.reg = self.make_user("regisseur@case", Role.REGISSEUR, REGIE_ORG)
        self.ah = self.make_user("accounthouder@case", Role.ACCOUNTHOUDER, REGIE_ORG)
        swept += [self.reg, self.ah, self.make_user("ivg@nonkern_h", Role.IVG, "SWZPARTNER")]
        other = self.make_user("programme_team@other_programme", Role.PROGRAMME_TEAM, "OJZD")
        swept.append(other)
        # Builders: they write what the world needs and are not swept.
        self.b_pt = self.make_user("builder-pt", Role.PROGRAMME_TEAM, "OJZD").user
        self.b_ivg_pol = self.make_user("builder-ivg-pol", Role.IVG, "POLITIE").user
        self.b_ivg_ggd = self.make_user("builder-ivg-ggd", Role.IVG, "GGD").user
        self.b_swzlab = self.make_user("builder-ivg-swzlab", Role.IVG, "SWZLAB").user
        self.b_itat = self.make_user("builder-itat", Role.ITAT, "OM").user
        self.b_sys = self.make_user("builder-sys-rn", Role.PARTNER_SYSTEM, REGIE_ORG).user
        self.b_expert = self.make_user("builder-expert", Role.EXPERTGROEP, "OM").user
        # Programme-team members of the cases' programme (TOP600); `other` is of TOP400.
        top600, top400 = Programme.objects.get(code="TOP600"), Programme.objects.get(code="TOP400")
        joined = True
        for u in swept:
            if oracle.PROGRAMME_TEAM in u.roles:
                programme = top400 if u is other else top600
                joined = _join_programme(u.user, programme) and joined
                if joined:
                    u.programmes = frozenset({programme.code})
        _join_programme(self.b_pt, top600)
        self.features["programme_membership"] = joined
        for u in swept:
            # Every scope: the sweep checks need-to-know, not scopes (tests/acvz/test_api_scopes).
            # Last used "in the future": no request of the sweep stamps it (an UPDATE the write
            # check would count).
            _key, u.token = ApiKey.objects.create_key(
                user=u.user,
                name="sweep",
                scopes=list(ApiScope.values),
                last_used_at=timezone.now() + timedelta(days=365),
            )
            u.feed_token = meeting_services.calendar_feed_get(by=u.user).token
            u.client = Client(raise_request_exception=False)
            if not u.api_only:
                u.client.force_login(u.user)
        # A key of a partner system for the beheerder's pages to rotate and revoke (the sweep's
        # own keys stay untouched: each request is rolled back anyway).
        # Who receives the cases of regisseur@case in a handover: another regisseur of RN.
        self.receiving_regisseur = next(u.user for u in swept if u.label == "regisseur@team_n").pk
        system = next(u.user for u in swept if oracle.PARTNER_SYSTEM in u.roles)
        self.api_key_refs = {
            "api_key_system": system.pk,
            "api_key": ApiKey.objects.create_key(
                user=system, name="sweep target", scopes=[ApiScope.READ]
            )[0].prefix,
        }
        subscription = WebhookSubscription.objects.create(
            organisation_id=system.organisation_id,
            user=system,
            url="https://sweep.example.test/regie",
            event_types=["plan.approved"],
            secret=new_secret(),
        )
        delivery = WebhookDelivery.objects.create(
            subscription=subscription,
            event=WebhookEvent.objects.create(type="plan.approved", case_id=None, part="plan"),
            message_id="msg_sweep",
            state="delivered",
        )
        self.api_key_refs |= {"webhook": subscription.pk, "webhook_delivery": delivery.pk}
        anonymous = SweepUser("anonymous", None, frozenset(), None)
        anonymous.client = Client(raise_request_exception=False)
        return [*swept, anonymous]

    # cases -----------------------------------------------------------------------------------

    def register(self, label: str, index: int) -> tuple[Case, CaseFacts]:
        c = CaseFacts(label, index, 0, "", "TOP600", 0)
        person = PersonFactory(
            bsn=f"{900_000_000 + c.index}",  # fictitious, to be found by the BSN search
            last_name=f"Fictief{self.mark(c, 'N', 'nm', 'case')}",
            address=f"Straat {self.mark(c, 'P', 'ad', 'person')}",
            city=f"Stad{self.mark(c, 'P', 'ci', 'person')}",
            phone=self.mark(c, "P", "ph", "person"),
        )
        OffenceRecordFactory.create_batch(
            3, person=person, description=self.text(c, "S", "of", "person", "POLITIE")
        )
        pushed, _created = case_services.offence_record_create(
            by=self.b_sys,
            person=person,
            date=timezone.localdate() - timedelta(days=30),
            kind=OffenceKind.ARREST,
            category="other",
            external_id=f"SW-{label}",
            description=self.text(c, "S", "ox", "person", REGIE_ORG),
        )
        case = case_services.case_register(
            person=person, programme=Programme.objects.get(code="TOP600"), by=self.b_pt
        )
        case_services.timeline_event_create(
            case=case, by=self.b_pt, kind="move", description=self.text(c, "C", "tl", "timeline")
        )
        c.pk, c.person_pk, c.offence_pk = case.pk, person.pk, pushed.pk
        self.cases[label] = c
        return case, c

    def dossier(self, case: Case, c: CaseFacts) -> None:
        """The joint basisdossier: every kernpartner with an IVG member is asked; the programme
        team then asks only POLITIE, GGD and SWZLAB. POLITIE writes every non-health section;
        the GGD section 9, the screening of 6 and "nothing known" elsewhere; SWZLAB's section 9
        and screening are written by an author whose name carries a health marker (a
        contribution's author is as narrow as its text), the rest "nothing known" by a builder.
        """
        author_9 = UserFactory(
            username=f"builder-ivg-9-{c.label}",
            organisation=self.orgs["SWZLAB"],
            roles=[Role.IVG],
            last_name=f"Auteur{self.mark(c, 'H', 'sau', 'dossier')}",
        )
        case = case_services.case_start_dossier(case=_fresh(case), by=self.b_pt)
        asked = DossierContribution.objects.filter(section__dossier__case=case)
        kept = {"POLITIE", "GGD", "SWZLAB"}
        for code in sorted(set(asked.values_list("organisation__code", flat=True)) - kept):
            case_services.dossier_request_remove(
                case=case, by=self.b_pt, organisation=self.orgs[code]
            )
        save = case_services.dossier_contribution_save
        for section in case.basisdossier.sections.all():
            lg = section.leefgebied
            if lg == Leefgebied.GEZONDHEID:
                save(section=section, by=self.b_ivg_ggd, text=self.text(c, "H", "si", "dossier"))
                save(section=section, by=author_9, text=self.text(c, "H", "sj", "dossier"))
                continue
            code = "s" + "abcdefghijk"[lg - 1]
            save(section=section, by=self.b_ivg_pol, text=self.text(c, "C", code, "dossier"))
            save(section=section, by=self.b_ivg_ggd, text="", nothing_known=True)
            save(section=section, by=self.b_swzlab, text="", nothing_known=True)
            if lg == Leefgebied.HUISBEZOEK:
                for by, mark in ((self.b_ivg_ggd, "scr"), (author_9, "scs")):
                    save(
                        section=section,
                        by=by,
                        part=ContributionPart.SCREENING,
                        text=self.text(c, "H", mark, "dossier"),
                    )
        case_services.dossier_set_advice(
            case=_fresh(case),
            by=self.b_ivg_pol,
            advice=self.text(c, "C", "adv", "dossier"),
            organisation=self.orgs[REGIE_ORG],
            style="case",
        )
        c.has_dossier = True

    def walk(self, case: Case, c: CaseFacts, until: str) -> Case:
        """From the basisdossier on to `until` (assigned or in_regie), with the team joined."""
        case = case_services.case_establish_dossier(case=_fresh(case), by=self.b_ivg_pol)
        case = case_services.case_assign(
            case=_fresh(case), by=self.b_pt, organisation=self.orgs[REGIE_ORG], regie_style="case"
        )
        c.org_state[REGIE_ORG], c.regie_org = "on", REGIE_ORG
        if until == "assigned":
            return case
        case = case_services.case_appoint_regisseur(
            case=_fresh(case), by=self.ah.user, regisseur=self.reg.user, accounthouder=self.ah.user
        )
        c.regisseur, c.accounthouder = self.reg.pk, self.ah.pk
        for code in ("GGD", "WPI", "INFORSA"):
            case_services.team_member_add(case=case, by=self.reg.user, organisation=self.orgs[code])
            c.org_state[code] = "on"
        return case

    def leave(self, case: Case, c: CaseFacts, *codes: str) -> None:
        for code in codes:
            membership = case.team.get(organisation__code=code, left_on__isnull=True)
            case_services.team_member_leave(membership=membership, by=self.reg.user)
            c.org_state[code] = "left"

    def plan_v1(self, case: Case, c: CaseFacts) -> Plan:
        reg = self.reg.user
        plan = plan_services.plan_start_version(case=case, by=reg)
        plan_services.plan_update(
            plan=plan,
            by=reg,
            analysis=self.text(c, "C", "an", "plan"),
            expected_lock_version=None,
        )
        rn, ggd = self.orgs[REGIE_ORG], self.orgs["GGD"]
        goals = {
            "G_N": (8, rn, "C", ("gn", "gni")),
            "H1": (9, rn, "G", ("ha", "hai")),
            "H2": (9, ggd, "H", ("hb", "hbi")),
        }
        made = {}
        for label, (lg, org, cls, (g, i)) in goals.items():
            goal_org = org.code if cls == "G" else None
            made[label] = plan_services.goal_add(
                plan=plan,
                by=reg,
                leefgebied=lg,
                goal=self.text(c, cls, g, "plan", goal_org),
                interventions=self.text(c, cls, i, "plan", goal_org),
                responsible_organisation=org,
            )
        plan_services.goal_commit(goal=made["G_N"], by=reg, committed=True)
        plan_services.goal_commit(
            goal=made["H1"],
            by=reg,
            committed=False,
            reason=self.text(c, "G", "dcl", "plan", REGIE_ORG),
        )
        plan_services.goal_commit(goal=made["H2"], by=self.b_ivg_ggd, committed=True)
        return plan

    def advise(self, plan: Plan, c: CaseFacts, codes: tuple[str, str, str]) -> None:
        """ITAT's advice on the plan as a whole and on the two health goals. Advice on a health
        goal may be refused by a newer product (ITAT reads no health); the world then keeps it
        as data written before that rule, straight into the table."""
        overall, on_h1, on_h2 = codes
        plan_services.itat_advice_add(
            plan=plan, by=self.b_itat, text=self.text(c, "C", overall, "plan")
        )
        advice = []
        for goal in plan.goals.filter(leefgebied=Leefgebied.GEZONDHEID).select_related(
            "responsible_organisation"
        ):
            if goal.responsible_organisation.code == REGIE_ORG:
                advice.append((goal, self.text(c, "G", on_h1, "plan", REGIE_ORG)))
            else:
                advice.append((goal, self.text(c, "H", on_h2, "plan")))
        for goal, text in advice:
            try:
                plan_services.itat_advice_add(plan=plan, by=self.b_itat, text=text, goal=goal)
            except DomainError:  # the product may refuse it now (see the docstring)
                ItatAdvice.objects.create(plan=plan, goal=goal, text=text, author=self.b_itat)

    def evaluate(self, plan: Plan, c: CaseFacts) -> None:
        results = []
        for goal in plan.goals.all():
            if goal.leefgebied != Leefgebied.GEZONDHEID:
                results.append((goal, "partly", self.text(c, "C", "evn", "plan")))
            elif goal.responsible_organisation.code == "GGD":
                results.append((goal, "achieved", self.text(c, "H", "evh", "plan")))
            else:
                results.append((goal, "not_achieved", self.text(c, "G", "evg", "plan", REGIE_ORG)))
        evaluation = plan_services.evaluation_record(
            plan=plan,
            by=self.reg.user,
            held_on=timezone.localdate(),
            conclusion="continue",
            summary=self.text(c, "C", "evs", "plan"),
            results=results,
        )
        c.evaluations.append(evaluation.pk)

    def meetings(self, case: Case, c: CaseFacts) -> None:
        """A UVO held 50 days ago, with attendees and two agreements (WPI's overdue, GGD's open,
        with a note), and one cancelled."""
        reg = self.reg.user
        with self.days_ago(60):
            uvo = meeting_services.uvo_plan(
                case=case,
                by=reg,
                planned_at=timezone.now() + timedelta(days=10),
                place=self.text(c, "C", "upl", "uvo"),
            )
            cancelled = meeting_services.uvo_plan(
                case=case, by=reg, planned_at=timezone.now() + timedelta(days=12)
            )
            meeting_services.uvo_cancel(
                meeting=cancelled, by=reg, reason=self.text(c, "C", "ucr", "uvo")
            )
        with self.days_ago(50):
            meeting_services.uvo_record(
                meeting=uvo,
                by=reg,
                held_on=timezone.localdate(),
                minutes=self.text(c, "C", "umi", "uvo"),
                attendees=[
                    {"organisation": self.orgs[REGIE_ORG], "user": reg, "present": True},
                    {"organisation": self.orgs["GGD"], "name": self.mark(c, "C", "uat", "uvo")},
                ],
            )
            for code, deadline, mark in (("WPI", 5, "agw"), ("GGD", 120, "agg")):
                agreement = meeting_services.agreement_create(
                    case=case,
                    by=reg,
                    meeting=uvo,
                    description=self.text(c, "C", mark, "agreement"),
                    owner_organisation=self.orgs[code],
                    deadline=timezone.localdate() + timedelta(days=deadline),
                )
            meeting_services.agreement_set_status(
                agreement=agreement,
                by=reg,
                status="open",
                note=self.text(c, "C", "agn", "agreement"),
            )

    # the cases -------------------------------------------------------------------------------

    def build_cases(self) -> None:
        index = itertools.count(1)
        for label in CASES:
            getattr(self, f"case_{label}")(label, next(index))

    def case_registered(self, label, i):
        self.register(label, i)

    def case_basisdossier(self, label, i):
        case, c = self.register(label, i)
        self.dossier(case, c)

    def case_awaiting_assignment(self, label, i):
        case, c = self.register(label, i)
        self.dossier(case, c)
        case_services.case_establish_dossier(case=_fresh(case), by=self.b_ivg_pol)

    def case_assigned(self, label, i):
        case, c = self.register(label, i)
        self.dossier(case, c)
        self.walk(case, c, "assigned")

    def _in_regie(self, label, i, *, decided_days: int) -> tuple:
        """Registered 100 days ago and walked into regie with RN, GGD, WPI and INFORSA on the
        team; plan version 1 with advice, approved `decided_days` ago; WPI and INFORSA leave."""
        with self.days_ago(100):
            case, c = self.register(label, i)
            self.dossier(case, c)
            case = self.walk(case, c, "in_regie")
            v1 = self.plan_v1(case, c)
            plan_services.plan_submit(plan=v1, by=self.reg.user)
            self.advise(v1, c, ("ava", "avg", "avh"))
        if decided_days > 40:
            with self.days_ago(decided_days):
                plan_services.plan_approve(reason=OPEN_COMMITMENTS_OK, plan=v1, by=self.b_itat)
        if decided_days > 50:
            self.meetings(case, c)
        with self.days_ago(30):
            # An arrest pushed by the partner system lands on the timeline and calls for a
            # look at the plan (plans.reviews).
            case_services.offence_record_create(
                by=self.b_sys,
                person=case.person,
                date=timezone.localdate(),
                kind=OffenceKind.ARREST,
                category="other",
                external_id=f"SW-{label}-review",
            )

        with self.days_ago(40):
            self.leave(case, c, "WPI", "INFORSA")
        if decided_days <= 40:
            with self.days_ago(decided_days):
                plan_services.plan_approve(reason=OPEN_COMMITMENTS_OK, plan=v1, by=self.b_itat)
        self.plan_lives(v1, c)
        self.budget(case, c)
        return case, c, v1

    def budget(self, case: Case, c: CaseFacts) -> None:
        """The flexible budget: a request approved and partly paid (case content), and one for
        health or care that waits for the accounthouder past the decision days (its description
        is health content)."""
        approved = budget_request_create(
            case=_fresh(case),
            by=self.reg.user,
            purpose="housing",
            description=self.text(c, "C", "bgd", "budget"),
            amount_cents=30_000,
            no_prior_provision=True,
            provisions_checked=self.text(c, "C", "bgp", "budget"),
        )
        budget_request_decide(request=approved, by=self.ah.user, approve=True)
        budget_payment_record(
            request=approved,
            by=self.reg.user,
            paid_on=timezone.localdate(),
            amount_cents=10_000,
            payee=self.text(c, "C", "bgy", "budget"),
        )
        with self.days_ago(10):
            budget_request_create(
                case=_fresh(case),
                by=self.reg.user,
                purpose="health_care",
                description=self.text(c, "H", "bhd", "budget"),
                amount_cents=5_000,
                no_prior_provision=True,
                provisions_checked=self.text(c, "H", "bhp", "budget"),
            )

    def plan_lives(self, plan: Plan, c: CaseFacts) -> None:
        """On health goal H1 of the plan in force (RN responsible): progress, an amendment and
        an application at an outside body, each carrying H1's marker (its readers only)."""
        h1 = plan.goals.get(
            leefgebied=Leefgebied.GEZONDHEID, responsible_organisation__code=REGIE_ORG
        )
        reg = self.reg.user
        plan_services.goal_progress_record(
            goal=h1, by=reg, status="in_progress", note=self.text(c, "G", "gpn", "plan", REGIE_ORG)
        )
        plan_services.goal_amend(
            goal=h1,
            by=reg,
            reason=self.text(c, "G", "amr", "plan", REGIE_ORG),
            interventions=self.text(c, "G", "ami", "plan", REGIE_ORG),
        )
        application_record(
            goal=h1,
            by=reg,
            kind="treatment",
            body=self.text(c, "G", "apb", "plan", REGIE_ORG),
            requested_on=timezone.localdate() - timedelta(days=3),
            note=self.text(c, "G", "apn", "plan", REGIE_ORG),
        )

    def case_in_regie(self, label, i):
        """Approved ten weeks ago and evaluated; UVOs, agreements, referrals; a revision that
        moves health goal H2 out of leefgebied 9 is on ITAT's agenda now."""
        case, c, v1 = self._in_regie(label, i, decided_days=70)
        with self.days_ago(20):
            self.evaluate(v1, c)
        with self.days_ago(15):
            referral = plan_services.expert_referral_create(
                case=case, by=self.reg.user, question=self.text(c, "C", "rfa", "referral")
            )
        with self.days_ago(14):
            plan_services.expert_referral_answer(
                referral=referral,
                by=self.b_expert,
                advice=self.text(c, "C", "rfb", "referral"),
            )
        plan_services.expert_referral_create(
            case=case, by=self.reg.user, question=self.text(c, "C", "rfo", "referral")
        )
        c.referral_open = True
        meeting_services.uvo_plan(
            case=case,
            by=self.reg.user,
            planned_at=self.now + timedelta(days=7),
            place=self.text(c, "C", "upf", "uvo"),
        )
        meeting_services.cadence_set(
            case=case, by=self.reg.user, weeks=6, reason=self.text(c, "C", "cad", "uvo")
        )
        relative = PersonFactory(last_name=f"Fictief{self.mark(c, 'P', 'rl', 'person')}")
        case_services.family_relation_add(
            person=case.person, relative=relative, kind="sibling", by=self.b_pt
        )
        # A minor sister followed by youth protection (goal 3), a marker in her name and the note.
        minor = PersonFactory(
            last_name=f"Fictief{self.mark(c, 'P', 'mn', 'person')}",
            date_of_birth=self.now.date() - timedelta(days=12 * 365),
        )
        case_services.family_relation_add(
            person=case.person, relative=minor, kind="sibling", by=self.b_pt
        )
        watch = case_services.minor_watch_start(
            case=case,
            by=self.reg.user,
            relative=minor,
            organisation=self.orgs["JBRA"],
            note=self.text(c, "C", "mwn", "person"),
        )
        c.minor_watches.append((watch.pk, minor.pk))
        # The revision: health goal H2 moves out of leefgebied 9 with a new text (the
        # comparison and the history must not show its old health text to those who may not
        # read it), and goes to ITAT.
        v2 = plan_services.plan_start_version(case=case, by=self.reg.user)
        plan_services.plan_update(
            plan=v2,
            by=self.reg.user,
            analysis=self.text(c, "C", "anb", "plan"),
            expected_lock_version=None,
        )
        h2 = v2.goals.get(leefgebied=Leefgebied.GEZONDHEID, responsible_organisation__code="GGD")
        plan_services.goal_update(
            goal=h2,
            by=self.reg.user,
            leefgebied=Leefgebied.FINANCIEN,
            text=self.text(c, "C", "hbm", "plan"),
            interventions=self.text(c, "C", "hbn", "plan"),
        )
        plan_services.plan_submit(plan=v2, by=self.reg.user)
        self.advise(v2, c, ("avb", "avc", "avd"))
        c.itat_window = True
        # An escalation up to the Directeurenoverleg: its question is for the ladder (no
        # marker), the person's name is not (the bodies read no case).
        escalation = self.escalate(case)
        for by in (self.ah.user, self.b_pt):
            escalation = escalation_act(
                escalation=escalation, by=by, action="escalate", text="sweep: up a level"
            )

    def case_outflow(self, label, i):
        """Approved ten days ago (inside ITAT's read window), outflow since five days; an
        escalation waits for the accounthouder."""
        case, c, _v1 = self._in_regie(label, i, decided_days=10)
        with self.days_ago(5):
            self.outflow(case, c)
        self.escalate(_fresh(case))
        c.itat_window = True

    def escalate(self, case: Case):
        return escalation_raise(
            case=case,
            by=self.reg.user,
            subject="case_transcending",
            organisation=self.orgs["GGD"],
            question="sweep: a question for the ladder",
        )

    def case_closed(self, label, i):
        """Approved ten weeks ago (outside ITAT's window); closed 20 days ago."""
        case, c, _v1 = self._in_regie(label, i, decided_days=70)
        with self.days_ago(30):
            self.outflow(case, c)
        with self.days_ago(20):
            case_services.case_close(case=_fresh(case), by=self.reg.user)
        c.org_state = dict.fromkeys(c.org_state, "left")

    def case_withdrawn(self, label, i):
        case, c = self.register(label, i)
        self.dossier(case, c)
        case_services.case_withdraw(
            case=_fresh(case), by=self.b_pt, reason=self.text(c, "C", "wdr", "case")
        )

    def outflow(self, case: Case, c: CaseFacts) -> None:
        """Outflow with every goal of the plan in force handed over to WPI (its summary shows a
        health goal to nobody: WPI is responsible for none)."""
        from plans import services as plan_services
        from plans.models import PlanGoal

        plan_services.case_hand_over(
            case=_fresh(case),
            by=self.reg.user,
            reason=self.text(c, "C", "ofr", "case"),
            receiver=Organisation.objects.get(code="WPI"),
            receiving_organisation=self.mark(c, "C", "ofo", "case"),
            handover_note=self.text(c, "C", "ofh", "case"),
            goals=list(PlanGoal.objects.filter(plan__case=case, plan__status="approved")),
        )

    # after the cases -----------------------------------------------------------------------

    def record_objects(self) -> None:
        """What each case holds now, read back once: ids, statuses, versions."""
        from meetings.models import Agreement, UvoMeeting
        from plans.models import Evaluation, ExpertGroupReferral

        for c in self.cases.values():
            case = Case.objects.get(pk=c.pk)
            c.status = case.status
            assert c.status == CASES[c.label], (c.label, c.status)
            c.plans = []
            for plan in Plan.objects.filter(case=case).order_by("version"):
                facts = PlanFacts(f"v{plan.version}", plan.pk, plan.status)
                facts.lock_version = plan.lock_version
                for goal in plan.goals.select_related("responsible_organisation"):
                    if goal.leefgebied == Leefgebied.OPLEIDING_WERK:
                        label = "G_N"
                    elif goal.responsible_organisation.code == REGIE_ORG:
                        label = "H1"
                    else:
                        label = "H2"
                    facts.goals[label] = GoalFacts(
                        label,
                        goal.pk,
                        goal.leefgebied,
                        goal.responsible_organisation.code,
                        facts.label,
                    )
                c.plans.append(facts)
            c.evaluations = list(
                Evaluation.objects.filter(plan__case=case).values_list("pk", flat=True)
            )
            c.uvos = list(
                UvoMeeting.objects.filter(case=case)
                .order_by("planned_at")
                .values_list("pk", "status", "lock_version")
            )
            c.agreements = list(
                Agreement.objects.filter(case=case)
                .order_by("pk")
                .values_list("pk", "owner_organisation__code")
            )
            c.referrals = [
                (pk, advised is None)
                for pk, advised in ExpertGroupReferral.objects.filter(case=case)
                .order_by("pk")
                .values_list("pk", "advised_at")
            ]
            c.reviews = [
                (pk, closed is None)
                for pk, closed in PlanReview.objects.filter(case=case)
                .order_by("pk")
                .values_list("pk", "closed_at")
            ]
            c.applications = list(
                Application.objects.filter(goal__plan__case=case)
                .order_by("pk")
                .values_list("pk", "lock_version")
            )
            c.budget = list(
                BudgetRequest.objects.filter(case=case)
                .order_by("pk")
                .values_list("pk", "status", "lock_version")
            )
            c.escalations = list(
                Escalation.objects.filter(case=case)
                .order_by("pk")
                .values_list("pk", "level", "lock_version")
            )
            c.memberships = [
                (m.pk, m.organisation.code, m.left_on is None)
                for m in CaseTeamMembership.objects.filter(case=case).select_related("organisation")
            ]


def _fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def _join_programme(user, programme) -> bool:
    """Make `user` a programme-team member of `programme`, if the product can say that yet.

    Looks for a model with a foreign key to both the user model and Programme (a membership
    table) or a many-to-many between them, and fills it. Returns False when there is none:
    the oracle's "programme team reads in-regie cases of its own programmes" then has nobody
    to apply to (see the README: switching a rule on)."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    for model in apps.get_models():
        if model._meta.app_label not in ("partners", "cases", "plans", "meetings"):
            continue
        if model.__name__.startswith("Historical"):
            continue
        fks = {
            f.related_model: f
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey)
        }
        pair = (fks.get(user_model), fks.get(Programme))
        others_optional = all(
            f.primary_key or f in pair or f.null or f.has_default() or f.auto_created
            for f in model._meta.concrete_fields
        )
        if all(pair) and others_optional:
            with contextlib.suppress(Exception), transaction.atomic():
                model.objects.create(**{pair[0].name: user, pair[1].name: programme})
                return True
        for f in model._meta.many_to_many:
            if {model, f.related_model} == {user_model, Programme}:
                owner, other = (user, programme) if model is user_model else (programme, user)
                getattr(owner, f.name).add(other)
                return True
    return False


def build_world() -> World:
    """Build the world through the services; the caller holds the transaction that undoes it."""
    from django.core import mail
    from django.test import TestCase

    from cases.services import access_log_write
    from meetings.models import Notification
    from meetings.tasks import daily_scan

    b = _Builder()
    with TestCase.captureOnCommitCallbacks(execute=True):
        b.organisations()
        users = b.users()
        b.build_cases()
        b.record_objects()
        # A few reads, so that the access log has rows to show.
        for c in b.cases.values():
            case = Case.objects.select_related("person").get(pk=c.pk)
            access_log_write(
                user=b.b_pt,
                channel="web",
                path=f"/zaken/{case.pk}/",
                action="detail",
                outcome="shown",
                subjects=[(case.person_id, case.pk)],
            )
        mail.outbox = []
        daily_scan()
    outbox = list(mail.outbox)
    by_user: dict[str, list[int]] = {}
    labels = {u.pk: u.label for u in users if u.user is not None}
    for pk, user_id in Notification.objects.order_by("pk").values_list("pk", "user_id"):
        if user_id in labels:
            by_user.setdefault(labels[user_id], []).append(pk)
    refs = {
        "TOP400": Programme.objects.get(code="TOP400").pk,
        "TOP600": Programme.objects.get(code="TOP600").pk,
        "regisseur": b.reg.pk,
        "accounthouder": b.ah.pk,
        "spare_person": PersonFactory(last_name="Reserve").pk,
        **{f"org:{code}": o.pk for code, o in b.orgs.items()},
        **b.api_key_refs,
        "receiving_regisseur": b.receiving_regisseur,
    }
    world = World(
        users=users,
        cases=b.cases,
        markers=b.markers,
        orgs={code: b.org_facts(code) for code in b.orgs},
        features=b.features,
        refs=refs,
        itat_meetings=list(ItatMeeting.objects.order_by("date").values_list("pk", flat=True)),
        notifications=by_user,
        outbox=outbox,
    )
    world.sweep_users_by_pk = {u.pk: u for u in users if u.user is not None}
    return world
