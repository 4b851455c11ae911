"""Reference data: the programmes of docs/domain.md with their inflow criteria as data.

The numbers are a reading of the approach (docs/domain.md; Top600: adults with several arrests
and convictions for HIC/DG offences; Top400: 12-24 years); a functioneel beheerder adjusts them.
Seeded by a data migration and again, idempotently, after every migrate/flush.
"""

PROGRAMMES = [
    {
        "code": "TOP600",
        "name": "Top600",
        "min_age": 18,
        "max_age": None,
        "min_offences": 3,
        "offence_kinds": ["arrest", "conviction"],
        "period_years": 5,
        "description": "Volwassenen met meerdere aanhoudingen en veroordelingen voor "
        "HIC/DG-delicten.",
    },
    {
        "code": "TOP400",
        "name": "Top400",
        "min_age": 12,
        "max_age": 24,
        "min_offences": 1,
        "offence_kinds": ["arrest", "summons", "conviction"],
        "period_years": 3,
        "description": "Jongeren van 12 tot 24 jaar met politiecontacten en problemen op "
        "meerdere leefgebieden.",
    },
    {
        "code": "DETENTIE",
        "name": "Detentie en terugkeer",
        "min_age": 18,
        "max_age": None,
        "min_offences": None,
        "offence_kinds": [],
        "period_years": 5,
        "description": "Begeleiding rond detentie en terugkeer in de samenleving.",
    },
    {
        "code": "VERWARD",
        "name": "Aanpak verwarde verdachten",
        "min_age": None,
        "max_age": None,
        "min_offences": None,
        "offence_kinds": [],
        "period_years": 5,
        "description": "Verdachten met verward gedrag.",
    },
    {
        "code": "RADICALISERING",
        "name": "Casuïstiekaanpak radicalisering",
        "min_age": None,
        "max_age": None,
        "min_offences": None,
        "offence_kinds": [],
        "period_years": 5,
        "description": "Casuïstiekaanpak bij radicalisering.",
    },
]


def seed_programmes(Programme) -> None:
    for data in PROGRAMMES:
        Programme.objects.get_or_create(code=data["code"], defaults=data)


#: The legal bases REGIE_DISCLOSURE_BASIS names by default (cases.disclosure). The covenant's
#: article numbers are the beheerder's to fill in: Regie does not know the city's covenant.
LEGAL_BASES = [
    {
        "code": "convenant-casusteam",
        "document": "Convenant Veiligheid en Zorg",
        "article": "artikel vast te stellen door de beheerder",
        "description": "A partner organisation joins a case team and reads the case as far as "
        "its need-to-know.",
    },
    {
        "code": "convenant-partnersysteem",
        "document": "Convenant Veiligheid en Zorg",
        "article": "artikel vast te stellen door de beheerder",
        "description": "A partner organisation's system reads or receives case data through "
        "the API.",
    },
    {
        "code": "convenant-melding",
        "document": "Convenant Veiligheid en Zorg",
        "article": "artikel vast te stellen door de beheerder",
        "description": "A professional on the case is told by e-mail that something in the "
        "case asks for them.",
    },
    {
        "code": "convenant-verantwoording",
        "document": "Convenant Veiligheid en Zorg",
        "article": "artikel vast te stellen door de beheerder",
        "description": "An export for accountability (the access log) to the beheerder.",
    },
    {
        "code": "avg-art-15",
        "document": "Algemene verordening gegevensbescherming",
        "article": "artikel 15 (recht van inzage)",
        "description": "The person concerned receives what is stored about them.",
    },
]


def seed_legal_bases(LegalBasis) -> None:
    """Create the bases that are missing; never change what the beheerder edited."""
    for data in LEGAL_BASES:
        LegalBasis.objects.get_or_create(code=data["code"], defaults=data)
