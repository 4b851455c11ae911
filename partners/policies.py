"""Who may read and keep regisseur profiles and competence scans (issue 16).

A profile is kept by the regisseur and by an accounthouder of the same organisation. A single
competence scan is private to its regisseur: no other user — accounthouder, beheerder, or
superuser — reads it; accounthouders see only the spread over a group large enough
(`partners.selectors.competence_group_spread`)."""

from __future__ import annotations

from partners.models import User


def profile_can_keep_own(user) -> bool:
    return bool(user.is_authenticated and user.has_perm("partners.keep_own_profile"))


def profile_can_edit(user, regisseur: User) -> bool:
    """The regisseur themself, or an accounthouder of the regisseur's organisation."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.pk == regisseur.pk:
        return profile_can_keep_own(user)
    return (
        user.has_perm("partners.change_regisseurprofile")
        and user.organisation_id is not None
        and user.organisation_id == regisseur.organisation_id
    )


def competence_group_can_view(user) -> bool:
    return bool(
        user.is_authenticated
        and user.organisation_id is not None
        and user.has_perm("partners.view_competence_group")
    )
