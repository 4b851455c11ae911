"""The plan pages through the Django test client: who gets what, forms that keep the input,
the stale form, version comparison, the health goal's need-to-know and the print page."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessLogEntry, Leefgebied
from plans import services
from plans import views as plan_views
from plans.models import ItatAdvice, Plan, PlanGoal
from plans.workflow import Commitment, EvaluationConclusion, PlanStatus
from tests.scenarios import OPEN_COMMITMENTS_OK

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
HEALTH_TEXT = "Fictief doel 9"
RESTRICTED = "Hier staat een gezondheidsdoel"
STALE = "Iemand anders heeft dit plan intussen gewijzigd"


def html(response) -> str:
    return response.content.decode()


def hidden_lock_version(response) -> int:
    match = re.search(r'<input[^>]*name="lock_version"[^>]*value="(\d+)"', html(response))
    assert match, "no lock_version in the form"
    return int(match.group(1))


def textarea(response, name: str) -> str:
    match = re.search(
        rf'<textarea[^>]*name="{name}"[^>]*>\n?(.*?)</textarea>', html(response), re.S
    )
    assert match, f"no textarea {name}"
    return match.group(1)


def goal_on(plan: Plan, leefgebied: int) -> PlanGoal:
    return plan.goals.get(leefgebied=leefgebied)


# --- who gets which page ------------------------------------------------------------------------

SUBMITTED_PLAN_PAGE = {
    "regisseur": 200,
    "accounthouder": 200,
    "itat": 200,
    "partner": 200,
    "health_partner": 200,
    "ivg_ggd": 200,  # GGD is on the case team
    "outsider": 404,
    "regisseur_other": 404,
    "programme": 200,  # supports the regisseurs of Top600, read-only
    "expert": 404,  # no referral open
    "beheerder": 404,
    "ivg_politie": 404,
    "system": 404,
}


@pytest.mark.parametrize("page", ["detail", "print"])
@pytest.mark.parametrize(("who", "status"), sorted(SUBMITTED_PLAN_PAGE.items()))
def test_submitted_plan_pages_per_user(client, plan_at, people, page, who, status):
    plan = plan_at("submitted")
    client.force_login(people[who])
    assert client.get(reverse(f"plans:{page}", args=[plan.pk])).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("regisseur", 200), ("partner", 200), ("itat", 404), ("outsider", 404)],
)
def test_a_draft_is_not_on_itats_table_yet(client, plan_at, people, who, status):
    plan = plan_at("draft")
    client.force_login(people[who])
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == status


def test_an_invisible_plan_is_404_like_a_missing_one(client, plan_at, people):
    plan = plan_at("approved")
    client.force_login(people["outsider"])
    goal = plan.goals.first()
    for url in [
        reverse("plans:detail", args=[plan.pk]),
        reverse("plans:print", args=[plan.pk]),
        reverse("plans:edit", args=[plan.pk]),
        reverse("plans:compare", args=[plan.pk]),
        reverse("plans:goal_add", args=[plan.pk]),
        reverse("plans:goal_edit", args=[plan.pk, goal.pk]),
        reverse("plans:goal_commit", args=[plan.pk, goal.pk]),
        reverse("plans:transition", args=[plan.pk, "approve"]),
        reverse("plans:case_plan", args=[plan.case_id]),
        reverse("plans:evaluate", args=[plan.case_id]),
        reverse("plans:detail", args=[Plan.objects.order_by("-pk").first().pk + 1]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("plans:advice", args=[plan.pk]), {"text": "x"}).status_code == 404


def test_anonymous_users_go_to_the_login(client, plan_at):
    plan = plan_at("submitted")
    response = client.get(reverse("plans:detail", args=[plan.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("regisseur", 200),
        ("partner", 200),
        ("itat", 200),  # approved just now: within ITAT's read window
        ("programme", 200),
        ("expert", 404),
        ("outsider", 404),
    ],
)
def test_case_plan_tab_per_user(client, plan_at, people, who, status):
    plan = plan_at("approved")
    client.force_login(people[who])
    assert client.get(reverse("plans:case_plan", args=[plan.case_id])).status_code == status


@pytest.mark.parametrize(("who", "status"), [("regisseur", 200), ("partner", 403)])
def test_only_who_directs_gets_the_edit_forms(client, plan_at, people, who, status):
    plan = plan_at("draft")
    goal = plan.goals.first()
    client.force_login(people[who])
    for url in [
        reverse("plans:edit", args=[plan.pk]),
        reverse("plans:goal_add", args=[plan.pk]),
        reverse("plans:goal_edit", args=[plan.pk, goal.pk]),
    ]:
        assert client.get(url).status_code == status, url


def test_a_submitted_plan_has_no_edit_form(client, plan_at, people):
    plan = plan_at("submitted")
    client.force_login(people["regisseur"])
    assert client.get(reverse("plans:edit", args=[plan.pk])).status_code == 403
    response = client.post(
        reverse("plans:edit", args=[plan.pk]),
        {"analysis": "Stiekem", "lock_version": plan.lock_version},
    )
    assert response.status_code == 403
    assert Plan.objects.get(pk=plan.pk).analysis == "Fictieve analyse"


@pytest.mark.parametrize(
    ("who", "name", "status"),
    [
        ("itat", "approve", 200),
        ("itat", "return", 200),
        ("regisseur", "approve", 403),
        ("partner", "return", 403),
        ("itat", "submit", 409),  # the wrong state is said, not hidden
        ("regisseur", "submit", 409),
        ("itat", "publish", 404),
        ("outsider", "approve", 404),
    ],
)
def test_transition_pages(client, plan_at, people, who, name, status):
    plan = plan_at("submitted")
    client.force_login(people[who])
    response = client.get(reverse("plans:transition", args=[plan.pk, name]))
    assert response.status_code == status
    if status == 409:
        assert "kan niet: deze versie is “Ingediend bij ITAT”" in html(response)


@pytest.mark.parametrize(("who", "status"), [("itat", 200), ("regisseur", 403), ("partner", 403)])
def test_itat_pages_need_the_review_permission(client, plan_at, people, who, status):
    plan = plan_at("submitted")
    client.force_login(people[who])
    assert client.get(reverse("plans:itat")).status_code == status
    agenda = reverse("plans:itat_agenda", args=[plan.itat_meeting_id])
    assert client.get(agenda).status_code == status


def test_the_itat_agenda_lists_the_submitted_plan(client, plan_at, people):
    plan = plan_at("submitted")
    client.force_login(people["itat"])
    response = client.get(reverse("plans:itat_agenda", args=[plan.itat_meeting_id]))
    assert list(response.context["plans"]) == [plan]
    assert plan.case.person.full_name in html(response)
    assert reverse("plans:detail", args=[plan.pk]) in html(response)


def test_the_itat_agenda_is_read_a_page_at_a_time(client, plan_at, people, monkeypatch):
    monkeypatch.setattr(plan_views, "AGENDA_PAGE_SIZE", 2)
    plans = [plan_at("submitted") for _ in range(3)]
    assert len({p.itat_meeting_id for p in plans}) == 1
    client.force_login(people["itat"])
    url = reverse("plans:itat_agenda", args=[plans[0].itat_meeting_id])
    first, second = client.get(url), client.get(url, {"page": 2})
    assert list(first.context["plans"]) == plans[:2]
    assert list(second.context["plans"]) == plans[2:]
    assert "3 plannen te beoordelen" in html(first)
    assert 'href="?page=2"' in html(first)
    assert 'href="?page=1"' in html(second)
    # The last page for a page number past the end, not an error.
    assert list(client.get(url, {"page": 9}).context["plans"]) == plans[2:]


def test_an_empty_itat_agenda_says_so_once(client, people):
    from plans.models import ItatMeeting

    meeting = ItatMeeting.objects.create(date=timezone.localdate() + dt.timedelta(days=3))
    client.force_login(people["itat"])
    page = html(client.get(reverse("plans:itat_agenda", args=[meeting.pk])))
    assert "Geen plannen op deze agenda." in page
    assert "te beoordelen" not in page


def test_reading_a_plan_is_logged(client, plan_at, people):
    plan = plan_at("submitted")
    client.force_login(people["itat"])
    url = reverse("plans:detail", args=[plan.pk])
    client.get(url)
    entry = AccessLogEntry.objects.filter(user=people["itat"]).latest("at")
    assert entry.path == url
    assert list(entry.subjects.values_list("person_id", "case_id")) == [
        (plan.case.person_id, plan.case_id)
    ]


# --- the cycle through the pages ----------------------------------------------------------------


def test_submit_return_and_approve_through_the_pages(client, plan_at, people):
    plan = plan_at("draft")
    client.force_login(people["regisseur"])
    response = client.post(reverse("plans:transition", args=[plan.pk, "submit"]), follow=True)
    assert "Gedaan: Indienen bij ITAT." in html(response)
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED

    client.force_login(people["itat"])
    url = reverse("plans:transition", args=[plan.pk, "return"])
    response = client.post(url, {"advice": ""})
    assert response.status_code == 200
    assert "Geef het advies waarmee het plan wordt geretourneerd." in html(response)
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED
    response = client.post(url, {"advice": "Betrek de schuldhulp."}, follow=True)
    assert "Gedaan: Retourneren met advies." in html(response)
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT

    client.force_login(people["regisseur"])
    response = client.get(reverse("plans:detail", args=[plan.pk]))
    assert "Betrek de schuldhulp." in html(response)
    client.post(reverse("plans:transition", args=[plan.pk, "submit"]))
    client.force_login(people["itat"])
    url = reverse("plans:transition", args=[plan.pk, "approve"])
    page = html(client.get(url))
    # The page says which goals wait for a commitment (ITAT reads no health goal: not listed).
    assert 'data-testid="uncommitted"' in page
    assert "Gezondheid" not in page.split('data-testid="uncommitted"')[1].split("</div>")[0]
    response = client.post(url)
    assert response.status_code == 200
    assert "geef de reden om het plan toch te accorderen" in html(response)
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED
    reason = "Fictief: de toezeggingen volgen in het eerste UVO."
    response = client.post(url, {"reason": reason}, follow=True)
    assert "Gedaan: Accorderen." in html(response)
    plan = Plan.objects.get(pk=plan.pk)
    assert (plan.status, plan.approved_by) == (PlanStatus.APPROVED, people["itat"])
    assert plan.status_changes.get(to_status=PlanStatus.APPROVED).reason == reason


def test_an_incomplete_plan_is_not_submitted_and_the_page_says_why(client, case_at, people):
    case = case_at("in_regie")
    client.force_login(people["regisseur"])
    response = client.post(reverse("plans:start", args=[case.pk]), follow=True)
    assert "Versie 1 is gestart." in html(response)
    plan = case.plans.get()
    response = client.post(reverse("plans:transition", args=[plan.pk, "submit"]))
    assert response.status_code == 200
    assert "Een plan heeft minstens één doel nodig." in html(response)
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT


def test_itat_gives_advice_on_a_goal(client, plan_at, people):
    plan = plan_at("submitted")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    client.force_login(people["itat"])
    response = client.post(
        reverse("plans:advice", args=[plan.pk]),
        {"goal": goal.pk, "text": "Koppel aan de schuldhulp"},
        follow=True,
    )
    assert "Het advies is vastgelegd." in html(response)
    assert ItatAdvice.objects.get().goal == goal


def test_the_commitments_are_read_a_page_at_a_time(client, plan_at, people, monkeypatch):
    monkeypatch.setattr(plan_views, "COMMITMENTS_PAGE_SIZE", 2)
    plans = sorted((plan_at("draft") for _ in range(3)), key=lambda plan: plan.case_id)
    goals = [goal_on(plan, Leefgebied.FINANCIEN) for plan in plans]  # the partner's, pending
    client.force_login(people["partner"])
    url = reverse("plans:commitments")
    first, second = client.get(url), client.get(url, {"page": 2})
    assert list(first.context["goals"]) == goals[:2]
    assert list(second.context["goals"]) == goals[2:]
    assert "3 doelen wachten" in html(first)
    assert 'href="?page=2"' in html(first)
    assert 'href="?page=1"' in html(second)


def test_the_partner_commits_through_the_page(client, plan_at, people):
    plan = plan_at("draft")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    client.force_login(people["partner"])
    response = client.get(reverse("plans:commitments"))
    assert list(response.context["goals"]) == [goal]
    url = reverse("plans:goal_commit", args=[plan.pk, goal.pk])
    response = client.post(url, {"committed": "no", "reason": ""})
    assert response.status_code == 200
    assert "Geef aan waarom uw organisatie dit doel niet kan leveren." in html(response)
    assert PlanGoal.objects.get(pk=goal.pk).commitment == Commitment.PENDING
    response = client.post(url, {"committed": "yes"}, follow=True)
    assert "Het antwoord van uw organisatie is vastgelegd." in html(response)
    assert PlanGoal.objects.get(pk=goal.pk).commitment == Commitment.COMMITTED
    other = goal_on(plan, Leefgebied.GEZONDHEID)
    assert client.get(reverse("plans:goal_commit", args=[plan.pk, other.pk])).status_code == 403


# --- the stale form ---------------------------------------------------------------------------


def test_a_stale_analysis_form_keeps_the_input_and_overwrites_nothing(client, plan_at, people):
    plan = plan_at("draft")
    client.force_login(people["regisseur"])
    url = reverse("plans:edit", args=[plan.pk])
    seen = hidden_lock_version(client.get(url))
    services.plan_update(
        plan=plan,
        by=people["accounthouder"],
        analysis="Analyse van de accounthouder",
        expected_lock_version=seen,
    )
    response = client.post(url, {"analysis": "Mijn eigen analyse", "lock_version": seen})
    assert response.status_code == 200
    assert STALE in html(response)
    assert textarea(response, "analysis") == "Mijn eigen analyse"
    plan = Plan.objects.get(pk=plan.pk)
    assert (plan.analysis, plan.lock_version) == ("Analyse van de accounthouder", seen + 1)


def test_a_change_without_the_pages_version_saves_nothing_and_says_why(client, plan_at, people):
    """Only an incomplete post (an old or hand-made page) lacks the version: written unchecked
    it could overwrite a change made meanwhile."""
    plan = plan_at("draft")
    goal = plan.goals.first()
    client.force_login(people["regisseur"])
    response = client.post(reverse("plans:edit", args=[plan.pk]), {"analysis": "Zonder versie"})
    assert response.status_code == 200
    assert "zonder de versie" in html(response)
    assert textarea(response, "analysis") == "Zonder versie"
    removed = client.post(
        reverse("plans:goal_delete", args=[plan.pk, goal.pk]), {"lock_version": "x"}, follow=True
    )
    assert [m.level_tag for m in removed.context["messages"]] == ["error"]
    assert "zonder de versie" in html(removed)
    stored = Plan.objects.get(pk=plan.pk)
    assert (stored.analysis, stored.lock_version) == (plan.analysis, plan.lock_version)
    assert PlanGoal.objects.filter(pk=goal.pk).exists()


def test_a_current_analysis_form_saves(client, plan_at, people):
    plan = plan_at("draft")
    client.force_login(people["regisseur"])
    url = reverse("plans:edit", args=[plan.pk])
    seen = hidden_lock_version(client.get(url))
    response = client.post(url, {"analysis": "Mijn eigen analyse", "lock_version": seen})
    assert response.status_code == 302
    assert Plan.objects.get(pk=plan.pk).analysis == "Mijn eigen analyse"


def test_after_a_stale_refusal_saving_again_succeeds(client, plan_at, people):
    plan = plan_at("draft")
    client.force_login(people["regisseur"])
    url = reverse("plans:edit", args=[plan.pk])
    seen = hidden_lock_version(client.get(url))
    services.plan_update(
        plan=plan, by=people["accounthouder"], analysis="Tussendoor", expected_lock_version=seen
    )
    refused = client.post(url, {"analysis": "Mijn eigen analyse", "lock_version": seen})
    assert STALE in html(refused)
    again = client.post(
        url, {"analysis": "Mijn eigen analyse", "lock_version": hidden_lock_version(refused)}
    )
    assert again.status_code == 302
    assert Plan.objects.get(pk=plan.pk).analysis == "Mijn eigen analyse"


def test_a_stale_goal_form_keeps_the_input_and_adds_nothing(client, plan_at, people, orgs):
    plan = plan_at("draft")
    client.force_login(people["regisseur"])
    url = reverse("plans:goal_add", args=[plan.pk])
    seen = hidden_lock_version(client.get(url))
    services.plan_update(
        plan=plan, by=people["accounthouder"], analysis="Tussendoor", expected_lock_version=seen
    )
    response = client.post(
        url,
        {
            "lock_version": seen,
            "leefgebied": Leefgebied.SOCIAAL_NETWERK,
            "goal": "Mijn nieuwe doel",
            "interventions": "Mijn interventie",
            "responsible_organisation": orgs["WPI"].pk,
        },
    )
    assert response.status_code == 200
    assert STALE in html(response)
    assert textarea(response, "goal") == "Mijn nieuwe doel"
    assert textarea(response, "interventions") == "Mijn interventie"
    assert not plan.goals.filter(leefgebied=Leefgebied.SOCIAAL_NETWERK).exists()


def test_a_stale_goal_removal_is_refused(client, plan_at, people):
    plan = plan_at("draft")
    goal = goal_on(plan, Leefgebied.FINANCIEN)
    seen = plan.lock_version
    services.plan_update(
        plan=plan, by=people["accounthouder"], analysis="Tussendoor", expected_lock_version=seen
    )
    client.force_login(people["regisseur"])
    response = client.post(
        reverse("plans:goal_delete", args=[plan.pk, goal.pk]), {"lock_version": seen}, follow=True
    )
    assert STALE in html(response)
    assert PlanGoal.objects.filter(pk=goal.pk).exists()


def test_goal_form_refuses_a_target_before_the_start(client, plan_at, people):
    plan = plan_at("draft")
    client.force_login(people["regisseur"])
    response = client.post(
        reverse("plans:goal_add", args=[plan.pk]),
        {
            "lock_version": plan.lock_version,
            "leefgebied": Leefgebied.VERBLIJF,
            "goal": "Fictief: woonplek",
            "start_date": "2030-05-01",
            "target_date": "2030-04-01",
        },
    )
    assert response.status_code == 200
    assert "De streefdatum ligt voor de start." in html(response)
    assert plan.goals.count() == 3


def test_editing_a_goal_through_its_page(client, plan_at, people, orgs):
    plan = plan_at("draft")
    goal = goal_on(plan, Leefgebied.OPLEIDING_WERK)
    client.force_login(people["regisseur"])
    url = reverse("plans:goal_edit", args=[plan.pk, goal.pk])
    response = client.post(
        url,
        {
            "lock_version": hidden_lock_version(client.get(url)),
            "leefgebied": Leefgebied.OPLEIDING_WERK,
            "goal": "Fictief: startkwalificatie halen",
            "interventions": goal.interventions,
            "responsible_organisation": orgs["RN"].pk,
        },
    )
    assert response.status_code == 302
    assert PlanGoal.objects.get(pk=goal.pk).goal == "Fictief: startkwalificatie halen"


# --- comparing versions -----------------------------------------------------------------------


@pytest.fixture
def revision(plan_at, people):
    """v1 approved; v2 changes the WPI goal, drops the RN goal, adds one on leefgebied 10 and
    keeps the GGD health goal as it was."""
    v1 = plan_at("approved")
    v2 = services.plan_start_version(case=v1.case, by=people["regisseur"])
    services.plan_update(
        plan=v2, by=people["regisseur"], analysis="Herziene analyse", expected_lock_version=None
    )
    services.goal_update(
        goal=goal_on(v2, Leefgebied.FINANCIEN),
        by=people["regisseur"],
        interventions="Fictief: budgetbeheer via WPI",
    )
    services.goal_delete(goal=goal_on(v2, Leefgebied.OPLEIDING_WERK), by=people["regisseur"])
    services.goal_add(
        plan=v2,
        by=people["regisseur"],
        leefgebied=Leefgebied.SOCIAAL_NETWERK,
        goal="Fictief: contact met zus herstellen",
    )
    return v1, v2


def test_compare_shows_added_changed_and_removed_goals(client, revision, people):
    _v1, v2 = revision
    client.force_login(people["regisseur"])
    response = client.get(reverse("plans:compare", args=[v2.pk]))
    assert response.status_code == 200
    kinds = sorted(c.kind for c in response.context["changes"])
    assert kinds == ["added", "changed", "removed", "same"]
    page = html(response)
    for kind in ("added", "changed", "removed", "same"):
        assert page.count(f'data-testid="change-{kind}"') == 1, kind
    assert "Fictief: contact met zus herstellen" in page  # added
    assert "Fictief doel 8" in page  # removed
    assert "Fictieve interventie" in page  # changed: before
    assert "Fictief: budgetbeheer via WPI" in page  # changed: after
    assert "Herziene analyse" in page
    assert "Van versie 1 naar versie 2" in page


def test_compare_either_way_and_by_choice(client, revision, people):
    v1, v2 = revision
    client.force_login(people["regisseur"])
    forward = client.get(reverse("plans:compare", args=[v2.pk]))
    backward = client.get(reverse("plans:compare", args=[v1.pk]) + f"?met={v2.pk}")
    assert (backward.context["old"], backward.context["new"]) == (v1, v2)
    assert sorted(c.kind for c in backward.context["changes"]) == sorted(
        c.kind for c in forward.context["changes"]
    )


def test_compare_hides_the_health_goal_from_the_wpi_partner(client, revision, people):
    _v1, v2 = revision
    client.force_login(people["partner"])
    response = client.get(reverse("plans:compare", args=[v2.pk]))
    assert response.status_code == 200
    kinds = sorted(c.kind for c in response.context["changes"])
    assert kinds == ["added", "changed", "removed", "restricted"]
    assert HEALTH_TEXT not in html(response)


def test_compare_refuses_other_cases_and_a_first_version(client, revision, plan_at, people):
    v1, v2 = revision
    other = plan_at("approved")
    client.force_login(people["regisseur"])
    assert client.get(reverse("plans:compare", args=[v1.pk])).status_code == 404
    url = reverse("plans:compare", args=[v2.pk])
    assert client.get(url + f"?met={other.pk}").status_code == 404
    assert client.get(url + "?met=abc").status_code == 200  # falls back to the previous version


# --- the health goal ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "readable"),
    [("regisseur", True), ("health_partner", True), ("partner", False), ("itat", False)],
)
def test_health_goal_on_the_plan_page(client, plan_at, people, who, readable):
    plan = plan_at("submitted")
    client.force_login(people[who])
    for page in ("detail", "print"):
        content = html(client.get(reverse(f"plans:{page}", args=[plan.pk])))
        assert ("Fictief doel 7" in content) is True, page
        assert (RESTRICTED in content) is not readable, page
        if not readable and who != "itat":
            assert HEALTH_TEXT not in content, page


def test_itat_does_not_read_the_health_goal_in_the_advice_form(client, plan_at, people):
    plan = plan_at("submitted")
    client.force_login(people["itat"])
    content = html(client.get(reverse("plans:detail", args=[plan.pk])))
    assert RESTRICTED in content
    assert HEALTH_TEXT not in content


def test_advice_on_the_health_goal_is_as_narrow_as_the_goal(client, plan_at, people):
    plan = plan_at("submitted")
    ItatAdvice.objects.create(  # recorded before the service refused it (ITAT may not read)
        plan=plan,
        author=people["itat"],
        text="Fictief: verwijs naar de verslavingszorg",
        goal=goal_on(plan, Leefgebied.GEZONDHEID),
    )
    client.force_login(people["health_partner"])
    assert "verslavingszorg" in html(client.get(reverse("plans:detail", args=[plan.pk])))
    client.force_login(people["partner"])
    assert "verslavingszorg" not in html(client.get(reverse("plans:detail", args=[plan.pk])))


def test_the_case_history_hides_health_goals_from_the_wpi_partner(client, plan_at, people):
    plan = plan_at("approved")
    url = reverse("cases:history", args=[plan.case_id])
    client.force_login(people["regisseur"])
    assert HEALTH_TEXT in html(client.get(url))
    client.force_login(people["partner"])
    content = html(client.get(url))
    assert "plan van aanpak v1" in content
    assert HEALTH_TEXT not in content


# --- print and the case plan tab -------------------------------------------------------------


def test_print_page_renders_the_approved_record(client, plan_at, people):
    plan = plan_at("approved")
    client.force_login(people["regisseur"])
    response = client.get(reverse("plans:print", args=[plan.pk]))
    assert response.status_code == 200
    content = html(response)
    assert plan.case.person.full_name in content
    assert plan.fingerprint in content
    assert f"Geaccordeerd door {people['itat']}" in content
    for text in ("Fictieve analyse", "Fictief doel 7", "Fictief doel 8", HEALTH_TEXT):
        assert text in content


def test_case_plan_tab_shows_the_plan_in_force_and_the_open_revision(client, plan_at, people):
    plan = plan_at("approved")
    client.force_login(people["regisseur"])
    url = reverse("plans:case_plan", args=[plan.case_id])
    content = html(client.get(url))
    assert "Geldend plan: versie 1" in content
    assert "Herziening starten" in content
    response = client.post(reverse("plans:start", args=[plan.case_id]))
    draft = plan.case.plans.get(version=2)
    assert response["Location"] == reverse("plans:detail", args=[draft.pk])
    content = html(client.get(url))
    assert "Geldend plan: versie 1" in content
    assert "Versie 2 (Concept)" in content
    assert "Herziening starten" not in content


def test_case_plan_tab_due_date_is_the_services(client, plan_at, people):
    def at(day):
        return dt.datetime(2030, 1, day, 12, tzinfo=AMS)

    plan = plan_at("submitted")
    with time_machine.travel(at(3), tick=False):
        services.plan_approve(reason=OPEN_COMMITMENTS_OK, plan=plan, by=people["itat"])
    with time_machine.travel(at(10), tick=False):
        services.evaluation_record(
            plan=plan,
            by=people["regisseur"],
            held_on=dt.date(2030, 1, 10),
            conclusion=EvaluationConclusion.REVISE,
            summary="Herzien",
            results=[(g, "partly", "") for g in plan.goals.all()],
        )
    revision = plan.case.plans.get(version=2)
    with time_machine.travel(at(24), tick=False):
        services.plan_submit(plan=revision, by=people["regisseur"])
        services.plan_approve(reason=OPEN_COMMITMENTS_OK, plan=revision, by=people["itat"])
        client.force_login(people["regisseur"])
        response = client.get(reverse("plans:case_plan", args=[plan.case_id]))
    revision.refresh_from_db()
    assert response.context["in_force"] == revision
    assert services.evaluation_due_date(revision) == dt.date(2030, 1, 24) + dt.timedelta(weeks=26)
    assert response.context["evaluation_due"] == services.evaluation_due_date(revision)


def test_itat_meetings_page_lists_past_meetings_a_page_at_a_time(client, plan_at, people):
    from datetime import timedelta

    from django.utils import timezone

    from plans.models import ItatMeeting

    today = timezone.localdate()
    waiting = plan_at("submitted")  # its meeting stays at the top while the plan waits
    waiting_meeting = waiting.itat_meeting
    ItatMeeting.objects.filter(pk=waiting_meeting.pk).update(date=today - timedelta(days=400))
    past = [ItatMeeting.objects.create(date=today - timedelta(days=i + 1)) for i in range(30)]
    upcoming = ItatMeeting.objects.create(date=today + timedelta(days=3))
    client.force_login(people["itat"])
    url = reverse("plans:itat")
    first, second = client.get(url), client.get(url, {"page": 2})
    assert [m.pk for m in first.context["meetings"]] == [waiting_meeting.pk, upcoming.pk]
    assert [m.plan_count for m in first.context["meetings"]] == [1, 0]
    shown = [m.pk for m in first.context["page"]] + [m.pk for m in second.context["page"]]
    assert shown == [m.pk for m in past]  # latest first; the waiting one is not among them
    content, rest = first.content.decode(), second.content.decode()
    assert f'data-testid="itat-meeting-{waiting_meeting.pk}"' in content
    assert f'data-testid="itat-meeting-{past[24].pk}"' in content
    assert f'data-testid="itat-meeting-{past[25].pk}"' not in content
    assert f'data-testid="itat-meeting-{past[29].pk}"' in rest
    assert f'data-testid="itat-meeting-{upcoming.pk}"' not in rest  # the top list: page 1 only
    assert "page=2" in content


def test_the_evaluation_form_judges_nothing_in_advance(client, plan_at, people):
    """Every goal's result and the conclusion start empty: one click cannot record results
    nobody judged."""
    from plans.models import Evaluation

    plan = plan_at("approved")
    client.force_login(people["regisseur"])
    url = reverse("plans:evaluate", args=[plan.case_id])
    form = client.get(url).context["form"]
    # A browser shows a select's first option as chosen: it must be the empty one.
    selects = [form["conclusion"]] + [result for _goal, result, _expl in form.goal_fields()]
    for select in selects:
        first = re.search(r"<option[^>]*>", str(select)).group(0)
        assert 'value=""' in first, first
    today = timezone.localdate().isoformat()
    response = client.post(url, {"held_on": today, "summary": "x"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "conclusion" in errors
    assert all(f"result_{goal.pk}" in errors for goal in plan.goals.all())
    assert not Evaluation.objects.filter(plan=plan).exists()
