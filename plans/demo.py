"""Demo plans: the in-regie demo case gets an approved plan and a draft revision. Idempotent."""

from __future__ import annotations

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
