"""Every write to cases goes through these services. Views, API and commands are adapters."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm
from simple_history.utils import bulk_create_with_history

from acvz.audit import audited
from acvz.errors import DomainError, NotAllowed
from acvz.services import require, save_validated
from cases import disclosure
from cases.eligibility import programme_eligibility
from cases.events import announce
from cases.models import (
    INVERSE_RELATION,
    REGIE_RECORDED_KINDS,
    AccessLogEntry,
    AccessLogSubject,
    Basisdossier,
    Case,
    CaseStatusChange,
    CaseTeamMembership,
    ContributionPart,
    DisclosureChannel,
    DossierContribution,
    DossierSection,
    FamilyRelation,
    Leefgebied,
    MinorWatch,
    OffenceKind,
    OffenceRecord,
    Person,
    Programme,
    RegieStyle,
    TeamRole,
    TimelineEvent,
    TimelineKind,
)
from cases.policies import (
    actor_for,
    case_can,
    case_can_read_health,
    contribution_can_write,
    contribution_is_readable,
    dossier_can_manage_requests,
    organisation_can_answer,
    section_can_read,
)
from cases.selectors import CASELOAD_STATUSES, caseload_filter
from cases.validators import validate_no_nul
from cases.workflow import REGIE_STATUSES, TRANSITIONS, CaseStatus
from partners.models import Organisation, OrganisationKind, User
from partners.selectors import organisation_regisseurs

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
    date: date,
    kind: str,
    category: str,
    person: Person | None = None,
    subject: dict | None = None,
    source: Organisation | None = None,
    external_id: str | None = None,
    description: str = "",
) -> tuple[OffenceRecord, bool]:
    """Record an offence about `person`, or about the person with `subject`'s BSN (made from
    `subject`'s names and date of birth when Regie does not know the BSN yet, so inflow can be
    computed before anyone registers a case).

    A repeated push with the same source reference changes nothing and returns the first
    record; the same reference for another person is refused (`duplicate`), without a word
    about the record it is taken by (its person may be out of the caller's sight)."""
    actor = actor_for(by)
    require(actor.has("cases.add_offencerecord"), _("You may not record offences."))
    if (person is None) == (subject is None):
        raise DomainError(_("Give the person or the subject, one of the two."), code="invalid")
    validate_no_nul(external_id)  # before the lookup: PostgreSQL refuses NUL in a query
    source = source or by.organisation
    if source is None or (source.pk != actor.organisation_id):
        raise NotAllowed(_("Offences can only be recorded for your own organisation."))
    if subject is not None:
        person = Person.objects.filter(bsn=subject["bsn"]).first()
    content = {"date": date, "kind": kind, "category": category, "description": description}
    if external_id:
        existing = OffenceRecord.objects.filter(source=source, external_id=external_id).first()
        if existing is not None:
            return _offence_repeated(existing, person, content), False
    record = OffenceRecord(
        date=date,
        kind=kind,
        category=category,
        source=source,
        external_id=external_id or None,
        description=description,
    )
    try:
        with transaction.atomic():  # a person made for the record goes if the record does
            record.person = person or _person_for_subject(subject)
            _clean_but_the_reference(record)
            record.save()
            _offence_on_timelines(record, by)
    except IntegrityError:  # a concurrent push of the same reference won the race
        existing = OffenceRecord.objects.filter(source=source, external_id=external_id).first()
        if existing is None or not external_id:
            raise
        return _offence_repeated(existing, record.person, content), False
    return record, True


def _person_for_subject(subject: dict) -> Person:
    """The person with the subject's BSN, made from the subject when there is none yet (also
    when a concurrent push makes the same one: the database's unique BSN decides)."""
    person = Person(
        bsn=subject["bsn"],
        first_name=subject["first_name"],
        last_name=subject["last_name"],
        date_of_birth=subject["date_of_birth"],
    )
    person.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        return Person.objects.get(bsn=subject["bsn"])
    return person


#: New offence records that the case team must know of at once: on the timeline of each case
#: of the person in regie (which calls for a look at the plan, `plans.reviews`).
OFFENCE_EVENTS = {
    OffenceKind.ARREST: TimelineKind.ARREST,
    OffenceKind.SUMMONS: TimelineKind.SUMMONS,
}


def _offence_on_timelines(record: OffenceRecord, by: User) -> None:
    kind = OFFENCE_EVENTS.get(record.kind)
    if kind is None:
        return
    cases = Case.objects.filter(person_id=record.person_id, status__in=REGIE_STATUSES)
    for case in cases.select_related("programme", "person"):
        event = TimelineEvent.objects.create(
            case=case,
            kind=kind,
            description=_("%(kind)s recorded by %(org)s (%(category)s, %(date)s).")
            % {
                "kind": record.get_kind_display(),
                "org": record.source.name,
                "category": record.get_category_display(),
                "date": record.date.strftime("%d-%m-%Y"),
            },
            created_by=by,
            organisation_id=record.source_id,
            occurred_at=timezone.make_aware(datetime.combine(record.date, time(12))),
        )
        announce("timeline", case=case, by=by, timeline_event=event)


def _clean_but_the_reference(obj) -> None:
    """Validate everything but the uniqueness of the source's reference: that one is the
    database's to decide, so that a concurrent twin push is answered as a repeat (the
    IntegrityError below), not as a 400 naming the constraint."""
    obj.full_clean(validate_constraints=False)
    obj.validate_constraints(exclude={"external_id"})


def _offence_repeated(
    existing: OffenceRecord, person: Person | None, content: dict | None = None
) -> OffenceRecord:
    if person is None or existing.person_id != person.pk:
        raise DomainError(
            _("This external_id is already used for another offence record."), code="duplicate"
        )
    if content and any(getattr(existing, name) != value for name, value in content.items()):
        raise DomainError(
            _(
                "This external_id is recorded with other content. To correct the record, PUT "
                "it at its own address; a repeated push changes nothing."
            ),
            code="conflict",
        )
    return existing


def _own_record(record: OffenceRecord, by: User) -> OffenceRecord:
    """The record, locked, if `by` is a partner system of its source organisation."""
    actor = actor_for(by)
    require(actor.has("cases.add_offencerecord"), _("You may not record offences."))
    record = OffenceRecord.objects.select_for_update().get(pk=record.pk)
    if record.source_id != actor.organisation_id:
        raise NotAllowed(_("Only the source organisation corrects or retracts its records."))
    return record


@transaction.atomic
def offence_record_correct(
    *, record: OffenceRecord, by: User, date: date, kind: str, category: str, description: str = ""
) -> OffenceRecord:
    """The source corrects its record (date, kind, category, description); the history keeps
    what it said before."""
    record = _own_record(record, by)
    record.date, record.kind, record.category = date, kind, category
    record.description = description
    _clean_but_the_reference(record)
    record.save()
    return record


@transaction.atomic
def offence_record_retract(*, record: OffenceRecord, by: User) -> None:
    """The source withdraws its record: it no longer counts (inflow, outcomes); the history
    keeps that it was there and who retracted it."""
    _own_record(record, by).delete()


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
    # Re-inflow: the person's last closed case in the programme is linked, its history with it.
    previous = (
        Case.objects.filter(person=person, programme=programme, status=CaseStatus.CLOSED)
        .order_by("-closed_at", "-pk")
        .first()
    )
    case = Case.objects.create(person=person, programme=programme, previous_case=previous)
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


def dossier_ivg_organisations():
    """The kernpartners asked when a dossier starts: active, with at least one active IVG
    member. The IVG is the kernpartners' information specialists (docs/domain.md, step 2); an
    organisation without one in Regie cannot answer, and asking it would block the dossier."""
    return (
        Organisation.objects.active()
        .filter(
            kind=OrganisationKind.KERNPARTNER,
            users__is_active=True,
            users__groups__permissions__codename="contribute_basisdossier",
            users__groups__permissions__content_type__app_label="cases",
        )
        .distinct()
        .order_by("name")
    )


def _ask(*, sections: list[DossierSection], organisations, by: User) -> list[DossierContribution]:
    """Create the open requests (empty contributions) the organisations may answer and do not
    have yet."""
    existing = set(
        DossierContribution.objects.filter(section__in=sections).values_list(
            "section_id", "organisation_id", "part"
        )
    )
    requests = [
        DossierContribution(section=section, organisation=organisation, part=part)
        for organisation in organisations
        for section in sections
        for part in ContributionPart.values
        if organisation_can_answer(
            handles_health=organisation.handles_health, leefgebied=section.leefgebied, part=part
        )
        and (section.pk, organisation.pk, part) not in existing
    ]
    return bulk_create_with_history(requests, DossierContribution, default_user=by)


@audited
def case_start_dossier(*, case: Case, by: User) -> Case:
    """Open the basisdossier: one section per leefgebied, and every kernpartner with an IVG
    member asked for each part it may write (section 9 and the screening: health
    organisations only)."""

    def apply(c: Case) -> None:
        c.dossier_started_at = timezone.now()
        dossier, _created = Basisdossier.objects.get_or_create(case=c)
        sections = [
            DossierSection.objects.get_or_create(dossier=dossier, leefgebied=leefgebied)[0]
            for leefgebied in Leefgebied
        ]
        asked = _ask(sections=sections, organisations=list(dossier_ivg_organisations()), by=by)
        c._asked_organisations = {request.organisation_id for request in asked}

    with transaction.atomic():
        started = _transition(case=case, by=by, name="start_dossier", apply=apply)
        announce(
            "contributions_asked",
            case=started,
            by=by,
            organisations=getattr(started, "_asked_organisations", set()),
        )
    return started


def _dossier_open_parts(*, case: Case, sections: list[DossierSection], by: User) -> str:
    """What still keeps the dossier from being established, as this user may read it: the
    sections nobody answered and the organisations still asked, per section."""
    can_read_health = case_can_read_health(by, case)
    open_parts, hidden = [], False
    for section in sections:
        contributions = list(section.contributions.all())
        waiting = [c for c in contributions if not c.is_answered]
        if not waiting and any(c.is_answered for c in contributions):
            continue
        section_readable = section_can_read(by, case, section, can_read_health=can_read_health)
        readable = [
            c
            for c in waiting
            if contribution_is_readable(by, case, c, section, can_read_health=can_read_health)
        ]
        if len(readable) < len(waiting) or not section_readable:
            hidden = True
        if readable:
            names = ", ".join(
                str(c.organisation)
                + (f" ({c.get_part_display()})" if c.part == ContributionPart.SCREENING else "")
                for c in readable
            )
            open_parts.append(f"{section.leefgebied} ({names})")
        elif not waiting and section_readable:
            open_parts.append(str(section.leefgebied))
    text = "; ".join(open_parts)
    if hidden:
        text = (text + "; " if text else "") + _("health content you may not read")
    return text


@audited
def case_establish_dossier(*, case: Case, by: User) -> Case:
    """Establish ("vaststellen") the basisdossier: every asked organisation has answered every
    part it was asked for (a text, or "nothing known"), and every section has an answer."""

    def apply(c: Case) -> None:
        dossier = Basisdossier.objects.select_for_update().get(case=c)
        sections = list(
            dossier.sections.prefetch_related(
                Prefetch(
                    "contributions",
                    queryset=DossierContribution.objects.select_related("organisation").order_by(
                        "part", "organisation__name", "pk"
                    ),
                )
            )
        )
        complete = len(sections) == len(Leefgebied) and all(
            all(x.is_answered for x in s.contributions.all())
            and any(x.is_answered for x in s.contributions.all())
            for s in sections
        )
        if not complete:
            raise DomainError(
                _(
                    "Not every asked partner has answered (or said it knows nothing); "
                    "still open: %(open)s."
                )
                % {"open": _dossier_open_parts(case=c, sections=sections, by=by)},
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
    return organisation_regisseurs(organisation=organisation)


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

    with transaction.atomic():
        appointed = _transition(
            case=case, by=by, name="appoint_regisseur", apply=apply, reason=str(regisseur)
        )
        announce("appointed", case=appointed, by=by)
    return appointed


@audited
def case_start_outflow(
    *,
    case: Case,
    by: User,
    reason: str,
    receiving_organisation: str = "",
    handover_note: str = "",
    receiver: Organisation | None = None,
) -> Case:
    """Criteria no longer met: hand over to the regular line. The receiving organisation is
    `receiver` from the register, or only named (`receiving_organisation`) when it is not in it.
    The goals handed over are recorded by `plans.services.case_hand_over`, which calls this."""
    if receiver is not None and not receiving_organisation.strip():
        receiving_organisation = receiver.name
    if not reason.strip() or not receiving_organisation.strip():
        raise DomainError(
            _("Outflow needs a reason and the receiving organisation."), code="invalid"
        )
    if receiver is not None and not Organisation.objects.active().filter(pk=receiver.pk).exists():
        raise DomainError(_("Choose an active organisation from the register."), code="invalid")

    def apply(c: Case) -> None:
        c.outflow_reason = reason
        c.receiver = receiver
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


def _lock_compiling_case(case_id: int) -> Case:
    """The case locked like a transition locks it, so no write lands on a dossier that is being
    established at the same moment."""
    return Case.objects.select_for_update(of=("self",)).get(pk=case_id)


@audited
@transaction.atomic
def dossier_contribution_save(
    *,
    section: DossierSection,
    by: User,
    text: str,
    nothing_known: bool = False,
    expected_version: int | None = None,
    part: str = ContributionPart.CONTRIBUTION,
) -> DossierContribution:
    """Write the acting IVG member's own organisation's part of one section: a text, or
    "nothing known". `part="screening"` is the GGD screening of section 6 (health organisations
    only). `expected_version` guards against overwriting a concurrent edit (409 `stale`)."""
    if part not in ContributionPart.values:
        raise DomainError(_("Unknown part of a section."), code="invalid", status_code=400)
    locked_section = DossierSection.objects.select_related("dossier").get(pk=section.pk)
    case = _lock_compiling_case(locked_section.dossier.case_id)
    if not contribution_can_write(by, case, locked_section, part):
        raise NotAllowed(_("You may not write this part of the section."))
    text = text or ""
    if nothing_known and text.strip():
        raise DomainError(
            _("A contribution marked “nothing known” cannot have text."),
            code="invalid",
            status_code=400,
        )
    if not nothing_known and not text.strip():
        raise DomainError(
            _("Write what your organisation knows, or mark “nothing known”."),
            code="invalid",
            status_code=400,
        )
    contribution = (
        DossierContribution.objects.select_for_update()
        .filter(section=locked_section, organisation_id=by.organisation_id, part=part)
        .first()
    )
    if contribution is None:
        contribution = DossierContribution(
            section=locked_section, organisation_id=by.organisation_id, part=part
        )
    if expected_version is not None and expected_version != contribution.version:
        raise DomainError(
            _("Someone else changed this section meanwhile. Reload it and apply your change."),
            code="stale",
            status_code=409,
        )
    contribution.text = text
    contribution.nothing_known = nothing_known
    contribution.author = by
    contribution.updated_at = timezone.now()
    contribution.version += 1
    contribution.full_clean()
    contribution.save()
    return contribution


def _compiling_dossier_sections(*, case: Case, by: User) -> list[DossierSection]:
    """The sections of a dossier being compiled, its case locked; refused unless `by` may
    change who is asked."""
    locked = _lock_compiling_case(case.pk)
    require(
        dossier_can_manage_requests(by, locked),
        _("You may not change who is asked for this basisdossier."),
    )
    return list(DossierSection.objects.filter(dossier__case=locked))


@audited
@transaction.atomic
def dossier_request_add(
    *, case: Case, by: User, organisation: Organisation
) -> list[DossierContribution]:
    """The programme team asks one more kernpartner for its part of every section it may
    write, while the dossier is compiled."""
    sections = _compiling_dossier_sections(case=case, by=by)
    if not organisation.active or organisation.kind != OrganisationKind.KERNPARTNER:
        raise DomainError(_("Only active kernpartners are asked."), code="invalid")
    created = _ask(sections=sections, organisations=[organisation], by=by)
    if not created:
        raise DomainError(_("%(org)s is already asked.") % {"org": organisation}, code="duplicate")
    announce("contributions_asked", case=case, by=by, organisations={organisation.pk})
    return created


@audited
@transaction.atomic
def dossier_request_remove(*, case: Case, by: User, organisation: Organisation) -> int:
    """The programme team stops asking an organisation: its open requests are withdrawn, what
    it already answered stays. Returns the number of requests withdrawn."""
    sections = _compiling_dossier_sections(case=case, by=by)
    open_requests = [
        c
        for c in DossierContribution.objects.filter(section__in=sections, organisation=organisation)
        if not c.is_answered
    ]
    if not open_requests:
        raise DomainError(
            _("%(org)s has no open requests in this basisdossier.") % {"org": organisation},
            code="invalid",
        )
    for open_request in open_requests:
        open_request.delete()  # one by one: each withdrawal is a history row
    return len(open_requests)


@audited
def dossier_set_advice(
    *,
    case: Case,
    by: User,
    advice: str,
    organisation: Organisation | None,
    style: str,
    language: str | None = None,
) -> Basisdossier:
    require(case_can(by, case, "advise"), _("You may not give the IVG advice on this case."))
    dossier = case.basisdossier
    dossier.ivg_advice = advice
    dossier.advised_organisation = organisation
    dossier.advised_style = style
    if language is not None:
        dossier.advised_language = language.strip()
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
    disclosure.record(
        channel=DisclosureChannel.TEAM,
        subjects=[(case.person_id, case.pk)],
        what=disclosure.team_joined(role),
        recipient_organisation_id=organisation.pk,
        by_id=by.pk,
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
    membership = _team_join(
        case=locked, organisation=organisation, role=role, by=by, professional=professional
    )
    announce("team_joined", case=locked, by=by, organisation=organisation)
    return membership


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
    announce("team_left", case=locked, by=by, organisation=membership.organisation)


# --- minors in the family (goal 3) ---------------------------------------------------------------


@audited
@transaction.atomic
def minor_watch_start(
    *,
    case: Case,
    by: User,
    relative: Person,
    organisation: Organisation,
    started_on: date | None = None,
    note: str = "",
) -> MinorWatch:
    """Start following a minor relative of the case's person: which organisation keeps them in
    view (e.g. youth protection). The relative must be recorded as family of the person and be
    a minor on the start day; one open watch per case and relative."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    require(case_can(by, locked, "follow_minors"), _("You may not follow minors on this case."))
    today = timezone.localdate()
    started_on = started_on or today
    if started_on > today:
        raise DomainError(_("The start date lies in the future."), code="invalid")
    if not FamilyRelation.objects.filter(person_id=locked.person_id, relative=relative).exists():
        raise DomainError(_("This person is not recorded as family."), code="invalid")
    if started_on < relative.date_of_birth:
        raise DomainError(_("The start date lies before the relative's birth."), code="invalid")
    if not relative.is_minor_on(started_on):
        raise DomainError(_("This relative was not a minor on the start date."), code="invalid")
    if not organisation.active:
        raise DomainError(_("This organisation is not active."), code="organisation_inactive")
    if locked.minor_watches.filter(relative=relative, ended_on__isnull=True).exists():
        raise DomainError(_("This relative is already followed on this case."), code="duplicate")
    return save_validated(
        MinorWatch(
            case=locked,
            relative=relative,
            organisation=organisation,
            started_on=started_on,
            started_by=by,
            note=note,
        )
    )


@audited
@transaction.atomic
def minor_watch_end(
    *, watch: MinorWatch, by: User, ended_on: date | None = None, reason: str = ""
) -> MinorWatch:
    """Stop following a minor relative, with the day and why."""
    locked = Case.objects.select_for_update().get(pk=watch.case_id)
    require(case_can(by, locked, "follow_minors"), _("You may not follow minors on this case."))
    watch = MinorWatch.objects.select_for_update().get(pk=watch.pk, case=locked)
    if watch.ended_on is not None:
        raise DomainError(_("Following this relative has already ended."), code="invalid")
    ended_on = ended_on or timezone.localdate()
    if ended_on > timezone.localdate():
        raise DomainError(_("The end date lies in the future."), code="invalid")
    if ended_on < watch.started_on:
        raise DomainError(_("The end date lies before the start date."), code="invalid")
    watch.ended_on, watch.ended_reason, watch.ended_by = ended_on, reason, by
    return save_validated(watch)


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
    if kind in REGIE_RECORDED_KINDS:
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
    _clean_but_the_reference(event)
    try:
        with transaction.atomic():
            event.save()
            announce("timeline", case=case, by=by, timeline_event=event)
    except IntegrityError:  # a concurrent push of the same reference won the race
        existing = TimelineEvent.objects.filter(
            organisation_id=by.organisation_id, external_id=external_id
        ).first()
        if existing is None or not external_id:
            raise
        if existing.case_id != case.pk:
            raise DomainError(
                _("This reference is already used for another case."), code="duplicate"
            ) from None
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
    disclosed: bool = False,
) -> AccessLogEntry:
    """Write one access log entry and, in one bulk insert, the (person, case) pairs it showed
    or refused (need-to-know covenant, NEN 7513). The log is append-only and not historied,
    so the bulk insert is allowed; two queries, however many subjects. `disclosed`: what was
    shown left the system (a partner system's API read): the entry carries the basis and its
    subjects are in the disclosure register (cases.disclosure)."""
    entry = AccessLogEntry.objects.create(
        basis_id=disclosure.basis_code(DisclosureChannel.API) if disclosed else None,
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


#: The statuses in which a case has a regisseur to hand over: the regisseur's caseload.
HANDOVER_STATUSES = CASELOAD_STATUSES


def caseload_of(regisseur: User):
    """The cases a regisseur directs now, for a handover (oldest regie first)."""
    return (
        Case.objects.filter(caseload_filter(regisseur=regisseur))
        .select_related("person", "programme", "regie_organisation")
        .order_by("regie_started_at", "pk")
    )


@audited
def caseload_transfer(*, by: User, leaving: User, moves: list[tuple[int, User, str]]) -> int:
    """Hand over the cases of a regisseur who leaves (issue 16): per case the receiving
    regisseur of the same regie organisation and a handover note. The regie organisation's
    accounthouder decides; access follows the regisseur (need-to-know reads `Case.regisseur`);
    each case's timeline says who handed over to whom with the note, and the receiving regisseur
    and the case team's organisations are told. All or nothing."""
    actor = actor_for(by)
    require(actor.has("cases.appoint_regisseur"), _("You may not hand over cases."))
    if not moves:
        raise DomainError(_("Choose at least one case to hand over."), code="invalid")
    with transaction.atomic():
        cases = {
            c.pk: c
            for c in Case.objects.select_for_update().filter(pk__in=[pk for pk, _to, _n in moves])
        }
        done = []
        eligible: dict[int, set[int]] = {}  # per regie organisation, asked once
        for pk, receiving, note in moves:
            case = cases.get(pk)
            if (
                case is None
                or case.regisseur_id != leaving.pk
                or case.status not in (HANDOVER_STATUSES)
            ):
                raise DomainError(
                    _("A case is no longer directed by %(user)s; reload the page.")
                    % {"user": leaving},
                    code="conflict",
                )
            if case.regie_organisation_id != by.organisation_id:
                raise NotAllowed(_("Only the regie organisation's accounthouder hands over."))
            if case.regie_organisation_id not in eligible:
                eligible[case.regie_organisation_id] = set(
                    eligible_regisseurs(case.regie_organisation).values_list("pk", flat=True)
                )
            if (
                receiving.pk == leaving.pk
                or receiving.pk not in eligible[case.regie_organisation_id]
            ):
                raise DomainError(
                    _("%(user)s is not another regisseur of %(org)s.")
                    % {"user": receiving, "org": case.regie_organisation},
                    code="invalid_regisseur",
                )
            validate_no_nul(note)
            case.regisseur = receiving
            case._change_reason = "caseload handed over"
            case.save(update_fields=["regisseur", "updated_at"])
            text = _("Regie handed over from %(from)s to %(to)s.") % {
                "from": leaving.get_full_name() or leaving.username,
                "to": receiving.get_full_name() or receiving.username,
            }
            TimelineEvent.objects.create(
                case=case,
                kind=TimelineKind.TEAM_CHANGE,
                created_by=by,
                organisation=by.organisation,
                description=f"{text}\n{note}".strip(),
            )
            done.append(case)
        for case in done:
            announce("handed_over", case=case, by=by, leaving=leaving)
    return len(done)
