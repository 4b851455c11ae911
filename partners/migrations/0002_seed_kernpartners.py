"""Seed the 14 kernpartners of the AcVZ (docs/domain.md, the network)."""

from django.db import migrations

from partners.seeds import KERNPARTNERS, seed_kernpartners



def seed(apps, schema_editor):
    seed_kernpartners(apps.get_model("partners", "Organisation"), apps.get_model("auth", "Group"))


def unseed(apps, schema_editor):
    Organisation = apps.get_model("partners", "Organisation")
    Group = apps.get_model("auth", "Group")
    codes = [code for code, _, _ in KERNPARTNERS]
    Organisation.objects.filter(code__in=codes).delete()
    Group.objects.filter(name__in=[f"org:{c}" for c in codes]).delete()


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
