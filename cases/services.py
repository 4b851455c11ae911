"""Every write to cases goes through these services. Views, API and commands are adapters."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from acvz.audit import audited
from acvz.errors import DomainError, NotAllowed
from acvz.services import require, save_validated
from cases.eligibility import programme_eligibility
from cases.models import (
    INVERSE_RELATION,
    AccessLogEntry,
    AccessLogSubject,
    Basisdossier,
    Case,
    CaseStatusChange,
    CaseTeamMembership,
    DossierSection,
    FamilyRelation,
    Leefgebied,
    OffenceRecord,
    Person,
    Programme,
    RegieStyle,
    TeamRole,
    TimelineEvent,
    TimelineKind,
)
from cases.policies import actor_for, case_can, section_can_edit, section_can_write_screening
from cases.validators import validate_no_nul
from cases.workflow import TRANSITIONS, CaseStatus
from partners.models import Organisation, User

VIEW_CASE = "cases.view_case"


# --- persons ------------------------------------------------------------------------------------


@audited
def person_create(*, by: User, **fields) -> Person:
    """Register a person. Validates the BSN (11-test) and its uniqueness."""
    require(actor_for(by).has("cases.add_person"), _("You may not register persons."))
    return save_validated(Person(**fields))


@audited
def person_update(*, person: Person, by: User, **fields) -> Person:
    require(actor_for(by).has("cases.change_person"), _("You may not change persons."))
    for name, value in fields.items():
        setattr(person, name, value)
    return save_validated(person)


@audited
@transaction.atomic
def family_relation_add(*, person: Person, relative: Person, kind: str, by: User) -> FamilyRelation:
    """Record `relative` as `person`'s `kind`, and the inverse relation on the relative."""
    require(actor_for(by).has("cases.add_familyrelation"), _("You may not record relations."))
    if person.pk == relative.pk:
        raise DomainError(_("A person cannot be their own relative."), code="invalid")
    if FamilyRelation.objects.filter(person=person, relative=relative).exists():
        raise DomainError(_("This relation is already recorded."), code="duplicate")
    relation = FamilyRelation.objects.create(person=person, relative=relative, kind=kind)
    FamilyRelation.objects.get_or_create(
        person=relative, relative=person, defaults={"kind": INVERSE_RELATION[kind]}
    )
    return relation


@audited
def offence_record_create(
    *,
    by: User,
    person: Person,
    date: date,
    kind: str,
    category: str,
    source: Organisation | None = None,
    external_id: str | None = None,
    description: str = "",
) -> tuple[OffenceRecord, bool]:
    """Record an offence. A repeated push with the same source reference changes nothing."""
    actor = actor_for(by)
    require(actor.has("cases.add_offencerecord"), _("You may not record offences."))
    validate_no_nul(external_id)  # before the lookup: PostgreSQL refuses NUL in a query
    source = source or by.organisation
    if source is None or (source.pk != actor.organisation_id):
        raise NotAllowed(_("Offences can only be recorded for your own organisation."))
    if external_id:
        existing = OffenceRecord.objects.filter(source=source, external_id=external_id).first()
        if existing is not None:
            return existing, False
    record = OffenceRecord(
        person=person,
        date=date,
        kind=kind,
        category=category,
        source=source,
        external_id=external_id or None,
        description=description,
    )
    record.full_clean()
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:  # a concurrent push of the same reference won the race
        return OffenceRecord.objects.get(source=source, external_id=external_id), False
    return record, True


# --- the lifecycle ------------------------------------------------------------------------------


@audited
@transaction.atomic
def case_register(
    *, person: Person, programme: Programme, by: User, override_reason: str = ""
) -> Case:
    """Register a person in a programme. Refused when not eligible, unless a reason is given."""
    require(actor_for(by).has("cases.register_case"), _("You may not register cases."))
    if not programme.active:
        raise DomainError(_("This programme is not active."), code="programme_inactive")
    Person.objects.select_for_update().get(pk=person.pk)
    if (
        Case.objects.filter(person=person, programme=programme)
        .exclude(status=CaseStatus.CLOSED)
        .exists()
    ):
        raise DomainError(
            _("%(person)s already has an open case in %(programme)s.")
            % {"person": person, "programme": programme.name},
            code="duplicate_case",
        )
    eligibility = programme_eligibility(person=person, programme=programme)
    if not eligibility.eligible and not override_reason.strip():
        raise DomainError(
            _("Not eligible for %(programme)s: %(reason)s. Give a reason to register anyway.")
            % {"programme": programme.name, "reason": eligibility.reason},
            code="not_eligible",
        )
    case = Case.objects.create(person=person, programme=programme)
    reason = override_reason.strip() or eligibility.reason
    CaseStatusChange.objects.create(
        case=case,
        from_status=CaseStatus.REGISTERED,
        to_status=CaseStatus.REGISTERED,
        by=by,
        reason=reason,
    )
    return case


