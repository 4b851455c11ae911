from django.urls import path

from plans import budget_views, views

app_name = "plans"

urlpatterns = [
    path("casussen/<int:pk>/plan/", views.case_plan, name="case_plan"),
    path("casussen/<int:pk>/plan/nieuw/", views.plan_start, name="start"),
    path("casussen/<int:pk>/uitstroom/", views.case_handover, name="handover"),
    path("casussen/<int:pk>/overdracht/", views.handover_summary, name="handover_summary"),
    path("casussen/<int:pk>/overdracht/afdrukken/", views.handover_print, name="handover_print"),
    path("casussen/<int:pk>/evaluatie/", views.evaluation_create, name="evaluate"),
    path("casussen/<int:pk>/expertgroep/", views.referral_create, name="refer"),
    path("plannen/<int:pk>/", views.plan_detail, name="detail"),
    path("plannen/<int:pk>/bewerken/", views.plan_edit, name="edit"),
    path("plannen/<int:pk>/afdrukken/", views.plan_print, name="print"),
    path("plannen/<int:pk>/vergelijk/", views.plan_compare, name="compare"),
    path("plannen/<int:pk>/advies/", views.plan_advice, name="advice"),
    path("plannen/<int:pk>/stap/<str:name>/", views.plan_transition, name="transition"),
    path("plannen/<int:pk>/doelen/nieuw/", views.goal_edit, name="goal_add"),
    path("plannen/<int:pk>/doelen/<int:goal_pk>/", views.goal_edit, name="goal_edit"),
    path(
        "plannen/<int:pk>/doelen/<int:goal_pk>/verwijderen/", views.goal_delete, name="goal_delete"
    ),
    path(
        "plannen/<int:pk>/doelen/<int:goal_pk>/toezegging/", views.goal_commit, name="goal_commit"
    ),
    path(
        "plannen/<int:pk>/doelen/<int:goal_pk>/voortgang/",
        views.goal_progress,
        name="goal_progress",
    ),
    path("plannen/<int:pk>/doelen/<int:goal_pk>/wijzigen/", views.goal_amend, name="goal_amend"),
    path("plan-bekijken/<int:pk>/", views.review_close_page, name="review_close"),
    path(
        "plannen/<int:pk>/doelen/<int:goal_pk>/aanvraag/",
        views.application_add,
        name="application_add",
    ),
    path("aanvragen/<int:pk>/", views.application_edit, name="application_edit"),
    path("itat/", views.itat_meetings, name="itat"),
    path("itat/<int:pk>/", views.itat_agenda, name="itat_agenda"),
    path("expertgroep/", views.referral_list, name="referrals"),
    path("expertgroep/<int:pk>/", views.referral_answer, name="referral_answer"),
    path("toezeggingen/", views.commitments, name="commitments"),
    path("casussen/<int:pk>/budget/", budget_views.case_budget, name="case_budget"),
    path(
        "casussen/<int:pk>/budget/aanvraag/",
        budget_views.budget_request_add,
        name="budget_request_add",
    ),
    path("budget/", budget_views.budget_report, name="budget_report"),
    path("budget/<int:pk>/", budget_views.budget_request_page, name="budget_request"),
    path("budget/<int:pk>/besluit/", budget_views.budget_request_decide_page, name="budget_decide"),
    path(
        "budget/<int:pk>/intrekken/",
        budget_views.budget_request_withdraw_page,
        name="budget_withdraw",
    ),
    path("budget/<int:pk>/betaling/", budget_views.budget_payment_add, name="budget_payment"),
]
