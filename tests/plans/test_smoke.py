import pytest

from plans.workflow import PlanStatus

pytestmark = pytest.mark.django_db


def test_plan_walks_to_approved_and_a_revision_keeps_it_in_force(plan_at, people):
    from plans import services

    plan = plan_at("approved")
    assert plan.status == PlanStatus.APPROVED
    assert len(plan.fingerprint) == 64
    assert plan.itat_meeting.date.weekday() == 3
    draft = services.plan_start_version(case=plan.case, by=people["regisseur"])
    assert draft.version == 2
    assert draft.goals.count() == 3
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
