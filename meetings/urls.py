from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("casussen/<int:pk>/uvo/", views.case_uvos, name="case_uvos"),
    path("uvo/<int:pk>/", views.uvo_detail, name="uvo_detail"),
    path("afspraken/", views.agreements, name="agreements"),
    path("afspraken/<int:pk>/status/", views.agreement_status, name="agreement_status"),
    path("casuistiek/", views.casuistry, name="casuistry"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("programma/cijfers/", views.programme_figures, name="programme_figures"),
    path("programma/<slug:code>/afspraken/", views.programme_norms, name="programme_norms"),
    path("meldingen/", views.inbox, name="inbox"),
    path("meldingen/<int:pk>/gelezen/", views.notification_read, name="notification_read"),
    path("meldingen/alles-gelezen/", views.notifications_read_all, name="read_all"),
    path("instellingen/", views.preferences, name="preferences"),
    path("agenda/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("casussen/<int:pk>/escaleren/", views.escalation_raise, name="escalation_raise"),
    path("escalaties/", views.escalation_list, name="escalations"),
    path("escalaties/<int:pk>/", views.escalation_detail, name="escalation"),
    path("beheer/webhooks/", views.webhook_list, name="webhooks"),
    path("beheer/webhooks/<int:pk>/", views.webhook_detail, name="webhook"),
    path("beheer/webhooks/<int:pk>/aan-uit/", views.webhook_switch, name="webhook_switch"),
    path("beheer/webhooks/<int:pk>/nieuw-geheim/", views.webhook_secret, name="webhook_secret"),
    path(
        "beheer/webhooks/bezorgingen/<int:pk>/opnieuw/",
        views.webhook_redeliver,
        name="webhook_redeliver",
    ),
]
