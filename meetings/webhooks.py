"""Webhooks: partner systems are told of changes to the cases their organisation is on.

1. **Outbox.** A service that changes something records a `WebhookEvent` in its own
   transaction (`webhook_emit`; case events through `on_case_event`): no event for rolled-back
   data, none lost by a crash after the commit. The payload carries the event type, ids and API
   URLs only: the receiver reads the rest through the API, with its own need-to-know.
2. **Fan-out** (`fan_out`, after commit and every minute): one `WebhookDelivery` per active
   subscription of that event type whose system account sees the event's part of the case now
   (`Case.objects.visible_to`, the rule every page and the API use). Unique per (subscription,
   event): a second fan-out makes nothing twice.
3. **Delivery** (`deliver_due`): claimed with `SELECT … FOR UPDATE SKIP LOCKED` (two workers never
   send one delivery), POSTed signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`,
   `webhook-signature`: HMAC-SHA256 over `id.timestamp.body`), every attempt logged. A 2xx answer
   is delivered, and nothing is sent again after it except by hand (`webhook_redeliver`).
   Otherwise the next attempt waits per `RETRY_DELAYS` (the schedule the Standard Webhooks
   specification suggests), after the last it is failed. After `REGIE_WEBHOOK_DISABLE_AFTER`
   failed attempts in a row the subscription is disabled and the beheerders are told.
   **Renewing the secret** cuts no one off: for `REGIE_WEBHOOK_SECRET_OVERLAP_HOURS` the old
   secret signs alongside the new one (two signatures in `webhook-signature`, which the
   specification allows for this), so the partner's check passes with either until it has
   deployed the new one; after that only the new one signs (`signing_secrets`).
4. **Crash.** A worker killed between claiming and recording leaves the delivery "sending": the
   sweeper puts it back after `REGIE_WEBHOOK_STALE_SECONDS` and it is sent again with the same
   `webhook-id`, so a receiver that got it already can tell (at-least-once; never again once a
   success was recorded).
"""

from __future__ import annotations

import json
import logging
import secrets
import time
import urllib.error
import urllib.request
import uuid
from base64 import b64encode
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks.webhooks import Webhook

from acvz.audit import audited
from acvz.errors import DomainError, NotAllowed
from cases.models import Case
from cases.policies import CasePart
from meetings.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryState,
    WebhookEvent,
    WebhookEventType,
    WebhookSubscription,
)

logger = logging.getLogger(__name__)

#: Waits before the 2nd … 8th attempt (Standard Webhooks' suggested schedule, ~28 hours).
RETRY_DELAYS = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
#: Deliveries claimed and sent per round.
BATCH_SIZE = 100
USER_AGENT = "Regie-Webhooks/1"


# --- subscriptions ------------------------------------------------------------------------------


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + b64encode(secrets.token_bytes(32)).decode()


def _check_url(url: str) -> None:
    allowed = ("https://", "http://") if settings.REGIE_WEBHOOK_ALLOW_HTTP else ("https://",)
    if not url.lower().startswith(allowed):
        raise ValidationError({"url": _("The endpoint must be an https:// address.")})


def _check_event_types(event_types: list[str]) -> None:
    if not event_types or not set(event_types) <= set(WebhookEventType.values):
        raise ValidationError({"event_types": _("Choose one or more events.")})


def _require_manager(by) -> None:
    if not by.has_perm("meetings.change_webhooksubscription"):
        raise NotAllowed(_("Only a beheerder manages webhooks."))


@audited
@transaction.atomic
def webhook_subscribe(
    *, by, user, url: str, event_types: list[str], description: str = ""
) -> tuple[WebhookSubscription, str]:
    """A subscription for the partner system acting as `user` (its organisation's need-to-know);
    returns it with its secret, which is shown this once."""
    if not by.has_perm("meetings.add_webhooksubscription"):
        raise NotAllowed(_("Only a beheerder manages webhooks."))
    if user.organisation_id is None or not user.is_active:
        raise ValidationError({"user": _("Choose an active account of a partner organisation.")})
    _check_url(url)
    _check_event_types(event_types)
    secret = new_secret()
    subscription = WebhookSubscription(
        organisation_id=user.organisation_id,
        user=user,
        url=url,
        event_types=sorted(set(event_types)),
        description=description,
        secret=secret,
        created_by=by,
    )
    subscription.full_clean()
    subscription.save()
    return subscription, secret


