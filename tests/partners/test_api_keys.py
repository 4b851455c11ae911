"""API keys of partner systems (issue 13): issued by the beheerder in the app, the secret shown
once and stored only as a hash, expiring, revocable, rotatable with an overlap, and scoped."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext
from rest_framework.test import APIClient

from partners.models import ApiKey, ApiScope

pytestmark = pytest.mark.django_db

#: session, user, permissions (2), the keys (system, organisation, issuer, successor joined),
#: the form's partner systems; the header's counts are cached after the first request.
KEY_LIST = 6
#: session, user, permissions (2), the key (system, organisation, successor joined).
KEY_REVOKE = 5


def _issue(client, people, **overrides):
    data = {
        "user": people["system"].pk,
        "name": "BVH koppeling",
        "scopes": ["read", "offences"],
        "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        **overrides,
    }
    return client.post(reverse("api_keys"), data)


def _api(secret: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return api


@pytest.fixture
def beheerder(client, people):
    client.force_login(people["beheerder"])
    return client


def test_the_secret_is_shown_once_and_stored_only_as_a_hash(beheerder, people):
    response = _issue(beheerder, people)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = response.context["secret"]
    key = ApiKey.objects.get()
    assert (key.user, key.name, key.scopes, key.created_by) == (
        people["system"],
        "BVH koppeling",
        ["read", "offences"],
        people["beheerder"],
    )
    assert secret.startswith(f"{key.prefix}.")
    assert secret in response.content.decode()
    stored = [str(v) for v in ApiKey.objects.values_list().get()]
    assert not any(secret in value or secret.split(".")[1] in value for value in stored)
    history = [str(v) for row in key.history.values_list() for v in row]
    assert not any(secret.split(".")[1] in value for value in history)
    # the key works, as the system, until the end of the chosen day (Amsterdam time)
    assert _api(secret).get("/api/v1/me").json()["username"] == people["system"].username
    assert timezone.localtime(key.expiry_date).date() == timezone.localdate() + timedelta(days=31)
    # the list names the key by its prefix, never the secret
    page = beheerder.get(reverse("api_keys")).content.decode()
    assert key.prefix in page
    assert secret.split(".")[1] not in page


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"scopes": []}, "scopes"),
        ({"scopes": ["everything"]}, "scopes"),
        ({"name": ""}, "name"),
        ({"expires_on": "2020-01-01"}, "expires_on"),
        ({"expires_on": "not a date"}, "expires_on"),
    ],
)
def test_bad_input_is_a_form_error_and_issues_nothing(beheerder, people, overrides, field):
    response = _issue(beheerder, people, **overrides)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not ApiKey.objects.exists()


def test_at_most_the_maximum_days_ahead(beheerder, people, settings):
    settings.REGIE_API_KEY_MAX_DAYS = 10
    too_far = (timezone.localdate() + timedelta(days=11)).isoformat()
    response = _issue(beheerder, people, expires_on=too_far)
    assert response.context["form"].errors["expires_on"]
    assert not ApiKey.objects.exists()


def test_keys_are_for_partner_systems_only(beheerder, people):
    response = _issue(beheerder, people, user=people["regisseur"].pk)
    assert response.context["form"].errors["user"]
    assert not ApiKey.objects.exists()


def test_only_the_beheerder_manages_keys(client, people):
    client.force_login(people["regisseur"])
    assert client.get(reverse("api_keys")).status_code == 403
    assert _issue(client, people).status_code == 403
    key, _secret = ApiKey.objects.create_key(user=people["system"], name="x", scopes=["read"])
    for name in ("api_key_rotate", "api_key_revoke"):
        assert client.post(reverse(name, args=[key.prefix])).status_code == 403
    url = reverse("api_key_revoke", args=[key.prefix])
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirm": "1"}).status_code == 403
    key.refresh_from_db()
    assert (key.revoked, ApiKey.objects.count(), key.history.count()) == (False, 1, 1)


def test_a_revoked_key_stops_at_once(beheerder, people):
    key, secret = ApiKey.objects.create_key(user=people["system"], name="x", scopes=["read"])
    assert _api(secret).get("/api/v1/cases").status_code == 200
    response = beheerder.post(reverse("api_key_revoke", args=[key.prefix]), {"confirm": "1"})
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked
    assert key.history.latest().history_user == people["beheerder"]
    response = _api(secret).get("/api/v1/cases")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_revoking_asks_first_naming_the_key_and_what_follows(beheerder, people):
    key, secret = ApiKey.objects.create_key(user=people["system"], name="BVH", scopes=["read"])
    url = reverse("api_key_revoke", args=[key.prefix])
    # The list links to the question; it holds no form that revokes.
    page = beheerder.get(reverse("api_keys")).content.decode()
    assert f'href="{url}"' in page
    assert f'action="{url}"' not in page
    response = beheerder.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    for shown in (key.prefix, people["system"].username, str(people["system"].organisation)):
        assert escape(shown) in text
    assert _last_used(text) == gettext("never")
    assert 'name="confirm" value="1"' in text
    key.refresh_from_db()
    assert (key.revoked, key.history.count()) == (False, 1)
    assert _api(secret).get("/api/v1/cases").status_code == 200
    # Once used, the page says when.
    key.refresh_from_db()
    text = beheerder.get(url).content.decode()
    assert _last_used(text) == date_format(
        timezone.localtime(key.last_used_at), "SHORT_DATETIME_FORMAT"
    )


def _last_used(page: str) -> str:
    return re.search(r'data-testid="api-key-last-used">([^<]*)<', page).group(1)


def test_a_post_without_the_confirmation_asks_again_and_revokes_nothing(beheerder, people):
    """The list's old button (a page opened before this step existed) posts without it."""
    key, secret = ApiKey.objects.create_key(user=people["system"], name="x", scopes=["read"])
    response = beheerder.post(reverse("api_key_revoke", args=[key.prefix]))
    assert response.status_code == 200
    assert response.templates[0].name == "partners/api_key_revoke.html"
    key.refresh_from_db()
    assert (key.revoked, key.history.count()) == (False, 1)
    assert _api(secret).get("/api/v1/cases").status_code == 200


