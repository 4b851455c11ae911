from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("casussen/", views.case_list, name="list"),
    path("casussen/nieuw/", views.case_register, name="register"),
    path("casussen/uitstroomsignalen/", views.outflow_signals, name="outflow_signals"),
    path("casussen/<int:pk>/", views.case_detail, name="detail"),
    path("casussen/<int:pk>/basisdossier/", views.case_dossier, name="dossier"),
    path("casussen/<int:pk>/basisdossier/advies/", views.dossier_advice, name="advice"),
    path("casussen/<int:pk>/basisdossier/<int:leefgebied>/", views.section_edit, name="section"),
    path(
        "casussen/<int:pk>/basisdossier/<int:leefgebied>/screening/",
        views.section_screening,
        name="section_screening",
    ),
    path(
        "casussen/<int:pk>/basisdossier/gevraagd/",
        views.dossier_request_add,
        name="dossier_request_add",
    ),
    path(
        "casussen/<int:pk>/basisdossier/gevraagd/<int:organisation_pk>/intrekken/",
        views.dossier_request_remove,
        name="dossier_request_remove",
    ),
    path("casussen/<int:pk>/tijdlijn/", views.case_timeline, name="timeline"),
    path("casussen/<int:pk>/geschiedenis/", views.case_history, name="history"),
    path("casussen/<int:pk>/minderjarigen/", views.case_minors, name="minors"),
    path(
        "casussen/<int:pk>/minderjarigen/<int:watch_pk>/beeindigen/",
        views.case_minor_end,
        name="minor_end",
    ),
    path("casussen/<int:pk>/team/", views.team_add, name="team_add"),
    path(
        "casussen/<int:pk>/team/<int:membership_pk>/verlaten/",
        views.team_leave,
        name="team_leave",
    ),
    path("casussen/<int:pk>/stap/<str:name>/", views.case_transition, name="transition"),
    path("regisseurs/<int:pk>/overdragen/", views.caseload_transfer, name="caseload_transfer"),
    path("personen/", views.person_list, name="person_list"),
    path("personen/nieuw/", views.person_create, name="person_create"),
    path("personen/<int:pk>/", views.person_detail, name="person_detail"),
    path("personen/<int:pk>/relatie/", views.person_add_relation, name="person_relation"),
    path("personen/<int:pk>/delict/", views.person_add_offence, name="person_offence"),
    path("beheer/toegangslog/", views.access_log, name="access_log"),
    path(
        "beheer/toegangslog/personen/<int:pk>/",
        views.access_log_person,
        name="access_log_person",
    ),
    path("beheer/inzage/", views.inzage_search, name="inzage_search"),
    path("beheer/inzage/<int:pk>/", views.inzage, name="inzage"),
    path("beheer/bewaartermijn/", views.retention, name="retention"),
]
