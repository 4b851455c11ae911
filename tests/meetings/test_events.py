"""Event notifications: each step that asks something of someone tells them at once (in the
inbox, and by e-mail after commit), and nobody who may not read that part of the case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from acvz.errors import DomainError
from cases import services as case_services
from meetings import outbox, services
from meetings.models import EmailState, Notification, NotificationEvent, NotificationPreference
from plans import services as plan_services
from plans.models import Commitment
from plans.workflow import PlanStatus
from tests.scenarios import OPEN_COMMITMENTS_OK

pytestmark = pytest.mark.django_db


def told(event) -> set[str]:
    return set(Notification.objects.filter(event=event).values_list("user__username", flat=True))


@pytest.fixture
def contacts(people):
    """WPI's and GGD's partners are their organisations' contact people."""
    for key in ("partner", "health_partner"):
        type(people[key]).objects.filter(pk=people[key].pk).update(organisation_contact=True)


def test_the_appointed_regisseur_is_told_and_mailed_after_commit(
    case_at, people, django_capture_on_commit_callbacks
):
    case = case_at("assigned")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case_services.case_appoint_regisseur(
            case=case,
            by=people["accounthouder"],
            regisseur=people["regisseur"],
            accounthouder=people["accounthouder"],
        )
    assert told(NotificationEvent.CASE_APPOINTED) == {"reg"}  # not the one who appointed
    notification = Notification.objects.get(event=NotificationEvent.CASE_APPOINTED)
    assert notification.case_id == case.pk
    assert notification.get_link() == reverse("cases:detail", args=[case.pk])
    assert case.person.full_name in notification.message
    assert len(callbacks) == 2  # the e-mail and the webhooks wait for the commit
    assert [m.to for m in mail.outbox] == [[people["regisseur"].email]]
    assert mail.outbox[0].subject == "Regie: Casus aan u toegewezen"
    assert reverse("cases:detail", args=[case.pk]) in mail.outbox[0].body
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT


def test_a_failed_step_tells_nobody(case_at, people):
    case = case_at("assigned")
    with pytest.raises(DomainError, match="geen regisseur"):
        case_services.case_appoint_regisseur(
            case=case, by=people["accounthouder"], regisseur=people["partner"]
        )
    assert not Notification.objects.exists()


def test_the_ivg_of_the_asked_organisations_is_told(case_at, people):
    case = case_at("registered")
    case_services.case_start_dossier(case=case, by=people["programme"])
    assert told(NotificationEvent.CONTRIBUTION_ASKED) == {"ivg-pol", "ivg-ggd"}
    link = Notification.objects.filter(event=NotificationEvent.CONTRIBUTION_ASKED)[0].get_link()
    assert link == reverse("cases:dossier", args=[case.pk])


def test_submitting_tells_itat_and_asks_each_responsible_organisation(plan_at, people, contacts):
    plan = plan_at("draft")
    plan_services.plan_submit(plan=plan, by=people["regisseur"])
    assert told(NotificationEvent.PLAN_SUBMITTED) == {"itat"}
    # RN's goal is the regisseur's own: the one who submits is not told.
    assert told(NotificationEvent.COMMITMENT_ASKED) == {"ip", "ip-ggd"}
    plan_page = reverse("plans:detail", args=[plan.pk])
    assert set(Notification.objects.values_list("link", flat=True)) == {plan_page}
    # No goal's content in any of them (the health goal least of all).
    messages = Notification.objects.values_list("message", flat=True)
    assert not any("Fictief doel" in m for m in messages)
    assert "outsider" not in {n.user.username for n in Notification.objects.all()}


def test_a_decision_tells_the_regisseur_and_accounthouder(plan_at, people):
    plan = plan_at("submitted")
    plan_services.plan_return(plan=plan, by=people["itat"], advice="Fictief advies")
    assert told(NotificationEvent.PLAN_RETURNED) == {"reg", "ah"}
    second = plan_at("submitted")
    plan_services.plan_approve(reason=OPEN_COMMITMENTS_OK, plan=second, by=people["itat"])
    assert told(NotificationEvent.PLAN_APPROVED) == {"reg", "ah"}


