"""Reference data every installation has: the 14 kernpartners (docs/domain.md, the network).

Seeded by a data migration and again after every `migrate`/`flush` (post_migrate), idempotently,
so a flushed test database has them too.
"""

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


def seed_kernpartners(Organisation, Group) -> None:
    """Create the missing kernpartners, each with its permission group. Takes model classes so
    that migrations can pass their historical models."""
    for code, name, health in KERNPARTNERS:
        if Organisation.objects.filter(code=code).exists():
            continue
        group, _created = Group.objects.get_or_create(name=f"org:{code}")
        Organisation.objects.create(
            code=code, name=name, kind="kernpartner", handles_health=health, group=group
        )
