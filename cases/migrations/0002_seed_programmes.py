"""Seed the programmes of docs/domain.md with their inflow criteria as data.

The numbers are a reading of the report's description (Top600: adults with a number of arrests
and convictions for HIC/DG offences; Top400: 12–24 years); a functioneel beheerder adjusts them.
"""

from django.db import migrations, transaction
from django.db.models import ProtectedError

from cases.seeds import PROGRAMMES, seed_programmes



def seed(apps, schema_editor):
    seed_programmes(apps.get_model("cases", "Programme"))


def unseed(apps, schema_editor):
    # A programme that cases are in stays (its row goes with 0001's tables, if that is reversed
    # too): a reversal with data must not stop half-way on ProtectedError.
    Programme = apps.get_model("cases", "Programme")
    for programme in Programme.objects.filter(code__in=[p["code"] for p in PROGRAMMES]):
        try:
            with transaction.atomic():
                programme.delete()
        except ProtectedError:
            continue


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
