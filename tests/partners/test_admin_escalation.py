"""The beheerder's admin without escalation: no superusers, staff flags or permissions from the
admin, no way into a superuser's account or one's own roles, no token key in sight after it was
issued, and a password the admin sets is logged and must be changed at the next login.

Every refusal is tried as an attacker would: a forged POST, asserting what is stored."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from partners.models import Role, RoleGroup, User
from partners.roles import role_group
from tests.factories import api_key

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a fresh correct horse 42"


@pytest.fixture
def beheerder(make_user, orgs):
    return make_user(Role.BEHEERDER, username="beheer", organisation=orgs["OJZD"], is_staff=True)


@pytest.fixture
def admin_client(client, beheerder):
    client.force_login(beheerder)
    return client


def change_url(user: User) -> str:
    return reverse("admin:partners_user_change", args=[user.pk])


def change_post(user: User, **overrides) -> dict:
    """The change form as the admin renders it for this user, with the fields overridden."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "organisation": user.organisation_id or "",
        "groups": [g.pk for g in user.groups.filter(role_group__isnull=False)],
        "is_active": "on" if user.is_active else "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v not in ("", None)}


# --- flags, permissions, superusers -------------------------------------------------------------


def test_the_change_form_offers_the_beheerder_no_superuser_staff_or_permission_fields(
    admin_client, people
):
    response = admin_client.get(change_url(people["regisseur"]))
    assert response.status_code == 200
    fields = response.context["adminform"].form.fields
    for name in ("is_superuser", "is_staff", "user_permissions", "must_change_password"):
        assert name not in fields
    assert set(fields["groups"].queryset) == set(Group.objects.filter(role_group__isnull=False))


