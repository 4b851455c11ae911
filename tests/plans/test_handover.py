"""Outflow that ends well (issue 16): the receiving organisation from the register, the goals
of the plan in force handed over, and a summary redacted for the RECEIVING organisation (a
health goal only when it is responsible for it), never as its author sees it. Re-inflow links
the new case to the earlier one, whose history is read from the new case."""

from __future__ import annotations

import pytest
from django.urls import reverse

from acvz.errors import DomainError
from cases import services as case_services
from cases.models import Case, Leefgebied
from plans import services
from plans.models import HandedOverGoal

pytestmark = pytest.mark.django_db

#: The health goal's text in the scenario plan (tests/scenarios.py: "Fictief doel 9", GGD).
HEALTH_GOAL = f"Fictief doel {Leefgebied.GEZONDHEID.value}"
WORK_GOAL = f"Fictief doel {Leefgebied.OPLEIDING_WERK.value}"


def _hand_over(plan, people, receiver, goals=None):
    goals = list(plan.goals.all()) if goals is None else goals
    return services.case_hand_over(
        case=plan.case,
        by=people["regisseur"],
        reason="Fictief: geen delicten meer",
        receiver=receiver,
        handover_note="Fictieve overdracht",
        goals=goals,
    )


def _summary(client, user, case) -> str:
    client.force_login(user)
    response = client.get(reverse("plans:handover_summary", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_handover_records_receiver_and_goals(plan_at, people, orgs):
    plan = plan_at("approved")
    case = _hand_over(plan, people, orgs["WPI"])
    assert case.status == "outflow"
    assert case.receiver == orgs["WPI"]
    assert case.receiving_organisation == orgs["WPI"].name
    assert HandedOverGoal.objects.filter(case=case).count() == 3
    assert {h.receiver_id for h in HandedOverGoal.objects.all()} == {orgs["WPI"].pk}


def test_only_goals_of_the_plan_in_force(plan_at, people, orgs):
    plan = plan_at("approved")
    other = plan_at("approved")
    with pytest.raises(DomainError):
        _hand_over(plan, people, orgs["WPI"], goals=list(other.goals.all()))
    assert Case.objects.get(pk=plan.case_id).status == "in_regie"
    assert not HandedOverGoal.objects.exists()


def test_an_organisation_not_in_the_register_is_named(plan_at, people):
    plan = plan_at("approved")
    case = services.case_hand_over(
        case=plan.case,
        by=people["regisseur"],
        reason="Fictief",
        receiving_organisation="Fictief buurtteam",
    )
    assert case.receiver is None
    assert case.receiving_organisation == "Fictief buurtteam"


def test_summary_leaves_out_health_for_a_receiver_not_responsible(client, plan_at, people, orgs):
    plan = plan_at("approved")
    case = _hand_over(plan, people, orgs["WPI"])
    # The regisseur reads the health goal everywhere else; the summary is the receiver's view.
    content = _summary(client, people["regisseur"], case)
    assert HEALTH_GOAL not in content
    assert WORK_GOAL in content
    printed = client.get(reverse("plans:handover_print", args=[case.pk])).content.decode()
    assert HEALTH_GOAL not in printed
    assert WORK_GOAL in printed


def test_summary_shows_the_health_goal_to_its_responsible_receiver(client, plan_at, people, orgs):
    plan = plan_at("approved")
    case = _hand_over(plan, people, orgs["GGD"])  # GGD is responsible for the health goal
    assert HEALTH_GOAL in _summary(client, people["regisseur"], case)


def test_summary_never_shows_more_than_its_reader_reads(client, plan_at, people, orgs):
    plan = plan_at("approved")
    case = _hand_over(plan, people, orgs["GGD"])
    content = _summary(client, people["programme"], case)  # support: never health content
    assert HEALTH_GOAL not in content
    assert WORK_GOAL in content


def test_summary_is_out_of_scope_for_outsiders(client, plan_at, people, orgs):
    plan = plan_at("approved")
    case = _hand_over(plan, people, orgs["WPI"])
    client.force_login(people["outsider"])
    for name in ("plans:handover_summary", "plans:handover_print", "plans:handover"):
        assert client.get(reverse(name, args=[case.pk])).status_code == 404


def test_handover_page_posts_the_outflow(client, plan_at, people, orgs):
    plan = plan_at("approved")
    client.force_login(people["regisseur"])
    url = reverse("plans:handover", args=[plan.case_id])
    # The case header's button opens this page.
    detail = client.get(reverse("cases:detail", args=[plan.case_id])).content.decode()
    assert f'href="{url}"' in detail
    page = client.get(url)
    assert HEALTH_GOAL in page.content.decode()  # the regisseur chooses among all goals
    bad = client.post(url, {"reason": "", "goals": [0]})
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) >= {"reason", "receiver"}
    work = plan.goals.get(leefgebied=Leefgebied.OPLEIDING_WERK)
    response = client.post(
        url, {"reason": "Fictief", "receiver": orgs["WPI"].pk, "goals": [work.pk]}
    )
    assert response.status_code == 302
    assert list(HandedOverGoal.objects.values_list("goal_id", flat=True)) == [work.pk]


@pytest.mark.parametrize("n", [1, 3])
def test_summary_query_count(client, plan_at, people, orgs, django_assert_num_queries, n):
    plan = plan_at("approved")
    goals = list(plan.goals.order_by("pk"))[:n]
    case = _hand_over(plan, people, orgs["WPI"], goals=goals)
    client.force_login(people["regisseur"])
    client.get(reverse("cases:list"))
    with django_assert_num_queries(SUMMARY_QUERIES):
        client.get(reverse("plans:handover_summary", args=[case.pk]))


#: session, user, permissions (2), the case, its team, the goals handed over, the receiver, the
#: access log's subjects (1) and its two rows.
SUMMARY_QUERIES = 11


# --- re-inflow ---------------------------------------------------------------------------------


def _reinflow(case_at, people):
    closed = case_at("closed")
    again = case_services.case_register(
        person=closed.person, programme=closed.programme, by=people["programme"]
    )
    return closed, again


def test_reinflow_links_the_earlier_case(case_at, people):
    closed, again = _reinflow(case_at, people)
    assert again.previous_case == closed
    first = case_at("in_regie")
    assert first.previous_case is None


def test_reinflow_shows_the_earlier_case_when_visible(client, case_at, people):
    closed, again = _reinflow(case_at, people)
    client.force_login(people["programme"])  # registers and assigns: reads both while open
    content = client.get(reverse("cases:detail", args=[again.pk])).content.decode()
    # The closed case is no longer the programme team's (need-to-know): no link to it.
    assert reverse("cases:detail", args=[closed.pk]) not in content
    # Its regisseur directs the new case too and still reads the closed one: linked.
    again.regisseur = people["regisseur"]
    again.save()
    client.force_login(people["regisseur"])
    content = client.get(reverse("cases:detail", args=[again.pk])).content.decode()
    assert 'data-testid="earlier-case"' in content
    assert reverse("cases:detail", args=[closed.pk]) in content


def test_earlier_health_history_follows_the_health_rule(client, plan_at, case_at, people, orgs):
    plan = plan_at("approved")
    case = _hand_over(plan, people, orgs["WPI"])
    case = case_services.case_close(case=case, by=people["regisseur"])
    again = case_services.case_register(
        person=case.person, programme=case.programme, by=people["programme"]
    )
    again.regisseur = people["regisseur_other"]  # a new regisseur: not the earlier one's
    again.save()
    for who in ("regisseur_other", "programme"):
        client.force_login(people[who])
        content = client.get(reverse("cases:history", args=[again.pk])).content.decode()
        assert WORK_GOAL in content
        assert HEALTH_GOAL not in content


def test_earlier_history_is_read_from_the_new_case(client, case_at, people):
    _closed, again = _reinflow(case_at, people)
    client.force_login(people["programme"])
    content = client.get(reverse("cases:history", args=[again.pk])).content.decode()
    assert 'data-testid="earlier-history"' in content
    assert "Wijkteam (fictief)" in content  # the earlier outflow's receiving organisation
