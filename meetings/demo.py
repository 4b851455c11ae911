"""Demo UVOs and agreements for the in-regie demo case. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from cases.models import Case
from cases.workflow import CaseStatus
from meetings import services
from meetings.escalations import escalation_act, escalation_raise
from meetings.models import Agreement, EmailState, Notification
from meetings.reminders import reminders_scan
from partners.models import Organisation, User


def load(*, stdout=None) -> None:
    case = Case.objects.filter(
        status=CaseStatus.IN_REGIE, person__last_name__endswith="(fictief)"
    ).first()
    if case is None or case.uvo_meetings.exists():
        return
    regisseur = User.objects.get(username="regisseur")
    now = timezone.now()
    # A question waits on the escalation ladder, at the programme team.
    escalation = escalation_raise(
        case=case,
        by=regisseur,
        subject="case_transcending",
        organisation=Organisation.objects.get(code="WPI"),
        question="Geen plek in de schuldhulp binnen drie maanden; kan WPI voorrang geven? (demo)",
    )
    escalation_act(
        escalation=escalation,
        by=User.objects.get(username="accounthouder"),
        action="escalate",
        text="Voorrang is een keuze van het programma (demo).",
    )
    held = services.uvo_plan(
        case=case,
        by=regisseur,
        planned_at=now - timedelta(days=20),
        place="Kantoor reclassering (demo)",
    )
    services.uvo_record(
        meeting=held,
        by=regisseur,
        held_on=timezone.localdate() - timedelta(days=20),
        minutes="Fictieve notulen (demo): voortgang besproken.",
        attendees=[
            {"organisation": m.organisation, "present": True}
            for m in case.team.filter(left_on__isnull=True).select_related("organisation")
        ],
    )
    demozorg = Organisation.objects.get(code="DEMOZORG")
    services.agreement_create(
        case=case,
        by=regisseur,
        meeting=held,
        description="Intake dagbesteding plannen (demo).",
        owner_organisation=demozorg,
        deadline=timezone.localdate() + timedelta(days=10),
    )
    # One made at that UVO whose deadline passed: the regisseur's and accounthouder's work.
    late = services.agreement_create(
        case=case,
        by=regisseur,
        meeting=held,
        description="Woonplek aanvragen bij de gemeente (demo).",
        owner_organisation=regisseur.organisation,
        owner_person=regisseur,
        deadline=timezone.localdate() + timedelta(days=1),
    )
    Agreement.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - timedelta(days=6))
    services.uvo_plan(
        case=case,
        by=regisseur,
        planned_at=now + timedelta(days=36),
        place="Kantoor reclassering (demo)",
    )
    reminders_scan()
    # What loading the demo told its users is in their inboxes; nobody is mailed about it.
    Notification.objects.filter(email_state=EmailState.PENDING).update(
        email_state=EmailState.SKIPPED
    )
    if stdout is not None:
        stdout.write("Demo UVOs and agreements loaded.")
