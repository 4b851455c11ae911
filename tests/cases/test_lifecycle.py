"""The case lifecycle through the services: every transition of TRANSITIONS, allowed and refused."""

from __future__ import annotations

import pytest
from django.utils import timezone

from acvz.errors import DomainError, NotAllowed
from cases import services
from cases.models import (
    Basisdossier,
    Case,
    CaseGroupObjectPermission,
    CaseTeamMembership,
    DossierContribution,
    DossierSection,
    Leefgebied,
    TeamRole,
    TimelineKind,
)
from cases.workflow import TRANSITIONS, CaseStatus
from partners.models import Role
from tests.factories import PersonFactory, programme
from tests.scenarios import eligible_person, fill_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors(people, make_user, orgs):
    """`people` plus the colleagues the refusals need."""
    return {
        **people,
        "accounthouder_om": make_user(
            Role.ACCOUNTHOUDER, username="ah-om", organisation=orgs["OM"]
        ),
        "regisseur_colleague": make_user(
            Role.REGISSEUR, username="reg-rn-2", organisation=orgs["RN"]
        ),
    }


def run(name: str, case: Case, by, people) -> Case:
    """Call the service of transition `name` with valid input."""
    if name == "start_dossier":
        return services.case_start_dossier(case=case, by=by)
    if name == "establish_dossier":
        return services.case_establish_dossier(case=case, by=by)
    if name == "assign":
        return services.case_assign(
            case=case, by=by, organisation=people["regisseur"].organisation, regie_style="network"
        )
    if name == "appoint_regisseur":
        return services.case_appoint_regisseur(
            case=case, by=by, regisseur=people["regisseur"], accounthouder=people["accounthouder"]
        )
    if name == "start_outflow":
        return services.case_start_outflow(
            case=case,
            by=by,
            reason="Geen HIC-delicten meer",
            receiving_organisation="Buurtteam (fictief)",
            handover_note="Warme overdracht",
        )
    if name == "close":
        return services.case_close(case=case, by=by)
    if name == "withdraw":
        return services.case_withdraw(case=case, by=by, reason="Niet opgenomen")
    raise AssertionError(name)


def expected_reason(name: str, people) -> str:
    return {
        "assign": str(people["regisseur"].organisation),
        "appoint_regisseur": str(people["regisseur"]),
        "start_outflow": "Geen HIC-delicten meer",
        "withdraw": "Niet opgenomen",
    }.get(name, "")


CHANGE_FIELDS = ("pk", "from_status", "to_status", "by_id", "at", "reason")

# Every (transition, source status) of TRANSITIONS with an actor who may do it, and the
# timestamp the transition sets.
ALLOWED = [
    ("start_dossier", "registered", "programme", "dossier_started_at"),
    ("establish_dossier", "basisdossier", "ivg_politie", "dossier_established_at"),
    ("establish_dossier", "basisdossier", "ivg_ggd", "dossier_established_at"),
    ("establish_dossier", "basisdossier", "programme", "dossier_established_at"),
    ("assign", "awaiting_assignment", "programme", "assigned_at"),
    ("appoint_regisseur", "assigned", "accounthouder", "regie_started_at"),
    ("start_outflow", "in_regie", "regisseur", "outflow_at"),
    ("start_outflow", "in_regie", "accounthouder", "outflow_at"),
    ("close", "outflow", "regisseur", "closed_at"),
    ("close", "outflow", "accounthouder", "closed_at"),
    ("withdraw", "registered", "programme", "closed_at"),
    ("withdraw", "basisdossier", "programme", "closed_at"),
    ("withdraw", "awaiting_assignment", "programme", "closed_at"),
]


def test_the_allowed_table_covers_every_transition():
    covered = {(name, source) for name, source, _actor, _field in ALLOWED}
    expected = {(t.name, str(s)) for t in TRANSITIONS.values() for s in t.sources}
    assert covered == expected


