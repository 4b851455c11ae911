from __future__ import annotations

from django.contrib.auth.models import Group

from partners.models import User


def user_sync_organisation_group(*, user: User) -> None:
    """Keep the user in exactly one organisation group: their organisation's.

    Case permissions are granted to organisation groups (django-guardian), so membership is what
    makes guardian's own checks agree with the visible-queryset.
    """
    org_groups = Group.objects.filter(organisation__isnull=False)
    stale = user.groups.filter(organisation__isnull=False)
    if user.organisation_id is not None:
        stale = stale.exclude(organisation__id=user.organisation_id)
    user.groups.remove(*stale)
    if user.organisation_id is not None:
        own = org_groups.get(organisation__id=user.organisation_id)
        user.groups.add(own)