def _locked(subscription: WebhookSubscription, expected_lock_version: int | None):
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    if expected_lock_version is not None and expected_lock_version != subscription.lock_version:
        raise DomainError(
            _("Someone else changed this subscription meanwhile; read it again."), code="stale"
        )
    subscription.lock_version += 1
    return subscription


@audited
@transaction.atomic
def webhook_change(
    *,
    subscription: WebhookSubscription,
    by,
    url: str,
    event_types: list[str],
    description: str,
    expected_lock_version: int | None = None,
) -> WebhookSubscription:
    _require_manager(by)
    subscription = _locked(subscription, expected_lock_version)
    _check_url(url)
    _check_event_types(event_types)
    subscription.url = url
    subscription.event_types = sorted(set(event_types))
    subscription.description = description
    subscription.full_clean()
    subscription.save()
    return subscription


@audited
@transaction.atomic
def webhook_set_active(
    *, subscription: WebhookSubscription, by, active: bool, expected_lock_version=None
) -> WebhookSubscription:
    """Switch a subscription off, or on again (after a disable: its waiting deliveries go out,
    the count of failures starts again)."""
    _require_manager(by)
    subscription = _locked(subscription, expected_lock_version)
    subscription.active = active
    if active:
        subscription.consecutive_failures = 0
        subscription.disabled_at = None
        subscription.disabled_reason = ""
    else:
        subscription.disabled_at = timezone.now()
        subscription.disabled_reason = _("Switched off by %(user)s.") % {"user": by}
    subscription.save()
    if active:
        transaction.on_commit(_queue_dispatch)
    return subscription


@audited
@transaction.atomic
def webhook_renew_secret(
    *, subscription: WebhookSubscription, by, expected_lock_version: int | None = None
) -> tuple[WebhookSubscription, str]:
    """A new secret, signing from the next attempt on; returned to be shown once. The secret it
    replaces keeps signing alongside it for `REGIE_WEBHOOK_SECRET_OVERLAP_HOURS`. There is one
    previous secret at a time: a second renewal within that time stops the oldest at once."""
    _require_manager(by)
    subscription = _locked(subscription, expected_lock_version)
    overlap = timedelta(hours=settings.REGIE_WEBHOOK_SECRET_OVERLAP_HOURS)
    if overlap:
        subscription.previous_secret = subscription.secret
        subscription.previous_secret_until = timezone.now() + overlap
    else:
        subscription.previous_secret = ""
        subscription.previous_secret_until = None
    secret = new_secret()
    subscription.secret = secret
    subscription.save()
    return subscription, secret


def signing_secrets(subscription: WebhookSubscription, *, at: datetime) -> list[str]:
    """The secrets that sign an attempt at `at`: the current one, and the one before it while
    the overlap after a renewal lasts."""
    signing = [subscription.secret]
    until = subscription.previous_secret_until
    if subscription.previous_secret and until is not None and at < until:
        signing.append(subscription.previous_secret)
    return signing


@audited
@transaction.atomic
def webhook_redeliver(*, delivery: WebhookDelivery, by) -> WebhookDelivery:
    """Send a delivery again now (delivered, failed or waiting), with the same webhook-id and a
    fresh retry schedule; its next attempt is logged as manual."""
    _require_manager(by)
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.state == WebhookDeliveryState.SENDING:
        raise DomainError(_("This delivery is being sent right now."), code="conflict")
    delivery.state = WebhookDeliveryState.PENDING
    delivery.next_attempt_at = timezone.now()
    delivery.attempts = 0
    delivery.manual = True
    delivery.save(update_fields=["state", "next_attempt_at", "attempts", "manual"])
    transaction.on_commit(_queue_dispatch)
    return delivery


# --- the outbox ---------------------------------------------------------------------------------


def api_url(name: str, pk: int) -> str:
    return settings.REGIE_SITE_URL.rstrip("/") + reverse(
        f"api:{name}-detail", kwargs={"version": "v1", "pk": pk}
    )


def resource(name: str, pk: int) -> dict:
    """A resource in a payload: its id and API URL (`name`: the API route, e.g. `uvomeeting`)."""
    return {"id": pk, "url": api_url(name, pk)}


