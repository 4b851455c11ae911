"""Need-to-know: who sees which case page, with the exact answer (docs/domain.md, the covenant).

Out of scope is 404, exactly like missing; in scope but not allowed is 403.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from cases import services
from cases.models import AccessLogEntry, Case, CaseTeamMembership, Leefgebied
from cases.policies import CasePart, actor_for, case_read_scope
from partners.models import Role
from plans.services import expert_referral_create
from tests.scenarios import fill_dossier

pytestmark = pytest.mark.django_db

HEALTH_TEXT = "Fictieve tekst leefgebied 9"
SCREENING_TEXT = "Fictieve GGD-screening"
HEALTH_GOAL = "Fictief doel 9"
RESTRICTED = 'class="restricted"'

#: The transition page each scenario's matrix opens: the step that is due in that state.
TRANSITION_FOR = {
    "basisdossier": "establish_dossier",
    "assigned": "appoint_regisseur",
    "in_regie": "start_outflow",
    "in_regie_team": "start_outflow",
    "on_agenda": "start_outflow",
}

#: The organisations on the team in "in_regie_team", besides the regie organisation (RN).
#: Everyone's organisation is on it except the outsider's (DJI).
TEAM = ("WPI", "GGD", "OM", "POLITIE", "OJZD")


def build(scenario: str, case_at, people, orgs, plan_at=None) -> Case:
    """basisdossier: being compiled, no team yet · assigned: RN is the regie organisation ·
    in_regie: RN only (no other organisation on the team) · in_regie_team: TEAM joined ·
    on_agenda: in regie with RN, WPI and GGD on the team, its plan submitted to ITAT and a
    question open with the ITAT-Expertgroep."""
    if scenario == "on_agenda":
        plan = plan_at("submitted")
        expert_referral_create(case=plan.case, by=people["regisseur"], question="Fictieve vraag")
        return plan.case
    if scenario == "in_regie_team":
        case = case_at("in_regie")
        for code in TEAM:
            services.team_member_add(case=case, by=people["regisseur"], organisation=orgs[code])
        return case
    return case_at(scenario)


def open_page(client, page: str, case: Case, transition: str, orgs):
    if page == "person":
        return client.get(reverse("cases:person_detail", args=[case.person.pk]))
    if page == "team_add":
        return client.post(
            reverse("cases:team_add", args=[case.pk]),
            {"organisation": orgs["STADSDELEN"].pk, "role": "partner"},
        )
    if page == "section":
        return client.get(reverse("cases:section", args=[case.pk, Leefgebied.POLITIE]))
    if page == "transition":
        return client.get(reverse("cases:transition", args=[case.pk, transition]))
    return client.get(reverse(f"cases:{page}", args=[case.pk]))


# (scenario, user, page, expected status). Pages: the case tabs; "section" is the edit page of
# section 1; "transition" is TRANSITION_FOR[scenario]; "team_add" a POST that adds STADSDELEN;
# "person" the detail page of the case's person (the programme team sees every person, to
# register cases). The programme-team member supports Top600 (the scenarios' programme): it
# reads the case in regie, read-only. ITAT reads the "on_agenda" case's header, dossier and
# history (the overview sends it on to the plan: 302), nothing else; the Expertgroep, asked
# about that case, reads all of it but health, read-only.
MATRIX = [
    # basisdossier
    ("basisdossier", "programme", "detail", 200),
    ("basisdossier", "programme", "dossier", 200),
    ("basisdossier", "programme", "timeline", 200),
    ("basisdossier", "programme", "history", 200),
    ("basisdossier", "programme", "section", 403),
    ("basisdossier", "programme", "advice", 403),
    ("basisdossier", "programme", "transition", 200),
    ("basisdossier", "programme", "team_add", 403),
    ("basisdossier", "programme", "person", 200),
    ("basisdossier", "ivg_politie", "detail", 200),
    ("basisdossier", "ivg_politie", "dossier", 200),
    ("basisdossier", "ivg_politie", "timeline", 200),
    ("basisdossier", "ivg_politie", "history", 200),
    ("basisdossier", "ivg_politie", "section", 200),
    ("basisdossier", "ivg_politie", "advice", 200),
    ("basisdossier", "ivg_politie", "transition", 200),
    ("basisdossier", "ivg_politie", "team_add", 403),
    ("basisdossier", "ivg_politie", "person", 200),
    ("basisdossier", "ivg_ggd", "detail", 200),
    ("basisdossier", "ivg_ggd", "dossier", 200),
    ("basisdossier", "ivg_ggd", "timeline", 200),
    ("basisdossier", "ivg_ggd", "history", 200),
    ("basisdossier", "ivg_ggd", "section", 200),
    ("basisdossier", "ivg_ggd", "advice", 200),
    ("basisdossier", "ivg_ggd", "transition", 200),
    ("basisdossier", "ivg_ggd", "team_add", 403),
    ("basisdossier", "ivg_ggd", "person", 200),
    ("basisdossier", "regisseur", "detail", 404),
    ("basisdossier", "regisseur", "dossier", 404),
    ("basisdossier", "regisseur", "timeline", 404),
    ("basisdossier", "regisseur", "history", 404),
    ("basisdossier", "regisseur", "section", 404),
    ("basisdossier", "regisseur", "advice", 404),
    ("basisdossier", "regisseur", "transition", 404),
    ("basisdossier", "regisseur", "team_add", 404),
    ("basisdossier", "regisseur", "person", 404),
    ("basisdossier", "regisseur_other", "detail", 404),
    ("basisdossier", "regisseur_other", "dossier", 404),
    ("basisdossier", "regisseur_other", "timeline", 404),
    ("basisdossier", "regisseur_other", "history", 404),
    ("basisdossier", "regisseur_other", "section", 404),
    ("basisdossier", "regisseur_other", "advice", 404),
    ("basisdossier", "regisseur_other", "transition", 404),
    ("basisdossier", "regisseur_other", "team_add", 404),
    ("basisdossier", "regisseur_other", "person", 404),
    ("basisdossier", "accounthouder", "detail", 404),
    ("basisdossier", "accounthouder", "dossier", 404),
    ("basisdossier", "accounthouder", "timeline", 404),
    ("basisdossier", "accounthouder", "history", 404),
    ("basisdossier", "accounthouder", "section", 404),
    ("basisdossier", "accounthouder", "advice", 404),
    ("basisdossier", "accounthouder", "transition", 404),
    ("basisdossier", "accounthouder", "team_add", 404),
    ("basisdossier", "accounthouder", "person", 404),
    ("basisdossier", "partner", "detail", 404),
    ("basisdossier", "partner", "dossier", 404),
    ("basisdossier", "partner", "timeline", 404),
    ("basisdossier", "partner", "history", 404),
    ("basisdossier", "partner", "section", 404),
    ("basisdossier", "partner", "advice", 404),
    ("basisdossier", "partner", "transition", 404),
    ("basisdossier", "partner", "team_add", 404),
    ("basisdossier", "partner", "person", 404),
    ("basisdossier", "health_partner", "detail", 404),
    ("basisdossier", "health_partner", "dossier", 404),
    ("basisdossier", "health_partner", "timeline", 404),
    ("basisdossier", "health_partner", "history", 404),
    ("basisdossier", "health_partner", "section", 404),
    ("basisdossier", "health_partner", "advice", 404),
    ("basisdossier", "health_partner", "transition", 404),
    ("basisdossier", "health_partner", "team_add", 404),
    ("basisdossier", "health_partner", "person", 404),
    ("basisdossier", "outsider", "detail", 404),
    ("basisdossier", "outsider", "dossier", 404),
    ("basisdossier", "outsider", "timeline", 404),
    ("basisdossier", "outsider", "history", 404),
    ("basisdossier", "outsider", "section", 404),
    ("basisdossier", "outsider", "advice", 404),
    ("basisdossier", "outsider", "transition", 404),
    ("basisdossier", "outsider", "team_add", 404),
    ("basisdossier", "outsider", "person", 404),
    ("basisdossier", "beheerder", "detail", 404),
    ("basisdossier", "beheerder", "dossier", 404),
    ("basisdossier", "beheerder", "timeline", 404),
    ("basisdossier", "beheerder", "history", 404),
    ("basisdossier", "beheerder", "section", 404),
    ("basisdossier", "beheerder", "advice", 404),
    ("basisdossier", "beheerder", "transition", 404),
    ("basisdossier", "beheerder", "team_add", 404),
    ("basisdossier", "beheerder", "person", 404),
    ("basisdossier", "itat", "detail", 404),
    ("basisdossier", "itat", "dossier", 404),
    ("basisdossier", "itat", "timeline", 404),
    ("basisdossier", "itat", "history", 404),
    ("basisdossier", "itat", "section", 404),
    ("basisdossier", "itat", "advice", 404),
    ("basisdossier", "itat", "transition", 404),
    ("basisdossier", "itat", "team_add", 404),
    ("basisdossier", "itat", "person", 404),
    ("basisdossier", "expert", "detail", 404),
    ("basisdossier", "expert", "dossier", 404),
    ("basisdossier", "expert", "timeline", 404),
    ("basisdossier", "expert", "history", 404),
    ("basisdossier", "expert", "section", 404),
    ("basisdossier", "expert", "advice", 404),
    ("basisdossier", "expert", "transition", 404),
    ("basisdossier", "expert", "team_add", 404),
    ("basisdossier", "expert", "person", 404),
    ("basisdossier", "system", "detail", 404),
    ("basisdossier", "system", "dossier", 404),
    ("basisdossier", "system", "timeline", 404),
    ("basisdossier", "system", "history", 404),
    ("basisdossier", "system", "section", 404),
    ("basisdossier", "system", "advice", 404),
    ("basisdossier", "system", "transition", 404),
    ("basisdossier", "system", "team_add", 404),
    ("basisdossier", "system", "person", 404),
    # assigned
    ("assigned", "programme", "detail", 200),
    ("assigned", "programme", "dossier", 200),
    ("assigned", "programme", "timeline", 200),
    ("assigned", "programme", "history", 200),
    ("assigned", "programme", "section", 403),
    ("assigned", "programme", "advice", 403),
    ("assigned", "programme", "transition", 403),
    ("assigned", "programme", "team_add", 403),
    ("assigned", "programme", "person", 200),
    ("assigned", "ivg_politie", "detail", 404),
    ("assigned", "ivg_politie", "dossier", 404),
    ("assigned", "ivg_politie", "timeline", 404),
    ("assigned", "ivg_politie", "history", 404),
    ("assigned", "ivg_politie", "section", 404),
    ("assigned", "ivg_politie", "advice", 404),
    ("assigned", "ivg_politie", "transition", 404),
    ("assigned", "ivg_politie", "team_add", 404),
    ("assigned", "ivg_politie", "person", 404),
    ("assigned", "ivg_ggd", "detail", 404),
    ("assigned", "ivg_ggd", "dossier", 404),
    ("assigned", "ivg_ggd", "timeline", 404),
    ("assigned", "ivg_ggd", "history", 404),
    ("assigned", "ivg_ggd", "section", 404),
    ("assigned", "ivg_ggd", "advice", 404),
    ("assigned", "ivg_ggd", "transition", 404),
    ("assigned", "ivg_ggd", "team_add", 404),
    ("assigned", "ivg_ggd", "person", 404),
    ("assigned", "regisseur", "detail", 200),
    ("assigned", "regisseur", "dossier", 200),
    ("assigned", "regisseur", "timeline", 200),
    ("assigned", "regisseur", "history", 200),
    ("assigned", "regisseur", "section", 403),
    ("assigned", "regisseur", "advice", 403),
    ("assigned", "regisseur", "transition", 403),
    ("assigned", "regisseur", "team_add", 403),
    ("assigned", "regisseur", "person", 200),
    ("assigned", "regisseur_other", "detail", 404),
    ("assigned", "regisseur_other", "dossier", 404),
    ("assigned", "regisseur_other", "timeline", 404),
    ("assigned", "regisseur_other", "history", 404),
    ("assigned", "regisseur_other", "section", 404),
    ("assigned", "regisseur_other", "advice", 404),
    ("assigned", "regisseur_other", "transition", 404),
    ("assigned", "regisseur_other", "team_add", 404),
    ("assigned", "regisseur_other", "person", 404),
    ("assigned", "accounthouder", "detail", 200),
    ("assigned", "accounthouder", "dossier", 200),
    ("assigned", "accounthouder", "timeline", 200),
    ("assigned", "accounthouder", "history", 200),
    ("assigned", "accounthouder", "section", 403),
    ("assigned", "accounthouder", "advice", 403),
    ("assigned", "accounthouder", "transition", 200),
    ("assigned", "accounthouder", "team_add", 403),
    ("assigned", "accounthouder", "person", 200),
    ("assigned", "partner", "detail", 404),
    ("assigned", "partner", "dossier", 404),
    ("assigned", "partner", "timeline", 404),
    ("assigned", "partner", "history", 404),
    ("assigned", "partner", "section", 404),
    ("assigned", "partner", "advice", 404),
    ("assigned", "partner", "transition", 404),
    ("assigned", "partner", "team_add", 404),
    ("assigned", "partner", "person", 404),
    ("assigned", "health_partner", "detail", 404),
    ("assigned", "health_partner", "dossier", 404),
    ("assigned", "health_partner", "timeline", 404),
    ("assigned", "health_partner", "history", 404),
    ("assigned", "health_partner", "section", 404),
    ("assigned", "health_partner", "advice", 404),
    ("assigned", "health_partner", "transition", 404),
    ("assigned", "health_partner", "team_add", 404),
    ("assigned", "health_partner", "person", 404),
    ("assigned", "outsider", "detail", 404),
    ("assigned", "outsider", "dossier", 404),
    ("assigned", "outsider", "timeline", 404),
    ("assigned", "outsider", "history", 404),
    ("assigned", "outsider", "section", 404),
    ("assigned", "outsider", "advice", 404),
    ("assigned", "outsider", "transition", 404),
    ("assigned", "outsider", "team_add", 404),
    ("assigned", "outsider", "person", 404),
    ("assigned", "beheerder", "detail", 404),
    ("assigned", "beheerder", "dossier", 404),
    ("assigned", "beheerder", "timeline", 404),
    ("assigned", "beheerder", "history", 404),
    ("assigned", "beheerder", "section", 404),
    ("assigned", "beheerder", "advice", 404),
    ("assigned", "beheerder", "transition", 404),
    ("assigned", "beheerder", "team_add", 404),
    ("assigned", "beheerder", "person", 404),
    ("assigned", "itat", "detail", 404),
    ("assigned", "itat", "dossier", 404),
    ("assigned", "itat", "timeline", 404),
    ("assigned", "itat", "history", 404),
    ("assigned", "itat", "section", 404),
    ("assigned", "itat", "advice", 404),
    ("assigned", "itat", "transition", 404),
    ("assigned", "itat", "team_add", 404),
    ("assigned", "itat", "person", 404),
    ("assigned", "expert", "detail", 404),
    ("assigned", "expert", "dossier", 404),
    ("assigned", "expert", "timeline", 404),
    ("assigned", "expert", "history", 404),
    ("assigned", "expert", "section", 404),
    ("assigned", "expert", "advice", 404),
    ("assigned", "expert", "transition", 404),
    ("assigned", "expert", "team_add", 404),
    ("assigned", "expert", "person", 404),
    ("assigned", "system", "detail", 404),
    ("assigned", "system", "dossier", 404),
    ("assigned", "system", "timeline", 404),
    ("assigned", "system", "history", 404),
    ("assigned", "system", "section", 404),
    ("assigned", "system", "advice", 404),
    ("assigned", "system", "transition", 404),
    ("assigned", "system", "team_add", 404),
    ("assigned", "system", "person", 404),
    # in_regie
    ("in_regie", "programme", "detail", 200),
    ("in_regie", "programme", "dossier", 200),
    ("in_regie", "programme", "timeline", 200),
    ("in_regie", "programme", "history", 200),
    ("in_regie", "programme", "section", 403),
    ("in_regie", "programme", "advice", 403),
    ("in_regie", "programme", "transition", 403),
    ("in_regie", "programme", "team_add", 403),
    ("in_regie", "programme", "person", 200),
    ("in_regie", "ivg_politie", "detail", 404),
    ("in_regie", "ivg_politie", "dossier", 404),
    ("in_regie", "ivg_politie", "timeline", 404),
    ("in_regie", "ivg_politie", "history", 404),
    ("in_regie", "ivg_politie", "section", 404),
    ("in_regie", "ivg_politie", "advice", 404),
    ("in_regie", "ivg_politie", "transition", 404),
    ("in_regie", "ivg_politie", "team_add", 404),
    ("in_regie", "ivg_politie", "person", 404),
    ("in_regie", "ivg_ggd", "detail", 404),
    ("in_regie", "ivg_ggd", "dossier", 404),
    ("in_regie", "ivg_ggd", "timeline", 404),
    ("in_regie", "ivg_ggd", "history", 404),
    ("in_regie", "ivg_ggd", "section", 404),
    ("in_regie", "ivg_ggd", "advice", 404),
    ("in_regie", "ivg_ggd", "transition", 404),
    ("in_regie", "ivg_ggd", "team_add", 404),
    ("in_regie", "ivg_ggd", "person", 404),
    ("in_regie", "regisseur", "detail", 200),
    ("in_regie", "regisseur", "dossier", 200),
    ("in_regie", "regisseur", "timeline", 200),
    ("in_regie", "regisseur", "history", 200),
    ("in_regie", "regisseur", "section", 403),
    ("in_regie", "regisseur", "advice", 403),
    ("in_regie", "regisseur", "transition", 200),
    ("in_regie", "regisseur", "team_add", 302),
    ("in_regie", "regisseur", "person", 200),
    ("in_regie", "regisseur_other", "detail", 404),
    ("in_regie", "regisseur_other", "dossier", 404),
    ("in_regie", "regisseur_other", "timeline", 404),
    ("in_regie", "regisseur_other", "history", 404),
    ("in_regie", "regisseur_other", "section", 404),
    ("in_regie", "regisseur_other", "advice", 404),
    ("in_regie", "regisseur_other", "transition", 404),
    ("in_regie", "regisseur_other", "team_add", 404),
    ("in_regie", "regisseur_other", "person", 404),
    ("in_regie", "accounthouder", "detail", 200),
    ("in_regie", "accounthouder", "dossier", 200),
    ("in_regie", "accounthouder", "timeline", 200),
    ("in_regie", "accounthouder", "history", 200),
    ("in_regie", "accounthouder", "section", 403),
    ("in_regie", "accounthouder", "advice", 403),
    ("in_regie", "accounthouder", "transition", 200),
    ("in_regie", "accounthouder", "team_add", 302),
    ("in_regie", "accounthouder", "person", 200),
    ("in_regie", "partner", "detail", 404),
    ("in_regie", "partner", "dossier", 404),
    ("in_regie", "partner", "timeline", 404),
    ("in_regie", "partner", "history", 404),
    ("in_regie", "partner", "section", 404),
    ("in_regie", "partner", "advice", 404),
    ("in_regie", "partner", "transition", 404),
    ("in_regie", "partner", "team_add", 404),
    ("in_regie", "partner", "person", 404),
    ("in_regie", "health_partner", "detail", 404),
    ("in_regie", "health_partner", "dossier", 404),
    ("in_regie", "health_partner", "timeline", 404),
    ("in_regie", "health_partner", "history", 404),
    ("in_regie", "health_partner", "section", 404),
    ("in_regie", "health_partner", "advice", 404),
    ("in_regie", "health_partner", "transition", 404),
    ("in_regie", "health_partner", "team_add", 404),
    ("in_regie", "health_partner", "person", 404),
    ("in_regie", "outsider", "detail", 404),
    ("in_regie", "outsider", "dossier", 404),
    ("in_regie", "outsider", "timeline", 404),
    ("in_regie", "outsider", "history", 404),
    ("in_regie", "outsider", "section", 404),
    ("in_regie", "outsider", "advice", 404),
    ("in_regie", "outsider", "transition", 404),
    ("in_regie", "outsider", "team_add", 404),
    ("in_regie", "outsider", "person", 404),
    ("in_regie", "beheerder", "detail", 404),
    ("in_regie", "beheerder", "dossier", 404),
    ("in_regie", "beheerder", "timeline", 404),
    ("in_regie", "beheerder", "history", 404),
    ("in_regie", "beheerder", "section", 404),
    ("in_regie", "beheerder", "advice", 404),
    ("in_regie", "beheerder", "transition", 404),
    ("in_regie", "beheerder", "team_add", 404),
    ("in_regie", "beheerder", "person", 404),
    ("in_regie", "itat", "detail", 404),
    ("in_regie", "itat", "dossier", 404),
    ("in_regie", "itat", "timeline", 404),
    ("in_regie", "itat", "history", 404),
    ("in_regie", "itat", "section", 404),
    ("in_regie", "itat", "advice", 404),
    ("in_regie", "itat", "transition", 404),
    ("in_regie", "itat", "team_add", 404),
    ("in_regie", "itat", "person", 404),
    ("in_regie", "expert", "detail", 404),
    ("in_regie", "expert", "dossier", 404),
    ("in_regie", "expert", "timeline", 404),
    ("in_regie", "expert", "history", 404),
    ("in_regie", "expert", "section", 404),
    ("in_regie", "expert", "advice", 404),
    ("in_regie", "expert", "transition", 404),
    ("in_regie", "expert", "team_add", 404),
    ("in_regie", "expert", "person", 404),
    ("in_regie", "system", "detail", 404),
    ("in_regie", "system", "dossier", 404),
    ("in_regie", "system", "timeline", 404),
    ("in_regie", "system", "history", 404),
    ("in_regie", "system", "section", 404),
    ("in_regie", "system", "advice", 404),
    ("in_regie", "system", "transition", 404),
    ("in_regie", "system", "team_add", 404),
    ("in_regie", "system", "person", 404),
    # in_regie_team
    ("in_regie_team", "programme", "detail", 200),
    ("in_regie_team", "programme", "dossier", 200),
    ("in_regie_team", "programme", "timeline", 200),
    ("in_regie_team", "programme", "history", 200),
    ("in_regie_team", "programme", "section", 403),
    ("in_regie_team", "programme", "advice", 403),
    ("in_regie_team", "programme", "transition", 403),
    ("in_regie_team", "programme", "team_add", 403),
    ("in_regie_team", "programme", "person", 200),
    ("in_regie_team", "ivg_politie", "detail", 200),
    ("in_regie_team", "ivg_politie", "dossier", 200),
    ("in_regie_team", "ivg_politie", "timeline", 200),
    ("in_regie_team", "ivg_politie", "history", 200),
    ("in_regie_team", "ivg_politie", "section", 403),
    ("in_regie_team", "ivg_politie", "advice", 403),
    ("in_regie_team", "ivg_politie", "transition", 403),
    ("in_regie_team", "ivg_politie", "team_add", 403),
    ("in_regie_team", "ivg_politie", "person", 200),
    ("in_regie_team", "ivg_ggd", "detail", 200),
    ("in_regie_team", "ivg_ggd", "dossier", 200),
    ("in_regie_team", "ivg_ggd", "timeline", 200),
    ("in_regie_team", "ivg_ggd", "history", 200),
    ("in_regie_team", "ivg_ggd", "section", 403),
    ("in_regie_team", "ivg_ggd", "advice", 403),
    ("in_regie_team", "ivg_ggd", "transition", 403),
    ("in_regie_team", "ivg_ggd", "team_add", 403),
    ("in_regie_team", "ivg_ggd", "person", 200),
    ("in_regie_team", "regisseur", "detail", 200),
    ("in_regie_team", "regisseur", "dossier", 200),
    ("in_regie_team", "regisseur", "timeline", 200),
    ("in_regie_team", "regisseur", "history", 200),
    ("in_regie_team", "regisseur", "section", 403),
    ("in_regie_team", "regisseur", "advice", 403),
    ("in_regie_team", "regisseur", "transition", 200),
    ("in_regie_team", "regisseur", "team_add", 302),
    ("in_regie_team", "regisseur", "person", 200),
    ("in_regie_team", "regisseur_other", "detail", 200),
    ("in_regie_team", "regisseur_other", "dossier", 200),
    ("in_regie_team", "regisseur_other", "timeline", 200),
    ("in_regie_team", "regisseur_other", "history", 200),
    ("in_regie_team", "regisseur_other", "section", 403),
    ("in_regie_team", "regisseur_other", "advice", 403),
    ("in_regie_team", "regisseur_other", "transition", 403),
    ("in_regie_team", "regisseur_other", "team_add", 403),
    ("in_regie_team", "regisseur_other", "person", 200),
    ("in_regie_team", "accounthouder", "detail", 200),
    ("in_regie_team", "accounthouder", "dossier", 200),
    ("in_regie_team", "accounthouder", "timeline", 200),
    ("in_regie_team", "accounthouder", "history", 200),
    ("in_regie_team", "accounthouder", "section", 403),
    ("in_regie_team", "accounthouder", "advice", 403),
    ("in_regie_team", "accounthouder", "transition", 200),
    ("in_regie_team", "accounthouder", "team_add", 302),
    ("in_regie_team", "accounthouder", "person", 200),
    ("in_regie_team", "partner", "detail", 200),
    ("in_regie_team", "partner", "dossier", 200),
    ("in_regie_team", "partner", "timeline", 200),
    ("in_regie_team", "partner", "history", 200),
    ("in_regie_team", "partner", "section", 403),
    ("in_regie_team", "partner", "advice", 403),
    ("in_regie_team", "partner", "transition", 403),
    ("in_regie_team", "partner", "team_add", 403),
    ("in_regie_team", "partner", "person", 200),
    ("in_regie_team", "health_partner", "detail", 200),
    ("in_regie_team", "health_partner", "dossier", 200),
    ("in_regie_team", "health_partner", "timeline", 200),
    ("in_regie_team", "health_partner", "history", 200),
    ("in_regie_team", "health_partner", "section", 403),
    ("in_regie_team", "health_partner", "advice", 403),
    ("in_regie_team", "health_partner", "transition", 403),
    ("in_regie_team", "health_partner", "team_add", 403),
    ("in_regie_team", "health_partner", "person", 200),
    ("in_regie_team", "outsider", "detail", 404),
    ("in_regie_team", "outsider", "dossier", 404),
    ("in_regie_team", "outsider", "timeline", 404),
    ("in_regie_team", "outsider", "history", 404),
    ("in_regie_team", "outsider", "section", 404),
    ("in_regie_team", "outsider", "advice", 404),
    ("in_regie_team", "outsider", "transition", 404),
    ("in_regie_team", "outsider", "team_add", 404),
    ("in_regie_team", "outsider", "person", 404),
    ("in_regie_team", "beheerder", "detail", 200),
    ("in_regie_team", "beheerder", "dossier", 200),
    ("in_regie_team", "beheerder", "timeline", 200),
    ("in_regie_team", "beheerder", "history", 200),
    ("in_regie_team", "beheerder", "section", 403),
    ("in_regie_team", "beheerder", "advice", 403),
    ("in_regie_team", "beheerder", "transition", 403),
    ("in_regie_team", "beheerder", "team_add", 403),
    ("in_regie_team", "beheerder", "person", 200),
    ("in_regie_team", "itat", "detail", 200),
    ("in_regie_team", "itat", "dossier", 200),
    ("in_regie_team", "itat", "timeline", 200),
    ("in_regie_team", "itat", "history", 200),
    ("in_regie_team", "itat", "section", 403),
    ("in_regie_team", "itat", "advice", 403),
    ("in_regie_team", "itat", "transition", 403),
    ("in_regie_team", "itat", "team_add", 403),
    ("in_regie_team", "itat", "person", 200),
    ("in_regie_team", "expert", "detail", 200),
    ("in_regie_team", "expert", "dossier", 200),
    ("in_regie_team", "expert", "timeline", 200),
    ("in_regie_team", "expert", "history", 200),
    ("in_regie_team", "expert", "section", 403),
    ("in_regie_team", "expert", "advice", 403),
    ("in_regie_team", "expert", "transition", 403),
    ("in_regie_team", "expert", "team_add", 403),
    ("in_regie_team", "expert", "person", 200),
    ("in_regie_team", "system", "detail", 200),
    ("in_regie_team", "system", "dossier", 200),
    ("in_regie_team", "system", "timeline", 200),
    ("in_regie_team", "system", "history", 200),
    ("in_regie_team", "system", "section", 403),
    ("in_regie_team", "system", "advice", 403),
    ("in_regie_team", "system", "transition", 403),
    ("in_regie_team", "system", "team_add", 403),
    ("in_regie_team", "system", "person", 200),
    # on_agenda
    ("on_agenda", "programme", "detail", 200),
    ("on_agenda", "programme", "dossier", 200),
    ("on_agenda", "programme", "timeline", 200),
    ("on_agenda", "programme", "history", 200),
    ("on_agenda", "programme", "section", 403),
    ("on_agenda", "programme", "advice", 403),
    ("on_agenda", "programme", "transition", 403),
    ("on_agenda", "programme", "team_add", 403),
    ("on_agenda", "programme", "person", 200),
    ("on_agenda", "ivg_politie", "detail", 404),
    ("on_agenda", "ivg_politie", "dossier", 404),
    ("on_agenda", "ivg_politie", "timeline", 404),
    ("on_agenda", "ivg_politie", "history", 404),
    ("on_agenda", "ivg_politie", "section", 404),
    ("on_agenda", "ivg_politie", "advice", 404),
    ("on_agenda", "ivg_politie", "transition", 404),
    ("on_agenda", "ivg_politie", "team_add", 404),
    ("on_agenda", "ivg_politie", "person", 404),
    ("on_agenda", "ivg_ggd", "detail", 200),
    ("on_agenda", "ivg_ggd", "dossier", 200),
    ("on_agenda", "ivg_ggd", "timeline", 200),
    ("on_agenda", "ivg_ggd", "history", 200),
    ("on_agenda", "ivg_ggd", "section", 403),
    ("on_agenda", "ivg_ggd", "advice", 403),
    ("on_agenda", "ivg_ggd", "transition", 403),
    ("on_agenda", "ivg_ggd", "team_add", 403),
    ("on_agenda", "ivg_ggd", "person", 200),
    ("on_agenda", "regisseur", "detail", 200),
    ("on_agenda", "regisseur", "dossier", 200),
    ("on_agenda", "regisseur", "timeline", 200),
    ("on_agenda", "regisseur", "history", 200),
    ("on_agenda", "regisseur", "section", 403),
    ("on_agenda", "regisseur", "advice", 403),
    ("on_agenda", "regisseur", "transition", 200),
    ("on_agenda", "regisseur", "team_add", 302),
    ("on_agenda", "regisseur", "person", 200),
    ("on_agenda", "regisseur_other", "detail", 404),
    ("on_agenda", "regisseur_other", "dossier", 404),
    ("on_agenda", "regisseur_other", "timeline", 404),
    ("on_agenda", "regisseur_other", "history", 404),
    ("on_agenda", "regisseur_other", "section", 404),
    ("on_agenda", "regisseur_other", "advice", 404),
    ("on_agenda", "regisseur_other", "transition", 404),
    ("on_agenda", "regisseur_other", "team_add", 404),
    ("on_agenda", "regisseur_other", "person", 404),
    ("on_agenda", "accounthouder", "detail", 200),
    ("on_agenda", "accounthouder", "dossier", 200),
    ("on_agenda", "accounthouder", "timeline", 200),
    ("on_agenda", "accounthouder", "history", 200),
    ("on_agenda", "accounthouder", "section", 403),
    ("on_agenda", "accounthouder", "advice", 403),
    ("on_agenda", "accounthouder", "transition", 200),
    ("on_agenda", "accounthouder", "team_add", 302),
    ("on_agenda", "accounthouder", "person", 200),
    ("on_agenda", "partner", "detail", 200),
    ("on_agenda", "partner", "dossier", 200),
    ("on_agenda", "partner", "timeline", 200),
    ("on_agenda", "partner", "history", 200),
    ("on_agenda", "partner", "section", 403),
    ("on_agenda", "partner", "advice", 403),
    ("on_agenda", "partner", "transition", 403),
    ("on_agenda", "partner", "team_add", 403),
    ("on_agenda", "partner", "person", 200),
    ("on_agenda", "health_partner", "detail", 200),
    ("on_agenda", "health_partner", "dossier", 200),
    ("on_agenda", "health_partner", "timeline", 200),
    ("on_agenda", "health_partner", "history", 200),
    ("on_agenda", "health_partner", "section", 403),
    ("on_agenda", "health_partner", "advice", 403),
    ("on_agenda", "health_partner", "transition", 403),
    ("on_agenda", "health_partner", "team_add", 403),
    ("on_agenda", "health_partner", "person", 200),
    ("on_agenda", "outsider", "detail", 404),
    ("on_agenda", "outsider", "dossier", 404),
    ("on_agenda", "outsider", "timeline", 404),
    ("on_agenda", "outsider", "history", 404),
    ("on_agenda", "outsider", "section", 404),
    ("on_agenda", "outsider", "advice", 404),
    ("on_agenda", "outsider", "transition", 404),
    ("on_agenda", "outsider", "team_add", 404),
    ("on_agenda", "outsider", "person", 404),
    ("on_agenda", "beheerder", "detail", 404),
    ("on_agenda", "beheerder", "dossier", 404),
    ("on_agenda", "beheerder", "timeline", 404),
    ("on_agenda", "beheerder", "history", 404),
    ("on_agenda", "beheerder", "section", 404),
    ("on_agenda", "beheerder", "advice", 404),
    ("on_agenda", "beheerder", "transition", 404),
    ("on_agenda", "beheerder", "team_add", 404),
    ("on_agenda", "beheerder", "person", 404),
    ("on_agenda", "itat", "detail", 302),
    ("on_agenda", "itat", "dossier", 200),
    ("on_agenda", "itat", "timeline", 404),
    ("on_agenda", "itat", "history", 200),
    ("on_agenda", "itat", "section", 403),
    ("on_agenda", "itat", "advice", 403),
    ("on_agenda", "itat", "transition", 403),
    ("on_agenda", "itat", "team_add", 404),
    ("on_agenda", "itat", "person", 404),
    ("on_agenda", "expert", "detail", 200),
    ("on_agenda", "expert", "dossier", 200),
    ("on_agenda", "expert", "timeline", 200),
    ("on_agenda", "expert", "history", 200),
    ("on_agenda", "expert", "section", 403),
    ("on_agenda", "expert", "advice", 403),
    ("on_agenda", "expert", "transition", 403),
    ("on_agenda", "expert", "team_add", 403),
    ("on_agenda", "expert", "person", 200),
    ("on_agenda", "system", "detail", 404),
    ("on_agenda", "system", "dossier", 404),
    ("on_agenda", "system", "timeline", 404),
    ("on_agenda", "system", "history", 404),
    ("on_agenda", "system", "section", 404),
    ("on_agenda", "system", "advice", 404),
    ("on_agenda", "system", "transition", 404),
    ("on_agenda", "system", "team_add", 404),
    ("on_agenda", "system", "person", 404),
]


#: Users who never read health content in any scenario: not the regisseur or accounthouder, no
#: health organisation (docs/domain.md, need-to-know).
NEVER_HEALTH = {
    "programme",
    "ivg_politie",
    "regisseur_other",
    "partner",
    "outsider",
    "beheerder",
    "itat",
    "expert",
    "system",
}


@pytest.mark.parametrize(("scenario", "user", "page", "expected"), MATRIX)
def test_permission_matrix(client, case_at, plan_at, people, orgs, scenario, user, page, expected):
    case = build(scenario, case_at, people, orgs, plan_at)
    client.force_login(people[user])

    response = open_page(client, page, case, TRANSITION_FOR[scenario], orgs)

    assert response.status_code == expected
    stadsdelen_joined = case.team.filter(
        organisation=orgs["STADSDELEN"], left_on__isnull=True
    ).exists()
    if expected == 302 and page == "detail":
        assert response.url == reverse("plans:case_plan", args=[case.pk])
    elif expected == 302:
        assert response.url == reverse("cases:detail", args=[case.pk])
    assert stadsdelen_joined is (page == "team_add" and expected == 302)
    if expected == 404:
        assert case.person.last_name not in response.content.decode()
        assert not AccessLogEntry.objects.filter(user=people[user], outcome="shown").exists()
        assert AccessLogEntry.objects.filter(user=people[user], outcome="refused").exists()
    if user in NEVER_HEALTH:
        content = response.content.decode()
        assert HEALTH_TEXT not in content
        assert SCREENING_TEXT not in content
        assert HEALTH_GOAL not in content


def test_the_matrix_is_complete(people):
    pages = {"detail", "dossier", "timeline", "history", "section", "advice", "transition"}
    pages |= {"team_add", "person"}
    rows = {(s, u, p) for s, u, p, _code in MATRIX}
    assert len(rows) == len(MATRIX)
    assert rows == {(s, u, p) for s in TRANSITION_FOR for u in people for p in pages}


@pytest.mark.parametrize(
    ("name", "data"),
    [("close", {}), ("assign", {"organisation": "1"}), ("start_dossier", {})],
)
def test_a_transition_posted_in_the_wrong_state_is_explained(client, case_at, people, name, data):
    case = case_at("in_regie")
    client.force_login(people["regisseur"])
    response = client.post(reverse("cases:transition", args=[case.pk, name]), data)
    assert response.status_code == 409
    assert case.get_status_display() in response.content.decode()
    case.refresh_from_db()
    assert case.status == "in_regie"


@pytest.mark.parametrize("name", ["assign", "close", "start_dossier"])
def test_a_transition_page_in_the_wrong_state_is_explained(client, case_at, people, name):
    case = case_at("in_regie")
    client.force_login(people["regisseur"])
    response = client.get(reverse("cases:transition", args=[case.pk, name]))
    assert response.status_code == 409
    assert case.get_status_display() in response.content.decode()


def test_an_unknown_transition_is_404(client, case_at, people):
    case = case_at("in_regie")
    client.force_login(people["regisseur"])
    assert client.get(reverse("cases:transition", args=[case.pk, "delete"])).status_code == 404


def test_a_refused_transition_post_changes_nothing(client, case_at, people):
    case = case_at("in_regie")
    client.force_login(people["partner"])
    services.team_member_add(
        case=case, by=people["regisseur"], organisation=people["partner"].organisation
    )
    response = client.post(
        reverse("cases:transition", args=[case.pk, "start_outflow"]),
        {"reason": "x", "receiving_organisation": "y"},
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == "in_regie"


# --- the health rule ----------------------------------------------------------------------------


@pytest.fixture
def health_case(case_at, people, orgs) -> Case:
    """In regie; the regisseur added GGD (health) and WPI (not health) to the team."""
    case = case_at("in_regie")
    by = people["regisseur"]
    services.team_member_add(
        case=case, by=by, organisation=orgs["GGD"], professional=people["health_partner"]
    )
    services.team_member_add(
        case=case, by=by, organisation=orgs["WPI"], professional=people["partner"]
    )
    return case


@pytest.mark.parametrize("user", ["regisseur", "accounthouder", "health_partner", "ivg_ggd"])
def test_health_readers_see_section_9_and_the_screening(client, health_case, people, user):
    client.force_login(people[user])
    response = client.get(reverse("cases:dossier", args=[health_case.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert HEALTH_TEXT in content
    assert SCREENING_TEXT in content
    assert RESTRICTED not in content


def test_a_non_health_partner_sees_that_section_9_exists_but_not_its_content(
    client, health_case, people
):
    client.force_login(people["partner"])
    response = client.get(reverse("cases:dossier", args=[health_case.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-testid="section-9"' in content
    assert HEALTH_TEXT not in content
    assert SCREENING_TEXT not in content
    assert content.count(RESTRICTED) == 2  # section 9, and the screening part of 6
    # The rest of section 6, and the other sections, are the team's to read.
    assert "Fictieve tekst leefgebied 6" in content
    assert "Fictieve tekst leefgebied 10" in content


def test_the_history_page_keeps_the_health_rule(client, health_case, people):
    client.force_login(people["partner"])
    content = client.get(reverse("cases:history", args=[health_case.pk])).content.decode()
    assert HEALTH_TEXT not in content
    assert SCREENING_TEXT not in content
    assert "Fictieve tekst leefgebied 6" in content
    client.force_login(people["regisseur"])
    content = client.get(reverse("cases:history", args=[health_case.pk])).content.decode()
    assert HEALTH_TEXT in content
    assert SCREENING_TEXT in content


@pytest.mark.parametrize(
    ("user", "reads_health"),
    [("ivg_ggd", True), ("ivg_politie", False), ("programme", False)],
)
def test_health_rule_while_compiling(client, case_at, people, user, reads_health):
    case = case_at("basisdossier")
    fill_dossier(case, people)
    client.force_login(people[user])
    content = client.get(reverse("cases:dossier", args=[case.pk])).content.decode()
    assert (HEALTH_TEXT in content) is reads_health
    assert (SCREENING_TEXT in content) is reads_health
    assert (RESTRICTED in content) is not reads_health


def test_a_team_member_that_left_gets_404(client, health_case, people, orgs):
    partner = people["partner"]
    client.force_login(partner)
    assert client.get(reverse("cases:detail", args=[health_case.pk])).status_code == 200
    membership = CaseTeamMembership.objects.get(
        case=health_case, organisation=orgs["WPI"], left_on__isnull=True
    )
    services.team_member_leave(membership=membership, by=people["regisseur"])

    for page in ("detail", "dossier", "timeline", "history"):
        assert client.get(reverse(f"cases:{page}", args=[health_case.pk])).status_code == 404
    person_url = reverse("cases:person_detail", args=[health_case.person.pk])
    assert client.get(person_url).status_code == 404
    assert list(client.get(reverse("cases:list")).context["page"].object_list) == []


def test_the_regie_team_leaving_through_the_page(client, health_case, people, orgs):
    membership = CaseTeamMembership.objects.get(case=health_case, organisation=orgs["WPI"])
    url = reverse("cases:team_leave", args=[health_case.pk, membership.pk])
    client.force_login(people["partner"])
    assert client.post(url).status_code == 403
    client.force_login(people["regisseur"])
    assert client.post(url).status_code == 302
    membership.refresh_from_db()
    assert membership.left_on is not None
    client.force_login(people["partner"])
    assert client.post(url).status_code == 404


# --- guessing ids -------------------------------------------------------------------------------


def _normalised(response, path: str) -> str:
    """The body without what differs per request anyway: the CSRF token and the own path."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    return body.replace(path, "PATH")


