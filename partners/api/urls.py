from django.urls import path
from rest_framework.routers import SimpleRouter

from partners.api.views import MeView, OrganisationViewSet

router = SimpleRouter(trailing_slash=False)
router.register("organisations", OrganisationViewSet, basename="organisation")

urlpatterns = [path("me", MeView.as_view(), name="me"), *router.urls]
