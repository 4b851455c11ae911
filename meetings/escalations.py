"""The escalation ladder (report §4): accounthouder → programme team → Directeurenoverleg →
Stuurgroep Veiligheid en Zorg.

The regisseur escalates a declined commitment, an agreement past its deadline, a blocked
intervention or a case-transcending issue, naming the organisation concerned and the question.
The level it stands at answers (a reply, it stays), decides (it closes) or escalates further,
within `REGIE_ESCALATION_DAYS` for that level; once that time has passed the regisseur may take
it up a level too. Every step is kept (`EscalationStep`) and lands on the case's timeline.

Need-to-know: the Directeurenoverleg and the Stuurgroep read the escalations that reached them,
not the case: they see its number, programme, the organisation and the question, never the
person's name (`escalation_names_person`), unless they read the case on another ground.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from acvz.audit import audited
from acvz.errors import DomainError, NotAllowed
from cases.events import announce
from cases.models import Case, TimelineEvent, TimelineKind
from cases.policies import actor_for
from cases.workflow import REGIE_STATUSES
from meetings.models import (
    ESCALATION_LADDER,
    Agreement,
    AgreementStatus,
    Escalation,
    EscalationAction,
    EscalationLevel,
    EscalationStatus,
    EscalationStep,
    EscalationSubject,
)

#: The permission that answers at the two top levels (partners.roles gives it to the bodies).
LEVEL_PERMISSION = {
    EscalationLevel.DIRECTORS: "meetings.answer_as_directors",
    EscalationLevel.STUURGROEP: "meetings.answer_as_stuurgroep",
}


def level_days(level: str) -> int:
    return settings.REGIE_ESCALATION_DAYS[level]


def next_level(level: str) -> str | None:
    position = ESCALATION_LADDER.index(level)
    return ESCALATION_LADDER[position + 1] if position + 1 < len(ESCALATION_LADDER) else None


def _in_programme_team(user, case) -> bool:
    from cases.models import Programme

    return Programme.team_members.through.objects.filter(
        user_id=user.pk, programme_id=case.programme_id
    ).exists()


def answers_at(user, case, level: str) -> bool:
    """Whether `user` answers for `level` of the ladder for this case."""
    if user.pk is None or not user.is_active:
        return False
    if level == EscalationLevel.ACCOUNTHOUDER:
        return user.pk == case.accounthouder_id
    if level == EscalationLevel.PROGRAMME_TEAM:
        return actor_for(user).has("cases.support_case") and _in_programme_team(user, case)
    return actor_for(user).has(LEVEL_PERMISSION[level])


ACTIONS = ("answer", "decide", "escalate", "withdraw")


def escalation_actions(user, escalation: Escalation) -> frozenset[str]:
    """The steps `user` may take now: answer / decide (the level), escalate (the level, or the
    regisseur once its time has passed; not from the top), withdraw (the regisseur)."""
    case = escalation.case
    if escalation.status != EscalationStatus.OPEN or case.status not in REGIE_STATUSES:
        return frozenset()
    at_level = answers_at(user, case, escalation.level)
    regisseur = user.pk is not None and user.pk == case.regisseur_id
    allowed = {"answer", "decide"} if at_level else set()
    if next_level(escalation.level) is not None and (
        at_level or (regisseur and escalation.due_at <= timezone.now())
    ):
        allowed.add("escalate")
    if regisseur:
        allowed.add("withdraw")
    return frozenset(allowed)


def escalation_can(user, escalation: Escalation, action: str) -> bool:
    if action not in ACTIONS:
        raise ValueError(f"Unknown escalation action {action!r}")
    return action in escalation_actions(user, escalation)


def case_can_escalate(user, case) -> bool:
    return user.pk is not None and user.pk == case.regisseur_id and case.status in REGIE_STATUSES


def escalation_visibility_filter(user) -> Q:
    """A Q over Escalation: the case's regisseur and accounthouder see its escalations; the
    programme team those of its programmes' cases; the two bodies those that reached them."""
    if user.pk is None or not user.is_active:
        return Q(pk__in=[])
    from cases.models import Programme

    actor = actor_for(user)
    visible = Q(case__regisseur=user) | Q(case__accounthouder=user)
    if actor.has("cases.support_case"):
        programmes = Programme.team_members.through.objects.filter(user_id=user.pk)
        visible |= Q(case__programme_id__in=programmes.values("programme_id"))
    for level, permission in LEVEL_PERMISSION.items():
        if actor.has(permission):
            reached = EscalationStep.objects.filter(escalation=OuterRef("pk"), level=level)
            visible |= Q(level=level) | Q(Exists(reached))
    return visible


def escalations_visible_to(user) -> QuerySet[Escalation]:
    return Escalation.objects.filter(escalation_visibility_filter(user))


def escalation_names_person(user, escalation: Escalation) -> bool:
    """The person's name only to who reads the case; the bodies see a case number."""
    return Case.objects.visible_to(user).filter(pk=escalation.case_id).exists()


# --- writes -------------------------------------------------------------------------------------


def _step(escalation: Escalation, *, action: str, text: str, by) -> EscalationStep:
    step = EscalationStep(
        escalation=escalation, level=escalation.level, action=action, text=text, by=by
    )
    step.full_clean(exclude=["escalation", "by"])
    step.save()
    return step


