"""The e-mail outbox: each notification's e-mail leaves once, as far as SMTP allows.

States (`EmailState`): pending → sending (claimed by one task, `email_claimed_at`) → sent once the
mail server accepted the message (never before), or back to pending after a failure, until
failed after `REGIE_EMAIL_MAX_ATTEMPTS`. A notification whose user does not want e-mail or no
longer sees the case is skipped. Every mail carries the notification's stable Message-ID.

A process that dies between handing a mail to the server and recording it leaves the mail
"sending": the sweeper (`email_sweep`, every 5 minutes) puts what stayed sending longer than
`REGIE_EMAIL_STALE_SECONDS` back to pending and sends it again, with the same Message-ID (the one
case where SMTP may deliver twice; a receiving server or client can recognise it). Claims use
`SELECT … FOR UPDATE SKIP LOCKED`, so two tasks never send the same notification.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meetings.models import EmailState, Notification, NotificationPreference

logger = logging.getLogger(__name__)

#: Notifications claimed (one UPDATE) and sent over one SMTP connection together.
EMAIL_BATCH_SIZE = 500
#: How far back the outbox looks for unread notifications whose e-mail never went out.
EMAIL_CATCH_UP_DAYS = 7

#: Errors about one message or recipient: the others of the batch are still sent.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused)


def pending_ids(*, since: datetime, digest: bool = False) -> list[int]:
    """Unread notifications since then whose e-mail waits, of users who want e-mail: one by
    one, or (`digest`) of those who want one e-mail a day."""
    pending = (
        Notification.objects.filter(
            email_state=EmailState.PENDING, read_at__isnull=True, created_at__gte=since
        )
        .exclude(user__email="")
        .exclude(user__notification_preference__email=False)
    )
    if digest:
        pending = pending.filter(user__notification_preference__digest=True)
    else:
        pending = pending.exclude(user__notification_preference__digest=True)
    return list(pending.order_by("pk").values_list("pk", flat=True))


def absolute(path: str) -> str:
    return settings.REGIE_SITE_URL.rstrip("/") + path


def claim(notification_ids: list[int], *, now: datetime) -> set[int]:
    """Mark these notifications sending, in one UPDATE, and return the ids this call claimed:
    not those sent or claimed already, nor those another task is claiming now (locked)."""
    with transaction.atomic():
        claimable = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk__in=notification_ids, email_state=EmailState.PENDING)
            .order_by()
            .values_list("pk", flat=True)
        )
        if claimable:
            Notification.objects.filter(pk__in=claimable).update(
                email_state=EmailState.SENDING,
                email_claimed_at=now,
                email_attempts=F("email_attempts") + 1,
            )
    return set(claimable)


def _failed(notification_ids, error: Exception) -> None:
    """Back to pending for another attempt, or failed after the last one."""
    text = f"{type(error).__name__}: {error}"[:200]
    claimed = Notification.objects.filter(pk__in=notification_ids, email_state=EmailState.SENDING)
    claimed.filter(email_attempts__gte=settings.REGIE_EMAIL_MAX_ATTEMPTS).update(
        email_state=EmailState.FAILED, email_error=text
    )
    claimed.update(email_state=EmailState.PENDING, email_error=text)


def _disclosed(notifications: list[Notification]) -> None:
    """An e-mail names the person of its case: a disclosure to the address it went to (one
    insert for the e-mail, however many notifications a digest holds)."""
    from cases.disclosure import basis_code, e_mail
    from cases.models import Disclosure, DisclosureChannel

    Disclosure.objects.bulk_create(
        Disclosure(
            person_id=n.case.person_id,
            case_id=n.case_id,
            channel=DisclosureChannel.EMAIL,
            recipient_user_id=n.user_id,
            recipient=n.user.email[:200],
            what=e_mail(n.title),
            basis_id=basis_code(DisclosureChannel.EMAIL),
        )
        for n in notifications
        if n.case_id is not None
    )


def _message(notification: Notification, connection) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Regie: %(title)s") % {"title": notification.title}
    message = EmailMessage(
        subject=subject,
        body=f"{notification.message}\n\n{absolute(notification.get_link())}\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.user.email],
        headers={"Message-ID": notification.message_id},
        connection=connection,
    )
    if notification.meeting_id is not None:
        from meetings.calendar import invitation_ics

        message.attach("uvo.ics", invitation_ics(notification.meeting), "text/calendar")
    return message


def send(notification_ids: list[int]) -> int:
    """E-mail these notifications (those still pending), each once; return how many were sent.
    Raises on a failure of the mail server as a whole, after releasing what it did not send."""
    from meetings.selectors import notifications_deliverable

    preferences = dict(NotificationPreference.objects.values_list("user_id", "digest"))
    opted_out = set(
        NotificationPreference.objects.filter(email=False).values_list("user_id", flat=True)
    )
    deliverable = notifications_deliverable(notification_ids=notification_ids)
    # Those who want a daily digest get these with it (`send_digests`): they stay pending.
    digest = {
        n.pk for n in deliverable if preferences.get(n.user_id) and n.user_id not in opted_out
    }
    deliverable = [n for n in deliverable if n.pk not in digest]
    wanted = [n for n in deliverable if n.user_id not in opted_out and n.user.email]
    unwanted = set(notification_ids) - {n.pk for n in wanted} - digest
    if unwanted:
        Notification.objects.filter(pk__in=unwanted, email_state=EmailState.PENDING).update(
            email_state=EmailState.SKIPPED
        )
    sent = 0
    for start in range(0, len(wanted), EMAIL_BATCH_SIZE):
        batch = wanted[start : start + EMAIL_BATCH_SIZE]
        claimed = claim([n.pk for n in batch], now=timezone.now())
        unsent = set(claimed)
        try:
            with get_connection() as connection:
                for notification in batch:
                    if notification.pk not in claimed:
                        continue  # sent already, or claimed meanwhile by another task
                    try:
                        _message(notification, connection).send()
                    except MESSAGE_ERRORS as error:
                        unsent.discard(notification.pk)
                        _failed([notification.pk], error)
                        logger.warning(
                            "e-mail of notification %s refused: %s", notification.pk, error
                        )
                        continue
                    # Accepted by the mail server: only now is it sent (and disclosed).
                    with transaction.atomic():
                        Notification.objects.filter(pk=notification.pk).update(
                            email_state=EmailState.SENT, emailed_at=timezone.now(), email_error=""
                        )
                        _disclosed([notification])
                    unsent.discard(notification.pk)
                    sent += 1
        except Exception as error:
            _failed(unsent, error)
            raise
    return sent


def sweep(*, now: datetime | None = None) -> int:
    """Put back what a crash left sending, then send every pending e-mail; return the count."""
    now = now or timezone.now()
    stale = Notification.objects.filter(
        email_state=EmailState.SENDING,
        email_claimed_at__lt=now - timedelta(seconds=settings.REGIE_EMAIL_STALE_SECONDS),
    )
    recovered = stale.update(email_state=EmailState.PENDING)
    if recovered:
        logger.warning("email_sweep: %s e-mails left sending by a crash are sent again", recovered)
    failed_out = Notification.objects.filter(
        email_state=EmailState.PENDING, email_attempts__gte=settings.REGIE_EMAIL_MAX_ATTEMPTS
    ).update(email_state=EmailState.FAILED)
    if failed_out:
        logger.error("email_sweep: %s e-mails failed after their last attempt", failed_out)
    ids = pending_ids(since=now - timedelta(days=EMAIL_CATCH_UP_DAYS))
    return send(ids) if ids else 0


def send_digests(*, now: datetime | None = None) -> int:
    """Once a day: to each user who wants a digest, one e-mail with what waits for them;
    return how many e-mails went out. Each notification in it is marked sent once the mail
    server accepted the digest (claimed first, like single e-mails)."""
    from meetings.selectors import notifications_deliverable

    now = now or timezone.now()
    ids = pending_ids(since=now - timedelta(days=EMAIL_CATCH_UP_DAYS), digest=True)
    by_user: dict[int, list[Notification]] = {}
    for notification in notifications_deliverable(notification_ids=ids):
        by_user.setdefault(notification.user_id, []).append(notification)
    unseen = set(ids) - {n.pk for group in by_user.values() for n in group}
    if unseen:
        Notification.objects.filter(pk__in=unseen, email_state=EmailState.PENDING).update(
            email_state=EmailState.SKIPPED
        )
    sent = 0
    with get_connection() as connection:
        for notifications in by_user.values():
            claimed = claim([n.pk for n in notifications], now=now)
            batch = [n for n in notifications if n.pk in claimed]
            if not batch:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                subject = _("Regie: %(count)s new notifications") % {"count": len(batch)}
            body = "\n\n".join(f"{n.title}: {n.message}\n{absolute(n.get_link())}" for n in batch)
            try:
                EmailMessage(
                    subject=subject,
                    body=body + "\n",
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[batch[0].user.email],
                    headers={
                        "Message-ID": f"<regie.digest.{batch[0].pk}@{settings.REGIE_MAIL_DOMAIN}>"
                    },
                    connection=connection,
                ).send()
            except MESSAGE_ERRORS as error:
                _failed([n.pk for n in batch], error)
                continue
            with transaction.atomic():
                Notification.objects.filter(pk__in=[n.pk for n in batch]).update(
                    email_state=EmailState.SENT, emailed_at=timezone.now(), email_error=""
                )
                _disclosed(batch)
            sent += 1
    return sent
