"""The escalation ladder (issue 15): accounthouder → programme team → Directeurenoverleg →
Stuurgroep; each level answers, decides or escalates within its time; need-to-know per level."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from acvz.errors import DomainError, NotAllowed
from cases.models import TimelineEvent, TimelineKind
from meetings import services as meeting_services
from meetings.escalations import escalation_act, escalation_can, escalation_raise
from meetings.models import Escalation, EscalationStep, Notification, NotificationEvent
from meetings.work import escalations_waiting
from partners.models import Role
from plans import services as plan_services
from plans.models import PlanGoal
from tests.scenarios import settle

pytestmark = pytest.mark.django_db

#: The agreed days per level (written out here, not read from the settings they test).
DAYS = {"accounthouder": 5, "programme_team": 10, "directors": 21, "stuurgroep": 42}


@pytest.fixture
def bodies(make_user, orgs):
    return {
        "directors": make_user(Role.DIRECTEURENOVERLEG, username="do", organisation=orgs["OM"]),
        "stuurgroep": make_user(Role.STUURGROEP, username="sg", organisation=orgs["OJZD"]),
    }


def raise_on(case, people, orgs, **extra):
    return escalation_raise(
        case=case,
        by=people["regisseur"],
        subject=extra.pop("subject", "case_transcending"),
        organisation=extra.pop("organisation", orgs["WPI"]),
        question=extra.pop("question", "Fictief: geen woonplek beschikbaar in de stad"),
        **extra,
    )


def test_the_agreed_days(settings):
    assert settings.REGIE_ESCALATION_DAYS == DAYS


def test_the_regisseur_raises_it_to_the_accounthouder(case_at, people, orgs):
    case = case_at("in_regie")
    settle()
    escalation = raise_on(case, people, orgs)
    assert (escalation.level, escalation.status) == ("accounthouder", "open")
    assert escalation.due_at - escalation.level_since == dt.timedelta(days=DAYS["accounthouder"])
    step = EscalationStep.objects.get()
    assert (step.action, step.by) == ("raised", people["regisseur"])
    assert TimelineEvent.objects.filter(case=case, kind=TimelineKind.ESCALATION).count() == 1
    told = Notification.objects.get(event=NotificationEvent.ESCALATION)
    assert told.user == people["accounthouder"]
    assert "woonplek" not in told.message  # the question stays on its page
    for by in (people["accounthouder"], people["partner"], people["programme"]):
        with pytest.raises(NotAllowed):
            escalation_raise(
                case=case,
                by=by,
                subject="case_transcending",
                organisation=orgs["WPI"],
                question="x",
            )
    assert Escalation.objects.count() == 1


def test_what_it_is_about_must_be_named(plan_at, people, orgs):
    plan = plan_at("submitted")
    case = plan.case
    goal = plan.goals.get(responsible_organisation=orgs["WPI"])
    with pytest.raises(DomainError):  # a declined commitment: name the declined goal
        raise_on(case, people, orgs, subject="declined_commitment", goal=goal)
    plan_services.goal_commit(goal=goal, by=people["partner"], committed=False, reason="Vol")
    goal = PlanGoal.objects.get(pk=goal.pk)
    assert raise_on(case, people, orgs, subject="declined_commitment", goal=goal).goal == goal
    agreement = meeting_services.agreement_create(
        case=case,
        by=people["regisseur"],
        description="Fictieve afspraak",
        owner_organisation=orgs["WPI"],
        deadline=timezone.localdate() + dt.timedelta(days=3),
    )
    with pytest.raises(DomainError):  # not past its deadline yet
        raise_on(case, people, orgs, subject="overdue_agreement", agreement=agreement)
    with pytest.raises(DomainError):
        raise_on(case, people, orgs, question="  ")
    assert Escalation.objects.count() == 1


def test_the_ladder_its_timers_and_its_top(case_at, people, orgs, bodies):
    case = case_at("in_regie")
    start = timezone.now()
    escalation = raise_on(case, people, orgs)
    regisseur, accounthouder = people["regisseur"], people["accounthouder"]
    # Within its time only the accounthouder moves it; the regisseur waits.
    assert not escalation_can(regisseur, escalation, "escalate")
    escalation_act(escalation=escalation, by=accounthouder, action="answer", text="Ik bel WPI")
    escalation.refresh_from_db()
    assert escalation.level == "accounthouder"
    with time_machine.travel(start + dt.timedelta(days=DAYS["accounthouder"], minutes=1)):
        assert escalation_can(regisseur, escalation, "escalate")
        escalation = escalation_act(
            escalation=escalation, by=regisseur, action="escalate", text="Geen antwoord van WPI"
        )
        assert escalation.level == "programme_team"
        assert escalation.due_at - escalation.level_since == dt.timedelta(days=10)
        # The accounthouder is no longer the level; the programme team is.
        assert not escalation_can(accounthouder, escalation, "decide")
        escalation = escalation_act(
            escalation=escalation, by=people["programme"], action="escalate", text="Bestuurlijk"
        )
    assert escalation.level == "directors"
    assert not escalation_can(bodies["stuurgroep"], escalation, "decide")
    escalation = escalation_act(
        escalation=escalation, by=bodies["directors"], action="escalate", text="Naar de stuurgroep"
    )
    assert escalation.level == "stuurgroep"
    assert not escalation_can(bodies["stuurgroep"], escalation, "escalate")  # the top
    escalation = escalation_act(
        escalation=escalation,
        by=bodies["stuurgroep"],
        action="decide",
        text="WPI levert binnen 4 weken",
    )
    assert (escalation.status, escalation.decision) == ("decided", "WPI levert binnen 4 weken")
    assert escalation.closed_at is not None
    actions = list(EscalationStep.objects.order_by("pk").values_list("level", "action"))
    assert actions == [
        ("accounthouder", "raised"),
        ("accounthouder", "answered"),
        ("accounthouder", "escalated"),
        ("programme_team", "escalated"),
        ("directors", "escalated"),
        ("stuurgroep", "decided"),
    ]
    timeline = TimelineEvent.objects.filter(case=case, kind=TimelineKind.ESCALATION)
    assert timeline.count() == 5  # raised, three steps up, the decision
    assert "WPI levert binnen 4 weken" in timeline.latest("pk").description
    for action in ("answer", "decide", "escalate", "withdraw"):
        assert not escalation_can(regisseur, escalation, action)


def test_a_step_needs_words_and_the_version_read(case_at, people, orgs):
    case = case_at("in_regie")
    escalation = raise_on(case, people, orgs)
    with pytest.raises(DomainError):
        escalation_act(escalation=escalation, by=people["accounthouder"], action="decide", text="")
    with pytest.raises(DomainError) as stale:
        escalation_act(
            escalation=escalation,
            by=people["accounthouder"],
            action="decide",
            text="Besluit",
            expected_lock_version=escalation.lock_version + 1,
        )
    assert stale.value.code == "stale"
    with pytest.raises(NotAllowed):
        escalation_act(escalation=escalation, by=people["partner"], action="answer", text="x")
    escalation.refresh_from_db()
    assert (escalation.status, escalation.steps.count()) == ("open", 1)
    escalation_act(
        escalation=escalation, by=people["regisseur"], action="withdraw", text="Opgelost"
    )
    escalation.refresh_from_db()
    assert escalation.status == "withdrawn"


def test_need_to_know_at_each_level(client, case_at, people, orgs, bodies):
    case = case_at("in_regie")
    escalation = raise_on(case, people, orgs)
    url = reverse("meetings:escalation", args=[escalation.pk])
    name = case.person.full_name
    # Not yet at the Directeurenoverleg: it does not see it; nor does a team partner.
    for who in (bodies["directors"], people["partner"], people["outsider"], people["itat"]):
        client.force_login(who)
        assert client.get(url).status_code == 404
    client.force_login(people["accounthouder"])
    assert name in client.get(url).content.decode()
    escalation_act(escalation=escalation, by=people["accounthouder"], action="escalate", text="x")
    escalation.refresh_from_db()
    escalation_act(escalation=escalation, by=people["programme"], action="escalate", text="y")
    client.force_login(bodies["directors"])
    page = client.get(url).content.decode()
    assert "geen woonplek" in page  # the question is theirs to answer
    assert name not in page  # the person is not: a case number
    assert f"{case.pk}" in page
    client.force_login(bodies["stuurgroep"])
    assert client.get(url).status_code == 404  # never reached the Stuurgroep


def test_the_pages_and_the_work_queue(client, case_at, people, orgs, bodies):
    from cases.services import team_member_add

    case = case_at("in_regie")
    team_member_add(case=case, by=people["regisseur"], organisation=orgs["WPI"])
    outsider_org = orgs["DJI"]  # not on the team: not offered, refused
    client.force_login(people["regisseur"])
    response = client.post(
        reverse("meetings:escalation_raise", args=[case.pk]),
        {"subject": "case_transcending", "organisation": orgs["WPI"].pk, "question": ""},
    )
    assert response.context["form"].errors["question"]
    response = client.post(
        reverse("meetings:escalation_raise", args=[case.pk]),
        {"subject": "case_transcending", "organisation": outsider_org.pk, "question": "x"},
    )
    assert response.context["form"].errors["organisation"]
    assert not Escalation.objects.exists()
    response = client.post(
        reverse("meetings:escalation_raise", args=[case.pk]),
        {"subject": "case_transcending", "organisation": orgs["WPI"].pk, "question": "Fictief"},
    )
    escalation = Escalation.objects.get()
    assert response.url == reverse("meetings:escalation", args=[escalation.pk])
    today = timezone.localdate()
    assert escalations_waiting(people["accounthouder"], today=today).count == 1
    assert escalations_waiting(bodies["directors"], today=today).count == 0
    client.force_login(people["accounthouder"])
    url = reverse("meetings:escalation", args=[escalation.pk])
    response = client.post(
        url, {"action": "decide", "text": "WPI zet het op", "lock_version": escalation.lock_version}
    )
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert escalation.status == "decided"
    overview = client.get(reverse("meetings:escalations")).content.decode()
    assert "WPI" in overview
    assert escalations_waiting(people["accounthouder"], today=today).count == 0
    # Someone without a level answering: refused, stored nothing.
    client.force_login(people["partner"])
    assert client.post(url, {"action": "answer", "text": "x", "lock_version": 1}).status_code == 404