@pytest.mark.parametrize("user", ["outsider", "regisseur_other", "partner", "ivg_politie"])
@pytest.mark.parametrize(
    ("name", "extra", "method"),
    [
        ("cases:detail", [], "get"),
        ("cases:dossier", [], "get"),
        ("cases:section", [9], "get"),
        ("cases:advice", [], "get"),
        ("cases:timeline", [], "post"),
        ("cases:history", [], "get"),
        ("cases:transition", ["start_outflow"], "get"),
        ("cases:team_add", [], "post"),
    ],
)
def test_guessing_an_invisible_id_is_the_same_404_as_a_missing_one(
    client, case_at, people, user, name, extra, method
):
    case = case_at("in_regie")
    missing = Case.objects.order_by("-pk").first().pk + 1000
    client.force_login(people[user])
    hidden_url = reverse(name, args=[case.pk, *extra])
    missing_url = reverse(name, args=[missing, *extra])

    hidden = getattr(client, method)(hidden_url)
    absent = getattr(client, method)(missing_url)

    assert hidden.status_code == absent.status_code == 404
    assert _normalised(hidden, hidden_url) == _normalised(absent, missing_url)


def test_guessing_a_person_id_is_the_same_404_as_a_missing_one(client, case_at, people):
    case = case_at("in_regie")
    client.force_login(people["outsider"])
    hidden_url = reverse("cases:person_detail", args=[case.person.pk])
    missing_url = reverse("cases:person_detail", args=[case.person.pk + 1000])
    hidden, absent = client.get(hidden_url), client.get(missing_url)
    assert hidden.status_code == absent.status_code == 404
    assert _normalised(hidden, hidden_url) == _normalised(absent, missing_url)


