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
