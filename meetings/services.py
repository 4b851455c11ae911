"""Every write to meetings, agreements and notifications goes through these services."""

from __future__ import annotations

import logging
from datetime import date, datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from acvz.audit import audited
from acvz.errors import DomainError, NotAllowed
from acvz.services import require, save_validated
from cases.models import Case
from cases.policies import CasePart
from meetings.models import (
    Agreement,
    AgreementStatus,
    CalendarFeed,
    Notification,
    NotificationEvent,
    NotificationPreference,
    UvoAttendee,
    UvoCadence,
    UvoMeeting,
    UvoStatus,
    WebhookEventType,
)
from meetings.policies import (
    agreement_can_update,
    notification_visibility_filter,
    uvo_can_manage,
)
from meetings.webhooks import resource, webhook_emit
from meetings.work import forget_work_counts

logger = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> bool:
    """Queue a Celery task, failing soft: with the broker down this logs and returns False.

    Nothing is lost by it: the daily scan finds whatever was not sent and sends it then.
    """
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception as exc:  # kombu/redis raise several types for an unreachable broker
        logger.warning("Could not queue %s (%s): %s", task.name, type(exc).__name__, exc)
        return False
    return True


# --- cadence ------------------------------------------------------------------------------------


@audited
@transaction.atomic
def cadence_set(*, case: Case, by, weeks: int, reason: str, until: date | None = None):
    """Override the case's UVO cadence (more often, or temporarily less often), with a reason."""
    require(uvo_can_manage(by, case), _("Only the regisseur sets the UVO cadence."))
    if not reason.strip():
        raise DomainError(
            _("Give the reason for the different cadence."), code="invalid", status_code=400
        )
    if until is not None and until < timezone.localdate():
        raise DomainError(_("The end date lies in the past."), code="invalid", status_code=400)
    cadence = UvoCadence.objects.select_for_update().filter(case=case).first() or UvoCadence(
        case=case
    )
    cadence.weeks, cadence.reason, cadence.until = weeks, reason, until
    return save_validated(cadence)


@audited
@transaction.atomic
def cadence_reset(*, case: Case, by) -> None:
    """Back to the default cadence (the history keeps the override)."""
    require(uvo_can_manage(by, case), _("Only the regisseur sets the UVO cadence."))
    UvoCadence.objects.filter(case=case).delete()


# --- UVOs ---------------------------------------------------------------------------------------


@audited
@transaction.atomic
def uvo_plan(
    *,
    case: Case,
    by,
    planned_at: datetime,
    place: str = "",
    attendees_from: UvoMeeting | None = None,
) -> UvoMeeting:
    """Convene a UVO; with `attendees_from` (the last one) its attendees are invited again, each
    with their own organisation. The invited are told at once, with an iCal invitation."""
    require(uvo_can_manage(by, case), _("The regisseur convenes the UVO."))
    if attendees_from is not None and attendees_from.case_id != case.pk:
        raise DomainError(_("This UVO belongs to another case."), code="invalid", status_code=400)
    meeting = save_validated(
        UvoMeeting(case=case, planned_at=planned_at, place=place, chair=case.regisseur or by)
    )
    if attendees_from is not None:
        UvoAttendee.objects.bulk_create(
            [
                UvoAttendee(
                    meeting=meeting,
                    organisation_id=a.organisation_id,
                    user_id=a.user_id,
                    name=a.name,
                    present=True,
                )
                for a in attendees_from.attendees.all()
            ]
        )
    invite_to_uvo(meeting=meeting, by=by)
    _tell_systems(WebhookEventType.UVO_PLANNED, meeting.case_id, uvo_meeting=meeting.pk)
    return meeting