@pytest.mark.parametrize(("name", "source", "actor", "timestamp"), ALLOWED)
def test_allowed_transition(case_at, people, name, source, actor, timestamp):
    case = case_at(source)
    if name == "establish_dossier":
        fill_dossier(case, people)
    by = people[actor]
    changes_before = list(case.status_changes.values_list(*CHANGE_FIELDS))
    before = timezone.now()

    result = run(name, case, by, people)

    after = timezone.now()
    case.refresh_from_db()
    target = TRANSITIONS[name].target
    assert result.status == case.status == target
    assert before <= getattr(case, timestamp) <= after

    change = case.status_changes.order_by("-pk").first()
    assert (change.from_status, change.to_status, change.by) == (source, target, by)
    assert change.reason == expected_reason(name, people)
    assert before <= change.at <= after
    # Append-only: one new row, the earlier rows untouched.
    assert (
        list(case.status_changes.exclude(pk=change.pk).values_list(*CHANGE_FIELDS))
        == changes_before
    )

    event = case.timeline.filter(kind=TimelineKind.STATUS).order_by("-pk").first()
    assert event.created_by == by
    assert event.organisation == by.organisation
    assert str(TRANSITIONS[name].label) in event.description
    assert case.get_status_display() in event.description


def test_start_dossier_opens_one_section_per_leefgebied_and_asks_the_ivg(case_at, people, orgs):
    case = services.case_start_dossier(case=case_at("registered"), by=people["programme"])
    sections = DossierSection.objects.filter(dossier__case=case)
    assert sorted(s.leefgebied for s in sections) == [lg.value for lg in Leefgebied]
    asked = set(
        DossierContribution.objects.filter(section__dossier__case=case).values_list(
            "organisation__code", "section__leefgebied", "part"
        )
    )
    # The kernpartners with an IVG member: the police for every section but health, the GGD
    # (a health organisation) for every section and the screening of 6.
    expected = {("POLITIE", lg.value, "contribution") for lg in Leefgebied if lg != 9}
    expected |= {("GGD", lg.value, "contribution") for lg in Leefgebied}
    expected |= {("GGD", Leefgebied.HUISBEZOEK.value, "screening")}
    assert asked == expected
    assert not any(c.is_answered for c in DossierContribution.objects.all())


def test_establish_records_who_and_when(case_at, people):
    case = case_at("basisdossier")
    fill_dossier(case, people)
    case = services.case_establish_dossier(case=case, by=people["ivg_politie"])
    dossier = Basisdossier.objects.get(case=case)
    assert dossier.established_by == people["ivg_politie"]
    assert dossier.established_at == case.dossier_established_at


def test_assign_sets_the_regie_organisation_on_the_team(case_at, people):
    case = run("assign", case_at("awaiting_assignment"), people["programme"], people)
    rn = people["regisseur"].organisation
    assert (case.regie_organisation, case.regie_style) == (rn, "network")
    membership = CaseTeamMembership.objects.get(case=case)
    assert (membership.organisation, membership.role, membership.left_on) == (
        rn,
        TeamRole.REGIE,
        None,
    )
    assert has_view_row(case, rn)


def test_outflow_records_the_handover(case_at, people):
    case = run("start_outflow", case_at("in_regie"), people["regisseur"], people)
    assert case.outflow_reason == "Geen HIC-delicten meer"
    assert case.receiving_organisation == "Buurtteam (fictief)"
    assert case.handover_note == "Warme overdracht"


@pytest.mark.parametrize(("reason", "receiving"), [("", "Buurtteam"), ("Reden", " "), ("  ", "")])
def test_outflow_needs_a_reason_and_a_receiver(case_at, people, reason, receiving):
    case = case_at("in_regie")
    with pytest.raises(DomainError) as excinfo:
        services.case_start_outflow(
            case=case,
            by=people["regisseur"],
            reason=reason,
            receiving_organisation=receiving,
            handover_note="",
        )
    assert excinfo.value.code == "invalid"
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REGIE


def test_withdraw_needs_a_reason(case_at, people):
    case = case_at("registered")
    with pytest.raises(DomainError) as excinfo:
        services.case_withdraw(case=case, by=people["programme"], reason="   ")
    assert excinfo.value.code == "invalid"
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTERED


