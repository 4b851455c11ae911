"""Webhooks (issue 13): an outbox written with the change, fanned out by need-to-know, signed
per Standard Webhooks, delivered to a real HTTP receiver with retries, a delivery log, manual
redelivery and auto-disable; the beheerder's pages."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from cases import services as case_services
from meetings import services, webhooks
from meetings.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryState,
    WebhookEvent,
    WebhookEventType,
    WebhookSubscription,
)
from meetings.reminders import reminders_scan
from partners.models import Role

ALL = WebhookEventType.values


class Receiver:
    """A partner system's endpoint on this machine: records every request and answers with
    the next status of `answers` (the last one repeats)."""

    def __init__(self, answers=(204,)):
        self.answers = list(answers)
        self.requests: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.requests.append({"headers": headers, "body": body})
                status = (
                    receiver.answers.pop(0) if len(receiver.answers) > 1 else receiver.answers[0]
                )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/regie"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def verified(self, secret: str) -> list[dict]:
        """Every request's payload, each checked against its signature (raises if one fails)."""
        return [Webhook(secret).verify(r["body"], r["headers"]) for r in self.requests]

    def ids(self) -> list[str]:
        return [r["headers"]["webhook-id"] for r in self.requests]


@pytest.fixture
def receiver():
    made = []

    def make(answers=(204,)):
        made.append(Receiver(answers))
        return made[-1]

    yield make
    for r in made:
        r.close()


@pytest.fixture
def clock(time_machine):
    """Time that the test moves on (`clock.shift(...)`)."""
    time_machine.move_to(timezone.now())
    return time_machine


@pytest.fixture
def systems(make_user, orgs):
    """Partner-system accounts of WPI (on `team_case`) and DJI (not on it)."""
    return {
        code: make_user(Role.PARTNER_SYSTEM, username=f"sys-{code}", organisation=orgs[code])
        for code in ("WPI", "DJI", "GGD", "OM")
    }


def subscribe(people, system, url, event_types=ALL):
    return webhooks.webhook_subscribe(
        by=people["beheerder"], user=system, url=url, event_types=list(event_types)
    )


def run() -> int:
    """What the task does after a commit."""
    return webhooks.dispatch()


def plan_uvo(case, people) -> object:
    return services.uvo_plan(
        case=case, by=people["regisseur"], planned_at=timezone.now() + timedelta(days=7)
    )


# --- the outbox ---------------------------------------------------------------------------------


def test_an_event_is_written_with_the_change_and_only_ids_travel(team_case, people):
    meeting = plan_uvo(team_case, people)
    event = WebhookEvent.objects.get(type=WebhookEventType.UVO_PLANNED)
    assert event.case_id == team_case.pk
    assert event.data["uvo_meeting"]["id"] == meeting.pk
    assert event.data["uvo_meeting"]["url"].endswith(f"/api/v1/uvo-meetings/{meeting.pk}")
    assert event.data["case"]["url"].endswith(f"/api/v1/cases/{team_case.pk}")
    assert team_case.person.last_name not in json.dumps(event.data)


def test_a_rolled_back_change_leaves_no_event(team_case, people):
    def request():
        with transaction.atomic():
            plan_uvo(team_case, people)
            raise RuntimeError("the request failed after the service")

    with pytest.raises(RuntimeError):
        request()
    assert not WebhookEvent.objects.filter(type=WebhookEventType.UVO_PLANNED).exists()


def test_one_dispatch_is_queued_per_transaction_however_many_events(team_case, people):
    def queued() -> int:
        return sum(hook is webhooks._queue_dispatch for _s, hook, _r in connection.run_on_commit)

    with transaction.atomic():
        for _ in range(3):
            plan_uvo(team_case, people)
        assert queued() == 1
    assert WebhookEvent.objects.filter(type=WebhookEventType.UVO_PLANNED).count() == 3


# --- delivery -----------------------------------------------------------------------------------