def webhook_emit(
    *,
    type: str,
    case_id: int,
    part: str,
    data: dict | None = None,
    also: list[int] | tuple = (),
    only: list[int] | None = None,
) -> WebhookEvent:
    """Record an event in the current transaction; it is fanned out and sent after commit."""
    event = WebhookEvent.objects.create(
        type=type,
        case_id=case_id,
        part=part,
        data={"case": resource("case", case_id), **(data or {})},
        also_organisation_ids=sorted(set(also)),
        only_organisation_ids=None if only is None else sorted(set(only)),
    )
    _dispatch_after_commit()
    return event


def _dispatch_after_commit() -> None:
    """Once per transaction, however many events it records (a batch of 1,000 offences)."""
    if not any(hook is _queue_dispatch for _ids, hook, _robust in connection.run_on_commit):
        transaction.on_commit(_queue_dispatch)


def _queue_dispatch() -> None:
    from meetings.services import enqueue
    from meetings.tasks import webhooks_dispatch

    # With the broker down nothing is lost: the sweep (every minute) does the same.
    enqueue(webhooks_dispatch)


def on_case_event(sender, *, event: str, case, by, **details) -> None:
    """Receiver of `cases.events.case_event`: the events a partner system may subscribe to."""
    plan = details.get("plan")
    common = {"case_id": case.pk}
    if event in ("appointed", "handed_over"):
        webhook_emit(type=WebhookEventType.CASE_ASSIGNED, part=CasePart.OVERVIEW, **common)
    elif event in ("team_joined", "team_left"):
        organisation = details["organisation"]
        webhook_emit(
            type=WebhookEventType.TEAM_JOINED
            if event == "team_joined"
            else WebhookEventType.TEAM_LEFT,
            part=CasePart.OVERVIEW,
            data={"organisation": {"id": organisation.pk, "code": organisation.code}},
            # The organisation that left sees the case no more, yet it is the one to tell.
            also=[organisation.pk] if event == "team_left" else (),
            **common,
        )
    elif event == "plan_submitted":
        from plans.models import Commitment

        webhook_emit(
            type=WebhookEventType.PLAN_SUBMITTED,
            part=CasePart.PLAN,
            data={"plan": resource("plan", plan.pk)},
            **common,
        )
        asked = list(
            plan.goals.filter(commitment=Commitment.PENDING).values_list(
                "responsible_organisation_id", flat=True
            )
        )
        if asked:
            webhook_emit(
                type=WebhookEventType.COMMITMENT_ASKED,
                part=CasePart.PLAN,
                data={"plan": resource("plan", plan.pk)},
                only=asked,
                **common,
            )
    elif event in ("plan_approved", "plan_returned"):
        webhook_emit(
            type=WebhookEventType.PLAN_APPROVED
            if event == "plan_approved"
            else WebhookEventType.PLAN_RETURNED,
            part=CasePart.PLAN,
            data={"plan": resource("plan", plan.pk)},
            **common,
        )
    elif event == "timeline":
        timeline_event = details["timeline_event"]
        webhook_emit(
            type=WebhookEventType.TIMELINE_EVENT,
            part=CasePart.TIMELINE,
            data={
                "timeline_event": {
                    "id": timeline_event.pk,
                    "url": settings.REGIE_SITE_URL.rstrip("/")
                    + reverse("api:case-timeline", kwargs={"version": "v1", "pk": case.pk}),
                }
            },
            **common,
        )


def agreements_due(findings: list[tuple[int, int, datetime]]) -> None:
    """The daily scan's new "agreement past its deadline" findings, (agreement, case, due),
    recorded in the scan's transaction: one INSERT however many."""
    if not findings:
        return
    WebhookEvent.objects.bulk_create(
        WebhookEvent(
            type=WebhookEventType.AGREEMENT_DUE,
            case_id=case_id,
            part=CasePart.UVO,
            data={
                "case": resource("case", case_id),
                "agreement": resource("agreement", agreement_id),
                "deadline": due.isoformat(),
            },
        )
        for agreement_id, case_id, due in findings
    )
    _dispatch_after_commit()


# --- fan-out ------------------------------------------------------------------------------------