def _transition(
    *,
    case: Case,
    by: User,
    name: str,
    reason: str = "",
    apply: Callable[[Case], None] | None = None,
) -> Case:
    """Lock the case, check the workflow table and the actor, apply, and record the change."""
    transition = TRANSITIONS[name]
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",))
            .select_related("programme", "person")
            .get(pk=case.pk)
        )
        locked._prefetched_objects_cache = {}
        if locked.status not in transition.sources:
            raise DomainError(
                _("“%(action)s” is not possible: the case is “%(status)s”.")
                % {"action": transition.label, "status": locked.get_status_display()},
                code="invalid_transition",
            )
        if not case_can(by, locked, name):
            raise NotAllowed(
                _("You may not “%(action)s” on this case.") % {"action": transition.label}
            )
        from_status = locked.status
        if apply is not None:
            apply(locked)
        locked.status = transition.target
        locked.save()
        CaseStatusChange.objects.create(
            case=locked, from_status=from_status, to_status=transition.target, by=by, reason=reason
        )
        TimelineEvent.objects.create(
            case=locked,
            kind=TimelineKind.STATUS,
            created_by=by,
            organisation=by.organisation,
            description=f"{transition.label}: {locked.get_status_display()}"
            + (f" — {reason}" if reason else ""),
        )
    return locked


@audited
def case_start_dossier(*, case: Case, by: User) -> Case:
    """Open the basisdossier with one empty section per leefgebied."""

    def apply(c: Case) -> None:
        c.dossier_started_at = timezone.now()
        dossier, _created = Basisdossier.objects.get_or_create(case=c)
        for leefgebied in Leefgebied:
            DossierSection.objects.get_or_create(dossier=dossier, leefgebied=leefgebied)

    return _transition(case=case, by=by, name="start_dossier", apply=apply)


@audited
def case_establish_dossier(*, case: Case, by: User) -> Case:
    """Establish ("vaststellen") the basisdossier: every section filled or marked empty."""

    def apply(c: Case) -> None:
        dossier = Basisdossier.objects.select_for_update().get(case=c)
        incomplete = [s for s in dossier.sections.all() if not s.is_complete]
        if incomplete or dossier.sections.count() != len(Leefgebied):
            names = ", ".join(str(s.leefgebied) for s in incomplete)
            raise DomainError(
                _("Every section must be filled or marked “no information”; still open: %(s)s.")
                % {"s": names},
                code="dossier_incomplete",
            )
        dossier.established_at = timezone.now()
        dossier.established_by = by
        dossier.save()
        c.dossier_established_at = dossier.established_at

    return _transition(case=case, by=by, name="establish_dossier", apply=apply)


@audited
def case_assign(*, case: Case, by: User, organisation: Organisation, regie_style: str = "") -> Case:
    """The programme team hands the case to one partner organisation."""
    if not organisation.active:
        raise DomainError(_("This organisation is not active."), code="organisation_inactive")
    if regie_style and regie_style not in RegieStyle.values:
        raise DomainError(_("Unknown regie style."), code="invalid")

    def apply(c: Case) -> None:
        c.regie_organisation = organisation
        c.regie_style = regie_style
        c.assigned_at = timezone.now()
        _team_join(case=c, organisation=organisation, role=TeamRole.REGIE, by=by)

    return _transition(case=case, by=by, name="assign", apply=apply, reason=str(organisation))


