"""Scenario fixtures: one user per role and cases walked through the real services."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cases import services
from cases.models import Case, ContributionPart, DossierContribution, Leefgebied
from cases.policies import contribution_can_write, leefgebied_is_health
from partners.models import Organisation, Role
from tests.factories import (
    OffenceRecordFactory,
    PersonFactory,
    UserFactory,
    new_user,
    programme,
)

#: The scenarios' health content, which need-to-know tests look for in pages: the police's and
#: GGD's text in the dossier's health section (9), GGD's screening in section 6, the health goal.
HEALTH_TEXT = f"Fictieve tekst leefgebied {Leefgebied.GEZONDHEID.value}"
SCREENING_TEXT = "Fictieve GGD-screening"
HEALTH_GOAL = f"Fictief doel {Leefgebied.GEZONDHEID.value}"


def all_orgs() -> dict[str, Organisation]:
    return {o.code: o for o in Organisation.objects.all()}


@pytest.fixture
def orgs(db) -> dict[str, Organisation]:
    return all_orgs()


@pytest.fixture
def people(orgs):
    return people_at(orgs)


def people_at(orgs: dict[str, Organisation]) -> dict:
    """One user per role, at the organisations the scenarios use. The programme-team member
    supports the regisseurs of Top600, the programme every scenario case is in."""
    support = new_user(Role.PROGRAMME_TEAM, username="pt", organisation=orgs["OJZD"])
    programme("TOP600").team_members.add(support)
    return {
        "programme": support,
        "ivg_politie": new_user(Role.IVG, username="ivg-pol", organisation=orgs["POLITIE"]),
        "ivg_ggd": new_user(Role.IVG, username="ivg-ggd", organisation=orgs["GGD"]),
        "regisseur": new_user(Role.REGISSEUR, username="reg", organisation=orgs["RN"]),
        "regisseur_other": new_user(Role.REGISSEUR, username="reg-om", organisation=orgs["OM"]),
        "accounthouder": new_user(Role.ACCOUNTHOUDER, username="ah", organisation=orgs["RN"]),
        "partner": new_user(Role.INTERVENTIEPLEGER, username="ip", organisation=orgs["WPI"]),
        "health_partner": new_user(
            Role.INTERVENTIEPLEGER, username="ip-ggd", organisation=orgs["GGD"]
        ),
        "outsider": new_user(Role.REGISSEUR, username="out", organisation=orgs["DJI"]),
        "beheerder": new_user(Role.BEHEERDER, username="beh", organisation=orgs["OJZD"]),
        "itat": new_user(Role.ITAT, username="itat", organisation=orgs["OM"]),
        "expert": new_user(Role.EXPERTGROEP, username="expert", organisation=orgs["OM"]),
        "system": new_user(Role.PARTNER_SYSTEM, username="sys", organisation=orgs["POLITIE"]),
    }


def eligible_person():
    person = PersonFactory()
    OffenceRecordFactory.create_batch(3, person=person)
    return person


def fill_dossier(case: Case, people, *, leave_open=()) -> None:
    """Both asked organisations answer everything: the police writes every section it may;
    GGD writes health (9) and the screening of 6, and knows nothing about the rest.
    `leave_open`: (organisation code, leefgebied, part) left unanswered."""
    for section in case.basisdossier.sections.all():
        for by in (people["ivg_politie"], people["ivg_ggd"]):
            for part in ContributionPart.values:
                if not contribution_can_write(by, case, section, part):
                    continue
                if (by.organisation.code, section.leefgebied, part) in leave_open:
                    continue
                if part == ContributionPart.SCREENING:
                    text = SCREENING_TEXT
                elif by == people["ivg_politie"] or leefgebied_is_health(section.leefgebied):
                    text = f"Fictieve tekst leefgebied {section.leefgebied}"
                else:
                    text = ""
                services.dossier_contribution_save(
                    section=section, by=by, text=text, nothing_known=not text, part=part
                )


def contributions_per_section(case: Case, n: int) -> None:
    """Replace the case's dossier contributions by n answered ones per section, from n
    organisations with an author each (for query counts at several sizes)."""
    for contribution in DossierContribution.objects.filter(section__dossier__case=case):
        contribution.delete()
    codes = ["POLITIE", "GGD", "WPI", "OM", "RN", "DJI", "OJZD"][:n]
    for code in codes:
        organisation = Organisation.objects.get(code=code)
        author = UserFactory(organisation=organisation)
        for section in case.basisdossier.sections.all():
            DossierContribution.objects.create(
                section=section,
                organisation=organisation,
                author=author,
                text=f"Fictief van {code}",
                updated_at=timezone.now(),
                version=1,
            )


#: ITAT approves scenario plans while commitments are still open; the reason it must give.
OPEN_COMMITMENTS_OK = "Fictief: toezeggingen volgen na het overleg"


def settle() -> None:
    """A scenario sets the stage: what its steps told people (event notifications, their
    e-mail) is not what the test is about, so it is cleared (tests/meetings/test_events.py
    follows each event on its own)."""
    from django.core import mail

    from meetings.models import Notification

    Notification.objects.exclude(event="").delete()
    mail.outbox.clear() if hasattr(mail, "outbox") else None


@pytest.fixture
def case_at(people):
    """`case_at("in_regie")` builds a case and walks it to that status (in Top600, or in the
    programme with the code given as `programme_code`)."""
    return case_builder(people)


def case_builder(people):
    def build(status: str = "registered", programme_code: str = "TOP600") -> Case:
        case = services.case_register(
            person=eligible_person(),
            programme=programme(programme_code),
            by=people["programme"],
            override_reason="" if programme_code == "TOP600" else "Fictieve aanmelding",
        )
        steps = ["basisdossier", "awaiting_assignment", "assigned", "in_regie", "outflow", "closed"]
        for step in steps[: steps.index(status) + 1] if status != "registered" else []:
            case.refresh_from_db()
            if step == "basisdossier":
                case = services.case_start_dossier(case=case, by=people["programme"])
            elif step == "awaiting_assignment":
                fill_dossier(case, people)
                case = services.case_establish_dossier(case=case, by=people["ivg_politie"])
            elif step == "assigned":
                case = services.case_assign(
                    case=case,
                    by=people["programme"],
                    organisation=people["regisseur"].organisation,
                    regie_style="case",
                )
            elif step == "in_regie":
                case = services.case_appoint_regisseur(
                    case=case,
                    by=people["accounthouder"],
                    regisseur=people["regisseur"],
                    accounthouder=people["accounthouder"],
                )
            elif step == "outflow":
                case = services.case_start_outflow(
                    case=case,
                    by=people["regisseur"],
                    reason="Criteria niet meer gehaald",
                    receiving_organisation="Wijkteam (fictief)",
                    handover_note="Overdracht",
                )
            elif step == "closed":
                case = services.case_close(case=case, by=people["regisseur"])
        settle()
        return Case.objects.get(pk=case.pk)

    return build


@pytest.fixture
def plan_at(people, case_at, orgs):
    """`plan_at("submitted")`: a plan for an in-regie case with goals on three leefgebieden
    (RN, WPI and GGD responsible), walked to draft, submitted or approved."""
    return plan_builder(people, case_at, orgs)


def plan_builder(people, case_at, orgs):
    from plans import services as plan_services

    def build(status: str = "draft", case=None):
        case = case or case_at("in_regie")
        for code in ("WPI", "GGD"):
            if not case.team.filter(organisation=orgs[code], left_on__isnull=True).exists():
                services.team_member_add(case=case, by=people["regisseur"], organisation=orgs[code])
        plan = plan_services.plan_start_version(case=case, by=people["regisseur"])
        plan_services.plan_update(
            plan=plan,
            by=people["regisseur"],
            analysis="Fictieve analyse",
            expected_lock_version=None,
        )
        for leefgebied, code in (
            (Leefgebied.FINANCIEN, "WPI"),
            (Leefgebied.GEZONDHEID, "GGD"),
            (Leefgebied.OPLEIDING_WERK, "RN"),
        ):
            plan_services.goal_add(
                plan=plan,
                by=people["regisseur"],
                leefgebied=leefgebied,
                goal=f"Fictief doel {leefgebied}",
                interventions="Fictieve interventie",
                responsible_organisation=orgs[code],
            )
        plan.refresh_from_db()
        if status in ("submitted", "approved"):
            plan = plan_services.plan_submit(plan=plan, by=people["regisseur"])
        if status == "approved":
            plan = plan_services.plan_approve(
                reason=OPEN_COMMITMENTS_OK, plan=plan, by=people["itat"]
            )
        plan.refresh_from_db()
        settle()
        return plan

    return build
