import pytest
from django.contrib.auth.models import Group

from partners.models import Organisation, OrganisationKind, Role, RoleGroup
from partners.roles import ROLE_PERMISSIONS, sync_role_groups, user_set_roles

pytestmark = pytest.mark.django_db

KERNPARTNER_CODES = {
    "GGD",
    "OJZD",
    "WPI",
    "STADSDELEN",
    "AMSTELLAND",
    "OM",
    "POLITIE",
    "RN",
    "INFORSA",
    "LJR",
    "RVDK",
    "JBRA",
    "WSS",
    "DJI",
}


def test_the_14_kernpartners_are_seeded_each_with_its_own_group():
    kern = Organisation.objects.filter(kind=OrganisationKind.KERNPARTNER)
    assert set(kern.values_list("code", flat=True)) == KERNPARTNER_CODES
    assert kern.count() == 14
    for organisation in kern:
        assert organisation.group.name == f"org:{organisation.code}"
    assert kern.get(code="GGD").handles_health is True
    assert kern.get(code="POLITIE").handles_health is False


def test_every_role_has_a_group_with_exactly_its_permissions():
    assert set(RoleGroup.objects.values_list("role", flat=True)) == {r.value for r in Role}
    for role, labels in ROLE_PERMISSIONS.items():
        group = RoleGroup.objects.get(role=role).group
        got = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert got == set(labels), role


def test_sync_is_idempotent_and_repairs_drift():
    group = RoleGroup.objects.get(role=Role.BEHEERDER).group
    group.permissions.clear()
    sync_role_groups()
    sync_role_groups()
    assert group.permissions.count() == len(ROLE_PERMISSIONS[Role.BEHEERDER])
    assert Group.objects.filter(name__startswith="role:").count() == len(Role)


def test_roles_grant_permissions_and_a_user_can_hold_several(make_user):
    user = make_user(Role.REGISSEUR, Role.ITAT)
    assert user.roles == {Role.REGISSEUR, Role.ITAT}
    assert not user.has_perm("partners.change_organisation")
    user_set_roles(user=user, roles=[Role.BEHEERDER])
    user = type(user).objects.get(pk=user.pk)  # permission cache is per instance
    assert user.roles == {Role.BEHEERDER}
    assert user.has_perm("partners.change_organisation")


def test_user_is_kept_in_exactly_its_organisations_group(make_user):
    first = Organisation.objects.get(code="POLITIE")
    second = Organisation.objects.get(code="GGD")
    user = make_user(Role.IVG, organisation=first)
    assert set(user.groups.filter(organisation__isnull=False)) == {first.group}
    user.organisation = second
    user.save()
    assert set(user.groups.filter(organisation__isnull=False)) == {second.group}
    assert user.has_role(Role.IVG)  # roles survive the move


def test_new_organisation_gets_its_group():
    organisation = Organisation.objects.create(name="Nieuwe Partner (fictief)", code="NIEUW")
    assert organisation.group.name == "org:NIEUW"