def test_a_forged_post_makes_nobody_superuser_staff_or_gives_permissions(admin_client, people):
    target = people["regisseur"]
    permission = Permission.objects.get(codename="view_accesslogentry")
    response = admin_client.post(
        change_url(target),
        change_post(
            target,
            first_name="Gewijzigd",
            is_superuser="on",
            is_staff="on",
            must_change_password="",
            user_permissions=[permission.pk],
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    target.refresh_from_db()
    assert target.first_name == "Gewijzigd"  # the change itself went through
    assert (target.is_superuser, target.is_staff) == (False, False)
    assert not target.user_permissions.exists()


def test_a_forged_post_cannot_put_a_user_in_a_group_that_is_no_role(admin_client, people, orgs):
    target = people["regisseur"]
    powerful = Group.objects.create(name="everything")
    powerful.permissions.set(Permission.objects.all())
    for group in (powerful, orgs["GGD"].group):
        response = admin_client.post(change_url(target), change_post(target, groups=[group.pk]))
        assert response.status_code == 200  # the form refuses the choice
        assert response.context["adminform"].form.errors["groups"]
    assert set(target.groups.all()) == {role_group(Role.REGISSEUR), orgs["RN"].group}


def test_the_beheerder_assigns_roles_to_others(admin_client, people, orgs):
    target = people["partner"]
    roles = [role_group(Role.INTERVENTIEPLEGER).pk, role_group(Role.BEHEERDER).pk]
    response = admin_client.post(change_url(target), change_post(target, groups=roles))
    assert response.status_code == 302
    target = User.objects.get(pk=target.pk)
    assert target.roles == {Role.INTERVENTIEPLEGER, Role.BEHEERDER}
    assert orgs["WPI"].group in target.groups.all()  # the organisation group follows


def test_the_beheerder_cannot_change_their_own_roles_organisation_or_activity(
    admin_client, beheerder, orgs
):
    response = admin_client.get(change_url(beheerder))
    fields = response.context["adminform"].form.fields
    assert not {"groups", "organisation", "is_active"} & set(fields)
    every_role = list(RoleGroup.objects.values_list("group_id", flat=True))
    response = admin_client.post(
        change_url(beheerder),
        change_post(
            beheerder,
            first_name="Zelf",
            groups=every_role,
            organisation=orgs["GGD"].pk,
            is_active="",
            is_superuser="on",
            is_staff="on",
        ),
    )
    assert response.status_code == 302
    beheerder = User.objects.get(pk=beheerder.pk)
    assert beheerder.first_name == "Zelf"
    assert beheerder.roles == {Role.BEHEERDER}
    assert (beheerder.organisation, beheerder.is_active) == (orgs["OJZD"], True)
    assert (beheerder.is_superuser, beheerder.is_staff) == (False, True)


def test_a_superusers_account_is_out_of_the_beheerders_reach(admin_client, make_user):
    root = make_user(username="root", is_superuser=True, is_staff=True)
    response = admin_client.get(change_url(root))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False  # shown, read-only
    forged = change_post(root, first_name="Overgenomen", is_active="")
    assert admin_client.post(change_url(root), forged).status_code == 403
    password_url = reverse("admin:auth_user_password_change", args=[root.pk])
    response = admin_client.post(
        password_url,
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 403
    root.refresh_from_db()
    assert (root.first_name, root.is_active, root.must_change_password) == ("Test", True, False)
    assert root.check_password("correct horse battery")


def test_save_model_holds_even_when_a_form_let_the_flags_through(rf, beheerder, people):
    """The second guard: were a form to carry the flags, the stored row still does not change."""
    from django.contrib.admin.sites import site

    target = User.objects.get(pk=people["regisseur"].pk)
    target.is_superuser = target.is_staff = target.must_change_password = True
    request = rf.post("/")
    request.user = beheerder
    site._registry[User].save_model(request, target, form=None, change=True)
    target.refresh_from_db()
    assert (target.is_superuser, target.is_staff, target.must_change_password) == (
        False,
        False,
        False,
    )


def test_a_forged_add_makes_no_superuser_or_staff(admin_client, orgs):
    response = admin_client.post(
        reverse("admin:partners_user_add"),
        {
            "username": "nieuw",
            "organisation": orgs["WPI"].pk,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
            "is_superuser": "on",
            "is_staff": "on",
        },
    )
    assert response.status_code == 302
    created = User.objects.get(username="nieuw")
    assert (created.is_superuser, created.is_staff) == (False, False)
    assert created.must_change_password is True  # the administrator chose its password


def test_even_a_superuser_makes_no_superusers_in_the_admin(client, make_user, people):
    root = make_user(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    target = people["regisseur"]
    response = client.get(change_url(target))
    assert "is_superuser" not in response.context["adminform"].form.fields
    response = client.post(change_url(target), change_post(target, is_superuser="on"))
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.is_superuser is False


# --- API keys are not in the admin ---------------------------------------------------------------


def test_no_api_key_or_token_admin():
    """Keys are issued in the app (tests/partners/test_api_keys.py); the admin would list them."""
    from django.contrib.admin.sites import site
    from rest_framework.authtoken.models import Token, TokenProxy
    from rest_framework_api_key.models import APIKey

    from partners.models import ApiKey

    for model in (Token, TokenProxy, APIKey, ApiKey):
        assert not site.is_registered(model), model


# --- a password set by the admin ----------------------------------------------------------------


def set_password(admin_client, user: User, password: str = NEW_PASSWORD):
    return admin_client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": password, "password2": password, "usable_password": "true"},
    )


def test_a_password_set_by_the_beheerder_is_logged_without_the_password(
    admin_client, beheerder, people
):
    target = people["regisseur"]
    assert set_password(admin_client, target).status_code == 302
    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD)
    assert target.must_change_password is True
    record = target.history.latest("history_date")
    assert (record.history_user, record.history_change_reason) == (
        beheerder,
        "password set by an administrator",
    )
    assert record.must_change_password is True
    assert not hasattr(record, "password")
    assert NEW_PASSWORD not in str(list(User.history.filter(id=target.pk).values()))


def test_the_user_must_change_it_at_the_next_login_end_to_end(client, admin_client, people):
    """The beheerder sets a password; the user logs in; every page sends them to the change
    form (the API with their session answers 403, with a token it works); after the change the
    flag is gone and the pages open."""
    from django.test import Client
    from rest_framework.test import APIClient

    target = people["regisseur"]
    assert set_password(admin_client, target).status_code == 302

    user_client = Client()
    response = user_client.post(
        reverse("login"), {"username": target.username, "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    change = reverse("password_change")
    for url in (
        "/",
        reverse("cases:list"),
        reverse("meetings:inbox"),
        "/admin/",
        reverse("admin:password_change"),  # the admin's own form would not lift the flag
        "/bestaat-niet/",
    ):
        response = user_client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(change), url
    response = user_client.post(reverse("cases:list"))
    assert response["Location"].startswith(change)
    response = user_client.get("/api/v1/cases")
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(target)}")
    assert api.get("/api/v1/cases").status_code == 200  # a token is not a password

    page = user_client.get(change + "?next=/casussen/")
    assert page.status_code == 200
    assert page.context["required"] is True
    same = {"old_password": NEW_PASSWORD, "new_password1": NEW_PASSWORD}
    same = user_client.post(change, {**same, "new_password2": NEW_PASSWORD})
    assert same.status_code == 200  # the administrator's password is not one's own
    assert same.context["form"].errors["new_password2"]
    own = "mijn eigen lange wachtwoord 7"
    data = {"old_password": NEW_PASSWORD, "new_password1": own, "new_password2": own}
    response = user_client.post(change, {**data, "next": "/casussen/"})
    assert response.status_code == 302
    assert response["Location"] == "/casussen/"
    target.refresh_from_db()
    assert target.must_change_password is False
    assert target.check_password(own)
    assert target.history.latest("history_date").history_change_reason == (
        "password changed by the user"
    )
    assert user_client.get(reverse("cases:list")).status_code == 200  # still logged in
    assert user_client.get("/api/v1/cases").status_code == 200


def test_a_new_user_created_by_the_beheerder_changes_the_password_first(admin_client, orgs):
    from django.test import Client

    admin_client.post(
        reverse("admin:partners_user_add"),
        {
            "username": "nieuwe",
            "organisation": orgs["WPI"].pk,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
        },
    )
    user_client = Client()
    user_client.post(reverse("login"), {"username": "nieuwe", "password": NEW_PASSWORD})
    assert user_client.get("/")["Location"].startswith(reverse("password_change"))


def test_the_beheerder_cannot_lift_the_obligation(admin_client, people):
    target = people["regisseur"]
    set_password(admin_client, target)
    target.refresh_from_db()
    admin_client.post(change_url(target), change_post(target, must_change_password=""))
    target.refresh_from_db()
    assert target.must_change_password is True


def test_users_without_the_flag_are_not_redirected(client, people):
    client.force_login(people["regisseur"])
    assert client.get("/").status_code == 200