def test_a_team_organisation_gets_a_signed_event_and_an_outsider_nothing(
    team_case, people, systems, receiver
):
    wpi, dji = receiver(), receiver()
    wpi_sub, wpi_secret = subscribe(people, systems["WPI"], wpi.url)
    subscribe(people, systems["DJI"], dji.url)
    meeting = plan_uvo(team_case, people)
    assert run() == 1
    [body] = wpi.verified(wpi_secret)
    assert body["type"] == "uvo.planned"
    assert body["data"]["uvo_meeting"]["id"] == meeting.pk
    assert body["data"]["case"]["id"] == team_case.pk
    assert dji.requests == []  # DJI is not on the case: not even that it exists
    delivery = WebhookDelivery.objects.get(subscription=wpi_sub)
    assert delivery.state == WebhookDeliveryState.DELIVERED
    assert wpi.ids() == [delivery.message_id]
    assert delivery.log.get().status_code == 204


def test_a_wrong_secret_does_not_verify(team_case, people, systems, receiver):
    wpi = receiver()
    subscribe(people, systems["WPI"], wpi.url)
    plan_uvo(team_case, people)
    run()
    with pytest.raises(Exception, match="signature"):
        wpi.verified(webhooks.new_secret())


def test_only_the_subscribed_event_types_are_sent(team_case, people, systems, receiver):
    wpi = receiver()
    subscribe(people, systems["WPI"], wpi.url, [WebhookEventType.AGREEMENT_CREATED])
    plan_uvo(team_case, people)
    services.agreement_create(
        case=team_case,
        by=people["regisseur"],
        description="Fictieve afspraak",
        owner_organisation=systems["WPI"].organisation,
        deadline=timezone.localdate() + timedelta(days=14),
    )
    run()
    assert [json.loads(r["body"])["type"] for r in wpi.requests] == ["agreement.created"]


def test_the_organisation_that_leaves_the_team_is_told(team_case, people, systems, receiver):
    wpi = receiver()
    subscribe(people, systems["WPI"], wpi.url, [WebhookEventType.TEAM_LEFT])
    case_services.team_member_leave(
        membership=team_case.team.get(organisation=systems["WPI"].organisation),
        by=people["regisseur"],
    )
    run()
    [request] = wpi.requests
    body = json.loads(request["body"])
    assert body["type"] == "case.team_left"
    assert body["data"]["organisation"]["code"] == "WPI"


def test_commitment_asked_goes_only_to_the_organisations_asked(
    team_case, people, systems, receiver, plan_at, orgs
):
    from plans import services as plan_services

    wpi, om = receiver(), receiver()
    subscribe(people, systems["WPI"], wpi.url, [WebhookEventType.COMMITMENT_ASKED])
    subscribe(people, systems["OM"], om.url, [WebhookEventType.COMMITMENT_ASKED])
    plan = plan_at("draft", case=team_case)  # goals for WPI, GGD and RN
    case_services.team_member_add(case=team_case, by=people["regisseur"], organisation=orgs["OM"])
    plan_services.plan_submit(plan=plan, by=people["regisseur"])
    run()
    assert [json.loads(r["body"])["type"] for r in wpi.requests] == ["commitment.asked"]
    assert om.requests == []  # on the team, but not asked


def test_an_agreement_past_its_deadline_is_an_event_once(team_case, people, systems, receiver):
    wpi = receiver()
    subscribe(people, systems["WPI"], wpi.url, [WebhookEventType.AGREEMENT_DUE])
    agreement = services.agreement_create(
        case=team_case,
        by=people["regisseur"],
        description="Fictieve afspraak",
        owner_organisation=systems["WPI"].organisation,
        deadline=timezone.localdate() - timedelta(days=1),
    )
    reminders_scan()
    reminders_scan()  # a second run finds the reminder made: no second event
    run()
    [request] = wpi.requests
    body = json.loads(request["body"])
    assert body["data"]["agreement"]["id"] == agreement.pk
    assert body["data"]["deadline"] == agreement.deadline.isoformat()


