"""factory-boy factories shared by the whole suite."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from partners.models import Organisation, OrganisationKind, User
from partners.roles import user_set_roles


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Testorganisatie {n}")
    code = factory.Sequence(lambda n: f"TEST{n}")
    kind = OrganisationKind.PARTNER

    class Params:
        health = factory.Trait(handles_health=True)
        kernpartner = factory.Trait(kind=OrganisationKind.KERNPARTNER)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Gebruiker {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password("correct horse battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            user_set_roles(user=self, roles=extracted)


def new_user(*roles, organisation: Organisation | None = None, **kwargs) -> User:
    """A user with these roles (`make_user` in tests, and the scenarios' people)."""
    if organisation is not None:
        kwargs["organisation"] = organisation
    return UserFactory(roles=list(roles), **kwargs)


# --- cases --------------------------------------------------------------------------------------

import datetime  # noqa: E402

from django.utils import timezone  # noqa: E402

from cases.models import (  # noqa: E402
    Case,
    OffenceCategory,
    OffenceKind,
    OffenceRecord,
    Person,
    Programme,
)


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Sequence(lambda n: f"Fictief{n}")
    date_of_birth = datetime.date(1995, 5, 17)
    city = "Amsterdam"


def programme(code: str = "TOP600") -> Programme:
    return Programme.objects.get(code=code)


class OffenceRecordFactory(DjangoModelFactory):
    class Meta:
        model = OffenceRecord

    person = factory.SubFactory(PersonFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=100))
    kind = OffenceKind.ARREST
    category = OffenceCategory.STRAATROOF
    source = factory.LazyFunction(lambda: Organisation.objects.get(code="POLITIE"))


class CaseFactory(DjangoModelFactory):
    """A case in any state, built through the services where state needs history."""

    class Meta:
        model = Case

    person = factory.SubFactory(PersonFactory)
    programme = factory.LazyFunction(programme)


def api_key(user: User, scopes: list[str] | None = None, **fields) -> str:
    """A stored API key of `user` (every scope unless given), returning the secret to send as
    `Authorization: Token <secret>`. Marked as just used, so that a request does not stamp its
    last use (an UPDATE the exact query counts would have to allow for)."""
    from django.utils import timezone

    from partners.models import ApiKey, ApiScope

    fields.setdefault("last_used_at", timezone.now())
    _key, secret = ApiKey.objects.create_key(
        user=user, name="test", scopes=list(ApiScope.values) if scopes is None else scopes, **fields
    )
    return secret
