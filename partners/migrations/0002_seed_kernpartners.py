"""Seed the 14 kernpartners of the AcVZ (DOMAIN.md; report chapter 1.3)."""

from django.db import migrations

KERNPARTNERS = [
    ("GGD", "GGD Amsterdam", True),
    ("OJZD", "OJZD", False),
    ("WPI", "WPI (Werk, Participatie & Inkomen)", False),
    ("STADSDELEN", "Stadsdelen", False),
    ("AMSTELLAND", "Amstelland-gemeenten", False),
    ("OM", "Openbaar Ministerie", False),
    ("POLITIE", "Politie", False),
    ("RN", "Reclassering Nederland", False),
    ("INFORSA", "Reclassering Inforsa", True),
    ("LJR", "Leger des Heils Jeugdbescherming & Reclassering", False),
    ("RVDK", "Raad voor de Kinderbescherming", False),
    ("JBRA", "Jeugdbescherming Regio Amsterdam", False),
    ("WSS", "William Schrikker Stichting JB&JR", False),
    ("DJI", "Dienst Justitiële Inrichtingen", False),
]


def seed(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Organisation = apps.get_model("partners", "Organisation")
    for code, name, health in KERNPARTNERS:
        if Organisation.objects.filter(code=code).exists():
            continue
        group, _ = Group.objects.get_or_create(name=f"org:{code}")
        Organisation.objects.create(
            code=code, name=name, kind="kernpartner", handles_health=health, group=group
        )


def unseed(apps, schema_editor):
    Organisation = apps.get_model("partners", "Organisation")
    Group = apps.get_model("auth", "Group")
    codes = [code for code, _, _ in KERNPARTNERS]
    Organisation.objects.filter(code__in=codes).delete()
    Group.objects.filter(name__in=[f"org:{c}" for c in codes]).delete()


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