def test_an_unknown_key_is_404_on_both_steps(beheerder):
    url = reverse("api_key_revoke", args=["nosuchky"])
    assert beheerder.get(url).status_code == 404
    assert beheerder.post(url, {"confirm": "1"}).status_code == 404


def test_a_revoked_key_offers_nothing_more_to_revoke(beheerder, people):
    key, _secret = ApiKey.objects.create_key(user=people["system"], name="x", scopes=["read"])
    beheerder.post(reverse("api_key_revoke", args=[key.prefix]), {"confirm": "1"})
    response = beheerder.get(reverse("api_key_revoke", args=[key.prefix]))
    assert response.status_code == 200
    assert 'name="confirm"' not in response.content.decode()


def test_an_expired_key_is_refused(people):
    _key, secret = ApiKey.objects.create_key(
        user=people["system"],
        name="x",
        scopes=["read"],
        expiry_date=timezone.now() + timedelta(days=1),
    )
    assert _api(secret).get("/api/v1/cases").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        response = _api(secret).get("/api/v1/cases")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_key_of_a_deactivated_system_is_refused(people):
    _key, secret = ApiKey.objects.create_key(user=people["system"], name="x", scopes=["read"])
    people["system"].is_active = False
    people["system"].save()
    assert _api(secret).get("/api/v1/cases").status_code == 401


def test_rotation_gives_a_successor_and_the_old_key_a_few_days(beheerder, people, settings):
    settings.REGIE_API_KEY_OVERLAP_DAYS = 7
    old, old_secret = ApiKey.objects.create_key(
        user=people["system"],
        name="BVH",
        scopes=["read", "timeline"],
        expiry_date=timezone.now() + timedelta(days=300),
    )
    response = beheerder.post(reverse("api_key_rotate", args=[old.prefix]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    new_secret = response.context["secret"]
    new = ApiKey.objects.get(rotated_from=old)
    assert (new.user, new.name, new.scopes) == (old.user, old.name, old.scopes)
    assert new.expiry_date > timezone.now() + timedelta(days=299)
    old.refresh_from_db()
    assert old.expiry_date < timezone.now() + timedelta(days=7, minutes=1)
    assert _api(old_secret).get("/api/v1/cases").status_code == 200  # still, for the overlap
    assert _api(new_secret).get("/api/v1/cases").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=5)):
        assert _api(old_secret).get("/api/v1/cases").status_code == 401
        assert _api(new_secret).get("/api/v1/cases").status_code == 200
    # a key is rotated once; its successor is the one to rotate next
    response = beheerder.post(reverse("api_key_rotate", args=[old.prefix]), follow=True)
    assert ApiKey.objects.count() == 2
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


# --- scopes ---------------------------------------------------------------------------------


