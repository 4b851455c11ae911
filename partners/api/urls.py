from rest_framework.routers import SimpleRouter

from partners.api.views import OrganisationViewSet

router = SimpleRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")

urlpatterns = router.urls
