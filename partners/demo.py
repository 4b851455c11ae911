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
    # More regisseurs of RN: the accounthouder's group (profiles, the competence scan's group).
    ("regisseur3", "Rachid", "Demo", "RN", [Role.REGISSEUR]),
    ("regisseur4", "Roos", "Demo", "RN", [Role.REGISSEUR]),
    ("regisseur5", "Ruben", "Demo", "RN", [Role.REGISSEUR]),
    ("regisseur6", "Ravi", "Demo", "RN", [Role.REGISSEUR]),
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
    _profiles()
    return created


# username: style, expertise, languages, capacity, scores of the latest scan (in the order of
# `Competence`). Fictitious.
DEMO_PROFILES = {
    "regisseur": (
        "case",
        ["youth_family", "domestic"],
        ["Engels"],
        12,
        [4, 3, 4, 5, 4, 3, 4, 5, 2],
    ),
    "regisseur3": (
        "network",
        ["finances", "addiction"],
        ["Arabisch", "Frans"],
        15,
        [5, 4, 4, 3, 4, 4, 3, 4, 3],
    ),
    "regisseur4": ("network", ["psychiatry", "health"], [], 10, [4, 5, 3, 4, 3, 5, 4, 4, 3]),
    "regisseur5": ("both", ["justice", "work"], ["Papiaments"], 14, [3, 3, 5, 4, 5, 3, 4, 5, 2]),
    "regisseur6": ("case", ["lvb", "attitude"], ["Turks"], 8, [4, 4, 3, 5, 3, 4, 5, 5, 3]),
}


def _profiles() -> None:
    """Profiles and competence scans of the demo regisseurs (once); the first regisseur took the
    scan a year earlier too, to show development."""
    from partners.models import Competence, CompetenceScan, RegisseurProfile
    from partners.profiles import competence_scan_record, regisseur_profile_update

    users = {u.username: u for u in User.objects.filter(username__in=DEMO_PROFILES)}
    for username, (style, expertise, languages, capacity, latest) in DEMO_PROFILES.items():
        user = users.get(username)
        if user is None or RegisseurProfile.objects.filter(user=user).exists():
            continue
        regisseur_profile_update(
            regisseur=user,
            by=user,
            style=style,
            expertise=expertise,
            languages=languages,
            capacity=capacity,
        )
        if username == "regisseur":
            earlier = competence_scan_record(
                by=user,
                scores={c: max(1, s - 1) for c, s in zip(Competence.values, latest, strict=True)},
                note="Demo: eerste keer ingevuld (fictief).",
            )
            CompetenceScan.objects.filter(pk=earlier.pk).update(
                taken_at=timezone.now() - timedelta(days=365)
            )
        competence_scan_record(by=user, scores=dict(zip(Competence.values, latest, strict=True)))