def test_a_read_only_key_reads_but_does_not_write(people, case_at, orgs):
    from cases import services
    from cases.models import OffenceRecord

    case = case_at("in_regie")
    services.team_member_add(case=case, by=people["regisseur"], organisation=orgs["POLITIE"])
    _key, secret = ApiKey.objects.create_key(user=people["system"], name="x", scopes=["read"])
    api = _api(secret)
    assert api.get("/api/v1/offence-records").status_code == 200
    before = OffenceRecord.objects.count()
    body = {
        "person": case.person_id,
        "date": "2026-01-05",
        "kind": "arrest",
        "category": "hic_burglary",
    }
    response = api.post("/api/v1/offence-records", body, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    assert "offences" in response.json()["detail"]
    assert OffenceRecord.objects.count() == before
    # with the scope, the same push is stored
    _key, secret = ApiKey.objects.create_key(user=people["system"], name="y", scopes=["offences"])
    response = _api(secret).post("/api/v1/offence-records", body, format="json")
    assert response.status_code == 201, response.content
    assert OffenceRecord.objects.count() == before + 1
    # and a key without `read` reads nothing
    assert _api(secret).get("/api/v1/offence-records").status_code == 403


def test_a_search_by_post_is_a_read(people):
    _key, secret = ApiKey.objects.create_key(user=people["system"], name="x", scopes=["read"])
    response = _api(secret).post("/api/v1/persons/search", {"bsn": "123456782"}, format="json")
    assert response.status_code != 403


def test_a_session_is_not_a_key(client, people):
    """The browsable API with a person's session: scopes do not apply (their roles do)."""
    client.force_login(people["regisseur"])
    assert client.get("/api/v1/cases").status_code == 200


# --- the last use, and the cost of a key ------------------------------------------------------


def test_the_last_use_is_stamped_at_most_every_quarter_hour(people):
    key, secret = ApiKey.objects.create_key(user=people["system"], name="x", scopes=["read"])
    api = _api(secret)
    with CaptureQueriesContext(connection) as first:
        api.get("/api/v1/organisations")
    key.refresh_from_db()
    assert key.last_used_at is not None
    with CaptureQueriesContext(connection) as second:
        api.get("/api/v1/organisations")
    # the key with its user and organisation in one query; the stamp only the first time
    assert len(first) == len(second) + 1
    updates = [q["sql"] for q in first.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assert "last_used_at" in updates[0]
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        api.get("/api/v1/organisations")
    stamped = key.last_used_at
    key.refresh_from_db()
    assert key.last_used_at > stamped


def test_a_token_from_before_hashing_keeps_working_as_a_hashed_key(people):
    """The migration: a DRF token (its key in clear) becomes an API key with the same secret,
    every scope and 90 days; the clear key is gone."""
    from importlib import import_module

    from django.apps import apps
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=people["system"])
    import_module("partners.migrations.0009_tokens_to_api_keys").forwards(apps, None)
    assert not Token.objects.exists()
    key = ApiKey.objects.get(user=people["system"])
    assert token.key not in key.hashed_key
    assert key.prefix == token.key[:8]
    assert set(key.scopes) == set(ApiScope.values)
    assert key.expiry_date < timezone.now() + timedelta(days=91)
    assert _api(token.key).get("/api/v1/cases").status_code == 200
    assert _api(token.key[:8] + "0" * 32).get("/api/v1/cases").status_code == 401


@pytest.mark.parametrize("n", [1, 6])
def test_the_list_reads_a_fixed_number_of_queries(beheerder, people, django_assert_num_queries, n):
    for i in range(n):
        key, _secret = ApiKey.objects.create_key(
            user=people["system"], name=f"k{i}", scopes=["read"]
        )
    ApiKey.objects.create_key(user=people["system"], name="next", scopes=["read"], rotated_from=key)
    beheerder.get(reverse("api_keys"))
    with django_assert_num_queries(KEY_LIST):
        response = beheerder.get(reverse("api_keys"))
    assert len(response.context["keys"]) == n + 1


@pytest.mark.parametrize("n", [1, 25])
def test_the_revoke_question_reads_a_fixed_number_of_queries(
    beheerder, people, django_assert_num_queries, n
):
    """However many keys the system has (and whether this one has a successor)."""
    for i in range(n):
        key, _secret = ApiKey.objects.create_key(
            user=people["system"], name=f"k{i}", scopes=["read"]
        )
    ApiKey.objects.create_key(user=people["system"], name="next", scopes=["read"], rotated_from=key)
    url = reverse("api_key_revoke", args=[key.prefix])
    beheerder.get(url)
    with django_assert_num_queries(KEY_REVOKE):
        response = beheerder.get(url)
    assert response.context["key"].rotated_to.name == "next"
