"""Justice-chain events call for a look at the plan (issue 15): each event of a reviewing kind
opens exactly one review, due in the programme's days for that kind; an evaluation or a
recorded "no change needed" closes it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from acvz.errors import DomainError, NotAllowed
from cases import services as case_services
from cases.models import REGIE_RECORDED_KINDS, OffenceKind, TimelineEvent, TimelineKind
from meetings.models import Notification, NotificationEvent
from meetings.work import plan_reviews_due
from plans import services
from plans.models import PlanReview
from plans.reviews import review_close
from plans.workflow import REVIEW_EVENT_DAYS, EvaluationConclusion, EvaluationResult
from tests.scenarios import settle

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
#: The agreed defaults (written out here, not read from the table they test).
DAYS = {
    "arrest": 14,
    "summons": 14,
    "detention_in": 7,
    "detention_out": 7,
    "court_date": 14,
    "new_measure": 14,
}


def share(case, by, kind: str, **extra) -> TimelineEvent:
    event, _created = case_services.timeline_event_create(
        case=case, by=by, kind=kind, description="Fictieve gebeurtenis", **extra
    )
    return event


def test_the_defaults_are_the_agreed_ones():
    assert REVIEW_EVENT_DAYS == DAYS


@pytest.mark.parametrize("kind", TimelineKind.values)
def test_each_event_kind_opens_exactly_one_review_or_none(case_at, people, kind):
    case = case_at("in_regie")
    if kind in REGIE_RECORDED_KINDS:  # recorded by Regie itself
        return
    with time_machine.travel(dt.datetime(2031, 3, 3, 23, 30, tzinfo=AMS), tick=False):
        event = share(case, people["regisseur"], kind, external_id="REF-1")
        share(case, people["regisseur"], kind, external_id="REF-1")  # a repeated push
    reviews = PlanReview.objects.filter(case=case)
    if kind in DAYS:
        review = reviews.get()
        assert review.event == event
        # Days from the day it reached Regie, in Amsterdam (23:30 there is still 3 March).
        assert review.due_on == dt.date(2031, 3, 3) + dt.timedelta(days=DAYS[kind])
    else:
        assert not reviews.exists()


def test_a_programme_sets_its_own_days_per_kind(case_at, people):
    case = case_at("in_regie")
    case.programme.event_review_days = {"arrest": 3}
    case.programme.save()
    with time_machine.travel(dt.datetime(2031, 5, 6, 10, tzinfo=AMS), tick=False):
        share(case, people["regisseur"], "arrest")
        share(case, people["regisseur"], "summons")
    due = dict(PlanReview.objects.values_list("event__kind", "due_on"))
    assert due == {"arrest": dt.date(2031, 5, 9), "summons": dt.date(2031, 5, 20)}


@pytest.mark.parametrize(
    "value",
    [{"arrest": 0}, {"arrest": 91}, {"arrest": "7"}, {"move": 5}, {"bogus": 5}, ["arrest"]],
)
def test_a_bad_programme_norm_is_refused(value):
    from cases.models import validate_event_review_days

    with pytest.raises(ValidationError):
        validate_event_review_days(value)


def test_a_new_arrest_lands_on_the_timeline_and_calls_for_a_look(case_at, people):
    case = case_at("in_regie")
    other = case_at("registered")  # not in regie: no timeline event, no review
    settle()
    for person, kind in (
        (case.person, OffenceKind.ARREST),
        (case.person, OffenceKind.CONVICTION),  # not an event that calls for a look
        (other.person, OffenceKind.ARREST),
    ):
        case_services.offence_record_create(
            by=people["system"],
            person=person,
            date=timezone.localdate(),
            kind=kind,
            category="other",
            description="Fictieve omschrijving van de politie",
        )
    event = TimelineEvent.objects.get(case=case, kind=TimelineKind.ARREST)
    assert "Fictieve omschrijving" not in event.description  # the police's words stay theirs
    assert not TimelineEvent.objects.filter(case=other, kind=TimelineKind.ARREST).exists()
    review = PlanReview.objects.get()
    assert review.event == event
    told = Notification.objects.get(event=NotificationEvent.TIMELINE)
    assert told.user == people["regisseur"]
    assert review.due_on.strftime("%d-%m-%Y") in told.message


def test_no_change_needed_closes_it_with_a_reason(case_at, people):
    case = case_at("in_regie")
    review = PlanReview.objects.get(event=share(case, people["regisseur"], "detention_out"))
    with pytest.raises(DomainError):
        review_close(review=review, by=people["regisseur"], note=" ")
    for by in (people["partner"], people["itat"], people["programme"]):
        with pytest.raises(NotAllowed):
            review_close(review=review, by=by, note="x")
    review.refresh_from_db()
    assert review.closed_at is None
    review_close(review=review, by=people["accounthouder"], note="Fictief: plan dekt dit")
    review.refresh_from_db()
    assert (review.outcome, review.closed_by, review.note) == (
        "no_change",
        people["accounthouder"],
        "Fictief: plan dekt dit",
    )
    with pytest.raises(DomainError):
        review_close(review=review, by=people["regisseur"], note="nog eens")


def test_an_evaluation_closes_every_open_look(plan_at, people):
    plan = plan_at("approved")
    for kind in ("arrest", "court_date"):
        share(plan.case, people["regisseur"], kind)
    evaluation = services.evaluation_record(
        plan=plan,
        by=people["regisseur"],
        held_on=timezone.localdate(),
        conclusion=EvaluationConclusion.CONTINUE,
        summary="",
        results=[(g, EvaluationResult.PARTLY, "") for g in plan.goals.all()],
    )
    assert set(PlanReview.objects.values_list("outcome", "evaluation")) == {
        ("evaluated", evaluation.pk)
    }


def test_the_regisseur_is_asked_on_the_queue_and_the_plan_tab(client, case_at, people):
    case = case_at("in_regie")
    review = PlanReview.objects.get(event=share(case, people["regisseur"], "new_measure"))
    section = plan_reviews_due(people["regisseur"], today=review.due_on + dt.timedelta(days=1))
    assert section.count == 1
    assert section.items[0].overdue
    client.force_login(people["regisseur"])
    tab = client.get(reverse("plans:case_plan", args=[case.pk])).content.decode()
    assert 'data-testid="reviews"' in tab
    url = reverse("plans:review_close", args=[review.pk])
    response = client.post(url, {"note": ""})
    assert response.context["form"].errors["note"]
    response = client.post(url, {"note": "Fictief: maatregel past in het plan"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.outcome == "no_change"
    # The case team's partner reads the plan tab, not the regisseur's looks at it.
    client.force_login(people["partner"])
    assert client.get(url).status_code in (403, 404)
