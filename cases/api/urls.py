from rest_framework.routers import SimpleRouter

from cases.api.views import CaseViewSet, OffenceRecordViewSet, PersonViewSet, ProgrammeViewSet

router = SimpleRouter(trailing_slash=False)
router.register("persons", PersonViewSet, basename="person")
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("offence-records", OffenceRecordViewSet, basename="offencerecord")
router.register("cases", CaseViewSet, basename="case")

urlpatterns = router.urls
