"""Clearly fake demo persons and cases, walked through the real services. Idempotent."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from cases import services
from cases.models import (
    ContributionPart,
    Leefgebied,
    OffenceCategory,
    OffenceKind,
    Person,
    Programme,
)
from cases.policies import case_can, contribution_can_write
from cases.workflow import CaseStatus
from partners.models import Organisation, User

# (first name, last name, born, offences, target status); names carry "(fictief)".
DEMO_PERSONS = [
    ("Sem", "de Vries (fictief)", date(1998, 3, 14), 4, CaseStatus.IN_REGIE),
    ("Noah", "Bakker (fictief)", date(2001, 7, 2), 3, CaseStatus.AWAITING_ASSIGNMENT),
    ("Lotte", "Jansen (fictief)", date(1999, 5, 30), 3, CaseStatus.ASSIGNED),
    ("Mila", "Visser (fictief)", date(1996, 11, 23), 5, CaseStatus.BASISDOSSIER),
    ("Daan", "Smit (fictief)", date(1990, 1, 9), 3, CaseStatus.REGISTERED),
]
SIBLING = ("Lucas", "de Vries (fictief)", date(2010, 5, 30))
CHILD = ("Fenna", "de Vries (fictief)", date(2019, 9, 12))

_C, _S = ContributionPart.CONTRIBUTION, ContributionPart.SCREENING
# What the demo IVG members write per (leefgebied, part); any other part they say "nothing
# known". All of it is made up.
DEMO_CONTRIBUTIONS = {
    "ivg": {
        (Leefgebied.POLITIE, _C): "Fictief: vier aanhoudingen voor straatroof en geweld (demo).",
        (Leefgebied.OPENSTAANDE_ZAKEN, _C): "Fictief: één zaak ligt bij het OM (demo).",
        (Leefgebied.JURIDISCH_KADER, _C): "Fictief: voorwaardelijke straf met meldplicht (demo).",
        (Leefgebied.HUISELIJKE_RELATIES, _C): "Fictief: twee meldingen van onrust thuis (demo).",
        (Leefgebied.HUISBEZOEK, _C): "Fictief: huisbezoek PIT afgelegd, woning op orde (demo).",
        (Leefgebied.SOCIAAL_NETWERK, _C): "Fictief: vrienden met antecedenten (demo).",
    },
    "ivg-ggd": {
        (Leefgebied.HUISBEZOEK, _C): "Fictief: GGD Vangnet ging mee op huisbezoek (demo).",
        (Leefgebied.HUISBEZOEK, _S): "Fictieve GGD-screening (demo).",
        (Leefgebied.GEZONDHEID, _C): "Fictief: in zorg bij een ggz-instelling (demo).",
        (Leefgebied.SOCIAAL_NETWERK, _C): "Fictief: moeder is betrokken en steunend (demo).",
        (Leefgebied.HOUDING, _C): "Fictief: weinig motivatie voor behandeling (demo).",
    },
}


def load(*, stdout=None) -> None:
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "programmateam",
                "ivg",
                "ivg-ggd",
                "regisseur",
                "accounthouder",
                "partnersysteem",
            ]
        )
    }
    if len(users) < 6:
        return
    top600 = Programme.objects.get(code="TOP600")
    # The programme-team member supports the regisseurs of Top600 (reads its cases in regie).
    if not top600.team_members.filter(pk=users["programmateam"].pk).exists():
        top600.team_members.add(users["programmateam"])
    if Person.objects.filter(last_name__endswith="(fictief)").exists():
        return
    politie = Organisation.objects.get(code="POLITIE")
    today = timezone.localdate()
    categories = [
        OffenceCategory.STRAATROOF,
        OffenceCategory.WONINGINBRAAK,
        OffenceCategory.GEWELD,
        OffenceCategory.OVERVAL,
        OffenceCategory.DRUGS,
    ]
    first_case = None
    for first, last, born, n_offences, target in DEMO_PERSONS:
        person = services.person_create(
            by=users["programmateam"],
            first_name=first,
            last_name=last,
            date_of_birth=born,
            address="Voorbeeldstraat 1",
            postcode="1000 AA",
            city="Amsterdam",
        )
        for i in range(n_offences):
            services.offence_record_create(
                by=users["partnersysteem"],
                person=person,
                source=politie,
                date=today - timedelta(days=90 * (i + 1)),
                kind=OffenceKind.ARREST if i % 2 else OffenceKind.CONVICTION,
                category=categories[i % len(categories)],
                description="Fictief delict (demo)",
            )
        case = services.case_register(person=person, programme=top600, by=users["programmateam"])
        first_case = first_case or case
        _walk(case, target, users)
    sibling = services.person_create(
        by=users["programmateam"],
        first_name=SIBLING[0],
        last_name=SIBLING[1],
        date_of_birth=SIBLING[2],
        city="Amsterdam",
    )
    services.family_relation_add(
        person=first_case.person, relative=sibling, kind="sibling", by=users["programmateam"]
    )
    child = services.person_create(
        by=users["programmateam"],
        first_name=CHILD[0],
        last_name=CHILD[1],
        date_of_birth=CHILD[2],
        city="Amsterdam",
    )
    services.family_relation_add(
        person=first_case.person, relative=child, kind="child", by=users["programmateam"]
    )
    # Goal 3: the younger brother is followed by youth protection.
    first_case.refresh_from_db()
    if case_can(users["regisseur"], first_case, "follow_minors"):
        services.minor_watch_start(
            case=first_case,
            by=users["regisseur"],
            relative=sibling,
            organisation=Organisation.objects.get(code="JBRA"),
            started_on=today - timedelta(days=60),
            note="Fictief: spijbelt en hangt rond met de vrienden van zijn broer (demo).",
        )
    if stdout is not None:
        stdout.write(f"Demo persons and cases loaded ({len(DEMO_PERSONS)} cases).")


def _walk(case, target: str, users) -> None:
    order = [
        CaseStatus.REGISTERED,
        CaseStatus.BASISDOSSIER,
        CaseStatus.AWAITING_ASSIGNMENT,
        CaseStatus.ASSIGNED,
        CaseStatus.IN_REGIE,
    ]
    for step in order[1 : order.index(target) + 1]:
        if step == CaseStatus.BASISDOSSIER:
            case = services.case_start_dossier(case=case, by=users["programmateam"])
            if target == CaseStatus.BASISDOSSIER:
                _contribute(case, users, complete=False)  # half-way: some still asked
        elif step == CaseStatus.AWAITING_ASSIGNMENT:
            _contribute(case, users, complete=True)
            services.dossier_set_advice(
                case=case,
                by=users["ivg"],
                advice="Regie bij de reclassering (demo-advies).",
                organisation=users["regisseur"].organisation,
                style="case",
            )
            case = services.case_establish_dossier(case=case, by=users["ivg"])
        elif step == CaseStatus.ASSIGNED:
            case = services.case_assign(
                case=case,
                by=users["programmateam"],
                organisation=users["regisseur"].organisation,
                regie_style="case",
            )
        elif step == CaseStatus.IN_REGIE:
            case = services.case_appoint_regisseur(
                case=case,
                by=users["accounthouder"],
                regisseur=users["regisseur"],
                accounthouder=users["accounthouder"],
            )


def _contribute(case, users, *, complete: bool) -> None:
    """The demo IVG members write their parts; with `complete` they answer every other part
    they were asked for with "nothing known"."""
    for section in case.basisdossier.sections.all():
        for username, texts in DEMO_CONTRIBUTIONS.items():
            by = users[username]
            for part in ContributionPart.values:
                if not contribution_can_write(by, case, section, part):
                    continue
                text = texts.get((section.leefgebied, part), "")
                if text or complete:
                    services.dossier_contribution_save(
                        section=section, by=by, text=text, nothing_known=not text, part=part
                    )
