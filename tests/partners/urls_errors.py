from django.core.exceptions import PermissionDenied
from django.urls import include, path


def forbidden(request):
    raise PermissionDenied


urlpatterns = [path("verboden/", forbidden), path("", include("acvz.urls"))]

handler403 = "partners.views.permission_denied"
handler404 = "partners.views.page_not_found"
