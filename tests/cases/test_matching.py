"""Matching at appointment (issue 16): the regie organisation's regisseurs ranked by fit with
the case — the IVG's advised style and language, expertise on the leefgebieden the basisdossier
has content on — and by free capacity; each suggestion says why; the choice stays the
accounthouder's (the select still has everyone)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from cases import selectors, services
from cases.models import Case
from cases.selectors import Candidate, CaseNeed, regisseurs_rank
from partners.models import RegisseurProfile, Role

pytestmark = pytest.mark.django_db


def _names(suggestions):
    return [s.candidate.name for s in suggestions]


def test_ranking_on_a_hand_made_set():
    need = CaseNeed(
        style="network", expertise=frozenset({"finances", "addiction"}), language="Arabisch"
    )
    candidates = [
        # Perfect fit but full: sinks below everyone with room.
        Candidate(
            1, "Anna", "network", frozenset({"finances", "addiction"}), ("Arabisch",), 10, 10
        ),
        # Style and one expertise: 3 + 1 = 4.
        Candidate(2, "Bram", "network", frozenset({"finances"}), (), 15, 12),
        # Both styles, two expertise, language: 2 + 2 + 2 = 6.
        Candidate(3, "Cem", "both", frozenset({"finances", "addiction"}), ("arabisch",), 15, 3),
        # Wrong style, one expertise: 1.
        Candidate(4, "Dewi", "case", frozenset({"addiction"}), (), 15, 1),
        # Same score as Bram (4), lower caseload: before him.
        Candidate(5, "Eva", "network", frozenset({"addiction"}), (), None, 4),
        # Same score and caseload as Eva: by name, "Eva" < "Fleur".
        Candidate(6, "Fleur", "network", frozenset({"finances"}), (), 20, 4),
        # Nothing given: score 0.
        Candidate(7, "Gijs"),
        # Over capacity: last, flagged.
        Candidate(8, "Hans", "network", frozenset(), (), 5, 7),
    ]
    ranked = regisseurs_rank(candidates=candidates, need=need)
    assert _names(ranked) == ["Cem", "Eva", "Fleur", "Bram", "Dewi", "Gijs", "Anna", "Hans"]
    by_name = {s.candidate.name: s for s in ranked}
    assert by_name["Cem"].score == 6
    assert by_name["Cem"].language_fits
    assert by_name["Cem"].expertise == ("addiction", "finances")
    assert by_name["Anna"].full
    assert not by_name["Anna"].over
    assert by_name["Hans"].full
    assert by_name["Hans"].over
    assert not by_name["Dewi"].style_fits
    # The same input in another order gives the same ranking (ties are broken by data only).
    assert _names(regisseurs_rank(candidates=candidates[::-1], need=need)) == _names(ranked)


def test_ties_on_everything_but_the_id_are_broken_by_id():
    same = [Candidate(9, "Sam"), Candidate(3, "Sam")]
    assert [s.candidate.user_id for s in regisseurs_rank(candidates=same, need=CaseNeed())] == [
        3,
        9,
    ]


def test_reasons_say_why():
    need = CaseNeed(style="network", expertise=frozenset({"finances"}), language="Arabisch")
    c = Candidate(1, "Anna", "network", frozenset({"finances"}), ("Arabisch",), 15, 12)
    (suggestion,) = regisseurs_rank(candidates=[c], need=need)
    with translation.override("en"):
        reasons = selectors.suggestion_reasons(suggestion=suggestion, need=need)
    assert reasons == [
        "style fits: network-oriented",
        "expertise: finances and debts",
        "speaks Arabisch",
        "12 of 15 cases",
    ]


@pytest.fixture
def assigned(case_at, people):
    case = case_at("assigned")
    dossier = case.basisdossier
    dossier.advised_style = "network"
    dossier.advised_language = "Arabisch"
    dossier.save()
    return Case.objects.select_related("basisdossier", "regie_organisation").get(pk=case.pk)


def _profile(user, **fields):
    return RegisseurProfile.objects.update_or_create(user=user, defaults=fields)[0]


def test_the_need_reads_the_dossier_and_leaves_health_to_who_may_read_it(assigned):
    # fill_dossier: the police wrote every non-health section, GGD health and the screening.
    need = selectors.case_need(case=assigned, can_read_health=True)
    assert need.style == "network"
    assert need.language == "Arabisch"
    assert {"finances", "work", "justice", "health", "addiction"} <= need.expertise
    without = selectors.case_need(case=assigned, can_read_health=False)
    assert "finances" in without.expertise
    assert not {"health", "addiction", "psychiatry"} & without.expertise


def test_the_appoint_page_ranks_explains_and_keeps_everyone_in_the_select(
    client, assigned, people, make_user, orgs
):
    regisseur = people["regisseur"]
    _profile(regisseur, style="case", capacity=1)  # one case already? none yet: 0 of 1
    fitting = make_user(
        Role.REGISSEUR, organisation=orgs["RN"], first_name="Netty", last_name="Werk"
    )
    _profile(fitting, style="network", expertise=["finances"], languages=["Arabisch"], capacity=15)
    other_org = make_user(Role.REGISSEUR, organisation=orgs["OM"], first_name="Otto")
    _profile(other_org, style="network", expertise=["finances"], capacity=15)
    client.force_login(people["accounthouder"])
    response = client.get(reverse("cases:transition", args=[assigned.pk, "appoint_regisseur"]))
    assert response.status_code == 200
    ranked = [row["s"].candidate.user_id for row in response.context["suggestions"]]
    assert ranked[0] == fitting.pk
    assert other_org.pk not in ranked
    body = response.content.decode()
    assert "stijl past: netwerkgericht" in body
    assert "0 van 15 casussen" in body
    choices = {u.pk for u in response.context["form"].fields["regisseur"].queryset}
    assert choices == set(ranked)  # the choice stays human: everyone is still there
    # The accounthouder appoints someone else than the first suggestion: allowed.
    client.post(
        reverse("cases:transition", args=[assigned.pk, "appoint_regisseur"]),
        {"regisseur": regisseur.pk, "accounthouder": people["accounthouder"].pk},
    )
    assert Case.objects.get(pk=assigned.pk).regisseur_id == regisseur.pk


def test_the_caseload_is_the_handover_s_count_and_full_regisseurs_sink(
    case_at, assigned, people, make_user, orgs
):
    regisseur = people["regisseur"]
    for _ in range(2):
        case_at("in_regie")  # each appoints people["regisseur"]
    assert services.caseload_of(regisseur).count() == 2
    _profile(regisseur, style="network", expertise=["finances"], capacity=2)
    second = make_user(Role.REGISSEUR, organisation=orgs["RN"], first_name="Zora")
    _profile(second, style="case", capacity=10)
    _need, ranked = selectors.regisseur_suggestions(case=assigned, can_read_health=True)
    by_pk = {s.candidate.user_id: s for s in ranked}
    assert by_pk[regisseur.pk].candidate.caseload == 2
    assert by_pk[regisseur.pk].full
    assert ranked[-1].candidate.user_id == regisseur.pk  # better fit, but full


@pytest.mark.parametrize("n", [1, 25])
def test_the_ranked_list_is_a_fixed_number_of_queries(
    n, assigned, make_user, orgs, people, django_assert_num_queries
):
    for i in range(n - 1):
        user = make_user(Role.REGISSEUR, organisation=orgs["RN"], username=f"r{i}")
        _profile(user, style="network", expertise=["finances"], capacity=10)
    case = Case.objects.select_related("basisdossier", "regie_organisation").get(pk=assigned.pk)
    # The dossier's leefgebieden with content; the regisseurs with profile and caseload.
    with django_assert_num_queries(2):
        _need, ranked = selectors.regisseur_suggestions(case=case, can_read_health=True)
    assert len(ranked) == n


#: session, user, permissions (2), the case and its page (header, team, access log, …), the
#: form's two selects, and the ranking's two queries (regisseur_suggestions).
APPOINT_PAGE = 13


@pytest.mark.parametrize("n", [1, 25])
def test_the_appoint_page_is_a_fixed_number_of_queries(
    n, client, assigned, make_user, orgs, people, django_assert_num_queries
):
    for i in range(n - 1):
        user = make_user(Role.REGISSEUR, organisation=orgs["RN"], username=f"r{i}")
        _profile(user, style="network", expertise=["finances"], capacity=10)
    client.force_login(people["accounthouder"])
    url = reverse("cases:transition", args=[assigned.pk, "appoint_regisseur"])
    client.get(url)
    with django_assert_num_queries(APPOINT_PAGE):
        response = client.get(url)
    assert len(response.context["suggestions"]) == n
