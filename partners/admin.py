from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from partners.models import Organisation, RoleGroup, User
from partners.services import user_sync_organisation_group


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "handles_health", "active", "user_count"]
    list_filter = ["kind", "active", "handles_health"]
    search_fields = ["name", "code"]
    readonly_fields = ["group"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(_user_count=Count("users"))

    @admin.display(description=_("users"), ordering="_user_count")
    def user_count(self, obj: Organisation) -> int:
        return obj._user_count


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "first_name", "last_name", "organisation", "role_list", "is_active"]
    list_filter = ["organisation", "groups__role_group__role", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "email", "organisation__name"]
    list_select_related = ["organisation"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:1],
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Organisation and roles"), {"fields": ("organisation", "groups")}),
        (
            _("Access"),
            {"fields": ("is_active", "is_staff", "is_superuser", "last_login", "date_joined")},
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

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            # Roles only: organisation groups follow the organisation field.
            kwargs["queryset"] = db_field.remote_field.model.objects.filter(
                role_group__isnull=False
            )
            kwargs["label"] = _("roles")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_sync_organisation_group(user=form.instance)

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
