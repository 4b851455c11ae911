"""Demo plans: the in-regie demo case gets an approved plan and a draft revision. Idempotent."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from cases.models import Case, FamilyRelation, Leefgebied, RelationKind
from cases.services import team_member_add
from cases.workflow import CaseStatus
from partners.models import Organisation, User
from plans import services


def load(*, stdout=None) -> None:
    case = Case.objects.filter(
        status=CaseStatus.IN_REGIE, person__last_name__endswith="(fictief)"
    ).first()
    if case is not None:
        _budget(case, stdout=stdout)
    if case is None or case.plans.exists():
        return
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["regisseur", "itat", "interventiepleger", "ivg-ggd"]
        )
    }
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=["DEMOZORG", "WPI", "RN"])}
    regisseur = users["regisseur"]
    for code in ("DEMOZORG", "WPI"):
        team_member_add(case=case, by=regisseur, organisation=orgs[code])
    plan = services.plan_start_version(case=case, by=regisseur)
    services.plan_update(
        plan=plan,
        by=regisseur,
        expected_lock_version=None,
        analysis="Fictieve analyse (demo): schulden en geen dagbesteding houden het "
        "delictgedrag in stand; het netwerk is beperkt.",
    )
    goals = [
        (Leefgebied.FINANCIEN, "Schulden in beeld en een budgetplan (demo).", "WPI"),
        (Leefgebied.OPLEIDING_WERK, "Drie dagen per week dagbesteding (demo).", "DEMOZORG"),
        (Leefgebied.HOUDING, "Deelname aan een gedragsinterventie (demo).", "RN"),
    ]
    brother = (
        FamilyRelation.objects.filter(person=case.person, kind=RelationKind.SIBLING)
        .select_related("relative")
        .first()
    )
    if brother is not None:  # goal 3: a goal about the younger brother
        goals.append(
            (
                Leefgebied.SOCIAAL_NETWERK,
                "Het broertje gaat naar een sportclub, weg van de straat (demo).",
                "RN",
                brother.relative,
            )
        )
    for leefgebied, text, code, *concerns in goals:
        goal = services.goal_add(
            plan=plan,
            by=regisseur,
            leefgebied=leefgebied,
            goal=text,
            interventions="Fictieve interventie",
            responsible_organisation=orgs[code],
            concerns=concerns[0] if concerns else None,
        )
        if code == "DEMOZORG":
            services.goal_commit(goal=goal, by=users["interventiepleger"], committed=True)
        elif code == "RN":
            services.goal_commit(goal=goal, by=regisseur, committed=True)
        # WPI's goal stays "awaiting commitment", to show the open commitment.
    plan = services.plan_submit(plan=plan, by=regisseur)
    plan = services.plan_approve(
        plan=plan,
        by=users["itat"],
        reason="Fictief: WPI zegt toe na het eerste schuldhulpgesprek; de overige doelen dragen.",
    )
    # The plan in force lives: progress on two goals, one small change.
    work = plan.goals.get(leefgebied=Leefgebied.OPLEIDING_WERK)
    services.goal_progress_record(
        goal=work,
        by=users["interventiepleger"],
        status="in_progress",
        note="Intake bij het dagbestedingsproject gehouden (demo).",
    )
    services.goal_progress_record(
        goal=work,
        by=regisseur,
        status="stalled",
        note="Twee keer niet verschenen; besproken met de cliënt (demo).",
    )
    services.goal_amend(
        goal=plan.goals.get(leefgebied=Leefgebied.HOUDING),
        by=regisseur,
        reason="Wachtlijst bij de gedragsinterventie (demo).",
        interventions="Fictieve interventie; tot de start wekelijks een gesprek met de regisseur",
    )
    # A new arrest calls for a look at the plan (plans.reviews).
    from cases.services import timeline_event_create

    timeline_event_create(
        case=case,
        by=regisseur,
        kind="arrest",
        description="Aangehouden na een winkeldiefstal (demo).",
    )
    # An open question for the ITAT-Expertgroep: its demo member reads this case meanwhile.
    services.expert_referral_create(
        case=case,
        by=regisseur,
        question="Dagbesteding komt niet van de grond; welke aanpak adviseert de groep? (demo)",
    )
    if stdout is not None:
        stdout.write(
            "Demo plan van aanpak loaded (approved, version 1, progress, an amendment, one open "
            "referral)."
        )


def _budget(case: Case, *, stdout=None) -> None:
    """The flexible budget: one request approved and partly paid, one waiting for the
    accounthouder, one rejected (clearly fake). Idempotent."""

    from django.utils import timezone

    from plans.budget import budget_payment_record, budget_request_create, budget_request_decide

    if case.budget_requests.exists() or case.regisseur is None or case.accounthouder is None:
        return
    regisseur, accounthouder = case.regisseur, case.accounthouder

    def ask(purpose, text, cents):
        return budget_request_create(
            case=case,
            by=regisseur,
            purpose=purpose,
            description=text,
            amount_cents=cents,
            no_prior_provision=True,
            provisions_checked="Bijzondere bijstand en schuldhulp nagevraagd (demo): "
            "wachttijd van zes weken, de borg moet deze week betaald.",
        )

    deposit = ask("housing", "Borg voor een kamer bij een fictieve verhuurder (demo).", 45_000)
    budget_request_decide(request=deposit, by=accounthouder, approve=True)
    budget_payment_record(
        request=deposit,
        by=regisseur,
        paid_on=timezone.localdate(),
        amount_cents=30_000,
        payee="Fictieve verhuurder B.V. (demo)",
    )
    phone = ask("other", "Een prepaid telefoon om bereikbaar te zijn (demo).", 6_000)
    budget_request_decide(
        request=phone,
        by=accounthouder,
        approve=False,
        reason="Fictief: de telefoon komt via het wijkteam (voorliggende voorziening).",
    )
    ask("transport_id", "Een nieuwe identiteitskaart (demo).", 7_550)
    if stdout is not None:
        stdout.write("Demo budget requests loaded (approved and paid, rejected, waiting).")


# --- outflow, handover and re-inflow (issue 16) -------------------------------------------------

#: (first name, last name, born, programme, days ago of its one offence); all made up.
OUTFLOW_PERSONS = [
    # No qualifying offence in Top600's five years: the outflow signal.
    ("Finn", "Mulder (fictief, uitstroom)", date(1994, 4, 8), "TOP600", 6 * 365),
    # Top400 ends at 24: older now, the outflow signal though the offence is recent.
    ("Jesse", "Meijer (fictief, uitstroom)", date(1999, 9, 12), "TOP400", 60),
    # Handed over to WPI with a health goal for Demo Zorg, closed, and registered again.
    ("Emma", "de Boer (fictief, uitstroom)", date(1997, 2, 3), "TOP600", 120),
]


def load_outflow(*, stdout=None) -> None:
    """Two cases in regie that no longer meet the criteria; a case handed over to the regular
    line (its summary leaves the health goal out for the receiver), closed and registered again
    (re-inflow, linked). Idempotent."""
    from cases import services as case_services
    from cases.models import Person, Programme
    from cases.policies import leefgebied_is_health

    if Person.objects.filter(last_name="Mulder (fictief, uitstroom)").exists():
        return
    names = ["programmateam", "partnersysteem", "regisseur", "accounthouder", "itat"]
    users = {u.username: u for u in User.objects.filter(username__in=[*names, "ivg", "ivg-ggd"])}
    if len(users) < 7:
        return
    top400 = Programme.objects.get(code="TOP400")
    if not top400.team_members.filter(pk=users["programmateam"].pk).exists():
        top400.team_members.add(users["programmateam"])
    cases = [
        _person_in_regie(
            users,
            name=(first, last),
            born=born,
            programme=code,
            arrested_days_ago=[days + 30 * extra for extra in range(3 if code == "TOP600" else 1)],
        )
        for first, last, born, code, days in OUTFLOW_PERSONS
    ]
    handed = cases[-1]
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=["DEMOZORG", "WPI"])}
    regisseur = users["regisseur"]
    for code in ("DEMOZORG", "WPI"):
        team_member_add(case=handed, by=regisseur, organisation=orgs[code])
    plan = services.plan_start_version(case=handed, by=regisseur)
    health = next(lg for lg in Leefgebied if leefgebied_is_health(lg))
    for leefgebied, text, code in (
        (Leefgebied.FINANCIEN, "Schulden geregeld via een bewindvoerder (demo).", "WPI"),
        (health, "Behandeling bij de ggz afmaken (demo, gezondheid).", "DEMOZORG"),
    ):
        services.goal_add(
            plan=plan,
            by=regisseur,
            leefgebied=leefgebied,
            goal=text,
            interventions="Fictieve interventie",
            responsible_organisation=orgs[code],
        )
    plan = services.plan_submit(plan=plan, by=regisseur)
    plan = services.plan_approve(
        plan=plan, by=users["itat"], reason="Fictief: de toezeggingen volgen (demo)."
    )
    handed = services.case_hand_over(
        case=Case.objects.get(pk=handed.pk),
        by=regisseur,
        reason="Fictief: geen nieuwe delicten; schulden en zorg lopen in het gewone kader (demo).",
        receiver=orgs["WPI"],
        handover_note="Fictief: warme overdracht in het laatste UVO (demo).",
        goals=list(plan.goals.all()),
    )
    handed = case_services.case_close(case=handed, by=regisseur)
    case_services.case_register(
        person=handed.person,
        programme=handed.programme,
        by=users["programmateam"],
        override_reason="Fictief: opnieuw aangemeld na een nieuwe aanhouding (demo)",
    )
    if stdout is not None:
        stdout.write("Demo outflow loaded: two signals, a handover, a re-inflow.")


#: A case in regie whose first plan waits on ITAT's agenda: what the ITAT demo member reviews.
AGENDA_PERSON = ("Yara", "Kok (fictief, ITAT)", date(2000, 6, 17), "TOP600")


def load_itat_agenda(*, stdout=None) -> None:
    """A case in regie with its first plan submitted: on the agenda of the next ITAT meeting,
    one goal committed and one awaiting the partner's commitment. Idempotent."""
    from cases.models import Person

    first, last, born, code = AGENDA_PERSON
    if Person.objects.filter(last_name=last).exists():
        return
    names = ["programmateam", "partnersysteem", "regisseur", "accounthouder", "ivg", "ivg-ggd"]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    if len(users) < len(names):
        return
    case = _person_in_regie(
        users, name=(first, last), born=born, programme=code, arrested_days_ago=[45, 200, 400]
    )
    regisseur = users["regisseur"]
    wpi = Organisation.objects.get(code="WPI")
    team_member_add(case=case, by=regisseur, organisation=wpi)
    plan = services.plan_start_version(case=case, by=regisseur)
    services.plan_update(
        plan=plan,
        by=regisseur,
        expected_lock_version=None,
        analysis="Fictieve analyse (demo): straatroof in een groep; geen werk en een huurschuld.",
    )
    goals = [
        (Leefgebied.HOUDING, "Uit de groep: een training agressieregulatie (demo).", regisseur),
        (Leefgebied.FINANCIEN, "De huurschuld in een regeling (demo).", None),
    ]
    for leefgebied, text, committer in goals:
        goal = services.goal_add(
            plan=plan,
            by=regisseur,
            leefgebied=leefgebied,
            goal=text,
            interventions="Fictieve interventie",
            responsible_organisation=regisseur.organisation if committer else wpi,
        )
        if committer is not None:
            services.goal_commit(goal=goal, by=committer, committed=True)
    plan = services.plan_submit(plan=plan, by=regisseur)
    if stdout is not None:
        stdout.write(
            f"Demo ITAT agenda loaded: a first plan on the meeting of {plan.itat_meeting.date}."
        )


def _person_in_regie(users, *, name, born, programme: str, arrested_days_ago) -> Case:
    """A fictional person arrested by the police these many days ago, registered in
    `programme` (with an override reason) and walked to in regie through the real services."""
    from cases import services as case_services
    from cases.demo import _walk
    from cases.models import OffenceCategory, OffenceKind, Programme

    first, last = name
    person = case_services.person_create(
        by=users["programmateam"], first_name=first, last_name=last, date_of_birth=born
    )
    politie = Organisation.objects.get(code="POLITIE")
    today = timezone.localdate()
    for days in arrested_days_ago:
        case_services.offence_record_create(
            by=users["partnersysteem"],
            person=person,
            source=politie,
            date=today - timedelta(days=days),
            kind=OffenceKind.ARREST,
            category=OffenceCategory.STRAATROOF,
            description="Fictief delict (demo)",
        )
    case = case_services.case_register(
        person=person,
        programme=Programme.objects.get(code=programme),
        by=users["programmateam"],
        override_reason="Fictief: aangemeld op verzoek van de driehoek (demo)",
    )
    _walk(case, CaseStatus.IN_REGIE, users)
    return Case.objects.get(pk=case.pk)