def test_a_declined_commitment_tells_the_regisseur(plan_at, people):
    plan = plan_at("submitted")
    goal = plan.goals.get(responsible_organisation__code="WPI")
    plan_services.goal_commit(goal=goal, by=people["partner"], committed=True)
    assert not told(NotificationEvent.COMMITMENT_DECLINED)
    plan_services.goal_commit(goal=goal, by=people["partner"], committed=False, reason="Geen plek")
    assert told(NotificationEvent.COMMITMENT_DECLINED) == {"reg"}
    assert "Geen plek" not in Notification.objects.get().message


def test_an_agreement_tells_its_owner_or_the_organisations_contacts(
    team_case, people, orgs, contacts
):
    Notification.objects.all().delete()
    deadline = timezone.localdate() + timedelta(days=14)
    services.agreement_create(
        case=team_case,
        by=people["regisseur"],
        description="Fictieve afspraak",
        owner_organisation=orgs["WPI"],
        owner_person=people["partner"],
        deadline=deadline,
    )
    assert told(NotificationEvent.AGREEMENT_ASSIGNED) == {"ip"}
    Notification.objects.all().delete()
    services.agreement_create(
        case=team_case,
        by=people["regisseur"],
        description="Fictieve afspraak 2",
        owner_organisation=orgs["GGD"],
        deadline=deadline,
    )
    assert told(NotificationEvent.AGREEMENT_ASSIGNED) == {"ip-ggd"}
    assert Notification.objects.get().link == reverse("meetings:case_uvos", args=[team_case.pk])


def test_a_planned_uvo_invites_the_team_with_an_ical_invitation(
    team_case, people, contacts, django_capture_on_commit_callbacks
):
    Notification.objects.all().delete()
    planned_at = timezone.now() + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.uvo_plan(case=team_case, by=people["regisseur"], planned_at=planned_at)
    assert told(NotificationEvent.UVO_PLANNED) == {"ip", "ip-ggd", "ah"}
    assert {m.to[0] for m in mail.outbox} == {
        people[k].email for k in ("partner", "health_partner", "accounthouder")
    }
    invitation = mail.outbox[0].attachments[0]
    assert (invitation[0], invitation[2]) == ("uvo.ics", "text/calendar")
    ics = invitation[1].decode() if isinstance(invitation[1], bytes) else invitation[1]
    assert f"UVO casus {team_case.pk}" in ics
    assert team_case.person.last_name not in ics  # no personal data in a calendar
    assert meeting.pk


def test_the_expert_group_is_asked_and_its_answer_reaches_the_regisseur(team_case, people):
    Notification.objects.all().delete()
    referral = plan_services.expert_referral_create(
        case=team_case, by=people["regisseur"], question="Fictieve vraag"
    )
    assert told(NotificationEvent.REFERRAL_ASKED) == {"expert"}
    plan_services.expert_referral_answer(
        referral=referral, by=people["expert"], advice="Fictief advies"
    )
    assert told(NotificationEvent.REFERRAL_ANSWERED) == {"reg"}


def test_team_changes_tell_the_organisation_and_who_directs(case_at, people, orgs, contacts):
    case = case_at("in_regie")
    membership = case_services.team_member_add(
        case=case, by=people["regisseur"], organisation=orgs["WPI"]
    )
    assert told(NotificationEvent.TEAM_JOINED) == {"ip", "ah"}
    case_services.team_member_leave(membership=membership, by=people["regisseur"])
    # WPI no longer sees the case: it is not told (need-to-know), who directs it is.
    assert told(NotificationEvent.TEAM_LEFT) == {"ah"}


def test_the_regisseur_hears_of_a_partners_timeline_event(team_case, people):
    Notification.objects.all().delete()
    case_services.timeline_event_create(
        case=team_case, by=people["partner"], kind="other", description="Fictieve gebeurtenis"
    )
    assert told(NotificationEvent.TIMELINE) == {"reg"}
    assert "Fictieve gebeurtenis" not in Notification.objects.get().message


