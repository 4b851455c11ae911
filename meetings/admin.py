from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from acvz.admin import ReadOnlyAdmin
from meetings.models import ScanRun


@admin.register(ScanRun)
class ScanRunAdmin(ReadOnlyAdmin):
    """Read-only: when each day's reminder scan ran and what it made. A day without a completed
    run after the deadline (settings.REGIE_SCAN_DEADLINE) is marked late, as on /healthz."""

    list_display = [
        "day",
        "state",
        "started_at",
        "completed_at",
        "attempts",
        "findings",
        "reminders_created",
        "notifications_created",
    ]
    date_hierarchy = "day"

    @admin.display(description=_("state"))
    def state(self, run: ScanRun) -> str:
        if run.completed_at:
            return _("completed")
        if run.day < timezone.localdate():
            return _("did not complete")
        return _("running or stopped")
