from rest_framework.routers import SimpleRouter

from plans.api.views import EvaluationViewSet, ItatMeetingViewSet, PlanGoalViewSet, PlanViewSet

router = SimpleRouter(trailing_slash=False)
router.register("plans", PlanViewSet, basename="plan")
router.register("plan-goals", PlanGoalViewSet, basename="plangoal")
router.register("itat-meetings", ItatMeetingViewSet, basename="itatmeeting")
router.register("evaluations", EvaluationViewSet, basename="evaluation")

urlpatterns = router.urls
