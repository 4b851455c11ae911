from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from cases.access import page_labels

        page_labels(
            {
                "meetings:case_uvos": _("UVOs and agreements"),
                "meetings:uvo_detail": _("UVO"),
                "meetings:agreements": _("Agreements"),
                "meetings:agreement_status": _("Agreement status"),
                "meetings:casuistry": _("Casuistry"),
                "meetings:dashboard": _("Dashboard"),
                "meetings:inbox": _("Notifications"),
                "meetings:notification_read": _("Notifications"),
                "meetings:read_all": _("Notifications"),
                "meetings:escalation_raise": _("Escalate"),
                "meetings:escalations": _("Escalations"),
                "meetings:escalation": _("Escalation"),
            }
        )
        from cases.pages import CASE_TABS

        tab = ("uvo", _("UVOs and agreements"), "meetings:case_uvos")
        if tab not in CASE_TABS:
            CASE_TABS.append(tab)

        from cases.access import access_subject
        from meetings import models

        for model in (models.UvoMeeting, models.Agreement, models.Reminder):
            access_subject(model, case="case")
        access_subject(models.Notification, case="case")
        access_subject(models.Escalation, case="case")

        from cases.events import case_event
        from meetings.notify import on_case_event

        case_event.connect(on_case_event, dispatch_uid="meetings.notify")

        from meetings.webhooks import on_case_event as tell_subscribers

        case_event.connect(tell_subscribers, dispatch_uid="meetings.webhooks")