# --- the visible-queryset -----------------------------------------------------------------------


@pytest.fixture
def every_case(case_at, plan_at, people, orgs) -> dict[str, Case]:
    cases = {
        status: case_at(status)
        for status in (
            "registered",
            "basisdossier",
            "awaiting_assignment",
            "assigned",
            "in_regie",
            "outflow",
            "closed",
        )
    }
    team = case_at("in_regie")
    for code in ("WPI", "GGD"):
        services.team_member_add(case=team, by=people["regisseur"], organisation=orgs[code])
    cases["in_regie_team"] = team
    withdrawn = case_at("basisdossier")
    services.case_withdraw(case=withdrawn, by=people["programme"], reason="Niet opgenomen")
    cases["withdrawn"] = withdrawn
    cases["on_agenda"] = plan_at("submitted").case
    referred = case_at("in_regie")
    expert_referral_create(case=referred, by=people["regisseur"], question="Fictieve vraag")
    cases["referred"] = referred
    cases["top400"] = case_at("in_regie", programme_code="TOP400")
    return cases


# Which of `every_case` each user sees. in_regie_team has WPI and GGD on its team; closed was
# closed by its regisseur after outflow; withdrawn was withdrawn during the basisdossier;
# on_agenda (WPI and GGD on the team) has its plan on the ITAT agenda; referred has a question
# open with the Expertgroep; top400 is in regie in the programme the programme team does not
# support.
DIRECTED = {"assigned", "in_regie", "outflow", "closed", "in_regie_team", "on_agenda"}
VISIBLE = {
    "programme": {
        "registered",
        "basisdossier",
        "awaiting_assignment",
        "assigned",
        "in_regie",
        "outflow",
        "in_regie_team",
        "on_agenda",
        "referred",
    },
    "ivg_politie": {"basisdossier"},
    "ivg_ggd": {"basisdossier", "in_regie_team", "on_agenda"},
    "regisseur": DIRECTED | {"referred", "top400"},
    "regisseur_other": set(),
    "accounthouder": DIRECTED | {"referred", "top400"},
    "partner": {"in_regie_team", "on_agenda"},
    "health_partner": {"in_regie_team", "on_agenda"},
    "outsider": set(),
    "beheerder": set(),
    "itat": {"on_agenda"},
    "expert": {"referred"},
    "system": set(),
}


