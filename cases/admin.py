"""Admin for reference data only. Personal data (persons, cases) is reached through the
need-to-know pages, never through the admin."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from simple_history.admin import SimpleHistoryAdmin

from acvz.admin import ReadOnlyAdmin
from cases.models import AccessLogEntry, LegalBasis, Programme


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "code",
        "min_age",
        "max_age",
        "min_offences",
        "period_years",
        "evaluation_interval_weeks",
        "active",
    ]
    list_filter = ["active"]
    search_fields = ["name", "code"]
    filter_horizontal = ["team_members"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "team_members":
            # Only programme-team members support a programme's regisseurs (need-to-know).
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(
                    is_active=True,
                    groups__permissions__codename="support_case",
                    groups__permissions__content_type__app_label="cases",
                )
                .distinct()
                .order_by("last_name", "first_name")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdmin):
    """Read-only: the access log is append-only. Who was read is on the access-log pages
    (`cases:access_log`), which log their own reading."""

    list_display = ["at", "user", "organisation", "channel", "action", "outcome"]
    list_filter = ["channel", "action", "outcome", "organisation"]
    list_select_related = ["user", "organisation"]
    date_hierarchy = "at"


@admin.register(LegalBasis)
class LegalBasisAdmin(SimpleHistoryAdmin):
    """The grounds recorded with each disclosure (REGIE_DISCLOSURE_BASIS names which). Never
    deleted: the register refers to them."""

    list_display = ["code", "document", "article"]
    search_fields = ["code", "document", "article"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