def test_a_full_walk_leaves_one_change_row_per_step(case_at, people):
    case = case_at("closed")
    rows = list(case.status_changes.order_by("pk").values_list("from_status", "to_status"))
    assert rows == [
        ("registered", "registered"),
        ("registered", "basisdossier"),
        ("basisdossier", "awaiting_assignment"),
        ("awaiting_assignment", "assigned"),
        ("assigned", "in_regie"),
        ("in_regie", "outflow"),
        ("outflow", "closed"),
    ]
    assert case.timeline.filter(kind=TimelineKind.STATUS).count() == 6


# --- refused: wrong state -----------------------------------------------------------------------

ACTOR_FOR = {
    "start_dossier": "programme",
    "establish_dossier": "ivg_politie",
    "assign": "programme",
    "appoint_regisseur": "accounthouder",
    "start_outflow": "regisseur",
    "close": "regisseur",
    "withdraw": "programme",
}
WRONG_STATE = [
    (name, str(status))
    for name, transition in TRANSITIONS.items()
    for status in CaseStatus
    if status not in transition.sources
]


@pytest.mark.parametrize(("name", "status"), WRONG_STATE)
def test_transition_from_a_wrong_state_is_refused(case_at, people, name, status):
    case = case_at(status)
    changes = case.status_changes.count()
    events = case.timeline.count()

    with pytest.raises(DomainError) as excinfo:
        run(name, case, people[ACTOR_FOR[name]], people)

    assert excinfo.type is DomainError
    assert excinfo.value.code == "invalid_transition"
    assert str(TRANSITIONS[name].label) in excinfo.value.message
    assert case.get_status_display() in excinfo.value.message
    case.refresh_from_db()
    assert case.status == status
    assert case.status_changes.count() == changes
    assert case.timeline.count() == events


def test_a_stale_case_object_is_checked_against_the_database(case_at, people):
    """Two tabs: the second click works on an old copy of the case; the lock re-reads it."""
    case = case_at("in_regie")
    stale = Case.objects.get(pk=case.pk)
    services.case_start_outflow(
        case=case,
        by=people["regisseur"],
        reason="r",
        receiving_organisation="o",
        handover_note="",
    )
    with pytest.raises(DomainError) as excinfo:
        services.case_start_outflow(
            case=stale,
            by=people["regisseur"],
            reason="r",
            receiving_organisation="o",
            handover_note="",
        )
    assert excinfo.value.code == "invalid_transition"
    assert case.status_changes.filter(to_status=CaseStatus.OUTFLOW).count() == 1


# --- refused: wrong actor -----------------------------------------------------------------------

WRONG_ACTOR = [
    ("start_dossier", "registered", "ivg_politie"),
    ("start_dossier", "registered", "regisseur"),
    ("start_dossier", "registered", "accounthouder"),
    ("start_dossier", "registered", "beheerder"),
    ("establish_dossier", "basisdossier", "regisseur"),
    ("establish_dossier", "basisdossier", "health_partner"),
    ("establish_dossier", "basisdossier", "beheerder"),
    ("establish_dossier", "basisdossier", "itat"),
    ("assign", "awaiting_assignment", "ivg_politie"),
    ("assign", "awaiting_assignment", "regisseur"),
    ("assign", "awaiting_assignment", "accounthouder"),
    ("assign", "awaiting_assignment", "beheerder"),
    ("appoint_regisseur", "assigned", "programme"),
    ("appoint_regisseur", "assigned", "regisseur"),
    ("appoint_regisseur", "assigned", "regisseur_other"),
    ("appoint_regisseur", "assigned", "accounthouder_om"),
    ("start_outflow", "in_regie", "programme"),
    ("start_outflow", "in_regie", "partner"),
    ("start_outflow", "in_regie", "regisseur_colleague"),
    ("start_outflow", "in_regie", "regisseur_other"),
    ("start_outflow", "in_regie", "accounthouder_om"),
    ("close", "outflow", "programme"),
    ("close", "outflow", "regisseur_colleague"),
    ("close", "outflow", "regisseur_other"),
    ("withdraw", "registered", "ivg_politie"),
    ("withdraw", "basisdossier", "regisseur"),
    ("withdraw", "awaiting_assignment", "accounthouder"),
]


