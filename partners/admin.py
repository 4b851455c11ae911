"""The admin of the functioneel beheerder: organisations, users and their roles, API tokens.

Without escalation (issue 8): only `manage.py createsuperuser` makes superusers. A beheerder
(not a superuser) cannot change `is_superuser`, `is_staff`, permissions or the "must change
password" flag, cannot touch a superuser's account, cannot change their own roles,
organisation or activity, and can put users only in role groups (their organisation group
follows the organisation). A token's key is shown once, when it is issued. A password the
admin sets is in the user's history and must be changed at the next login.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import TokenProxy
from rest_framework_api_key.models import APIKey
from simple_history.admin import SimpleHistoryAdmin

from acvz.audit import acting_as, current_actor
from partners import second_factor
from partners.models import Organisation, RoleGroup, User
from partners.services import (
    REASON_CREATED_BY_ADMINISTRATOR,
    user_password_set,
    user_sync_organisation_group,
    user_unlock_login,
)


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "handles_health", "active", "user_count"]
    list_filter = ["kind", "active", "handles_health"]
    search_fields = ["name", "code"]
    readonly_fields = ["group"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_user_count=Count("users"))

    @admin.display(description=_("users"), ordering="_user_count")
    def user_count(self, obj: Organisation) -> int:
        return obj._user_count


class AdminSetPasswordForm(AdminPasswordChangeForm):
    """The admin's "set password" form: the password goes through `user_password_set`, which
    records who set it and makes the user choose their own at the next login."""

    def save(self, commit=True):
        usable = self.cleaned_data["set_usable_password"]
        password = self.cleaned_data["password1"] if usable else None
        return user_password_set(user=self.user, by=current_actor(), password=password)


def _is_superuser(request) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "first_name", "last_name", "organisation", "role_list", "is_active"]
    list_filter = [
        "organisation",
        "groups__role_group__role",
        "organisation_contact",
        "is_active",
        "is_staff",
    ]
    search_fields = ["username", "first_name", "last_name", "email", "organisation__name"]
    list_select_related = ["organisation"]
    change_password_form = AdminSetPasswordForm
    actions = ["unlock_login", "reset_second_factor"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:1],
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (
            _("Organisation and roles"),
            {"fields": ("organisation", "organisation_contact", "groups")},
        ),
        (
            _("Access"),
            {
                "fields": (
                    "is_active",
                    "must_change_password",
                    "is_staff",
                    "is_superuser",
                    "last_login",
                    "date_joined",
                )
            },
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "organisation", "password1", "password2"),
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups__role_group")

    # --- who may change what --------------------------------------------------------------------

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not _is_superuser(request):
            return False  # a superuser's account is beyond the beheerder's reach
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not _is_superuser(request):
            return False
        return super().has_delete_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or _is_superuser(request):
            return fieldsets
        hidden = {"is_superuser", "user_permissions"}
        return tuple(
            (name, {**options, "fields": tuple(f for f in options["fields"] if f not in hidden)})
            for name, options in fieldsets
        )

    def get_readonly_fields(self, request, obj=None):
        # Superusers come from the command line only, for everyone.
        readonly = [*super().get_readonly_fields(request, obj), "is_superuser"]
        if not _is_superuser(request):
            readonly += ["is_staff", "must_change_password", "last_login", "date_joined"]
            if obj is not None and obj.pk == request.user.pk:
                readonly += ["organisation", "groups", "is_active"]
        return readonly

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            # Roles only: organisation groups follow the organisation field.
            kwargs["queryset"] = Group.objects.filter(role_group__isnull=False)
            kwargs["label"] = _("roles")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        """The form is the first guard; this one holds against a forged POST."""
        stored = User.objects.filter(pk=obj.pk).first() if change else None
        if stored is not None:
            if stored.is_superuser and not _is_superuser(request):
                raise PermissionDenied
            obj.is_superuser = stored.is_superuser
        else:
            obj.is_superuser = False
        if not _is_superuser(request):
            obj.is_staff = stored.is_staff if stored else False
            obj.must_change_password = stored.must_change_password if stored else False
            if stored is not None and obj.pk == request.user.pk:
                obj.organisation_id = stored.organisation_id
                obj.is_active = stored.is_active
        if stored is None and obj.has_usable_password():
            # The administrator chose this password: the user chooses their own at first login.
            obj.must_change_password = True
            obj._change_reason = REASON_CREATED_BY_ADMINISTRATOR
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        user = form.instance
        before = set(user.groups.values_list("pk", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        if not _is_superuser(request):
            if change and user.pk == request.user.pk:
                user.groups.set(before)  # nobody gives themselves roles
            else:
                allowed = Group.objects.filter(role_group__isnull=False)
                user.groups.remove(
                    *user.groups.exclude(pk__in=allowed).exclude(organisation__isnull=False)
                )
        user_sync_organisation_group(user=user)

    def user_change_password(self, request, id, form_url=""):
        # The form's save names the administrator in the user's history.
        with acting_as(request.user):
            return super().user_change_password(request, id, form_url)

    @admin.action(
        description=_("Unlock login (after too many failed attempts)"), permissions=["change"]
    )
    def unlock_login(self, request, queryset) -> None:
        users = [u for u in queryset if self.has_change_permission(request, u)]
        for user in users:
            user_unlock_login(user=user, by=request.user)
        self.message_user(
            request,
            gettext("Login unlocked for: %(users)s.")
            % {"users": ", ".join(u.username for u in users) or "—"},
        )

    @admin.action(description=_("Reset second factor (lost phone)"), permissions=["change"])
    def reset_second_factor(self, request, queryset) -> None:
        users = [u for u in queryset if self.has_change_permission(request, u)]
        for user in users:
            second_factor.reset(user=user, by=request.user)
        self.message_user(
            request,
            gettext(
                "Second factor reset for: %(users)s. They set up their app again at their next "
                "login."
            )
            % {"users": ", ".join(u.username for u in users) or "—"},
        )

    @admin.display(description=_("roles"))
    def role_list(self, obj: User) -> str:
        return ", ".join(str(g.role_group) for g in obj.groups.all() if hasattr(g, "role_group"))


@admin.register(RoleGroup)
class RoleGroupAdmin(admin.ModelAdmin):
    list_display = ["role", "group"]
    filter_horizontal = []

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- API tokens ---------------------------------------------------------------------------------

# DRF's own token admin would list keys in clear; API keys are hashed now, issued in the app
# (partners.views.api_keys), never through the admin.
for unused in (TokenProxy, APIKey):  # the library's own key model is not used
    if admin.site.is_registered(unused):
        admin.site.unregister(unused)
