"""The plans API: thin adapters over `plans.selectors` (reads) and `plans.services` (writes), one
module per resource.

Visibility is `Plan.objects.visible_to` (`plans.policies`): the plans of the cases whose plan the
user reads (the case team, the programme team's support, ITAT while a plan of the case is on its
agenda and REGIE_ITAT_READ_WEEKS after its decision, the Expertgroep while a referral is open). A
plan, goal or evaluation the user may not see is a 404, exactly like a missing one. A refused
transition (`DomainError`) is a 409 problem, an action the user's role does not allow
(`NotAllowed`) a 403.

Optimistic locking: every response with one plan or goal carries the plan's `ETag`,
`"<plan id>-<lock_version>"` (goals are locked with their plan). A write with `If-Match` naming
an older ETag is a 412 `precondition_failed`; without `If-Match`, a stale `lock_version` in the
body is a 409 `stale`; with neither, the write applies (the browser pages work the same way
with their hidden `lock_version`). Commitments and advice do not change the plan's version:
they never overwrite what the regisseur writes.
"""

from __future__ import annotations

from plans.api.views.common import PreconditionFailed, plan_etag
from plans.api.views.evaluations import EvaluationViewSet
from plans.api.views.goals import PlanGoalViewSet
from plans.api.views.itat import ItatMeetingViewSet
from plans.api.views.plans import PlanViewSet

__all__ = [
    "EvaluationViewSet",
    "ItatMeetingViewSet",
    "PlanGoalViewSet",
    "PlanViewSet",
    "PreconditionFailed",
    "plan_etag",
]
