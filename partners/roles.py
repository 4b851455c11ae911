"""Which permissions each role carries. The groups are kept in step after every migrate.

Code checks permissions (`user.has_perm("cases.assign_case")`), never group or role names;
this table is the one place that says which role grants what. Later apps add their
permissions here.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from partners.models import Role, RoleGroup

ROLE_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.REGISSEUR: (
        "partners.view_organisation",
        "cases.direct_case",
        "cases.add_familyrelation",
        # "Mijn profiel": the own profile for matching and the own (private) competence scans.
        "partners.keep_own_profile",
    ),
    Role.ACCOUNTHOUDER: (
        "partners.view_organisation",
        "cases.account_case",
        "cases.appoint_regisseur",
        # The figures of the own regie organisation (meetings.views.programme_figures).
        "cases.view_programme_figures",
        # The profiles of the organisation's regisseurs, and their competence scan as a group.
        "partners.change_regisseurprofile",
        "partners.view_competence_group",
    ),
    Role.IVG: ("partners.view_organisation", "cases.contribute_basisdossier"),
    Role.PROGRAMME_TEAM: (
        "partners.view_organisation",
        "cases.register_case",
        "cases.assign_case",
        "cases.add_person",
        "cases.change_person",
        "cases.add_familyrelation",
        "cases.support_case",
        "cases.view_programme_figures",
    ),
    Role.ITAT: ("partners.view_organisation", "plans.review_plan"),
    Role.EXPERTGROEP: ("partners.view_organisation", "plans.answer_referral"),
    Role.INTERVENTIEPLEGER: ("partners.view_organisation",),
    Role.BEHEERDER: (
        "partners.view_organisation",
        "cases.view_accesslogentry",
        "cases.export_person_data",
        "cases.view_legalbasis",
        "cases.change_legalbasis",
        "cases.add_legalbasis",
        "cases.change_programme",
        "partners.add_organisation",
        "partners.change_organisation",
        "partners.view_user",
        "partners.add_user",
        "partners.change_user",
        # Issue, rotate and revoke partner systems' API keys; a key is shown once, when issued.
        "partners.view_apikey",
        "partners.add_apikey",
        "partners.rotate_apikey",
        # Locked logins (django-axes): see the attempts, unlock a source by deleting them.
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accesslog",
        # Whether the daily reminder scan ran (also on /healthz).
        "meetings.view_scanrun",
        # Partner systems' webhook subscriptions: made, changed, switched off, sent again.
        "meetings.view_webhooksubscription",
        "meetings.add_webhooksubscription",
        "meetings.change_webhooksubscription",
    ),
    Role.PARTNER_SYSTEM: ("partners.view_organisation", "cases.add_offencerecord"),
    # The top of the escalation ladder: they read the escalations that reach them, not cases.
    Role.DIRECTEURENOVERLEG: ("partners.view_organisation", "meetings.answer_as_directors"),
    Role.STUURGROEP: ("partners.view_organisation", "meetings.answer_as_stuurgroep"),
}


def _permissions(labels: tuple[str, ...]) -> list[Permission]:
    found = []
    for label in labels:
        app_label, codename = label.split(".", 1)
        try:
            found.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        except Permission.DoesNotExist as exc:
            raise LookupError(f"Role permission {label!r} does not exist.") from exc
    return found


@transaction.atomic
def sync_role_groups() -> None:
    """Create a group per role and give it exactly the permissions of ROLE_PERMISSIONS."""
    for role in Role:
        role_group = RoleGroup.objects.filter(role=role).select_related("group").first()
        if role_group is None:
            group, _created = Group.objects.get_or_create(name=f"role:{role.value}")
            role_group = RoleGroup.objects.create(role=role, group=group)
        role_group.group.permissions.set(_permissions(ROLE_PERMISSIONS[role]))


def sync_role_groups_handler(sender, using="default", apps=None, **kwargs) -> None:
    # post_migrate is sent app by app; create every app's permissions first so that roles can
    # name permissions of apps that come after `partners` in INSTALLED_APPS.
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    from cases.apps import migrated

    if not (migrated(apps, "partners", "RoleGroup") and migrated(apps, "partners", "Organisation")):
        return  # `migrate partners zero`: nothing to sync into

    for app_config in global_apps.get_app_configs():
        if apps is None or migrated(apps, "contenttypes", "ContentType"):
            create_permissions(app_config, verbosity=0, using=using, apps=apps or global_apps)
    sync_role_groups()
    # Reference data again after a flush (transactional tests); a no-op when present.
    from partners.models import Organisation
    from partners.seeds import seed_kernpartners

    seed_kernpartners(Organisation, Group)


def role_group(role: Role) -> Group:
    return RoleGroup.objects.select_related("group").get(role=role).group


def user_set_roles(*, user, roles: set[Role] | list[Role]) -> None:
    """Give a user exactly these roles (leaving their organisation's group alone)."""
    wanted = set(RoleGroup.objects.filter(role__in=roles).values_list("group_id", flat=True))
    current = set(user.groups.filter(role_group__isnull=False).values_list("id", flat=True))
    user.groups.remove(*(current - wanted))
    user.groups.add(*(wanted - current))
    user.__dict__.pop("roles", None)
