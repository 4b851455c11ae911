"""Retention: a closed case past its period loses its content, in every app and in the history;
the person is anonymised once all their cases are; the figures stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases import retention, services
from cases.models import AccessLogEntry, Case, FamilyRelation, OffenceRecord, Person
from meetings import services as meeting_services
from meetings.models import Agreement, Notification, UvoMeeting
from plans.models import Plan, PlanGoal
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

YEARS = 5


@pytest.fixture
def closed_case(plan_at, people, orgs, client):
    """A case with content in every app, closed today; a search by the person's name logged."""
    plan = plan_at("approved")
    case = plan.case
    person = case.person
    person.bsn = "123456782"
    person.address = "Fictieve straat 1"
    person.save()
    FamilyRelation.objects.create(person=person, relative=PersonFactory(), kind="sibling")
    OffenceRecord.objects.filter(person=person).update(description="Fictieve omschrijving")
    held = meeting_services.uvo_plan(
        case=case, by=people["regisseur"], planned_at=timezone.now() - timedelta(days=2)
    )
    meeting_services.uvo_record(
        meeting=held,
        by=people["regisseur"],
        held_on=timezone.localdate() - timedelta(days=2),
        minutes="Fictieve notulen bewaartermijn",
    )
    meeting_services.agreement_create(
        case=case,
        by=people["regisseur"],
        meeting=held,
        description="Fictieve afspraak bewaartermijn",
        owner_organisation=orgs["WPI"],
        deadline=timezone.localdate() + timedelta(days=7),
    )
    client.force_login(people["regisseur"])
    client.get("/casussen/", {"q": person.last_name})  # a search that names the person
    case = services.case_start_outflow(
        case=Case.objects.get(pk=case.pk),
        by=people["regisseur"],
        reason="Fictieve reden van uitstroom",
        receiving_organisation="Wijkteam (fictief)",
        handover_note="Fictieve overdracht",
    )
    case = services.case_close(case=case, by=people["regisseur"])
    Notification.objects.create(
        case=case, user=people["regisseur"], message=f"Over {person.full_name}", part="overview"
    )
    return Case.objects.get(pk=case.pk)


def figures(case: Case) -> tuple:
    """What the outcome figures are made of."""
    return (
        Case.objects.filter(pk=case.pk).values_list(
            "programme_id", "status", "registered_at", "regie_started_at", "closed_at"
        )[0],
        sorted(OffenceRecord.objects.filter(person=case.person).values_list("date", "kind")),
        sorted(Plan.objects.filter(case=case).values_list("version", "status")),
        PlanGoal.objects.filter(plan__case=case).count(),
        sorted(UvoMeeting.objects.filter(case=case).values_list("planned_at", "status")),
        sorted(Agreement.objects.filter(case=case).values_list("deadline", "status")),
    )


def test_nothing_is_due_before_the_period_has_passed(closed_case):
    later = timezone.localdate() + timedelta(days=365 * YEARS - 2)
    assert retention.due(today=later).cases == []


def test_a_dry_run_lists_what_is_due_and_changes_nothing(closed_case, capsys):
    later = timezone.localdate() + timedelta(days=365 * YEARS + 2)
    found = retention.anonymise_due(dry_run=True, today=later)
    assert found.cases == [closed_case]
    assert found.persons == [closed_case.person]
    assert found.rows["meetings.UvoMeeting"] == 1
    person = Person.objects.get(pk=closed_case.person_id)
    assert person.anonymised_at is None
    assert person.bsn == "123456782"
    assert Case.objects.get(pk=closed_case.pk).outflow_reason == "Fictieve reden van uitstroom"


def test_the_run_removes_the_content_and_keeps_the_figures(closed_case):
    person = closed_case.person
    name, last_name, year = person.full_name, person.last_name, person.date_of_birth.year
    before = figures(closed_case)
    later = timezone.localdate() + timedelta(days=365 * YEARS + 2)
    done = retention.anonymise_due(today=later)
    assert done.cases == [closed_case]
    case = Case.objects.get(pk=closed_case.pk)
    assert case.anonymised_at is not None
    assert (case.outflow_reason, case.handover_note, case.receiving_organisation) == ("", "", "")
    # Every app's free text, and its history.
    texts = [
        *PlanGoal.objects.filter(plan__case=case).values_list("goal", flat=True),
        *PlanGoal.history.filter(plan__case=case).values_list("goal", flat=True),
        *Plan.history.filter(case=case).values_list("analysis", flat=True),
        *UvoMeeting.objects.filter(case=case).values_list("minutes", flat=True),
        *UvoMeeting.history.filter(case=case).values_list("minutes", flat=True),
        *Agreement.objects.filter(case=case).values_list("description", flat=True),
        *Agreement.history.filter(case=case).values_list("description", flat=True),
        *Case.history.filter(id=case.pk).values_list("outflow_reason", flat=True),
        *case.timeline.values_list("description", flat=True),
        *Notification.objects.filter(case=case).values_list("message", flat=True),
    ]
    assert texts
    assert set(texts) == {""}
    from cases.models import DossierContribution

    assert set(
        DossierContribution.objects.filter(section__dossier__case=case).values_list(
            "text", flat=True
        )
    ) == {""}
    # The person.
    person = Person.objects.get(pk=person.pk)
    assert person.full_name != name
    assert person.first_name == retention.ANONYMOUS_FIRST_NAME
    assert (person.bsn, person.address, person.date_of_birth.month, person.date_of_birth.day) == (
        None,
        "",
        1,
        1,
    )
    assert person.date_of_birth.year == year
    assert not Person.history.filter(id=person.pk, bsn="123456782").exists()
    assert not Person.history.filter(id=person.pk, last_name=last_name).exists()
    assert not FamilyRelation.objects.filter(person=person).exists()
    assert set(
        OffenceRecord.objects.filter(person=person).values_list("description", flat=True)
    ) == {""}
    # The search that named the person lost its words; the entry itself stays.
    searches = AccessLogEntry.objects.filter(subjects__person=person, action="search")
    assert searches.exists()
    assert set(searches.values_list("query", flat=True)) == {""}
    # The figures are what they were.
    assert figures(case) == before
    # Once: a second run finds nothing.
    again = retention.anonymise_due(today=later)
    assert (again.cases, again.persons) == ([], [])