def test_a_failing_receiver_is_tried_again_with_the_same_id_until_it_takes_it(
    team_case, people, systems, receiver, clock
):
    wpi = receiver(answers=(500, 503, 200))
    subscription, secret = subscribe(people, systems["WPI"], wpi.url)
    plan_uvo(team_case, people)
    run()
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == WebhookDeliveryState.PENDING
    assert delivery.attempts == 1
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=4)
    assert run() == 0  # not yet due
    assert len(wpi.requests) == 1
    clock.shift(timedelta(seconds=6))
    run()
    clock.shift(timedelta(minutes=6))
    run()
    delivery.refresh_from_db()
    assert delivery.state == WebhookDeliveryState.DELIVERED
    assert [a.status_code for a in delivery.log.order_by("at")] == [500, 503, 200]
    assert set(wpi.ids()) == {delivery.message_id}
    last = wpi.requests[-1]
    assert Webhook(secret).verify(last["body"], last["headers"])["type"] == "uvo.planned"
    clock.shift(timedelta(hours=12))
    webhooks.sweep()
    assert len(wpi.requests) == 3  # never again after a success
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0


def test_a_delivery_fails_after_the_last_retry(team_case, people, systems, receiver, clock):
    wpi = receiver(answers=(500,))
    subscribe(people, systems["WPI"], wpi.url)
    plan_uvo(team_case, people)
    for delay in (timedelta(0), *webhooks.RETRY_DELAYS):
        clock.shift(delay + timedelta(seconds=1))
        run()
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == WebhookDeliveryState.FAILED
    assert delivery.attempts == len(webhooks.RETRY_DELAYS) + 1 == len(wpi.requests)


def test_no_answer_is_logged_as_such(team_case, people, systems):
    subscribe(people, systems["WPI"], "http://127.0.0.1:9/nobody-listens")
    plan_uvo(team_case, people)
    run()
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None
    assert attempt.error


@pytest.mark.django_db
def test_a_subscription_that_keeps_failing_is_disabled_and_the_beheerders_told(
    team_case, people, systems, receiver, settings, django_capture_on_commit_callbacks
):
    settings.REGIE_WEBHOOK_DISABLE_AFTER = 3
    wpi = receiver(answers=(500,))
    subscription, _secret = subscribe(people, systems["WPI"], wpi.url)
    for _ in range(3):
        plan_uvo(team_case, people)
    with django_capture_on_commit_callbacks(execute=True):
        run()
    subscription.refresh_from_db()
    assert not subscription.active
    assert "3" in subscription.disabled_reason
    assert len(wpi.requests) == 3
    [message] = mail.outbox
    assert message.to == [people["beheerder"].email]
    assert reverse("meetings:webhook", args=[subscription.pk]) in message.body
    # Off: what comes waits (its deliveries are made, not sent) …
    plan_uvo(team_case, people)
    run()
    assert len(wpi.requests) == 3
    # … and goes out when the beheerder switches it on again.
    wpi.answers = [200]
    webhooks.webhook_set_active(subscription=subscription, by=people["beheerder"], active=True)
    webhooks.deliver_due(now=timezone.now() + timedelta(hours=1))
    assert WebhookDelivery.objects.filter(state=WebhookDeliveryState.DELIVERED).count() == 4


def test_a_delivery_a_crash_left_sending_is_sent_again_with_the_same_id(
    team_case, people, systems, receiver, clock, settings
):
    wpi = receiver()
    subscribe(people, systems["WPI"], wpi.url)
    plan_uvo(team_case, people)
    webhooks.fan_out()
    [claimed] = webhooks.claim(now=timezone.now())  # … and the worker dies here
    assert webhooks.claim(now=timezone.now()) == []  # claimed: nobody else sends it
    clock.shift(timedelta(seconds=settings.REGIE_WEBHOOK_STALE_SECONDS - 5))
    webhooks.sweep()
    assert wpi.requests == []  # maybe still on its way: not yet
    clock.shift(timedelta(seconds=10))
    webhooks.sweep()
    assert wpi.ids() == [claimed.message_id]
    assert WebhookDelivery.objects.get().state == WebhookDeliveryState.DELIVERED