@pytest.mark.parametrize(("name", "status", "actor"), WRONG_ACTOR)
def test_transition_by_a_wrong_actor_is_refused(case_at, actors, name, status, actor):
    case = case_at(status)
    changes = case.status_changes.count()

    with pytest.raises(NotAllowed) as excinfo:
        run(name, case, actors[actor], actors)

    assert str(TRANSITIONS[name].label) in excinfo.value.message
    case.refresh_from_db()
    assert case.status == status
    assert case.status_changes.count() == changes


# --- registration -------------------------------------------------------------------------------


def test_register_records_the_eligibility_reason(people):
    case = services.case_register(
        person=eligible_person(), programme=programme("TOP600"), by=people["programme"]
    )
    assert case.status == CaseStatus.REGISTERED
    change = case.status_changes.get()
    assert (change.from_status, change.to_status, change.by) == (
        "registered",
        "registered",
        people["programme"],
    )
    assert "3" in change.reason


def test_register_refuses_a_duplicate_open_case(case_at, people):
    case = case_at("in_regie")
    with pytest.raises(DomainError) as excinfo:
        services.case_register(person=case.person, programme=case.programme, by=people["programme"])
    assert excinfo.value.code == "duplicate_case"
    assert Case.objects.filter(person=case.person).count() == 1
    # Another programme is another case.
    other = services.case_register(
        person=case.person, programme=programme("VERWARD"), by=people["programme"]
    )
    assert other.pk != case.pk


def test_register_again_after_the_case_closed(case_at, people):
    case = case_at("closed")
    again = services.case_register(
        person=case.person, programme=case.programme, by=people["programme"]
    )
    assert again.pk != case.pk
    assert again.status == CaseStatus.REGISTERED


@pytest.mark.parametrize("override", ["", "   "])
def test_register_refuses_an_ineligible_person_without_a_reason(people, override):
    person = PersonFactory()  # no offences
    with pytest.raises(DomainError) as excinfo:
        services.case_register(
            person=person,
            programme=programme("TOP600"),
            by=people["programme"],
            override_reason=override,
        )
    assert excinfo.value.code == "not_eligible"
    assert "Top600" in excinfo.value.message
    assert not Case.objects.filter(person=person).exists()


def test_register_accepts_an_ineligible_person_with_a_reason(people):
    person = PersonFactory()
    case = services.case_register(
        person=person,
        programme=programme("TOP600"),
        by=people["programme"],
        override_reason="Verzoek driehoek, zie verslag",
    )
    assert case.status == CaseStatus.REGISTERED
    assert case.status_changes.get().reason == "Verzoek driehoek, zie verslag"


def test_register_needs_the_permission_and_an_active_programme(people):
    with pytest.raises(NotAllowed):
        services.case_register(
            person=eligible_person(), programme=programme("TOP600"), by=people["regisseur"]
        )
    inactive = programme("DETENTIE")
    inactive.active = False
    inactive.save()
    with pytest.raises(DomainError) as excinfo:
        services.case_register(person=eligible_person(), programme=inactive, by=people["programme"])
    assert excinfo.value.code == "programme_inactive"
    assert not Case.objects.exists()


# --- establishing the basisdossier --------------------------------------------------------------


def test_establish_refuses_while_an_asked_partner_has_not_answered(case_at, people):
    case = case_at("basisdossier")
    fill_dossier(case, people, leave_open={("POLITIE", Leefgebied.FINANCIEN, "contribution")})

    with pytest.raises(DomainError) as excinfo:
        services.case_establish_dossier(case=case, by=people["ivg_politie"])

    assert excinfo.value.code == "dossier_incomplete"
    assert "7 (Politie)" in excinfo.value.message
    case.refresh_from_db()
    assert case.status == CaseStatus.BASISDOSSIER
    assert case.dossier_established_at is None
    assert Basisdossier.objects.get(case=case).established_at is None
    assert not case.status_changes.filter(to_status=CaseStatus.AWAITING_ASSIGNMENT).exists()


