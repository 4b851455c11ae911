"""Accessibility (WCAG 2.1 A/AA) of the main pages at 360 px and 1280 px, checked with axe-core
(vendored by scripts/vendor-axe): no serious or critical violation, and nothing refused by the
Content-Security-Policy. And a notification
followed from the header to the page where its work is done."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.test import override_settings
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from cases import services as case_services
from meetings import services as meeting_services
from meetings import webhooks
from meetings.models import WebhookAttempt, WebhookDelivery, WebhookEvent
from partners.models import ApiKey
from plans import services as plan_services
from plans.budget import budget_request_create
from tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
WIDTHS = (360, 1280)


def violations(page) -> list:
    # Through the DevTools protocol: the page's Content-Security-Policy refuses an inline
    # <script>, as it should.
    page.evaluate(AXE)
    found = page.evaluate(
        """async () => (await axe.run(document, {
               runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']
           })).violations.filter(v => ['serious', 'critical'].includes(v.impact))
             .map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).slice(0, 3)}`)"""
    )
    # WCAG 1.4.10 Reflow: the page itself never scrolls sideways (a wide table scrolls in its
    # own region). A visually-hidden label escaping a table's scroll region made one 682 px
    # wide at 360.
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if wide > 1:
        found.append(f"reflow: the page is {wide} px wider than the window")
    return found


def watch_csp(page, refused: list[str]) -> None:
    """Collect what the Content-Security-Policy refuses on the page (nothing may be)."""
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )


@pytest.fixture
def world(plan_at, people, orgs):
    """A submitted plan, a held UVO with an agreement, and the people who act on them."""
    plan = plan_at("submitted")
    case = plan.case
    held = meeting_services.uvo_plan(
        case=case, by=people["regisseur"], planned_at=timezone.now() - timedelta(days=2)
    )
    meeting_services.uvo_record(
        meeting=held,
        by=people["regisseur"],
        held_on=timezone.localdate() - timedelta(days=2),
        minutes="Fictieve notulen",
    )
    meeting_services.agreement_create(
        case=case,
        by=people["regisseur"],
        meeting=held,
        description="Fictieve afspraak",
        owner_organisation=orgs["WPI"],
        deadline=timezone.localdate() + timedelta(days=7),
    )
    # A partner system's webhook with one delivery that failed once and waits for its retry.
    hook, _secret = webhooks.webhook_subscribe(
        by=people["beheerder"],
        user=people["system"],
        url="https://politie.example.test/regie/webhooks",
        event_types=["plan.approved", "uvo.held"],
        description="Fictieve koppeling",
    )
    # Renewed once: the old secret signs alongside (the detail page and the question say so).
    hook, _secret = webhooks.webhook_renew_secret(subscription=hook, by=people["beheerder"])
    event = WebhookEvent.objects.create(type="uvo.held", case_id=case.pk, part="uvo")
    delivery = WebhookDelivery.objects.create(
        subscription=hook, event=event, message_id="msg_fictief", attempts=1
    )
    WebhookAttempt.objects.create(delivery=delivery, status_code=503, duration_ms=120)
    key, _secret = ApiKey.objects.create_key(
        user=people["system"], name="Fictieve BVH-koppeling", scopes=["read", "offences"]
    )
    budget = budget_request_create(
        case=case,
        by=people["regisseur"],
        purpose="housing",
        description="Fictieve borg",
        amount_cents=25_000,
        no_prior_provision=True,
        provisions_checked="Fictief: bijzondere bijstand",
    )
    # A younger sister followed by youth protection (goal 3).
    sister = PersonFactory(first_name="Zusje", date_of_birth=date(2014, 4, 1))
    case_services.family_relation_add(
        person=case.person, relative=sister, kind="sibling", by=people["programme"]
    )
    case_services.minor_watch_start(
        case=case,
        by=people["regisseur"],
        relative=sister,
        organisation=orgs["JBRA"],
        note="Fictief: spijbelt",
    )
    return {
        "plan": plan,
        "case": case,
        "uvo": held,
        "hook": hook,
        "budget": budget,
        "api_key": key,
    }


def test_the_main_pages_have_no_serious_accessibility_violations(
    live_server, page, login, people, world
):
    case, plan, uvo = world["case"], world["plan"], world["uvo"]
    pages = {
        "regisseur": [
            "/",
            "/casussen/",
            f"/casussen/{case.pk}/",
            f"/casussen/{case.pk}/basisdossier/",
            f"/casussen/{case.pk}/plan/",
            f"/casussen/{case.pk}/uvo/",
            f"/casussen/{case.pk}/budget/",
            f"/casussen/{case.pk}/budget/aanvraag/",
            f"/budget/{world['budget'].pk}/",
            f"/casussen/{case.pk}/tijdlijn/",
            f"/casussen/{case.pk}/minderjarigen/",
            f"/casussen/{case.pk}/uitstroom/",
            "/casussen/uitstroomsignalen/",
            f"/plannen/{plan.pk}/",
            f"/uvo/{uvo.pk}/",
            "/meldingen/",
            "/afspraken/",
            "/instellingen/",
            "/mijn-profiel/",
            "/mijn-profiel/competentiescan/",
            f"/regisseurs/{people['regisseur'].pk}/profiel/",
            "/bestaat-niet/",
            "/meldingen/alles-gelezen/",  # a form's action opened in the browser: the 405 page
        ],
        "itat": ["/", "/itat/", f"/plannen/{plan.pk}/stap/approve/"],
        "partner": ["/", "/toezeggingen/"],
        "beheerder": [
            "/beheer/toegangslog/",
            "/beheer/api-sleutels/",
            f"/beheer/api-sleutels/{world['api_key'].prefix}/intrekken/",
            "/beheer/webhooks/",
            f"/beheer/webhooks/{world['hook'].pk}/",
            f"/beheer/webhooks/{world['hook'].pk}/aan-uit/",
            f"/beheer/webhooks/{world['hook'].pk}/nieuw-geheim/",
        ],
        "accounthouder": [
            "/dashboard/",
            "/dashboard/?figure=active",
            "/casuistiek/",
            f"/regisseurs/{people['regisseur'].pk}/overdragen/",
            "/budget/",
            f"/budget/{world['budget'].pk}/",
            "/regisseurs/",
            "/regisseurs/competenties/",
        ],
        "programme": ["/programma/cijfers/", "/casussen/uitstroomsignalen/"],
    }
    found = {}
    refused = []  # what the Content-Security-Policy refused: nothing may be
    watch_csp(page, refused)
    for who, paths in pages.items():
        login(people[who])
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for path in paths:
                page.goto(f"{live_server.url}{path}")
                bad = violations(page)
                if bad:
                    found[f"{who} {path} @{width}"] = bad
        page.context.clear_cookies()
    page.context.clear_cookies()
    page.set_viewport_size({"width": 360, "height": 900})
    page.goto(f"{live_server.url}/login/")
    if bad := violations(page):
        found["login @360"] = bad
    assert found == {}
    assert refused == []


def test_a_notification_leads_to_where_the_work_is_done(live_server, page, login, people, plan_at):
    plan = plan_at("draft")
    plan_services.plan_submit(plan=plan, by=people["regisseur"])
    login(people["itat"])
    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    expect(page.get_by_test_id("work-count")).to_have_text("1")
    expect(page.get_by_test_id("work-itat")).to_contain_text(plan.case.person.full_name)
    page.get_by_test_id("inbox-link").click()
    expect(page.get_by_text("Plan op de ITAT-agenda")).to_be_visible()
    page.get_by_role("link", name="open").first.click()
    page.wait_for_url(f"{live_server.url}/plannen/{plan.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plan van aanpak v1")


@override_settings(REGIE_MFA_ROLES=["beheerder"])
def test_the_login_security_and_privacy_pages_have_no_serious_accessibility_violations(
    live_server, page, people, world
):
    """The pages around logging in (second factor, recovery codes, password reset, the lockout)
    and the beheerder's privacy pages (AVG inzage, retention)."""
    beheerder = people["beheerder"]
    person = world["case"].person
    found: dict[str, list] = {}
    refused: list[str] = []
    watch_csp(page, refused)

    def check(name: str) -> None:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            if bad := violations(page):
                found[f"{name} @{width}"] = bad

    def log_in(username: str, password: str = "correct horse battery") -> None:
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Gebruikersnaam").fill(username)
        page.get_by_label("Wachtwoord").fill(password)
        page.get_by_role("button", name="Inloggen").click()

    # The second factor, set up at the first login, and the pages of the beheerder behind it.
    log_in(beheerder.username)
    page.wait_for_url(f"{live_server.url}/tweestaps/instellen/**")
    check("setup")
    device = TOTPDevice.objects.get(user=beheerder, confirmed=False)
    page.get_by_label("Code uit de app").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw herstelcodes")
    check("recovery codes")
    for path in (
        "/beveiliging/",
        "/beheer/inzage/?q=" + person.last_name,
        f"/beheer/inzage/{person.pk}/",
        "/beheer/bewaartermijn/",
    ):
        page.goto(f"{live_server.url}{path}")
        check(path)
    page.context.clear_cookies()
    log_in(beheerder.username)
    page.wait_for_url(f"{live_server.url}/tweestaps/**")
    check("code")
    page.context.clear_cookies()

    # A forgotten password: ask, the link, a new password.
    uid = urlsafe_base64_encode(force_bytes(beheerder.pk))
    token = default_token_generator.make_token(beheerder)
    for path in (
        "/wachtwoord/vergeten/",
        "/wachtwoord/vergeten/verstuurd/",
        f"/wachtwoord/herstel/{uid}/{token}/",
        "/wachtwoord/herstel/klaar/",
    ):
        page.goto(f"{live_server.url}{path}")
        check(path)

    # Locked out after too many wrong passwords (last: the address is locked out too).
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        log_in("niemand", "fout wachtwoord")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen tijdelijk geblokkeerd")
    check("locked out")
    assert found == {}
    assert refused == []


def test_the_pages_of_the_plan_in_force_have_no_serious_accessibility_violations(
    live_server, page, login, people, orgs, plan_at
):
    """Progress, amendments, a look at the plan after an arrest, the escalation ladder."""
    from cases.services import timeline_event_create
    from meetings.escalations import escalation_raise
    from plans import services as plan_services

    plan = plan_at("approved")
    case = plan.case
    goal = plan.goals.get(leefgebied=7)
    plan_services.goal_progress_record(
        goal=goal, by=people["regisseur"], status="in_progress", note="Fictief gesprek"
    )
    plan_services.goal_amend(
        goal=goal, by=people["regisseur"], reason="Fictief", interventions="Fictief"
    )
    timeline_event_create(case=case, by=people["regisseur"], kind="arrest", description="Fictief")
    review = case.plan_reviews.get()
    from plans.applications import application_record

    application = application_record(
        goal=goal,
        by=people["regisseur"],
        kind="benefits",
        body="Fictief",
        requested_on=timezone.localdate(),
    )
    escalation = escalation_raise(
        case=case,
        by=people["regisseur"],
        subject="case_transcending",
        organisation=orgs["WPI"],
        question="Fictief",
    )
    pages = {
        "regisseur": [
            f"/plannen/{plan.pk}/",
            f"/plannen/{plan.pk}/doelen/{goal.pk}/voortgang/",
            f"/plannen/{plan.pk}/doelen/{goal.pk}/wijzigen/",
            f"/casussen/{case.pk}/evaluatie/",
            f"/plan-bekijken/{review.pk}/",
            f"/casussen/{case.pk}/escaleren/",
            f"/plannen/{plan.pk}/doelen/{goal.pk}/aanvraag/",
            f"/aanvragen/{application.pk}/",
            f"/programma/{case.programme.code}/afspraken/",
        ],
        "accounthouder": [
            "/escalaties/",
            f"/escalaties/{escalation.pk}/",
            "/programma/cijfers/",
        ],
    }
    found = {}
    refused = []
    watch_csp(page, refused)
    for who, paths in pages.items():
        login(people[who])
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for path in paths:
                page.goto(f"{live_server.url}{path}")
                if bad := violations(page):
                    found[f"{who} {path} @{width}"] = bad
        page.context.clear_cookies()
    assert found == {}
    assert refused == []
