"""Clearly fake demo data for partners: extra organisations and one user per role."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from partners.models import ApiKey, ApiScope, Organisation, OrganisationKind, Role, User
from partners.roles import user_set_roles

DEMO_ORGANISATIONS = [
    # (code, name, kind, handles_health): fictitious intervention partners.
    ("DEMOZORG", "Demo Zorg (fictief)", OrganisationKind.PARTNER, True),
    ("DEMOWERK", "Demo Werkplaats (fictief)", OrganisationKind.PARTNER, False),
]

# username, first name, last name, organisation code, roles
DEMO_USERS = [
    ("regisseur", "Rianne", "Demo", "RN", [Role.REGISSEUR]),
    ("regisseur2", "Remco", "Demo", "GGD", [Role.REGISSEUR]),
    ("accounthouder", "Anna", "Demo", "RN", [Role.ACCOUNTHOUDER]),
    ("ivg", "Ivo", "Demo", "POLITIE", [Role.IVG]),
    ("ivg-ggd", "Iris", "Demo", "GGD", [Role.IVG]),
    ("programmateam", "Pim", "Demo", "OJZD", [Role.PROGRAMME_TEAM]),
    ("itat", "Ilse", "Demo", "OM", [Role.ITAT]),
    ("expertgroep", "Evi", "Demo", "OJZD", [Role.EXPERTGROEP]),
    ("interventiepleger", "Ingrid", "Demo", "DEMOZORG", [Role.INTERVENTIEPLEGER]),
    ("beheerder", "Bart", "Demo", "OJZD", [Role.BEHEERDER]),
    ("partnersysteem", "Politiesysteem", "(API)", "POLITIE", [Role.PARTNER_SYSTEM]),
    ("directeurenoverleg", "Dirk", "Demo", "OM", [Role.DIRECTEURENOVERLEG]),
    ("stuurgroep", "Sanne", "Demo", "OJZD", [Role.STUURGROEP]),
]


@dataclass
class Credential:
    username: str
    password: str
    roles: str
    organisation: str
    token: str = ""


def load(*, reset_passwords: bool = False) -> list[Credential]:
    """Create the demo organisations and users; return credentials for users created now."""
    for code, name, kind, health in DEMO_ORGANISATIONS:
        Organisation.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "handles_health": health}
        )
    created: list[Credential] = []
    contacts: set[str] = set()  # the first person of each organisation is its contact
    for username, first, last, org_code, roles in DEMO_USERS:
        organisation = Organisation.objects.get(code=org_code)
        is_contact = Role.PARTNER_SYSTEM not in roles and org_code not in contacts
        if is_contact:
            contacts.add(org_code)
        user, is_new = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.invalid",
                "organisation": organisation,
                "is_staff": Role.BEHEERDER in roles,
                "organisation_contact": is_contact,
            },
        )
        user_set_roles(user=user, roles=roles)
        if is_new or reset_passwords:
            password = secrets.token_urlsafe(9)
            user.set_password(password)
            user.save(update_fields=["password"])
            token = ""
            if Role.PARTNER_SYSTEM in roles:
                user.api_keys.all().delete()
                _key, token = ApiKey.objects.create_key(
                    user=user,
                    name="Demo",
                    scopes=list(ApiScope.values),
                    expiry_date=timezone.now() + timedelta(days=365),
                )
            created.append(
                Credential(
                    username=username,
                    password=password,
                    roles=", ".join(str(r.label) for r in roles),
                    organisation=organisation.code,
                    token=token,
                )
            )
    return created