def fan_out(*, limit: int = 1000) -> int:
    """Turn waiting events into deliveries for the subscriptions that may know of them."""
    with transaction.atomic():
        events = list(
            WebhookEvent.objects.select_for_update(skip_locked=True)
            .filter(fanned_out_at__isnull=True)
            .order_by("pk")[:limit]
        )
        if not events:
            return 0
        subscriptions = list(
            # Also those switched off: their deliveries wait until they are on again.
            WebhookSubscription.objects.filter(user__is_active=True).select_related("user")
        )
        sees: dict[tuple[int, int, str], bool] = {}
        deliveries = []
        for event in events:
            for subscription in subscriptions:
                if event.type not in subscription.event_types:
                    continue
                if event.created_at < subscription.created_at:
                    continue  # from before the subscription
                only = event.only_organisation_ids
                if only is not None and subscription.organisation_id not in only:
                    continue
                key = (subscription.pk, event.case_id, event.part)
                if key not in sees:
                    sees[key] = (
                        Case.objects.visible_to(subscription.user, part=event.part)
                        .filter(pk=event.case_id)
                        .exists()
                    )
                if sees[key] or subscription.organisation_id in event.also_organisation_ids:
                    deliveries.append(
                        WebhookDelivery(
                            subscription=subscription,
                            event=event,
                            message_id=f"msg_{uuid.uuid4().hex}",
                            next_attempt_at=event.created_at,
                        )
                    )
        WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        WebhookEvent.objects.filter(pk__in=[e.pk for e in events]).update(
            fanned_out_at=timezone.now()
        )
    return len(deliveries)


# --- delivery -----------------------------------------------------------------------------------


def payload(delivery: WebhookDelivery) -> str:
    event = delivery.event
    return json.dumps(
        {"type": event.type, "timestamp": event.created_at.isoformat(), "data": event.data},
        separators=(",", ":"),
        sort_keys=True,
    )