@pytest.mark.parametrize(("user", "expected"), VISIBLE.items(), ids=list(VISIBLE))
def test_visible_to(every_case, people, user, expected, django_assert_num_queries):
    by_pk = {case.pk: label for label, case in every_case.items()}
    actor_for(people[user])  # the request loads the actor once; the queryset is one query
    with django_assert_num_queries(1):
        seen = {
            by_pk[pk] for pk in Case.objects.visible_to(people[user]).values_list("pk", flat=True)
        }
    assert seen == expected


def test_visible_to_covers_every_user(people):
    assert set(VISIBLE) == set(people)


@pytest.mark.parametrize("user", list(VISIBLE))
def test_the_read_scope_agrees_with_the_visible_queryset(every_case, people, user):
    """`case_read_scope` (one case, partly in Python) and `visible_to(user, part)` (SQL) are
    two doors to one rule: for every case and every part they give the same answer."""
    by_pk = {case.pk: label for label, case in every_case.items()}
    cases = Case.objects.filter(pk__in=by_pk).prefetch_related("team")
    scopes = {by_pk[case.pk]: case_read_scope(people[user], case) for case in cases}
    assert {label for label, scope in scopes.items() if scope.visible} == VISIBLE[user]
    for part in CasePart:
        readable = Case.objects.visible_to(people[user], part).values_list("pk", flat=True)
        assert {by_pk[pk] for pk in readable} == {
            label for label, scope in scopes.items() if scope.reads(part)
        }, part
    writable = Case.objects.visible_to(people[user], writable=True).values_list("pk", flat=True)
    assert {by_pk[pk] for pk in writable} == {
        label for label, scope in scopes.items() if scope.visible and not scope.read_only
    }


