"""The cases API: thin adapters over `cases.selectors` (reads) and `cases.services` (writes), one
module per resource.

Visibility is the need-to-know policy of `cases.policies`: a case or person the user may not see
is a 404, exactly like a missing one, on every endpoint and sub-resource. A refused transition
(`DomainError`) is a 409 problem, an action the user's role does not allow (`NotAllowed`) a 403.
"""

from __future__ import annotations

from cases.api.views.cases import CaseViewSet
from cases.api.views.offences import OffenceRecordViewSet
from cases.api.views.persons import PersonViewSet
from cases.api.views.programmes import ProgrammeViewSet

__all__ = ["CaseViewSet", "OffenceRecordViewSet", "PersonViewSet", "ProgrammeViewSet"]