def test_establish_accepts_nothing_known_as_an_answer(case_at, people):
    case = case_at("basisdossier")
    fill_dossier(case, people, leave_open={("POLITIE", Leefgebied.FINANCIEN, "contribution")})
    section = DossierSection.objects.get(dossier__case=case, leefgebied=Leefgebied.FINANCIEN)
    services.dossier_contribution_save(
        section=section, by=people["ivg_politie"], text="", nothing_known=True
    )
    case = services.case_establish_dossier(case=case, by=people["ivg_politie"])
    assert case.status == CaseStatus.AWAITING_ASSIGNMENT


def test_establish_refuses_an_empty_dossier(case_at, people):
    case = case_at("basisdossier")
    with pytest.raises(DomainError) as excinfo:
        services.case_establish_dossier(case=case, by=people["ivg_ggd"])
    assert excinfo.value.code == "dossier_incomplete"


# --- appointing the regisseur ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("regisseur", "accounthouder", "code"),
    [
        ("regisseur_other", "accounthouder", "invalid_regisseur"),  # another organisation
        ("accounthouder", "accounthouder", "invalid_regisseur"),  # no regisseur role
        ("partner", "accounthouder", "invalid_regisseur"),
        ("outsider", "accounthouder", "invalid_regisseur"),
        ("regisseur", "accounthouder_om", "invalid_accounthouder"),  # another organisation
        ("regisseur", "regisseur_colleague", "invalid_accounthouder"),  # no accounthouder role
    ],
)
def test_appoint_only_accepts_staff_of_the_regie_organisation(
    case_at, actors, regisseur, accounthouder, code
):
    case = case_at("assigned")
    with pytest.raises(DomainError) as excinfo:
        services.case_appoint_regisseur(
            case=case,
            by=actors["accounthouder"],
            regisseur=actors[regisseur],
            accounthouder=actors[accounthouder],
        )
    assert excinfo.value.code == code
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSIGNED
    assert (case.regisseur, case.accounthouder, case.regie_started_at) == (None, None, None)
    assert not case.status_changes.filter(to_status=CaseStatus.IN_REGIE).exists()


def test_appoint_refuses_an_inactive_regisseur(case_at, actors):
    colleague = actors["regisseur_colleague"]
    colleague.is_active = False
    colleague.save()
    with pytest.raises(DomainError) as excinfo:
        services.case_appoint_regisseur(
            case=case_at("assigned"), by=actors["accounthouder"], regisseur=colleague
        )
    assert excinfo.value.code == "invalid_regisseur"


def test_appoint_a_colleague_and_default_the_accounthouder_to_the_appointer(case_at, actors):
    case = services.case_appoint_regisseur(
        case=case_at("assigned"),
        by=actors["accounthouder"],
        regisseur=actors["regisseur_colleague"],
    )
    assert case.status == CaseStatus.IN_REGIE
    assert case.regisseur == actors["regisseur_colleague"]
    assert case.accounthouder == actors["accounthouder"]


# --- the case team ------------------------------------------------------------------------------


def has_view_row(case, organisation) -> bool:
    return CaseGroupObjectPermission.objects.filter(
        content_object=case,
        group=organisation.group,
        permission__codename="view_case",
        permission__content_type__app_label="cases",
    ).exists()


def visible(user, case) -> bool:
    return Case.objects.visible_to(user).filter(pk=case.pk).exists()


def fresh(user):
    """The user without the per-object cache of their permissions and actor."""
    return type(user).objects.get(pk=user.pk)


