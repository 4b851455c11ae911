"""Seed the 14 kernpartners of the AcVZ (docs/domain.md, the network)."""

from django.db import migrations, transaction
from django.db.models import ProtectedError

from partners.seeds import KERNPARTNERS, seed_kernpartners



def seed(apps, schema_editor):
    seed_kernpartners(apps.get_model("partners", "Organisation"), apps.get_model("auth", "Group"))


def unseed(apps, schema_editor):
    Organisation = apps.get_model("partners", "Organisation")
    Group = apps.get_model("auth", "Group")
    codes = [code for code, _, _ in KERNPARTNERS]
    # An organisation with users or cases stays (its row goes with 0001's tables, if that is
    # reversed too): a reversal with data must not stop half-way on ProtectedError.
    for organisation in Organisation.objects.filter(code__in=codes):
        try:
            with transaction.atomic():
                group_id = organisation.group_id
                organisation.delete()
                Group.objects.filter(pk=group_id).delete()
        except ProtectedError:
            continue


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
