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
]
