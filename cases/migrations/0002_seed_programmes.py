"""Seed the programmes of docs/domain.md with their inflow criteria as data.

The numbers are a reading of the report's description (Top600: adults with a number of arrests
and convictions for HIC/DG offences; Top400: 12–24 years); a functioneel beheerder adjusts them.
"""

from django.db import migrations

from cases.seeds import PROGRAMMES, seed_programmes



def seed(apps, schema_editor):
    seed_programmes(apps.get_model("cases", "Programme"))


def unseed(apps, schema_editor):
    apps.get_model("cases", "Programme").objects.filter(
        code__in=[p["code"] for p in PROGRAMMES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
