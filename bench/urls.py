"""The bench's URLconf: two empty views (the floor every page is compared with) and then the
product's URLs unchanged. Only `bench.settings` uses it; product URLs do not include it."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from acvz.urls import handler403, handler404, handler500
from acvz.urls import urlpatterns as product_urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


@login_required
def empty_page(request):
    """A logged-in page that does nothing: session, user and middleware, no work."""
    return HttpResponse(b"", content_type="text/html; charset=utf-8")


class EmptyApi(APIView):
    """An API view that does nothing: token authentication and DRF, no work."""

    def get(self, request, *args, **kwargs):
        return Response({})


urlpatterns = [
    path("__bench__/empty/", empty_page, name="bench-empty"),
    path("__bench__/api-empty/", EmptyApi.as_view(), name="bench-api-empty"),
    *product_urlpatterns,
]
