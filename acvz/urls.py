from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from acvz import views
from partners import views as partner_views

api_v1 = [
    path("", include("partners.api.urls")),
    path("", include("cases.api.urls")),
    path("", include("plans.api.urls")),
    path("", include("meetings.api.urls")),
    path("schema", SpectacularAPIView.as_view(), name="schema"),
    path("schema/swagger", views.SwaggerView.as_view(url_name="api:schema"), name="swagger-ui"),
    path("schema/redoc", views.RedocView.as_view(url_name="api:schema"), name="redoc"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", partner_views.healthz, name="healthz"),
    path("", include("partners.urls")),
    path("", include("cases.urls")),
    path("", include("plans.urls")),
    path("", include("meetings.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    re_path(r"^api/(?P<version>v1)/", include((api_v1, "api"))),
]

handler400 = "partners.views.bad_request"
handler403 = "partners.views.permission_denied"
handler404 = "partners.views.page_not_found"
handler500 = "partners.views.server_error"