@pytest.mark.parametrize(
    ("user", "label", "scope"),
    [
        ("itat", "on_agenda", "review"),
        ("expert", "referred", "expert"),
        ("programme", "in_regie", "support"),
        ("programme", "assigned", "full"),
        ("partner", "on_agenda", "full"),
        ("itat", "in_regie", "none"),
        ("programme", "top400", "none"),
    ],
)
def test_the_scope_of_each_ground(every_case, people, user, label, scope):
    assert case_read_scope(people[user], every_case[label]).name == scope


def test_nobody_without_an_organisation_or_login_sees_cases(every_case, people, make_user):
    assert not Case.objects.visible_to(AnonymousUser()).exists()
    orphan = make_user(Role.PROGRAMME_TEAM, username="zonder-org", organisation=None)
    orphan.organisation = None
    orphan.save()
    orphan = type(orphan).objects.get(pk=orphan.pk)
    assert not Case.objects.visible_to(orphan).exists()
    retired = people["regisseur"]
    retired.is_active = False
    retired.save()
    assert not Case.objects.visible_to(type(retired).objects.get(pk=retired.pk)).exists()


@pytest.mark.parametrize("n", [1, 25])
def test_visible_to_is_one_query_whatever_the_number_of_cases(
    case_at, people, orgs, n, django_assert_num_queries
):
    for _ in range(n):
        case = case_at("in_regie")
        services.team_member_add(case=case, by=people["regisseur"], organisation=orgs["WPI"])
    partner = people["partner"]
    actor_for(partner)
    with django_assert_num_queries(1):
        assert len(list(Case.objects.visible_to(partner))) == n