def signed_headers(
    *, signing: list[str], message_id: str, body: str, at: datetime
) -> dict[str, str]:
    """The Standard Webhooks headers, with one signature per secret, space-delimited
    (`v1,<new> v1,<old>`): the specification's way to rotate a secret without downtime. A
    receiver accepts the message when any one of them matches its secret, which is what
    standardwebhooks' `Webhook.verify` does (1.1.0: it splits the header on spaces and compares
    each `v1` signature with `hmac.compare_digest`, passing on the first match)."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(
            Webhook(secret).sign(message_id, at, body) for secret in signing
        ),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a new address to send the event to."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post(url: str, body: str, headers: dict[str, str]) -> tuple[int | None, str]:
    """POST and return (status, error); a status of None is a network failure."""
    request = urllib.request.Request(  # noqa: S310  (https unless REGIE_WEBHOOK_ALLOW_HTTP)
        url, data=body.encode(), headers=headers, method="POST"
    )
    try:
        with _opener.open(request, timeout=settings.REGIE_WEBHOOK_TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, str(getattr(error, "reason", error))[:300]


def claim(*, now: datetime, limit: int = BATCH_SIZE) -> list[WebhookDelivery]:
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(
                state=WebhookDeliveryState.PENDING,
                next_attempt_at__lte=now,
                subscription__active=True,
            )
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        WebhookDelivery.objects.filter(pk__in=ids).update(
            state=WebhookDeliveryState.SENDING, claimed_at=now
        )
    return list(
        WebhookDelivery.objects.filter(pk__in=ids)
        .select_related("subscription", "event")
        .order_by("next_attempt_at", "pk")
    )


def send(delivery: WebhookDelivery) -> bool:
    """One attempt: sign, POST, record. True when the receiver took it (2xx)."""
    subscription = delivery.subscription
    body = payload(delivery)
    at = timezone.now()
    headers = signed_headers(
        signing=signing_secrets(subscription, at=at),
        message_id=delivery.message_id,
        body=body,
        at=at,
    )
    started = time.monotonic()
    status, error = post(subscription.url, body, headers)
    took = int((time.monotonic() - started) * 1000)
    ok = status is not None and 200 <= status < 300
    _record(delivery, ok=ok, status=status, error=error, took=took)
    return ok


@transaction.atomic
def _record(delivery: WebhookDelivery, *, ok: bool, status, error: str, took: int) -> None:
    now = timezone.now()
    WebhookAttempt.objects.create(
        delivery=delivery,
        at=now,
        status_code=status,
        error=error,
        duration_ms=took,
        manual=delivery.manual,
    )
    attempts = delivery.attempts + 1
    changes = {"attempts": attempts, "claimed_at": None, "manual": False}
    if ok:
        changes |= {"state": WebhookDeliveryState.DELIVERED, "delivered_at": now}
    elif attempts > len(RETRY_DELAYS):
        changes |= {"state": WebhookDeliveryState.FAILED}
    else:
        changes |= {
            "state": WebhookDeliveryState.PENDING,
            "next_attempt_at": now + RETRY_DELAYS[attempts - 1],
        }
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**changes)
    subscriptions = WebhookSubscription.objects.filter(pk=delivery.subscription_id)
    if ok:
        subscriptions.update(consecutive_failures=0, last_delivered_at=now)
        return
    subscriptions.update(consecutive_failures=F("consecutive_failures") + 1)
    subscription = subscriptions.select_for_update().get()
    if subscription.active and (
        subscription.consecutive_failures >= settings.REGIE_WEBHOOK_DISABLE_AFTER
    ):
        _disable(subscription, status=status, error=error)


def _disable(subscription: WebhookSubscription, *, status, error: str) -> None:
    subscription.active = False
    subscription.disabled_at = timezone.now()
    subscription.disabled_reason = _(
        "Disabled after %(count)s failed attempts in a row (last answer: %(answer)s)."
    ) % {
        "count": subscription.consecutive_failures,
        "answer": status if status is not None else error[:100],
    }
    subscription.save(update_fields=["active", "disabled_at", "disabled_reason"])
    transaction.on_commit(lambda: tell_beheerders(subscription))


def tell_beheerders(subscription: WebhookSubscription) -> None:
    """The beheerders learn of a disabled subscription by e-mail (it is also on the page)."""
    from meetings.notify import holders_of
    from partners.models import User

    recipients = list(
        User.objects.filter(pk__in=holders_of("meetings.change_webhooksubscription"))
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return
    link = settings.REGIE_SITE_URL.rstrip("/") + reverse("meetings:webhook", args=[subscription.pk])
    try:
        send_mail(
            _("Regie: webhook disabled (%(organisation)s)")
            % {"organisation": subscription.organisation},
            _("The webhook subscription %(url)s was disabled: %(reason)s\n\n%(link)s")
            % {"url": subscription.url, "reason": subscription.disabled_reason, "link": link},
            None,
            recipients,
        )
    except OSError:
        logger.warning("could not mail the beheerders about webhook %s", subscription.pk)


def deliver_due(*, now: datetime | None = None, rounds: int = 10) -> int:
    """Send what is due, in rounds of `BATCH_SIZE`; returns the number delivered."""
    delivered = 0
    for _round in range(rounds):
        batch = claim(now=now or timezone.now())
        if not batch:
            break
        delivered += sum(send(delivery) for delivery in batch)
    return delivered


def release_stale(*, now: datetime) -> int:
    """Deliveries a crash left "sending": due again (same webhook-id)."""
    stale = now - timedelta(seconds=settings.REGIE_WEBHOOK_STALE_SECONDS)
    return WebhookDelivery.objects.filter(
        state=WebhookDeliveryState.SENDING, claimed_at__lt=stale
    ).update(state=WebhookDeliveryState.PENDING, claimed_at=None, next_attempt_at=now)


def forget_previous_secrets(*, now: datetime) -> int:
    """Old secrets whose overlap has passed: emptied, so they sign nothing and are kept nowhere.
    (Neither field is in the history, so an UPDATE loses no history row.)"""
    return WebhookSubscription.objects.filter(previous_secret_until__lte=now).update(
        previous_secret="", previous_secret_until=None
    )


def forget_old(*, now: datetime) -> int:
    """Events (with their deliveries and log) older than `REGIE_WEBHOOK_KEEP_DAYS`."""
    cutoff = now - timedelta(days=settings.REGIE_WEBHOOK_KEEP_DAYS)
    deleted, _per_model = WebhookEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def dispatch() -> int:
    fan_out()
    return deliver_due()


def sweep() -> int:
    now = timezone.now()
    release_stale(now=now)
    forget_previous_secrets(now=now)
    forget_old(now=now)
    return dispatch()
