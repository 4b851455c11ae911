"""Input and output serializers of the cases API, one module per resource.

Input serializers only validate the shape of a request; every rule of the domain is checked by
the service they feed (`cases.services`). Output serializers read what the selectors loaded and
never cause a query of their own. Every name is importable from here, as before the split."""

from __future__ import annotations

from acvz.api.serializers import PersonRefSerializer
from cases.api.serializers.cases import (
    TRANSITION_PATHS,
    CaseAppointSerializer,
    CaseAssignSerializer,
    CaseDetailSerializer,
    CaseListSerializer,
    CaseOutflowSerializer,
    CaseRegisterSerializer,
    CaseWithdrawSerializer,
    TeamMemberAddSerializer,
    TeamMembershipSerializer,
)
from cases.api.serializers.dossier import (
    BasisdossierSerializer,
    ContributionInputSerializer,
    ContributionSerializer,
    DossierSectionSerializer,
    StillAskedSerializer,
)
from cases.api.serializers.history import HistoryChangeSerializer, HistoryEntrySerializer
from cases.api.serializers.offences import (
    OFFENCE_BATCH_MAX,
    CallersPersonField,
    OffenceBatchItemProblemSerializer,
    OffenceBatchResponseSerializer,
    OffenceBatchResultSerializer,
    OffenceBatchSerializer,
    OffenceRecordCorrectSerializer,
    OffenceRecordInputSerializer,
    OffenceRecordSerializer,
    OffenceSubjectSerializer,
)
from cases.api.serializers.persons import (
    FamilyRelationSerializer,
    OptionalEmailField,
    PersonDetailSerializer,
    PersonInputSerializer,
    PersonListSerializer,
    PersonSearchSerializer,
)
from cases.api.serializers.programmes import (
    PROGRAMME_NORM_FIELDS,
    ProgrammeNormsSerializer,
    ProgrammeSerializer,
)
from cases.api.serializers.refs import ProgrammeRefSerializer, VisiblePersonField
from cases.api.serializers.timeline import (
    PUSHABLE_TIMELINE_KINDS,
    TimelineEventInputSerializer,
    TimelineEventSerializer,
)

__all__ = [
    "OFFENCE_BATCH_MAX",
    "PROGRAMME_NORM_FIELDS",
    "PUSHABLE_TIMELINE_KINDS",
    "TRANSITION_PATHS",
    "BasisdossierSerializer",
    "CallersPersonField",
    "CaseAppointSerializer",
    "CaseAssignSerializer",
    "CaseDetailSerializer",
    "CaseListSerializer",
    "CaseOutflowSerializer",
    "CaseRegisterSerializer",
    "CaseWithdrawSerializer",
    "ContributionInputSerializer",
    "ContributionSerializer",
    "DossierSectionSerializer",
    "FamilyRelationSerializer",
    "HistoryChangeSerializer",
    "HistoryEntrySerializer",
    "OffenceBatchItemProblemSerializer",
    "OffenceBatchResponseSerializer",
    "OffenceBatchResultSerializer",
    "OffenceBatchSerializer",
    "OffenceRecordCorrectSerializer",
    "OffenceRecordInputSerializer",
    "OffenceRecordSerializer",
    "OffenceSubjectSerializer",
    "OptionalEmailField",
    "PersonDetailSerializer",
    "PersonInputSerializer",
    "PersonListSerializer",
    "PersonRefSerializer",
    "PersonSearchSerializer",
    "ProgrammeNormsSerializer",
    "ProgrammeRefSerializer",
    "ProgrammeSerializer",
    "StillAskedSerializer",
    "TeamMemberAddSerializer",
    "TeamMembershipSerializer",
    "TimelineEventInputSerializer",
    "TimelineEventSerializer",
    "VisiblePersonField",
]
