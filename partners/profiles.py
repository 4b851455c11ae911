"""Regisseur profiles and competence scans (issue 16): the writes.

The profile (style, expertise, languages, capacity) orders the regisseurs at appointment
(`cases.selectors.regisseurs_rank`); the competence scan is the regisseur's own reflection on
the nine competences of the report's chapter 5, private to them.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from acvz.audit import audited
from acvz.errors import DomainError, NotAllowed
from partners.models import Competence, CompetenceScan, RegisseurProfile, User
from partners.policies import profile_can_edit, profile_can_keep_own
from partners.selectors import organisation_regisseurs


def _bad(message: str) -> DomainError:
    return DomainError(message, code="invalid", status_code=400)


@audited
@transaction.atomic
def regisseur_profile_update(
    *,
    regisseur: User,
    by: User,
    style: str,
    expertise: list[str],
    languages: list[str],
    capacity: int | None,
    expected_lock_version: int | None = None,
) -> RegisseurProfile:
    """The regisseur, or an accounthouder of their organisation, keeps the profile. The user's
    row is locked first, so two first saves cannot both create one."""
    regisseur = User.objects.select_for_update().get(pk=regisseur.pk)
    if not profile_can_edit(by, regisseur):
        raise NotAllowed(_("The regisseur or their accounthouder keeps this profile."))
    if (
        not organisation_regisseurs(organisation=regisseur.organisation)
        .filter(pk=regisseur.pk)
        .exists()
    ):
        raise _bad(_("%(user)s is not a regisseur.") % {"user": regisseur})
    profile = RegisseurProfile.objects.select_for_update().filter(
        user=regisseur
    ).first() or RegisseurProfile(user=regisseur)
    current = profile.lock_version if profile.pk else 0
    if expected_lock_version is not None and expected_lock_version != current:
        raise DomainError(
            _("Someone else changed this profile meanwhile; read it again."), code="stale"
        )
    seen: dict[str, str] = {}
    for language in languages:
        name = " ".join(language.split())
        if name:
            seen.setdefault(name.casefold(), name)
    profile.style = style
    profile.expertise = sorted(set(expertise))
    profile.languages = list(seen.values())
    profile.capacity = capacity
    # A new profile starts at version 1, so a form shown before it existed (version 0) is stale
    # once someone else created it.
    profile.lock_version = current + 1
    profile.full_clean(exclude=["user"])
    profile.save()
    return profile


@audited
@transaction.atomic
def competence_scan_record(*, by: User, scores: dict[str, int], note: str = "") -> CompetenceScan:
    """The regisseur scores themself 1 to 5 on each competence; a new scan each time, so the
    scans over time show development."""
    if not profile_can_keep_own(by):
        raise NotAllowed(_("Only a regisseur takes the competence scan."))
    missing = [c for c in Competence.values if c not in scores]
    if missing:
        raise _bad(_("Give a score for every competence."))
    scan = CompetenceScan(user=by, note=note.strip())
    for competence in Competence.values:
        value = scores[competence]
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise _bad(_("Each score is a whole number from 1 to 5."))
        setattr(scan, competence, value)
    scan.full_clean(exclude=["user"])
    scan.save()
    return scan
