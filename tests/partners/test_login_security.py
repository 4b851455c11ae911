"""Logging in safely: lockout after failed logins (and its unlock), password reset by e-mail,
other sessions ended by a password change, and the second factor (TOTP with recovery codes)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners import second_factor
from partners.models import Role
from partners.services import REASON_RESET_BY_EMAIL, REASON_UNLOCKED

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def log_in(client, username: str, password: str = PASSWORD, url: str | None = None):
    return client.post(url or reverse("login"), {"username": username, "password": password})


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


# --- lockout ------------------------------------------------------------------------------------


def test_failed_logins_lock_the_account_until_the_wait_is_over(client, people):
    user = people["regisseur"]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            response = log_in(client, user.username, "wrong password")
            assert response.status_code == 200  # the form says the password is wrong
        # The last failure allowed locks, and says so at once.
        assert log_in(client, user.username, "wrong password").status_code == 429
        response = log_in(client, user.username)  # the right password, too late
        assert response.status_code == 429
        assert not signed_in(client)
        assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
        page = response.content.decode()
        assert 'data-testid="locked-out"' in page
        assert "15 minuten geblokkeerd" in page
    # From elsewhere too: the account is locked, not only the source.
    other = Client(REMOTE_ADDR="192.0.2.7")
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        assert log_in(other, user.username).status_code == 429
    wait = settings.AXES_COOLOFF_TIME + timedelta(minutes=1)
    with time_machine.travel(start + timedelta(minutes=5) + wait, tick=False):
        assert log_in(other, user.username).status_code == 302
        assert signed_in(other)


def test_one_source_trying_many_accounts_is_locked_out(client, people):
    for who in ("regisseur", "accounthouder", "itat", "partner", "expert"):
        log_in(client, people[who].username, "wrong password")
    # A sixth account, with its right password, from the same address.
    assert log_in(client, people["beheerder"].username).status_code == 429
    # The account itself is not locked: from another address it logs in.
    assert log_in(Client(REMOTE_ADDR="192.0.2.8"), people["beheerder"].username).status_code == 302


def test_the_admin_login_is_locked_out_the_same_way(client, make_user):
    admin_user = make_user(Role.BEHEERDER, is_staff=True)
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, admin_user.username, "wrong password", url=url).status_code == 200
    assert log_in(client, admin_user.username, "wrong password", url=url).status_code == 429
    assert log_in(client, admin_user.username, url=url).status_code == 429


def test_the_beheerder_unlocks_an_account_and_the_history_says_who(client, people, make_user):
    user = people["regisseur"]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(Client(REMOTE_ADDR="192.0.2.9"), user.username, "wrong password")
    assert log_in(Client(REMOTE_ADDR="192.0.2.10"), user.username).status_code == 429
    beheerder = make_user(Role.BEHEERDER, is_staff=True)
    client.force_login(beheerder)
    response = client.post(
        reverse("admin:partners_user_changelist"),
        {"action": "unlock_login", "_selected_action": [user.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    last = user.history.first()
    assert last.history_change_reason == REASON_UNLOCKED
    assert last.history_user == beheerder
    assert log_in(Client(REMOTE_ADDR="192.0.2.10"), user.username).status_code == 302


def test_a_successful_login_resets_the_count(client, people):
    user = people["regisseur"]
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, user.username, "wrong password")
    assert log_in(client, user.username).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, user.username, "wrong password")
    assert log_in(client, user.username).status_code == 302


def test_the_beheerder_role_may_see_and_lift_locked_sources(make_user):
    beheerder = make_user(Role.BEHEERDER, is_staff=True)
    assert beheerder.has_perm("axes.view_accessattempt")
    assert beheerder.has_perm("axes.delete_accessattempt")
    assert not make_user(Role.REGISSEUR).has_perm("axes.delete_accessattempt")


# --- passwords ----------------------------------------------------------------------------------


def reset_link() -> str:
    body = mail.outbox[-1].body
    return re.search(r"https?://[^/\s]+(/wachtwoord/herstel/\S+/)", body).group(1)


def test_a_forgotten_password_is_reset_through_an_e_mailed_link(client, people):
    user = people["regisseur"]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, user.username, "wrong password")
    response = client.post(reverse("password_reset"), {"email": user.email.upper()})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert mail.outbox[0].subject == "Regie: kies een nieuw wachtwoord"
    link = reset_link()
    assert link.startswith("/wachtwoord/herstel/")
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    new = "een geheel nieuw wachtwoord 7"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    assert user.history.first().history_change_reason == REASON_RESET_BY_EMAIL
    assert not signed_in(client)  # the link does not log in
    # The account's lockout ended with it (the address still counts its own failures).
    assert log_in(Client(REMOTE_ADDR="192.0.2.11"), user.username, new).status_code == 302
    # Used once: the link no longer works.
    again = client.get(link, follow=True)
    assert not again.context["validlink"]
    assert "niet meer geldig" in again.content.decode()


def test_a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "niemand@example.invalid"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_reset_requests_are_limited_per_address(client, people):
    email = people["regisseur"].email
    for _ in range(8):
        assert client.post(reverse("password_reset"), {"email": email}).status_code == 302
    assert len(mail.outbox) == 5


def test_a_weak_new_password_is_a_form_error(client, people):
    user = people["regisseur"]
    client.post(reverse("password_reset"), {"email": user.email})
    page = client.get(reset_link(), follow=True)
    response = client.post(
        page.redirect_chain[-1][0], {"new_password1": "kort", "new_password2": "kort"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_changing_the_password_ends_the_other_sessions(people):
    user = people["regisseur"]
    here, elsewhere = Client(), Client()
    here.force_login(user)
    elsewhere.force_login(user)
    new = "een geheel nieuw wachtwoord 8"
    response = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert here.get(reverse("home")).status_code == 200  # this session goes on
    assert elsewhere.get(reverse("home")).status_code == 302  # that one ended
    assert not signed_in(elsewhere)


# --- second factor ------------------------------------------------------------------------------

MFA = override_settings(REGIE_MFA_ROLES=["regisseur", "beheerder"])


def set_up_app(client, user) -> list[str]:
    """Logs in with the password and sets up the app; returns the recovery codes."""
    response = log_in(client, user.username)
    assert response.status_code == 302
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("second_factor_setup"))
    assert response.context["qr_code"].startswith("data:image/svg+xml;base64,")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("second_factor_setup"), {"code": totp(device.bin_key)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == second_factor.RECOVERY_CODES
    return codes


@MFA
def test_the_first_login_sets_up_the_app_and_shows_recovery_codes_once(client, people):
    user = people["regisseur"]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        codes = set_up_app(client, user)
        assert client.get(reverse("cases:list")).status_code == 200
        assert second_factor.is_set_up(user)
        assert StaticToken.objects.filter(device__user=user).count() == len(codes)
        assert user.history.first().history_change_reason == second_factor.REASON_SET_UP


@MFA
def test_a_login_needs_the_code_after_the_password(client, people):
    user = people["regisseur"]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        set_up_app(client, user)
        client.post(reverse("logout"))
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        log_in(client, user.username)
        assert signed_in(client)  # the password was right ...
        # ... but nothing opens without the code: pages, the API, nor replacing the app.
        page = client.get(reverse("cases:list"))
        assert page.status_code == 302
        assert page["Location"].startswith(reverse("second_factor"))
        api = client.get("/api/v1/cases")
        assert api.status_code == 401
        assert api.json()["code"] == "second_factor_required"
        setup = client.get(reverse("second_factor_setup"))
        assert setup["Location"].startswith(reverse("second_factor"))
        # The code page shows nothing of the site: no navigation, no counts, no name.
        code_page = client.get(reverse("second_factor")).content.decode()
        assert "main-nav" not in code_page
        assert reverse("meetings:inbox") not in code_page
        assert str(user) not in code_page
        wrong = client.post(reverse("second_factor"), {"code": "000000"})
        assert wrong.status_code == 200
        assert wrong.context["form"].errors["code"]
        assert client.get(reverse("cases:list")).status_code == 302
        device = TOTPDevice.objects.get(user=user)
    # django-otp slows down after a wrong code; the next right code a little later works.
    with time_machine.travel(start + timedelta(minutes=3), tick=False):
        right = client.post(
            reverse("second_factor"),
            {"code": totp(device.bin_key), "next": reverse("cases:list")},
        )
        assert right.status_code == 302
        assert right["Location"] == reverse("cases:list")
        assert client.get(reverse("cases:list")).status_code == 200
        assert client.get("/api/v1/cases").status_code == 200


@MFA
def test_a_recovery_code_works_once(client, people):
    user = people["regisseur"]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        codes = set_up_app(client, user)
        client.post(reverse("logout"))
        log_in(client, user.username)
        assert client.post(reverse("second_factor"), {"code": codes[0]}).status_code == 302
        assert client.get(reverse("cases:list")).status_code == 200
        client.post(reverse("logout"))
        log_in(client, user.username)
        again = client.post(reverse("second_factor"), {"code": codes[0]})
        assert again.status_code == 200
        assert client.get(reverse("cases:list")).status_code == 302
        assert second_factor.recovery_codes_left(user) == len(codes) - 1


@MFA
def test_new_recovery_codes_replace_the_old(client, people):
    user = people["regisseur"]
    with time_machine.travel(timezone.now(), tick=False):
        old = set_up_app(client, user)
        response = client.post(reverse("recovery_codes_renew"))
        new = response.context["codes"]
        assert set(new).isdisjoint(old)
        assert set(
            StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
        ) == set(new)
        security = client.get(reverse("security"))
        assert security.context["codes_left"] == len(new)


@MFA
def test_the_beheerder_resets_a_lost_second_factor(client, people, make_user):
    user = people["regisseur"]
    with time_machine.travel(timezone.now(), tick=False):
        set_up_app(client, user)
        assert client.get(reverse("cases:list")).status_code == 200
        beheerder = make_user(Role.BEHEERDER, is_staff=True)
        admin = Client()
        admin.force_login(beheerder)
        # The beheerder's own session has passed its second factor.
        device = TOTPDevice.objects.create(user=beheerder, name="app", confirmed=True)
        session = admin.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        admin.post(
            reverse("admin:partners_user_changelist"),
            {"action": "reset_second_factor", "_selected_action": [user.pk]},
        )
        assert not second_factor.is_set_up(user)
        last = user.history.first()
        assert last.history_change_reason == second_factor.REASON_RESET
        assert last.history_user == beheerder
        # The user's open session is sent to set up the app again.
        response = client.get(reverse("cases:list"), follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("second_factor_setup"))


@MFA
def test_roles_without_the_requirement_and_api_tokens_are_not_asked(client, people, user_api):
    partner = people["partner"]
    assert log_in(client, partner.username).status_code == 302
    assert client.get(reverse("cases:list")).status_code == 200
    assert user_api.get("/api/v1/cases").status_code == 200


def test_the_roles_setting_is_checked(monkeypatch):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import acvz.settings"],
        env={"REGIE_MFA_ROLES": "regisseur,directeur", "REGIE_TESTING": "1", "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "REGIE_MFA_ROLES: unknown roles ['directeur']" in result.stderr


# --- query counts (exact; docs/conventions.md) --------------------------------------------------

#: Session, user, the verified device, roles; the page: is set up, recovery codes left; the
#: header: permissions (2), the work counts (10), the unread count.
SECURITY_PAGE_QUERIES = 19
#: Session, user, roles (no device verified yet), the page: is set up; the session saved
#: (savepoint, update, release). No header, no counts.
CODE_PAGE_QUERIES = 7
#: Session, user, roles; is set up, the unconfirmed device (found or made).
SETUP_PAGE_QUERIES = 5


@MFA
def test_the_security_pages_query_counts(client, people, django_assert_num_queries):
    user = people["regisseur"]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        set_up_app(client, user)
        with django_assert_num_queries(SECURITY_PAGE_QUERIES):
            assert client.get(reverse("security")).status_code == 200
        client.post(reverse("logout"))
        log_in(client, user.username)
        with django_assert_num_queries(CODE_PAGE_QUERIES):
            assert client.get(reverse("second_factor")).status_code == 200
    fresh = Client()
    log_in(fresh, people["beheerder"].username)
    fresh.get(reverse("second_factor_setup"))  # the device is made
    with django_assert_num_queries(SETUP_PAGE_QUERIES):
        assert fresh.get(reverse("second_factor_setup")).status_code == 200