def test_a_person_with_another_open_case_keeps_their_name(closed_case, people):
    from cases.models import Programme

    other = Programme.objects.exclude(pk=closed_case.programme_id).first()
    Case.objects.create(person=closed_case.person, programme=other)
    later = timezone.localdate() + timedelta(days=365 * YEARS + 2)
    done = retention.anonymise_due(today=later)
    assert done.cases == [closed_case]
    assert done.persons == []
    person = Person.objects.get(pk=closed_case.person_id)
    assert person.anonymised_at is None
    assert person.bsn == "123456782"
    assert Case.objects.get(pk=closed_case.pk).handover_note == ""


def test_a_programme_sets_its_own_period(closed_case):
    programme = closed_case.programme
    programme.retention_years = 2
    programme.save()
    assert retention.due(today=timezone.localdate() + timedelta(days=365 * 2 + 2)).cases == [
        closed_case
    ]


def test_the_command_dry_run_prints_and_keeps(closed_case, capsys, settings):
    settings.REGIE_RETENTION_YEARS = 1
    Case.objects.filter(pk=closed_case.pk).update(closed_at=timezone.now() - timedelta(days=400))
    call_command("anonymise", "--dry-run")
    out = capsys.readouterr().out
    assert "1 cases would be anonymised" in out
    assert f"case {closed_case.pk} (TOP600)" in out
    assert Case.objects.get(pk=closed_case.pk).anonymised_at is None
    call_command("anonymise")
    assert Case.objects.get(pk=closed_case.pk).anonymised_at is not None


def test_the_beheerder_sees_what_is_due(client, people, closed_case, settings):
    settings.REGIE_RETENTION_YEARS = 1
    Case.objects.filter(pk=closed_case.pk).update(closed_at=timezone.now() - timedelta(days=400))
    client.force_login(people["beheerder"])
    response = client.get("/beheer/bewaartermijn/")
    assert response.status_code == 200
    assert response.context["due_count"] == 1
    assert f'data-case="{closed_case.pk}"' in response.content.decode()
    assert closed_case.person.last_name not in response.content.decode()
    client.force_login(people["regisseur"])
    assert client.get("/beheer/bewaartermijn/").status_code == 403


#: Session and user, 2 × permissions, the programmes (their periods), the closed cases (with
#: programme and person), the persons' other open cases, the count of anonymised cases (the
#: header's counts are cached).
RETENTION_PAGE_QUERIES = 8


def test_the_retention_page_query_count_does_not_grow(
    client, people, closed_case, settings, django_assert_num_queries
):
    settings.REGIE_RETENTION_YEARS = 1
    long_ago = timezone.now() - timedelta(days=400)
    Case.objects.filter(pk=closed_case.pk).update(closed_at=long_ago)
    client.force_login(people["beheerder"])
    client.get("/beheer/bewaartermijn/")  # warm the session
    with django_assert_num_queries(RETENTION_PAGE_QUERIES):
        assert client.get("/beheer/bewaartermijn/").context["due_count"] == 1
    for _ in range(3):  # three more, of other persons; one of them with an open case besides
        Case.objects.create(
            person=PersonFactory(),
            programme=closed_case.programme,
            status="closed",
            closed_at=long_ago,
            regie_organisation=closed_case.regie_organisation,
            regisseur=closed_case.regisseur,
        )
    Case.objects.create(
        person=Case.objects.latest("pk").person,
        programme=closed_case.programme,
        status="in_regie",
        regie_organisation=closed_case.regie_organisation,
    )
    with django_assert_num_queries(RETENTION_PAGE_QUERIES):
        assert client.get("/beheer/bewaartermijn/").context["due_count"] == 4
    assert len(retention.due().persons) == 3


#: Free text on a model of a case that the retention run leaves, and why.
NOT_SCRUBBED = {
    # Not about one person: the ITAT meeting's own notes, reference data, the legal bases.
    "plans.ItatMeeting": "the meeting's notes are about the meeting, not a case",
    "cases.Programme": "reference data",
    "cases.LegalBasis": "reference data",
    # The person's own rows: emptied or replaced by `retention._person`.
    "cases.Person": "retention._person",
    "cases.OffenceRecord": "retention._person",
    "cases.FamilyRelation": "deleted by retention._person",
}


def test_every_free_text_of_a_case_is_emptied_or_exempt_with_a_reason():
    """A new model (or text field) with content of a case must join `retention.SCRUB`: shown to
    bite by leaving out `plans.GoalProgress`'s note."""
    from django.apps import apps
    from django.db import models

    missing = []
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label not in ("cases", "plans", "meetings"):
            continue
        if label.split(".")[1].startswith("Historical") or label in NOT_SCRUBBED:
            continue
        scrubbed = set(retention.SCRUB.get(label, ("", ()))[1])
        for field in model._meta.concrete_fields:
            if isinstance(field, models.TextField) and field.name not in scrubbed:
                missing.append(f"{label}.{field.name}")
    assert missing == []