def eligible_regisseurs(organisation: Organisation):
    return (
        User.objects.filter(
            organisation=organisation,
            is_active=True,
            groups__permissions__codename="direct_case",
            groups__permissions__content_type__app_label="cases",
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def eligible_accounthouders(organisation: Organisation):
    return (
        User.objects.filter(
            organisation=organisation,
            is_active=True,
            groups__permissions__codename="account_case",
            groups__permissions__content_type__app_label="cases",
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


@audited
def case_appoint_regisseur(
    *, case: Case, by: User, regisseur: User, accounthouder: User | None = None
) -> Case:
    """The regie organisation appoints a regisseur (and accounthouder) from its own staff."""

    def apply(c: Case) -> None:
        if not eligible_regisseurs(c.regie_organisation).filter(pk=regisseur.pk).exists():
            raise DomainError(
                _("%(user)s is not a regisseur of %(org)s.")
                % {"user": regisseur, "org": c.regie_organisation},
                code="invalid_regisseur",
            )
        if (
            accounthouder is not None
            and not eligible_accounthouders(c.regie_organisation)
            .filter(pk=accounthouder.pk)
            .exists()
        ):
            raise DomainError(
                _("%(user)s is not an accounthouder of %(org)s.")
                % {"user": accounthouder, "org": c.regie_organisation},
                code="invalid_accounthouder",
            )
        c.regisseur = regisseur
        c.accounthouder = accounthouder or by
        c.regie_started_at = timezone.now()

    return _transition(
        case=case, by=by, name="appoint_regisseur", apply=apply, reason=str(regisseur)
    )


@audited
def case_start_outflow(
    *, case: Case, by: User, reason: str, receiving_organisation: str, handover_note: str
) -> Case:
    """Criteria no longer met: hand over to the regular line."""
    if not reason.strip() or not receiving_organisation.strip():
        raise DomainError(
            _("Outflow needs a reason and the receiving organisation."), code="invalid"
        )

    def apply(c: Case) -> None:
        c.outflow_reason = reason
        c.receiving_organisation = receiving_organisation
        c.handover_note = handover_note
        c.outflow_at = timezone.now()

    return _transition(case=case, by=by, name="start_outflow", apply=apply, reason=reason)


def _close(c: Case, by: User) -> None:
    c.closed_at = timezone.now()
    for membership in c.team.filter(left_on__isnull=True):
        _team_leave(membership=membership, by=by)


@audited
def case_close(*, case: Case, by: User) -> Case:
    """Close after outflow. The team leaves (and loses access); regisseur and accounthouder
    keep read access for the retention period."""
    return _transition(case=case, by=by, name="close", apply=lambda c: _close(c, by))


@audited
def case_withdraw(*, case: Case, by: User, reason: str) -> Case:
    if not reason.strip():
        raise DomainError(_("Give the reason for withdrawing the case."), code="invalid")
    return _transition(
        case=case, by=by, name="withdraw", reason=reason, apply=lambda c: _close(c, by)
    )


# --- basisdossier -------------------------------------------------------------------------------


@audited
@transaction.atomic
def dossier_section_update(
    *,
    section: DossierSection,
    by: User,
    text: str,
    no_information: bool = False,
    restricted_text: str | None = None,
    expected_version: int | None = None,
) -> DossierSection:
    """Write one section. `expected_version` guards against overwriting a concurrent edit."""
    locked = (
        DossierSection.objects.select_for_update(of=("self",))
        .select_related("dossier__case")
        .get(pk=section.pk)
    )
    case = locked.dossier.case
    if not section_can_edit(by, case, locked):
        raise NotAllowed(_("You may not edit this section."))
    if expected_version is not None and expected_version != locked.version:
        raise DomainError(
            _("Someone else changed this section meanwhile. Reload it and apply your change."),
            code="stale",
            status_code=409,
        )
    screening = locked.restricted_text if restricted_text is None else restricted_text
    if no_information and (text.strip() or screening.strip()):
        raise DomainError(
            _("A section marked “no information” cannot have text."),
            code="invalid",
            status_code=400,
        )
    locked.text = text
    locked.no_information = no_information
    if restricted_text is not None:
        if restricted_text != locked.restricted_text and not section_can_write_screening(
            by, case, locked
        ):
            raise NotAllowed(_("Only a health organisation writes the GGD screening."))
        locked.restricted_text = restricted_text
    locked.organisation_id = by.organisation_id
    locked.author = by
    locked.updated_at = timezone.now()
    locked.version += 1
    locked.full_clean()
    locked.save()
    return locked


@audited
def dossier_set_advice(
    *, case: Case, by: User, advice: str, organisation: Organisation | None, style: str
) -> Basisdossier:
    require(case_can(by, case, "advise"), _("You may not give the IVG advice on this case."))
    dossier = case.basisdossier
    dossier.ivg_advice = advice
    dossier.advised_organisation = organisation
    dossier.advised_style = style
    dossier.full_clean()
    dossier.save()
    return dossier


# --- case team ----------------------------------------------------------------------------------


def _team_join(
    *, case: Case, organisation: Organisation, role: str, by: User, professional=None
) -> CaseTeamMembership:
    if case.team.filter(organisation=organisation, left_on__isnull=True).exists():
        raise DomainError(
            _("%(org)s is already on the case team.") % {"org": organisation}, code="duplicate"
        )
    if professional is not None and professional.organisation_id != organisation.pk:
        raise DomainError(
            _("The professional must work for %(org)s.") % {"org": organisation}, code="invalid"
        )
    membership = CaseTeamMembership.objects.create(
        case=case, organisation=organisation, role=role, professional=professional
    )
    assign_perm(VIEW_CASE, organisation.group, case)
    TimelineEvent.objects.create(
        case=case,
        kind=TimelineKind.TEAM_CHANGE,
        created_by=by,
        organisation=by.organisation,
        description=_("%(org)s joined the case team.") % {"org": organisation},
    )
    return membership


def _team_leave(*, membership: CaseTeamMembership, by: User, left_on: date | None = None) -> None:
    membership.left_on = left_on or timezone.localdate()
    membership.full_clean()
    membership.save()
    remove_perm(VIEW_CASE, membership.organisation.group, membership.case)
    TimelineEvent.objects.create(
        case=membership.case,
        kind=TimelineKind.TEAM_CHANGE,
        created_by=by,
        organisation=by.organisation,
        description=_("%(org)s left the case team.") % {"org": membership.organisation},
    )


@audited
@transaction.atomic
def team_member_add(
    *,
    case: Case,
    by: User,
    organisation: Organisation,
    role: str = TeamRole.PARTNER,
    professional: User | None = None,
) -> CaseTeamMembership:
    """Add an organisation to the case team; it sees the case from now on."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    require(case_can(by, locked, "manage_team"), _("You may not change this case team."))
    if not organisation.active:
        raise DomainError(_("This organisation is not active."), code="organisation_inactive")
    if role == TeamRole.REGIE:
        raise DomainError(_("The regie organisation is set by assignment."), code="invalid")
    return _team_join(
        case=locked, organisation=organisation, role=role, by=by, professional=professional
    )


@audited
@transaction.atomic
def team_member_leave(*, membership: CaseTeamMembership, by: User) -> None:
    """An organisation leaves the team; its access to the case ends now."""
    locked = Case.objects.select_for_update().get(pk=membership.case_id)
    require(case_can(by, locked, "manage_team"), _("You may not change this case team."))
    membership = CaseTeamMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.left_on is not None:
        raise DomainError(_("This organisation has already left."), code="invalid_transition")
    if membership.role == TeamRole.REGIE:
        raise DomainError(
            _("The regie organisation cannot leave; close or reassign the case."), code="invalid"
        )
    _team_leave(membership=membership, by=by)


# --- timeline and access log ----------------------------------------------------------------


@audited
def timeline_event_create(
    *,
    case: Case,
    by: User,
    kind: str,
    description: str,
    occurred_at: datetime | None = None,
    external_id: str | None = None,
) -> tuple[TimelineEvent, bool]:
    """Share an event with the case team. A repeated push with the same reference is a no-op."""
    require(case_can(by, case, "add_timeline_event"), _("You may not add events to this case."))
    validate_no_nul(external_id)
    if kind in (TimelineKind.STATUS, TimelineKind.TEAM_CHANGE):
        raise DomainError(_("This kind of event is recorded by Regie itself."), code="invalid")
    if external_id:
        existing = TimelineEvent.objects.filter(
            organisation_id=by.organisation_id, external_id=external_id
        ).first()
        if existing is not None:
            if existing.case_id != case.pk:
                raise DomainError(
                    _("This reference is already used for another case."), code="duplicate"
                )
            return existing, False
    event = TimelineEvent(
        case=case,
        kind=kind,
        description=description,
        created_by=by,
        organisation_id=by.organisation_id,
        occurred_at=occurred_at or timezone.now(),
        external_id=external_id or None,
    )
    event.full_clean()
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:  # a concurrent push of the same reference won the race
        existing = TimelineEvent.objects.get(
            organisation_id=by.organisation_id, external_id=external_id
        )
        return existing, False
    return event, True


def access_log_write(
    *,
    user: User,
    channel: str,
    path: str,
    action: str,
    outcome: str,
    subjects: Iterable[tuple[int, int | None]],
    query: str = "",
) -> AccessLogEntry:
    """Write one access log entry and, in one bulk insert, the (person, case) pairs it showed
    or refused (need-to-know covenant, NEN 7513). The log is append-only and not historied,
    so the bulk insert is allowed; two queries, however many subjects."""
    entry = AccessLogEntry.objects.create(
        user=user,
        organisation_id=user.organisation_id,
        channel=channel,
        path=path[:500],
        action=action,
        query=query[:200],
        outcome=outcome,
    )
    rows = [
        AccessLogSubject(entry=entry, person_id=person_id, case_id=case_id)
        for person_id, case_id in sorted(subjects, key=lambda pair: (pair[0], pair[1] or 0))
    ]
    if rows:
        AccessLogSubject.objects.bulk_create(rows)
    return entry
