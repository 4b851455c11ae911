from rest_framework.routers import SimpleRouter

from meetings.api.views import AgreementViewSet, NotificationViewSet, UvoMeetingViewSet

router = SimpleRouter(trailing_slash=False)
router.register("uvo-meetings", UvoMeetingViewSet, basename="uvomeeting")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = router.urls