def invite_to_uvo(*, meeting: UvoMeeting, by) -> None:
    """Tell the invited: the named attendees, the people of attendee organisations without a
    named person, and with nobody named yet the people of every organisation on the team."""
    from meetings.notify import directors, notify, organisation_people

    case = meeting.case
    attendees = list(meeting.attendees.all())
    people = {a.user_id for a in attendees if a.user_id}
    organisations = {a.organisation_id for a in attendees if not a.user_id}
    if not attendees:
        organisations = set(
            case.team.filter(left_on__isnull=True).values_list("organisation_id", flat=True)
        )
    people |= organisation_people(case=case, organisation_ids=organisations)
    when = timezone.localtime(meeting.planned_at)
    notify(
        event=NotificationEvent.UVO_PLANNED,
        case=case,
        by=by,
        recipients=people | directors(case),
        message=gettext_lazy("A UVO for %(name)s is planned on %(when)s."),
        params={"when": f"{when:%d-%m-%Y %H:%M}"},
        part=CasePart.UVO,
        link=reverse("meetings:uvo_detail", args=[meeting.pk]),
        meeting=meeting,
    )


def _locked_meeting(meeting: UvoMeeting, expected_lock_version: int | None) -> UvoMeeting:
    locked = (
        UvoMeeting.objects.select_for_update(of=("self",)).select_related("case").get(pk=meeting.pk)
    )
    if expected_lock_version is not None and expected_lock_version != locked.lock_version:
        raise DomainError(
            _("Someone else changed this UVO meanwhile. Your input is kept: check and save again."),
            code="stale",
        )
    return locked


@audited
@transaction.atomic
def uvo_record(
    *,
    meeting: UvoMeeting,
    by,
    held_on: date,
    minutes: str,
    attendees: list[dict] | None = None,
    expected_lock_version: int | None = None,
) -> UvoMeeting:
    """Record a held UVO: date, minutes and who was there (present or absent)."""
    meeting = _locked_meeting(meeting, expected_lock_version)
    require(uvo_can_manage(by, meeting.case), _("The regisseur records the UVO."))
    if meeting.status == UvoStatus.CANCELLED:
        raise DomainError(_("This UVO was cancelled."), code="invalid_transition")
    if held_on > timezone.localdate():
        raise DomainError(
            _("A UVO cannot have been held in the future."), code="invalid", status_code=400
        )
    meeting.status = UvoStatus.HELD
    meeting.held_on = held_on
    meeting.minutes = minutes
    meeting.lock_version += 1
    save_validated(meeting)
    if attendees is not None:
        meeting.attendees.all().delete()
        for data in attendees:
            save_validated(UvoAttendee(meeting=meeting, **data))
    _tell_systems(WebhookEventType.UVO_HELD, meeting.case_id, uvo_meeting=meeting.pk)
    return meeting


@audited
@transaction.atomic
def uvo_cancel(*, meeting: UvoMeeting, by, reason: str) -> UvoMeeting:
    meeting = _locked_meeting(meeting, None)
    require(uvo_can_manage(by, meeting.case), _("The regisseur cancels the UVO."))
    if meeting.status != UvoStatus.PLANNED:
        raise DomainError(_("Only a planned UVO can be cancelled."), code="invalid_transition")
    if not reason.strip():
        raise DomainError(_("Give the reason for cancelling."), code="invalid", status_code=400)
    meeting.status = UvoStatus.CANCELLED
    meeting.cancel_reason = reason
    meeting.lock_version += 1
    return save_validated(meeting)


# --- agreements ---------------------------------------------------------------------------------


