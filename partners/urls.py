from django.contrib.auth import views as auth_views
from django.urls import path

from partners import views

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("wachtwoord/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "wachtwoord/gewijzigd/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("tweestaps/", views.second_factor_verify, name="second_factor"),
    path("tweestaps/instellen/", views.second_factor_setup, name="second_factor_setup"),
    path("tweestaps/herstelcodes/", views.recovery_codes_renew, name="recovery_codes_renew"),
    path("beveiliging/", views.security, name="security"),
    path("beheer/api-sleutels/", views.api_keys, name="api_keys"),
    path(
        "beheer/api-sleutels/<str:prefix>/vernieuwen/",
        views.api_key_rotate,
        name="api_key_rotate",
    ),
    path(
        "beheer/api-sleutels/<str:prefix>/intrekken/",
        views.api_key_revoke,
        name="api_key_revoke",
    ),
    path("mijn-profiel/", views.my_profile, name="my_profile"),
    path("mijn-profiel/competentiescan/", views.competence_scan_add, name="competence_scan_add"),
    path("regisseurs/", views.regisseur_profiles, name="regisseur_profiles"),
    path("regisseurs/competenties/", views.competence_group, name="competence_group"),
    path(
        "regisseurs/<int:pk>/profiel/",
        views.regisseur_profile_edit,
        name="regisseur_profile_edit",
    ),
    path("wachtwoord/vergeten/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "wachtwoord/vergeten/verstuurd/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "wachtwoord/herstel/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord/herstel/klaar/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
