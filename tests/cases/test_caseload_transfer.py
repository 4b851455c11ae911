"""A regisseur's caseload handed over when they leave (issue 16): every chosen case moves to
the receiving regisseur of the same organisation, with the note on its timeline; access follows
the regisseur; the receiving regisseur and the team are told; bad choices change nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case, TimelineEvent, TimelineKind
from meetings.models import Notification
from partners.models import Role

pytestmark = pytest.mark.django_db

#: session, user, permissions (2), the leaving regisseur, their cases (person, programme and
#: organisation joined), the receiving regisseurs, the access log (entry, subjects).
PAGE = 9


@pytest.fixture
def handover(case_at, people, orgs, make_user):
    first = make_user(Role.REGISSEUR, username="reg-b", organisation=orgs["RN"])
    second = make_user(Role.REGISSEUR, username="reg-c", organisation=orgs["RN"])
    cases = [case_at("in_regie") for _ in range(3)]
    services.team_member_add(case=cases[0], by=people["regisseur"], organisation=orgs["WPI"])
    people["partner"].organisation_contact = True  # WPI's contact person on cases
    people["partner"].save()
    other = case_at("in_regie")
    Case.objects.filter(pk=other.pk).update(regisseur=first)  # not the leaving regisseur's
    return {"cases": cases, "first": first, "second": second, "other": other}


def test_every_case_moves_with_its_note_and_the_team_is_told(client, people, handover):
    leaving, cases = people["regisseur"], handover["cases"]
    client.force_login(people["accounthouder"])
    url = reverse("cases:caseload_transfer", args=[leaving.pk])
    page = client.get(url)
    assert [row["case"].pk for row in page.context["rows"]] == [c.pk for c in cases]
    receivers = [pk for pk, _ in page.context["receivers"]]
    assert str(leaving.pk) not in receivers
    assert {str(handover["first"].pk), str(handover["second"].pk)} <= set(receivers)
    response = client.post(
        url,
        {
            "to_all": handover["first"].pk,
            f"to_{cases[2].pk}": handover["second"].pk,
            f"note_{cases[0].pk}": "Fictief: moeder belt op dinsdag.",
        },
    )
    assert response.status_code == 302
    regisseurs = dict(
        Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("pk", "regisseur")
    )
    assert regisseurs == {
        cases[0].pk: handover["first"].pk,
        cases[1].pk: handover["first"].pk,
        cases[2].pk: handover["second"].pk,
    }
    event = TimelineEvent.objects.filter(case=cases[0], kind=TimelineKind.TEAM_CHANGE).latest("pk")
    assert "Fictief: moeder belt op dinsdag." in event.description
    assert event.created_by == people["accounthouder"]
    told = set(Notification.objects.filter(case=cases[0]).values_list("user_id", flat=True))
    assert handover["first"].pk in told
    assert people["partner"].pk in told  # the team's organisations: WPI's contact person
    # access follows the regisseur: the new one directs the case, the leaving one no longer
    assert Case.objects.visible_to(handover["first"]).filter(pk=cases[0].pk).exists()
    assert not Case.objects.filter(pk=cases[0].pk, regisseur=leaving).exists()
    assert Case.objects.get(pk=handover["other"].pk).regisseur == handover["first"]


def test_cases_left_without_a_choice_stay(client, people, handover):
    cases = handover["cases"]
    client.force_login(people["accounthouder"])
    url = reverse("cases:caseload_transfer", args=[people["regisseur"].pk])
    client.post(url, {f"to_{cases[1].pk}": handover["second"].pk})
    assert [Case.objects.get(pk=c.pk).regisseur_id for c in cases] == [
        people["regisseur"].pk,
        handover["second"].pk,
        people["regisseur"].pk,
    ]


@pytest.mark.parametrize("choice", ["", "nonsense", "self", "stranger"])
def test_a_bad_choice_is_a_form_error_and_moves_nothing(
    client, people, handover, make_user, orgs, choice
):
    leaving = people["regisseur"]
    stranger = make_user(Role.REGISSEUR, username="reg-ggd", organisation=orgs["GGD"])
    value = {"self": leaving.pk, "stranger": stranger.pk}.get(choice, choice)
    client.force_login(people["accounthouder"])
    url = reverse("cases:caseload_transfer", args=[leaving.pk])
    response = client.post(url, {"to_all": value})
    assert response.status_code == 200
    assert response.context["errors"]
    assert all(Case.objects.get(pk=c.pk).regisseur == leaving for c in handover["cases"])


def test_a_form_error_keeps_each_row_s_choice(client, people, handover):
    cases, first = handover["cases"], handover["first"]
    client.force_login(people["accounthouder"])
    url = reverse("cases:caseload_transfer", args=[people["regisseur"].pk])
    response = client.post(url, {f"to_{cases[0].pk}": first.pk, f"to_{cases[1].pk}": "nonsense"})
    assert response.context["errors"]
    html = response.content.decode()

    def select(case):
        start = html.index(f'<select id="to_{case.pk}"')
        return html[start : html.index("</select>", start)]

    assert f'<option value="{first.pk}" selected>' in select(cases[0])
    assert " selected" not in select(cases[2])
    assert all(Case.objects.get(pk=c.pk).regisseur == people["regisseur"] for c in cases)


def test_only_an_accounthouder_of_the_organisation_hands_over(
    client, people, handover, orgs, make_user
):
    url = reverse("cases:caseload_transfer", args=[people["regisseur"].pk])
    for user in (people["regisseur"], handover["first"]):
        client.force_login(user)
        assert client.post(url, {"to_all": handover["second"].pk}).status_code == 403
    outsider = make_user(Role.ACCOUNTHOUDER, username="ah-ggd", organisation=orgs["GGD"])
    client.force_login(outsider)
    assert client.get(url).status_code == 404  # not a regisseur of their organisation
    assert all(
        Case.objects.get(pk=c.pk).regisseur == people["regisseur"] for c in handover["cases"]
    )


def test_a_case_that_changed_meanwhile_stops_the_whole_handover(people, handover):
    from acvz.errors import DomainError

    cases = handover["cases"]
    Case.objects.filter(pk=cases[1].pk).update(regisseur=handover["second"])  # someone else did
    moves = [(c.pk, handover["first"], "") for c in cases]
    with pytest.raises(DomainError):
        services.caseload_transfer(
            by=people["accounthouder"], leaving=people["regisseur"], moves=moves
        )
    assert Case.objects.get(pk=cases[0].pk).regisseur == people["regisseur"]


@pytest.mark.parametrize("n", [1, 4])
def test_the_page_reads_a_fixed_number_of_queries(
    client, people, case_at, make_user, orgs, django_assert_num_queries, n
):
    make_user(Role.REGISSEUR, username="reg-b", organisation=orgs["RN"])
    for _ in range(n):
        case_at("in_regie")
    client.force_login(people["accounthouder"])
    url = reverse("cases:caseload_transfer", args=[people["regisseur"].pk])
    client.get(url)
    with django_assert_num_queries(PAGE):
        response = client.get(url)
    assert len(response.context["rows"]) == n