def test_redelivery_by_hand_sends_the_same_message_again(
    team_case, people, systems, receiver, client
):
    wpi = receiver()
    subscribe(people, systems["WPI"], wpi.url)
    plan_uvo(team_case, people)
    run()
    delivery = WebhookDelivery.objects.get()
    client.force_login(people["beheerder"])
    response = client.post(reverse("meetings:webhook_redeliver", args=[delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.state == WebhookDeliveryState.PENDING
    run()
    assert wpi.ids() == [delivery.message_id] * 2
    assert [a.manual for a in delivery.log.order_by("at", "pk")] == [False, True]


def test_old_events_are_forgotten(team_case, people, systems, receiver, clock, settings):
    subscribe(people, systems["WPI"], receiver().url)
    plan_uvo(team_case, people)
    run()
    clock.shift(timedelta(days=settings.REGIE_WEBHOOK_KEEP_DAYS + 1))
    webhooks.sweep()
    assert not WebhookEvent.objects.exists()
    assert not WebhookDelivery.objects.exists()
    assert not WebhookAttempt.objects.exists()


# --- the beheerder's pages ----------------------------------------------------------------------


def test_the_beheerder_subscribes_a_system_and_sees_the_secret_once(people, systems, client):
    client.force_login(people["beheerder"])
    response = client.post(
        reverse("meetings:webhooks"),
        {
            "user": systems["WPI"].pk,
            "url": "https://wpi.example.test/regie",
            "event_types": ["plan.approved", "uvo.held"],
            "description": "Fictieve koppeling",
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    subscription = WebhookSubscription.objects.get()
    assert subscription.organisation == systems["WPI"].organisation
    assert subscription.event_types == ["plan.approved", "uvo.held"]
    assert subscription.secret.startswith("whsec_")
    assert subscription.secret in response.content.decode()
    page = client.get(reverse("meetings:webhook", args=[subscription.pk])).content.decode()
    assert subscription.secret not in page
    assert "wpi.example.test" in page
    history = subscription.history.latest()
    assert not hasattr(history, "secret")


@pytest.mark.parametrize(
    ("url", "events", "field"),
    [
        ("ftp://wpi.example.test/", ["uvo.held"], "url"),
        ("https://wpi.example.test/", [], "event_types"),
        ("https://wpi.example.test/", ["no.such.event"], "event_types"),
    ],
)
def test_bad_input_is_a_form_error_and_stores_nothing(people, systems, client, url, events, field):
    client.force_login(people["beheerder"])
    response = client.post(
        reverse("meetings:webhooks"), {"user": systems["WPI"].pk, "url": url, "event_types": events}
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not WebhookSubscription.objects.exists()


def test_plain_http_is_refused_unless_allowed(people, systems, settings):
    settings.REGIE_WEBHOOK_ALLOW_HTTP = False
    with pytest.raises(Exception, match="https"):
        subscribe(people, systems["WPI"], "http://wpi.example.test/")
    assert not WebhookSubscription.objects.exists()


@pytest.fixture
def changed_once(people, systems):
    """A subscription to https://a.example.test/ that another beheerder changed once since
    (to https://b.example.test/, lock_version 1): a page read before holds lock_version 0.
    Gives the subscription and its (unchanged) secret."""
    subscription, secret = subscribe(people, systems["WPI"], "https://a.example.test/")
    webhooks.webhook_change(
        subscription=subscription,
        by=people["beheerder"],
        url="https://b.example.test/",
        event_types=["uvo.held"],
        description="",
    )
    subscription.refresh_from_db()
    assert subscription.lock_version == 1
    return subscription, secret


def test_a_stale_edit_is_refused_and_keeps_the_newer_settings(changed_once, people, client):
    subscription, _secret = changed_once
    client.force_login(people["beheerder"])
    response = client.post(
        reverse("meetings:webhook", args=[subscription.pk]),
        {"url": "https://c.example.test/", "event_types": ["uvo.held"], "lock_version": 0},
    )
    assert response.status_code == 200
    assert (
        "meanwhile" in str(response.context["form"].non_field_errors())
        or response.context["form"].non_field_errors()
    )
    subscription.refresh_from_db()
    assert (subscription.url, subscription.lock_version) == ("https://b.example.test/", 1)


def renew(client, subscription, **extra):
    """The renewal's question page posted (as of the version `subscription` holds)."""
    data = {"confirm": "1", "lock_version": subscription.lock_version, **extra}
    return client.post(reverse("meetings:webhook_secret", args=[subscription.pk]), data)


def signatures(request: dict) -> list[str]:
    return request["headers"]["webhook-signature"].split(" ")


def verifies(secret: str, request: dict) -> bool:
    """The partner's check with `secret`, by the Standard Webhooks library itself."""
    try:
        Webhook(secret).verify(request["body"], request["headers"])
    except WebhookVerificationError:
        return False
    return True


def assert_no_secret_in_the_history(subscription, *secrets):
    history = subscription.history.model
    names = {field.name for field in history._meta.get_fields()}
    assert not names & {"secret", "previous_secret", "previous_secret_until"}
    rows = list(history.objects.filter(id=subscription.pk).values())
    assert rows
    for row in rows:
        for secret in secrets:
            assert secret not in json.dumps(row, default=str)


def test_a_renewed_secret_signs_alongside_the_old_one_until_the_overlap_ends(
    team_case, people, systems, receiver, client, clock, settings
):
    settings.REGIE_WEBHOOK_SECRET_OVERLAP_HOURS = 24
    wpi = receiver()
    subscription, old = subscribe(people, systems["WPI"], wpi.url)
    client.force_login(people["beheerder"])
    renewed_at = timezone.now()
    response = renew(client, subscription, lock_version=0)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    subscription.refresh_from_db()
    new = subscription.secret
    assert new != old
    assert new.startswith("whsec_")
    assert new in response.content.decode()
    assert old not in response.content.decode()
    assert subscription.previous_secret == old
    until = subscription.previous_secret_until
    assert timedelta(hours=24) <= until - renewed_at < timedelta(hours=24, minutes=1)
    assert subscription.lock_version == 1
    # Within the overlap: two signatures, and the partner's check passes with either secret.
    plan_uvo(team_case, people)
    run()
    [first] = wpi.requests
    assert len(signatures(first)) == 2
    assert verifies(old, first)
    assert verifies(new, first)
    assert not verifies(webhooks.new_secret(), first)
    assert WebhookDelivery.objects.get().state == WebhookDeliveryState.DELIVERED
    # The overlap ends: only the new secret signs; a system still on the old one refuses it.
    clock.shift(timedelta(hours=24, seconds=1))
    plan_uvo(team_case, people)
    run()
    last = wpi.requests[-1]
    assert len(wpi.requests) == 2
    assert len(signatures(last)) == 1
    assert verifies(new, last)
    assert not verifies(old, last)
    detail = client.get(reverse("meetings:webhook", args=[subscription.pk])).content.decode()
    assert 'data-testid="webhook-overlap"' not in detail
    # The sweep forgets the old secret; the history never held either.
    webhooks.sweep()
    subscription.refresh_from_db()
    assert (subscription.previous_secret, subscription.previous_secret_until) == ("", None)
    assert_no_secret_in_the_history(subscription, old, new)


def test_the_overlap_ends_at_its_moment(people, systems, settings):
    settings.REGIE_WEBHOOK_SECRET_OVERLAP_HOURS = 2
    subscription, old = subscribe(people, systems["WPI"], "https://a.example.test/")
    subscription, new = webhooks.webhook_renew_secret(
        subscription=subscription, by=people["beheerder"]
    )
    until = subscription.previous_secret_until
    at = until - timedelta(seconds=1)
    assert webhooks.signing_secrets(subscription, at=at) == [new, old]
    assert webhooks.signing_secrets(subscription, at=until) == [new]
    # The sweep before that moment keeps it, from that moment on empties it.
    assert webhooks.forget_previous_secrets(now=at) == 0
    assert webhooks.forget_previous_secrets(now=until) == 1
    subscription.refresh_from_db()
    assert subscription.previous_secret == ""


def test_a_second_renewal_within_the_overlap_keeps_only_the_then_current_secret(
    team_case, people, systems, receiver, client
):
    wpi = receiver()
    subscription, first = subscribe(people, systems["WPI"], wpi.url)
    client.force_login(people["beheerder"])
    renew(client, subscription)
    subscription.refresh_from_db()
    second = subscription.secret
    detail = client.get(reverse("meetings:webhook", args=[subscription.pk])).content.decode()
    assert 'data-testid="webhook-overlap"' in detail
    # The question names the old secret that stops at once.
    question = client.get(reverse("meetings:webhook_secret", args=[subscription.pk]))
    assert 'data-testid="webhook-previous-stops"' in question.content.decode()
    renew(client, subscription)
    subscription.refresh_from_db()
    third = subscription.secret
    assert len({first, second, third}) == 3
    assert subscription.previous_secret == second
    plan_uvo(team_case, people)
    run()
    [request] = wpi.requests
    assert len(signatures(request)) == 2
    assert verifies(third, request)
    assert verifies(second, request)
    assert not verifies(first, request)
    assert_no_secret_in_the_history(subscription, first, second, third)


def test_without_an_overlap_the_old_secret_stops_at_once(
    team_case, people, systems, receiver, settings
):
    settings.REGIE_WEBHOOK_SECRET_OVERLAP_HOURS = 0
    wpi = receiver()
    subscription, old = subscribe(people, systems["WPI"], wpi.url)
    subscription, new = webhooks.webhook_renew_secret(
        subscription=subscription, by=people["beheerder"]
    )
    subscription.refresh_from_db()
    assert (subscription.previous_secret, subscription.previous_secret_until) == ("", None)
    plan_uvo(team_case, people)
    run()
    [request] = wpi.requests
    assert len(signatures(request)) == 1
    assert verifies(new, request)
    assert not verifies(old, request)


def test_renewing_asks_first_and_a_bare_post_asks_again(people, systems, client, settings):
    settings.REGIE_WEBHOOK_SECRET_OVERLAP_HOURS = 24
    subscription, old = subscribe(people, systems["WPI"], "https://a.example.test/")
    client.force_login(people["beheerder"])
    url = reverse("meetings:webhook_secret", args=[subscription.pk])
    # The detail page links to the question; it holds no form that renews.
    detail = client.get(reverse("meetings:webhook", args=[subscription.pk])).content.decode()
    assert f'href="{url}"' in detail
    assert f'action="{url}"' not in detail
    response = client.get(url)
    assert response.status_code == 200
    assert response.templates[0].name == "meetings/webhook_secret_renew.html"
    text = response.content.decode()
    for shown in ("https://a.example.test/", "sys-WPI", str(systems["WPI"].organisation)):
        assert escape(shown) in text
    assert "24 uur" in text  # the overlap, in Dutch
    assert 'data-testid="webhook-previous-stops"' not in text  # no earlier renewal
    assert 'name="confirm" value="1"' in text
    assert old not in text
    # A POST without the confirmation (an old page's button) asks again.
    response = client.post(url)
    assert response.status_code == 200
    assert response.templates[0].name == "meetings/webhook_secret_renew.html"
    assert "whsec_" not in response.content.decode()
    subscription.refresh_from_db()
    assert (subscription.secret, subscription.previous_secret) == (old, "")
    assert (subscription.previous_secret_until, subscription.lock_version) == (None, 0)
    assert subscription.history.count() == 1


def test_a_renewal_on_a_stale_page_is_refused(changed_once, people, client):
    subscription, old = changed_once
    client.force_login(people["beheerder"])
    response = renew(client, subscription, lock_version=0)
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.secret, subscription.previous_secret) == (old, "")
    assert subscription.lock_version == 1


def test_a_switch_off_on_a_stale_page_is_refused(changed_once, people, client):
    subscription, _secret = changed_once
    client.force_login(people["beheerder"])
    response = client.post(
        reverse("meetings:webhook_switch", args=[subscription.pk]),
        {"active": "0", "confirm": "1", "lock_version": 0},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("meetings:webhook", args=[subscription.pk]), 302)]
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    subscription.refresh_from_db()
    assert (subscription.active, subscription.lock_version) == (True, 1)
    assert subscription.history.count() == 2


def test_a_webhook_change_without_the_pages_version_changes_nothing(people, systems, client):
    """A change without the version its page showed (an old or hand-made page) could
    overwrite a change made meanwhile: refused with the reason, nothing written."""
    subscription, secret = subscribe(people, systems["WPI"], "https://a.example.test/")
    client.force_login(people["beheerder"])
    edit = client.post(
        reverse("meetings:webhook", args=[subscription.pk]),
        {"url": "https://c.example.test/", "event_types": ["uvo.held"]},
    )
    assert edit.status_code == 200
    assert "zonder de versie" in edit.content.decode()
    switch = client.post(
        reverse("meetings:webhook_switch", args=[subscription.pk]),
        {"active": "0", "confirm": "1"},
        follow=True,
    )
    assert [m.level_tag for m in switch.context["messages"]] == ["error"]
    assert "zonder de versie" in switch.content.decode()
    renewed = renew(client, subscription, lock_version="")
    assert renewed.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.url, subscription.active, subscription.lock_version) == (
        "https://a.example.test/",
        True,
        0,
    )
    assert (subscription.secret, subscription.previous_secret) == (secret, "")
    assert subscription.history.count() == 1


@pytest.mark.parametrize("who", ["regisseur", "accounthouder", "programme", "system"])
def test_only_the_beheerder_reaches_the_webhooks(people, systems, client, who):
    subscription, _secret = subscribe(people, systems["WPI"], "https://a.example.test/")
    client.force_login(people[who])
    assert client.get(reverse("meetings:webhooks")).status_code == 403
    assert client.get(reverse("meetings:webhook", args=[subscription.pk])).status_code == 403
    switch = reverse("meetings:webhook_switch", args=[subscription.pk])
    assert client.get(switch).status_code == 403
    response = client.post(switch, {"active": "0", "confirm": "1", "lock_version": 0})
    assert response.status_code == 403
    secret = reverse("meetings:webhook_secret", args=[subscription.pk])
    assert client.get(secret).status_code == 403
    assert client.post(secret, {"confirm": "1"}).status_code == 403
    subscription.refresh_from_db()
    assert (subscription.active, subscription.lock_version) == (True, 0)
    assert (subscription.secret, subscription.previous_secret) == (_secret, "")
    assert subscription.history.count() == 1


def test_switching_off_by_hand_is_stored_and_in_the_history(people, systems, client):
    subscription, _secret = subscribe(people, systems["WPI"], "https://a.example.test/")
    client.force_login(people["beheerder"])
    response = client.post(
        reverse("meetings:webhook_switch", args=[subscription.pk]),
        {"active": "0", "confirm": "1", "lock_version": subscription.lock_version},
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert not subscription.active
    assert subscription.history.latest().history_user == people["beheerder"]


def test_switching_off_asks_first_naming_the_subscription_and_what_follows(people, systems, client):
    subscription, _secret = subscribe(people, systems["WPI"], "https://a.example.test/")
    client.force_login(people["beheerder"])
    switch = reverse("meetings:webhook_switch", args=[subscription.pk])
    # The detail page links to the question; it holds no form that switches off.
    detail = client.get(reverse("meetings:webhook", args=[subscription.pk])).content.decode()
    assert f'href="{switch}"' in detail
    assert f'action="{switch}"' not in detail
    response = client.get(switch)
    assert response.status_code == 200
    text = response.content.decode()
    for shown in ("https://a.example.test/", "sys-WPI", str(systems["WPI"].organisation)):
        assert escape(shown) in text
    assert 'name="confirm" value="1"' in text
    # A POST without the confirmation (an old page's button) asks again.
    response = client.post(switch, {"active": "0", "lock_version": subscription.lock_version})
    assert response.status_code == 200
    assert response.templates[0].name == "meetings/webhook_switch_off.html"
    subscription.refresh_from_db()
    assert (subscription.active, subscription.lock_version) == (True, 0)
    assert subscription.history.count() == 1


def test_switching_on_again_needs_no_question(people, systems, client):
    subscription, _secret = subscribe(people, systems["WPI"], "https://a.example.test/")
    webhooks.webhook_set_active(subscription=subscription, by=people["beheerder"], active=False)
    client.force_login(people["beheerder"])
    switch = reverse("meetings:webhook_switch", args=[subscription.pk])
    detail = client.get(reverse("meetings:webhook", args=[subscription.pk])).content.decode()
    assert f'action="{switch}"' in detail
    assert 'name="confirm"' not in client.get(switch).content.decode()  # off already
    response = client.post(switch, {"active": "1", "lock_version": 1})
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.active


@pytest.mark.parametrize("n", [1, 25])
def test_the_webhook_pages_take_a_fixed_number_of_queries(
    people, systems, team_case, client, django_assert_num_queries, n
):
    for i in range(n):
        subscribe(people, systems["WPI"], f"https://wpi{i}.example.test/")
    for _ in range(n):
        plan_uvo(team_case, people)
    webhooks.fan_out()
    client.force_login(people["beheerder"])
    client.get(reverse("meetings:webhooks"))  # the session and permissions are warm
    with django_assert_num_queries(6):
        assert client.get(reverse("meetings:webhooks")).status_code == 200
    subscription = WebhookSubscription.objects.first()
    with django_assert_num_queries(6):
        response = client.get(reverse("meetings:webhook", args=[subscription.pk]))
    assert len(response.context["page"]) == n


#: session, user, permissions (2), the subscription (organisation and system joined).
QUESTION = 5


@pytest.mark.parametrize("n", [1, 25])
@pytest.mark.parametrize("name", ["meetings:webhook_switch", "meetings:webhook_secret"])
def test_the_question_pages_take_a_fixed_number_of_queries(
    people, systems, team_case, client, django_assert_num_queries, name, n
):
    """However many subscriptions and deliveries there are, and with an old secret signing
    alongside (the renewal's question names it)."""
    for i in range(n):
        subscription, _secret = subscribe(people, systems["WPI"], f"https://wpi{i}.example.test/")
    for _ in range(n):
        plan_uvo(team_case, people)
    webhooks.fan_out()
    subscription, _secret = webhooks.webhook_renew_secret(
        subscription=subscription, by=people["beheerder"]
    )
    client.force_login(people["beheerder"])
    url = reverse(name, args=[subscription.pk])
    client.get(url)  # the session and permissions are warm
    with django_assert_num_queries(QUESTION):
        response = client.get(url)
    assert response.context["subscription"] == subscription
    assert 'name="confirm" value="1"' in response.content.decode()


@pytest.mark.parametrize("n", [1, 5])
def test_the_fan_out_asks_need_to_know_once_per_subscription_and_case(
    people, systems, team_case, django_assert_num_queries, n
):
    for code in ("WPI", "DJI", "GGD"):
        subscribe(people, systems[code], f"https://{code}.example.test/")
    for _ in range(n):
        plan_uvo(team_case, people)
    with django_assert_num_queries(18):
        assert webhooks.fan_out() == 2 * n  # WPI and GGD; DJI is not on the case