def _on_timeline(escalation: Escalation, *, by, description: str) -> None:
    TimelineEvent.objects.create(
        case=escalation.case,
        kind=TimelineKind.ESCALATION,
        created_by=by,
        organisation_id=by.organisation_id,
        description=description,
    )


def _required(text: str, message: str) -> None:
    if not text.strip():
        raise DomainError(message, code="invalid", status_code=400)


@audited
@transaction.atomic
def escalation_raise(
    *,
    case: Case,
    by,
    subject: str,
    organisation,
    question: str,
    goal=None,
    agreement: Agreement | None = None,
) -> Escalation:
    """The regisseur puts a question to the accounthouder, the ladder's first level."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case_can_escalate(by, case):
        raise NotAllowed(_("The case's regisseur escalates, while the case is in regie."))
    if subject not in EscalationSubject.values:
        raise DomainError(
            _("Choose what the escalation is about."), code="invalid", status_code=400
        )
    _required(question, _("Put the question to the ladder."))
    if goal is not None and goal.plan.case_id != case.pk:
        raise DomainError(_("This goal belongs to another case."), code="invalid", status_code=400)
    if agreement is not None and agreement.case_id != case.pk:
        raise DomainError(
            _("This agreement belongs to another case."), code="invalid", status_code=400
        )
    if subject == EscalationSubject.DECLINED_COMMITMENT and (
        goal is None or goal.commitment != "declined"
    ):
        raise DomainError(
            _("Name the goal whose commitment was declined."), code="invalid", status_code=400
        )
    if subject == EscalationSubject.OVERDUE_AGREEMENT and (
        agreement is None
        or agreement.status != AgreementStatus.OPEN
        or agreement.deadline >= timezone.localdate()
    ):
        raise DomainError(
            _("Name the open agreement that is past its deadline."),
            code="invalid",
            status_code=400,
        )
    now = timezone.now()
    level = EscalationLevel.ACCOUNTHOUDER
    escalation = Escalation(
        case=case,
        subject=subject,
        organisation=organisation,
        goal=goal,
        agreement=agreement,
        question=question,
        level=level,
        level_since=now,
        due_at=now + timedelta(days=level_days(level)),
        raised_by=by,
        raised_at=now,
    )
    escalation.full_clean(exclude=["case", "goal", "agreement", "raised_by", "organisation"])
    escalation.save()
    _step(escalation, action=EscalationAction.RAISED, text=question, by=by)
    _on_timeline(
        escalation,
        by=by,
        description=_("Escalated to the accounthouder: %(subject)s (%(org)s).")
        % {"subject": escalation.get_subject_display(), "org": organisation.name},
    )
    announce("escalation", case=case, by=by, escalation=escalation)
    return escalation


def _locked(escalation: Escalation, expected_lock_version: int | None) -> Escalation:
    locked = (
        Escalation.objects.select_for_update(of=("self",))
        .select_related("case", "organisation")
        .get(pk=escalation.pk)
    )
    if expected_lock_version is not None and locked.lock_version != expected_lock_version:
        raise DomainError(
            _("Someone else acted on this escalation meanwhile; read it again."), code="stale"
        )
    return locked


@audited
@transaction.atomic
def escalation_act(
    *, escalation: Escalation, by, action: str, text: str, expected_lock_version=None
) -> Escalation:
    """answer, decide, escalate or withdraw (see `escalation_can`), with a text."""
    escalation = _locked(escalation, expected_lock_version)
    if action not in ACTIONS:
        raise DomainError(_("Unknown step."), code="invalid", status_code=400)
    if not escalation_can(by, escalation, action):
        raise NotAllowed(_("You may not take this step now."))
    _required(
        text,
        {
            "answer": _("Write the answer."),
            "decide": _("Write the decision."),
            "escalate": _("Say why it goes up a level."),
            "withdraw": _("Say why the escalation is withdrawn."),
        }[action],
    )
    now = timezone.now()
    level_label = escalation.get_level_display()
    if action == "answer":
        _step(escalation, action=EscalationAction.ANSWERED, text=text, by=by)
    elif action == "decide":
        _step(escalation, action=EscalationAction.DECIDED, text=text, by=by)
        escalation.status = EscalationStatus.DECIDED
        escalation.decision = text
        escalation.closed_at = now
        _on_timeline(
            escalation,
            by=by,
            description=_("Decision of the %(level)s on the escalation: %(text)s")
            % {"level": level_label, "text": text},
        )
    elif action == "withdraw":
        _step(escalation, action=EscalationAction.WITHDRAWN, text=text, by=by)
        escalation.status = EscalationStatus.WITHDRAWN
        escalation.closed_at = now
        _on_timeline(
            escalation,
            by=by,
            description=_("Escalation withdrawn by the regisseur: %(text)s") % {"text": text},
        )
    else:
        _step(escalation, action=EscalationAction.ESCALATED, text=text, by=by)
        escalation.level = next_level(escalation.level)
        escalation.level_since = now
        escalation.due_at = now + timedelta(days=level_days(escalation.level))
        _on_timeline(
            escalation,
            by=by,
            description=_("Escalated further to the %(level)s.")
            % {"level": escalation.get_level_display()},
        )
    escalation.lock_version += 1
    escalation.save()
    announce("escalation", case=escalation.case, by=by, escalation=escalation, action=action)
    return escalation