def test_team_join_grants_and_leave_revokes_visibility(case_at, people, orgs):
    case = case_at("in_regie")
    partner = people["partner"]
    assert not visible(partner, case)
    assert not has_view_row(case, orgs["WPI"])

    membership = services.team_member_add(
        case=case, by=people["regisseur"], organisation=orgs["WPI"], professional=partner
    )

    assert (membership.role, membership.left_on, membership.professional) == (
        TeamRole.PARTNER,
        None,
        partner,
    )
    assert has_view_row(case, orgs["WPI"])
    assert visible(fresh(partner), case)
    assert case.timeline.filter(kind=TimelineKind.TEAM_CHANGE).count() == 2  # RN, then WPI

    services.team_member_leave(membership=membership, by=people["accounthouder"])

    membership.refresh_from_db()
    assert membership.left_on == timezone.localdate()
    assert not has_view_row(case, orgs["WPI"])
    assert not visible(fresh(partner), case)
    assert case.timeline.filter(kind=TimelineKind.TEAM_CHANGE).count() == 3
    # The organisation can join again later; the old membership stays as history.
    services.team_member_add(case=case, by=people["regisseur"], organisation=orgs["WPI"])
    assert CaseTeamMembership.objects.filter(case=case, organisation=orgs["WPI"]).count() == 2
    assert visible(fresh(partner), case)


def test_team_refusals(case_at, people, orgs):
    case = case_at("in_regie")
    by = people["regisseur"]
    services.team_member_add(case=case, by=by, organisation=orgs["WPI"])
    with pytest.raises(DomainError) as excinfo:
        services.team_member_add(case=case, by=by, organisation=orgs["WPI"])
    assert excinfo.value.code == "duplicate"
    with pytest.raises(DomainError) as excinfo:
        services.team_member_add(case=case, by=by, organisation=orgs["GGD"], role=TeamRole.REGIE)
    assert excinfo.value.code == "invalid"
    with pytest.raises(DomainError) as excinfo:
        services.team_member_add(
            case=case, by=by, organisation=orgs["GGD"], professional=people["partner"]
        )
    assert excinfo.value.code == "invalid"
    for outsider in ("partner", "programme", "regisseur_other"):
        with pytest.raises(NotAllowed):
            services.team_member_add(case=case, by=people[outsider], organisation=orgs["OM"])
    regie = CaseTeamMembership.objects.get(case=case, role=TeamRole.REGIE)
    with pytest.raises(DomainError) as excinfo:
        services.team_member_leave(membership=regie, by=by)
    assert excinfo.value.code == "invalid"
    wpi = CaseTeamMembership.objects.get(case=case, organisation=orgs["WPI"])
    with pytest.raises(NotAllowed):
        services.team_member_leave(membership=wpi, by=people["partner"])
    services.team_member_leave(membership=wpi, by=by)
    with pytest.raises(DomainError) as excinfo:
        services.team_member_leave(membership=wpi, by=by)
    assert excinfo.value.code == "invalid_transition"
    assert not has_view_row(case, orgs["GGD"])
    assert not has_view_row(case, orgs["OM"])


def test_team_is_not_managed_before_regie_starts(case_at, people, orgs):
    case = case_at("assigned")
    for by in ("accounthouder", "programme"):
        with pytest.raises(NotAllowed):
            services.team_member_add(case=case, by=people[by], organisation=orgs["WPI"])


def test_close_ends_the_team(case_at, people, orgs, make_user):
    colleague = make_user(Role.REGISSEUR, username="reg-rn-3", organisation=orgs["RN"])
    case = case_at("outflow")
    services.team_member_add(case=case, by=people["regisseur"], organisation=orgs["WPI"])
    assert visible(fresh(colleague), case)

    services.case_close(case=case, by=people["regisseur"])

    assert not case.team.filter(left_on__isnull=True).exists()
    assert case.team.count() == 2
    assert not CaseGroupObjectPermission.objects.filter(content_object=case).exists()
    assert not visible(fresh(people["partner"]), case)
    assert not visible(fresh(colleague), case)
    # Regisseur and accounthouder keep read access for the retention period.
    assert visible(fresh(people["regisseur"]), case)
    assert visible(fresh(people["accounthouder"]), case)


def test_withdraw_closes_without_a_team(case_at, people):
    case = run("withdraw", case_at("basisdossier"), people["programme"], people)
    assert case.status == CaseStatus.CLOSED
    assert not case.team.exists()
    assert not visible(fresh(people["programme"]), case)
    assert not visible(fresh(people["ivg_politie"]), case)
