"""The admin of the functioneel beheerder: organisations, users and their roles, API tokens.

Without escalation (issue 8): only `manage.py createsuperuser` makes superusers. A beheerder
(not a superuser) cannot change `is_superuser`, `is_staff`, permissions or the "must change
password" flag, cannot touch a superuser's account, cannot change their own roles,
organisation or activity, and can put users only in role groups (their organisation group
follows the organisation). A token's key is shown once, when it is issued. A password the
admin sets is in the user's history and must be changed at the next login.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import TokenProxy
from simple_history.admin import SimpleHistoryAdmin

from acvz.audit import acting_as, current_actor
from partners import second_factor
from partners.models import ApiToken, Organisation, Role, RoleGroup, User
from partners.services import (
    REASON_CREATED_BY_ADMINISTRATOR,
    api_token_issue,
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

# DRF's own token admin lists every key in clear: replaced by ApiTokenAdmin.
if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


class ApiTokenForm(forms.ModelForm):
    user = forms.ModelChoiceField(
        queryset=User.objects.filter(
            is_active=True, groups__role_group__role=Role.PARTNER_SYSTEM
        ).order_by("username"),
        label=_("Partner system"),
        help_text=_(
            "The key is shown once, on the next page. A token the user already has stops working."
        ),
    )

    class Meta:
        model = ApiToken
        fields = ["user"]

    def validate_unique(self) -> None:
        """Issuing replaces the user's token (see `api_token_issue`): no uniqueness error."""


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens by user and date. The key is in no list, URL or log: objects are addressed by
    their user's id, the admin's log names the user, and the key is shown only in the answer
    to issuing it."""

    form = ApiTokenForm
    fields = ["user"]
    list_display = ["user", "organisation", "created", "revoke"]
    list_display_links = None
    list_select_related = ["user__organisation"]
    search_fields = ["user__username"]
    ordering = ["user__username"]
    actions = None

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        # The list only: Django's object pages (change, history) link the object by its primary
        # key, which is the secret key.
        return obj is None and super().has_view_permission(request)

    def get_object(self, request, object_id, from_field=None):
        """The token of the user with this id (URLs carry the user, never the key)."""
        try:
            return self.get_queryset(request).get(user_id=int(object_id))
        except (ApiToken.DoesNotExist, ValueError, TypeError):
            return None

    def get_deleted_objects(self, objs, request):
        """What a revocation deletes, without Django's links (they carry the key). A token
        has nothing that depends on it."""
        objs = list(objs)
        if not self.has_delete_permission(request):
            return [], {}, {self.opts.verbose_name}, []
        names = [f"{self.opts.verbose_name}: {obj}" for obj in objs]
        return names, {self.opts.verbose_name_plural: len(objs)}, set(), []

    @admin.display(description=_("organisation"))
    def organisation(self, obj: ApiToken):
        return obj.user.organisation

    @admin.display(description=_("revoke"))
    def revoke(self, obj: ApiToken) -> str:
        url = reverse("admin:partners_apitoken_delete", args=[obj.user_id])
        return format_html('<a href="{}">{}</a>', url, gettext("Revoke"))

    def save_model(self, request, obj, form, change) -> None:
        token = api_token_issue(user=form.cleaned_data["user"], by=request.user)
        obj.key, obj.created, obj.user = token.key, token.created, token.user

    def response_add(self, request, obj, post_url_continue=None):
        response = TemplateResponse(
            request,
            "admin/partners/apitoken/issued.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("API token issued"),
                "token_user": obj.user,
                "key": obj.key,
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    def _log_on_user(self, request, tokens, message: str) -> None:
        LogEntry.objects.log_actions(
            user_id=request.user.pk,
            queryset=[token.user for token in tokens],
            action_flag=CHANGE,
            change_message=message,
        )

    def log_addition(self, request, obj, message):
        self._log_on_user(request, [obj], "API token issued")

    def log_change(self, request, obj, message):  # pragma: no cover (no change view)
        self._log_on_user(request, [obj], "API token changed")

    def log_deletions(self, request, queryset):
        self._log_on_user(request, list(queryset), "API token revoked")