def test_a_notification_about_the_plan_is_shown_only_to_who_reads_the_plan(plan_at, people):
    """ITAT reads the plan while it is on its agenda (and a short while after): its
    notification follows that window, like the plan itself."""
    plan = plan_at("draft")
    plan_services.plan_submit(plan=plan, by=people["regisseur"])
    from meetings.selectors import inbox

    assert [n.event for n in inbox(user=people["itat"])] == [NotificationEvent.PLAN_SUBMITTED]
    type(plan).objects.filter(pk=plan.pk).update(status=PlanStatus.DRAFT, itat_meeting=None)
    assert list(inbox(user=people["itat"])) == []


def test_the_inbox_links_to_where_the_work_is_done(client, plan_at, people):
    plan = plan_at("draft")
    plan_services.plan_submit(plan=plan, by=people["regisseur"])
    client.force_login(people["itat"])
    page = client.get(reverse("meetings:inbox")).content.decode()
    assert f'href="{reverse("plans:detail", args=[plan.pk])}"' in page
    assert "Plan op de ITAT-agenda" in page


def test_a_digest_user_gets_one_mail_a_day_instead_of_one_per_notification(
    plan_at, people, contacts, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=people["partner"], digest=True)
    plan = plan_at("draft")
    with django_capture_on_commit_callbacks(execute=True):
        plan_services.plan_submit(plan=plan, by=people["regisseur"])
        services.agreement_create(
            case=plan.case,
            by=people["regisseur"],
            description="Fictieve afspraak",
            owner_organisation=plan.goals.get(
                responsible_organisation__code="WPI"
            ).responsible_organisation,
            owner_person=people["partner"],
            deadline=timezone.localdate() + timedelta(days=7),
        )
    assert people["partner"].email not in {m.to[0] for m in mail.outbox}
    waiting = Notification.objects.filter(user=people["partner"])
    assert {n.email_state for n in waiting} == {EmailState.PENDING}
    mail.outbox.clear()
    assert outbox.send_digests() == 1
    assert outbox.send_digests() == 0  # once
    [digest] = mail.outbox
    assert digest.to == [people["partner"].email]
    assert digest.subject == "Regie: 2 nieuwe meldingen"
    assert {n.email_state for n in waiting.all()} == {EmailState.SENT}
    assert Commitment.PENDING  # (the commitments asked are in it)


def test_the_digest_is_chosen_on_the_settings_page(client, people):
    client.force_login(people["partner"])
    response = client.post(reverse("meetings:preferences"), {"email": "on", "digest": "on"})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=people["partner"])
    assert (preference.email, preference.digest) == (True, True)
    client.post(reverse("meetings:preferences"), {"email": "on"})
    preference.refresh_from_db()
    assert (preference.email, preference.digest) == (True, False)


def test_an_organisation_off_the_team_is_not_asked_to_commit(plan_at, people, contacts):
    """GGD left the team before the plan went to ITAT: it no longer reads the case, so its
    goal's request reaches nobody there (the regisseur sees the goal unanswered)."""
    plan = plan_at("draft")
    membership = plan.case.team.get(organisation__code="GGD", left_on__isnull=True)
    case_services.team_member_leave(membership=membership, by=people["regisseur"])
    plan_services.plan_submit(plan=plan, by=people["regisseur"])
    assert told(NotificationEvent.COMMITMENT_ASKED) == {"ip"}


def test_a_notification_is_shown_only_with_the_part_it_is_about(plan_at, people):
    """ITAT reads the plan of a case on its agenda, not its UVOs: a notification about the UVOs
    of that case is not shown to an ITAT member, one about its plan is."""
    from meetings.selectors import inbox

    plan = plan_at("submitted")
    for part in ("uvo", "plan"):
        Notification.objects.create(
            case=plan.case, user=people["itat"], part=part, event="timeline", message=part
        )
    assert [n.message for n in inbox(user=people["itat"])] == ["plan"]