@audited
@transaction.atomic
def agreement_create(
    *,
    case: Case,
    by,
    description: str,
    owner_organisation,
    deadline: date,
    owner_person=None,
    meeting: UvoMeeting | None = None,
) -> Agreement:
    """Record an afspraak, normally made at a UVO."""
    require(uvo_can_manage(by, case), _("The regisseur records agreements."))
    if meeting is not None and meeting.case_id != case.pk:
        raise DomainError(_("This UVO belongs to another case."), code="invalid", status_code=400)
    # Need-to-know: an organisation off the team could neither see nor update the agreement,
    # yet its people would get the reminders, with the person's name.
    if not case.team.filter(organisation=owner_organisation, left_on__isnull=True).exists():
        raise DomainError(
            _("The organisation is not on the case team."), code="invalid", status_code=400
        )
    agreement = save_validated(
        Agreement(
            case=case,
            meeting=meeting,
            description=description,
            owner_organisation=owner_organisation,
            owner_person=owner_person,
            deadline=deadline,
        )
    )
    from meetings.notify import notify, organisation_people

    notify(
        event=NotificationEvent.AGREEMENT_ASSIGNED,
        case=case,
        by=by,
        recipients={owner_person.pk}
        if owner_person is not None
        else organisation_people(case=case, organisation_ids={owner_organisation.pk}),
        message=gettext_lazy("An agreement for %(name)s is yours, deadline %(deadline)s: %(what)s"),
        params={
            "deadline": f"{deadline.day:02d}-{deadline.month:02d}-{deadline.year}",
            "what": description[:200],
        },
        part=CasePart.UVO,
        link=reverse("meetings:case_uvos", args=[case.pk]),
    )
    _tell_systems(WebhookEventType.AGREEMENT_CREATED, case.pk, agreement=agreement.pk)
    return agreement


def agreement_version(agreement: Agreement) -> str:
    """The agreement's version as an ETag: every change of its status or note moves it."""
    changed = agreement.status_changed_at
    return f'"agreement-{agreement.pk}-{int(changed.timestamp() * 1_000_000) if changed else 0}"'


@audited
@transaction.atomic
def agreement_set_status(
    *, agreement: Agreement, by, status: str, note: str = "", expected_version: str | None = None
) -> Agreement:
    """The owner (or the regisseur) marks an agreement done or not done, or reopens it. With
    `expected_version` (an `If-Match`), a change since that version is refused (`stale`),
    compared under the row lock."""
    agreement = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("case")
        .get(pk=agreement.pk)
    )
    require(
        agreement_can_update(by, agreement),
        _("Only the owning organisation or the regisseur updates this agreement."),
    )
    if expected_version is not None and agreement_version(agreement) != expected_version:
        raise DomainError(
            _("The agreement changed since you read it. Read it again and retry."),
            code="stale",
            status_code=412,
        )
    if status not in AgreementStatus.values:
        raise DomainError(_("Unknown status."), code="invalid", status_code=400)
    agreement.status = status
    agreement.status_note = note
    agreement.status_changed_at = timezone.now()
    agreement.status_changed_by = by
    save_validated(agreement)
    if status != AgreementStatus.OPEN:
        _tell_systems(
            WebhookEventType.AGREEMENT_DONE,
            agreement.case_id,
            agreement=agreement.pk,
            status=status,
        )
    return agreement


def _tell_systems(event_type: str, case_id: int, *, status: str = "", **resources: int) -> None:
    """A webhook event about UVOs and agreements (`meetings.webhooks`)."""
    data = {name: resource(name.replace("_", ""), pk) for name, pk in resources.items()}
    if status:
        data["status"] = status
    webhook_emit(type=event_type, case_id=case_id, part=CasePart.UVO, data=data)


# --- notifications and the calendar feed --------------------------------------------------------


def notification_mark_read(*, notification: Notification, by) -> None:
    """Mark one's own notification read (one about a case one no longer sees stays as it is)."""
    if notification.user_id != by.pk:
        raise NotAllowed(_("This is someone else's notification."))
    if notification.read_at is None:
        Notification.objects.filter(
            notification_visibility_filter(by), pk=notification.pk, read_at__isnull=True
        ).update(read_at=timezone.now())
        forget_work_counts([by.pk])


def notifications_mark_all_read(*, by) -> int:
    """Mark all one's notifications read that one may still see; returns how many."""
    marked = Notification.objects.filter(
        notification_visibility_filter(by), read_at__isnull=True
    ).update(read_at=timezone.now())
    forget_work_counts([by.pk])
    return marked


def notification_preference_set(*, by, email: bool, digest: bool = False) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.update_or_create(
        user=by, defaults={"email": email, "digest": digest}
    )
    return preference


def calendar_feed_get(*, by) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=by)
    return feed


def calendar_feed_revoke(*, by) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed = calendar_feed_get(by=by)
    feed.rotate()
    return feed
