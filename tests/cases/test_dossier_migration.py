"""The data migration from single-author sections to contributions (cases 0005), run for real
on a database migrated back to 0004, and back again.

Migrating every later migration of every app back to 0004 and forward again is nearly all of
this module's time, so the module makes that trip once (`trip`) and its tests read what each
step left behind."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.db import connection
from django.db.migrations.exceptions import IrreversibleError
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("cases", "0004_dossiercontribution")
AFTER = ("cases", "0005_dossier_sections_to_contributions")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return MigrationExecutor(connection).loader.project_state([target]).apps


def build_sections(apps):
    """A case whose dossier has: 1 written by the police (with history), 6 written by the police
    with a screening, 9 marked "no information" by the GGD, 7 untouched."""
    Organisation = apps.get_model("partners", "Organisation")
    User = apps.get_model("partners", "User")
    Person = apps.get_model("cases", "Person")
    Programme = apps.get_model("cases", "Programme")
    Case = apps.get_model("cases", "Case")
    Basisdossier = apps.get_model("cases", "Basisdossier")
    Section = apps.get_model("cases", "DossierSection")
    HistoricalSection = apps.get_model("cases", "HistoricalDossierSection")

    police = Organisation.objects.get(code="POLITIE")
    ggd = Organisation.objects.get(code="GGD")
    agent = User.objects.create(username="agent", organisation=police, last_name="Agent")
    nurse = User.objects.create(username="nurse", organisation=ggd, last_name="Verpleger")
    person = Person.objects.create(
        first_name="Fictief", last_name="Persoon", date_of_birth=datetime.date(1999, 1, 1)
    )
    case = Case.objects.create(
        person=person, programme=Programme.objects.get(code="TOP600"), status="basisdossier"
    )
    dossier = Basisdossier.objects.create(case=case)
    t0 = timezone.now() - datetime.timedelta(days=3)
    t1, t2 = t0 + datetime.timedelta(days=1), t0 + datetime.timedelta(days=2)
    one = Section.objects.create(
        dossier=dossier,
        leefgebied=1,
        organisation=police,
        author=agent,
        text="Tweede versie",
        updated_at=t2,
        version=2,
    )
    for date, text, version, kind, org in (
        (t0, "", 0, "+", None),
        (t1, "Eerste versie", 1, "~", police),
        (t2, "Tweede versie", 2, "~", police),
    ):
        HistoricalSection.objects.create(
            id=one.pk,
            dossier_id=dossier.pk,
            leefgebied=1,
            organisation=org,
            author=agent if org else None,
            text=text,
            version=version,
            updated_at=date if org else None,
            history_date=date,
            history_type=kind,
            history_user=agent,
        )
    Section.objects.create(
        dossier=dossier,
        leefgebied=6,
        organisation=police,
        author=agent,
        text="Huisbezoek PIT",
        restricted_text="Fictieve screening",
        updated_at=t1,
        version=1,
    )
    Section.objects.create(
        dossier=dossier,
        leefgebied=9,
        organisation=ggd,
        author=nurse,
        no_information=True,
        updated_at=t1,
        version=1,
    )
    Section.objects.create(dossier=dossier, leefgebied=7)
    return {"case": case, "police": police, "ggd": ggd, "agent": agent, "nurse": nurse}


@dataclass
class Trip:
    made: dict  # what `build_sections` wrote at 0004
    contributions: dict  # (leefgebied, organisation code, part) -> contribution, after 0005
    histories: dict  # contribution id -> its history rows, oldest first, after 0005
    sections: dict  # leefgebied -> section, after reversing 0005
    refusal: Exception | None  # reversing with two organisations' answers in one section
    after_refusal: int  # contributions left in that section


@pytest.fixture(scope="module")
def trip(django_db_setup, django_db_blocker) -> Trip:
    """Back to 0004, sections written, forward through 0005, back, forward again, a second
    organisation's answer added, back refused; then forward to the latest migrations. The
    tests' own teardown (transactional) empties the tables again."""
    with django_db_blocker.unblock():
        try:
            made = build_sections(migrate(BEFORE))

            apps = migrate(AFTER)
            Contribution = apps.get_model("cases", "DossierContribution")
            HistoricalContribution = apps.get_model("cases", "HistoricalDossierContribution")
            contributions = {
                (c.section.leefgebied, c.organisation.code, c.part): c
                for c in Contribution.objects.select_related("section", "organisation")
            }
            histories = {
                c.pk: list(HistoricalContribution.objects.filter(id=c.pk).order_by("history_date"))
                for c in contributions.values()
            }

            apps = migrate(BEFORE)
            Section = apps.get_model("cases", "DossierSection")
            sections = {
                s.leefgebied: s for s in Section.objects.filter(dossier__case_id=made["case"].pk)
            }

            apps = migrate(AFTER)
            Contribution = apps.get_model("cases", "DossierContribution")
            Organisation = apps.get_model("partners", "Organisation")
            one = Contribution.objects.get(organisation_id=made["police"].pk, section__leefgebied=1)
            Contribution.objects.create(
                section_id=one.section_id,
                organisation=Organisation.objects.get(code="WPI"),
                text="Een tweede organisatie",
            )
            refusal = None
            try:
                migrate(BEFORE)
            except IrreversibleError as error:
                refusal = error
            after_refusal = Contribution.objects.filter(section_id=one.section_id).count()
        finally:
            executor = MigrationExecutor(connection)
            executor.migrate(executor.loader.graph.leaf_nodes())
    return Trip(made, contributions, histories, sections, refusal, after_refusal)


def test_sections_become_contributions_with_their_history(trip):
    made, rows = trip.made, trip.contributions
    assert set(rows) == {
        (1, "POLITIE", "contribution"),
        (6, "POLITIE", "contribution"),
        (6, "GGD", "screening"),  # the police is no health organisation: the GGD's screening
        (9, "GGD", "contribution"),
    }
    one = rows[(1, "POLITIE", "contribution")]
    assert (one.text, one.author_id, one.version, one.nothing_known) == (
        "Tweede versie",
        made["agent"].pk,
        2,
        False,
    )
    screening = rows[(6, "GGD", "screening")]
    assert (screening.text, screening.author_id) == ("Fictieve screening", None)
    assert rows[(6, "POLITIE", "contribution")].text == "Huisbezoek PIT"
    nine = rows[(9, "GGD", "contribution")]
    assert (nine.nothing_known, nine.text, nine.author_id) == (True, "", made["nurse"].pk)

    assert [(h.history_type, h.text, h.history_user_id) for h in trip.histories[one.pk]] == [
        ("+", "Eerste versie", made["agent"].pk),
        ("~", "Tweede versie", made["agent"].pk),
    ]
    # Sections without history still get one row, so the case history shows who wrote what.
    assert len(trip.histories[screening.pk]) == 1
    assert [h.nothing_known for h in trip.histories[nine.pk]] == [True]


def test_the_migration_reverses_into_single_author_sections(trip):
    made, sections = trip.made, trip.sections
    assert (sections[1].text, sections[1].organisation_id, sections[1].version) == (
        "Tweede versie",
        made["police"].pk,
        2,
    )
    assert (sections[6].text, sections[6].restricted_text) == (
        "Huisbezoek PIT",
        "Fictieve screening",
    )
    assert (sections[9].no_information, sections[9].organisation_id) == (True, made["ggd"].pk)
    assert (sections[7].text, sections[7].organisation_id) == ("", None)


def test_several_organisations_answers_stop_the_reversal(trip):
    assert isinstance(trip.refusal, IrreversibleError)
    assert trip.after_refusal == 2
