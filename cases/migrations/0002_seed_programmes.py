"""Seed the programmes of DOMAIN.md with their inflow criteria as data.

The numbers are a reading of the report's description (Top600: adults with a number of arrests
and convictions for HIC/DG offences; Top400: 12–24 years); a functioneel beheerder adjusts them.
"""

from django.db import migrations

PROGRAMMES = [
    dict(code="TOP600", name="Top600", min_age=18, max_age=None, min_offences=3,
         offence_kinds=["arrest", "conviction"], period_years=5,
         description="Volwassenen met meerdere aanhoudingen en veroordelingen voor HIC/DG-delicten."),
    dict(code="TOP400", name="Top400", min_age=12, max_age=24, min_offences=1,
         offence_kinds=["arrest", "summons", "conviction"], period_years=3,
         description="Jongeren van 12 tot 24 jaar met politiecontacten en problemen op meerdere leefgebieden."),
    dict(code="DETENTIE", name="Detentie en terugkeer", min_age=18, max_age=None,
         min_offences=None, offence_kinds=[], period_years=5,
         description="Begeleiding rond detentie en terugkeer in de samenleving."),
    dict(code="VERWARD", name="Aanpak verwarde verdachten", min_age=None, max_age=None,
         min_offences=None, offence_kinds=[], period_years=5,
         description="Verdachten met verward gedrag."),
    dict(code="RADICALISERING", name="Casuïstiekaanpak radicalisering", min_age=None,
         max_age=None, min_offences=None, offence_kinds=[], period_years=5,
         description="Casuïstiekaanpak bij radicalisering."),
]


def seed(apps, schema_editor):
    Programme = apps.get_model("cases", "Programme")
    for data in PROGRAMMES:
        Programme.objects.get_or_create(code=data["code"], defaults=data)


def unseed(apps, schema_editor):
    apps.get_model("cases", "Programme").objects.filter(
        code__in=[p["code"] for p in PROGRAMMES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
