"""Exact query counts: the same at N = 1 and N = 25 (docs/conventions.md)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.models import Case, CaseStatusChange
from tests.factories import PersonFactory, programme
from tests.scenarios import contributions_per_section

pytestmark = pytest.mark.django_db


def add_cases_like(case: Case, n: int, by) -> None:
    """n more cases visible to the same organisation, without walking the whole lifecycle."""
    for _ in range(n):
        extra = Case.objects.create(
            person=PersonFactory(),
            programme=programme(),
            status=case.status,
            regie_organisation=case.regie_organisation,
            regisseur=case.regisseur,
            accounthouder=case.accounthouder,
        )
        CaseStatusChange.objects.create(
            case=extra, from_status="registered", to_status=case.status, by=by
        )
        from guardian.shortcuts import assign_perm

        assign_perm("cases.view_case", case.regie_organisation.group, extra)


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


#: The access log of a page with personal data: its entry, and its subjects in one insert.
LOG = 2

# session, user+organisation, 2× permissions, the visible ids, count, 2 filter dropdowns, rows,
# the access log (the header's counts are cached: the warm-up request fills them)
CASE_LIST_QUERIES = 9 + LOG


@pytest.mark.parametrize("n", [1, 25])
def test_case_list_page(client, case_at, people, django_assert_num_queries, n):
    case = case_at("in_regie")
    add_cases_like(case, n - 1, people["programme"])
    client.force_login(people["regisseur"])
    client.get(reverse("cases:list"))  # warm the session
    with django_assert_num_queries(CASE_LIST_QUERIES):
        response = client.get(reverse("cases:list") + "?mine=true")
    assert len(response.context["page"]) == n


@pytest.mark.parametrize("n", [1, 25])
def test_case_list_page_filtered_and_searched(
    client, case_at, people, django_assert_num_queries, n
):
    case = case_at("in_regie")
    add_cases_like(case, n - 1, people["programme"])
    client.force_login(people["regisseur"])
    client.get(reverse("cases:list"))
    url = reverse("cases:list") + f"?programme={case.programme_id}&status=in_regie&q=Fictief"
    with django_assert_num_queries(CASE_LIST_QUERIES + 1):  # + validating the programme id
        client.get(url)


CASE_DETAIL_QUERIES = 10 + LOG  # the header's counts cached


@pytest.mark.parametrize("partners", [0, 5])
def test_case_detail_page(client, case_at, people, orgs, django_assert_num_queries, partners):
    case = case_at("in_regie")
    for code in ["WPI", "GGD", "OM", "DJI", "LJR"][:partners]:
        services.team_member_add(case=case, by=people["regisseur"], organisation=orgs[code])
    client.force_login(people["regisseur"])
    client.get(reverse("cases:list"))
    with django_assert_num_queries(CASE_DETAIL_QUERIES):
        client.get(reverse("cases:detail", args=[case.pk]))


@pytest.mark.parametrize("n", [1, 5])
def test_case_dossier_page(client, case_at, people, django_assert_num_queries, n):
    case = case_at("in_regie")
    contributions_per_section(case, n)
    client.force_login(people["regisseur"])
    client.get(reverse("cases:list"))
    # dossier, its 11 sections, their contributions (organisation and author joined): 3 queries;
    # the access log (the header's counts are cached)
    with django_assert_num_queries(9 + LOG):
        response = client.get(reverse("cases:dossier", args=[case.pk]))
    assert all(len(s["view"].contributions) == n for s in response.context["sections"])


@pytest.mark.parametrize("n", [1, 5])
def test_compiling_dossier_page_of_the_programme_team(
    client, case_at, people, django_assert_num_queries, n
):
    case = case_at("basisdossier")
    contributions_per_section(case, n)
    client.force_login(people["programme"])
    client.get(reverse("cases:list"))
    with django_assert_num_queries(10 + LOG):  # + the kernpartners to ask
        response = client.get(reverse("cases:dossier", args=[case.pk]))
    assert len(response.context["asked_organisations"]) == n


def test_case_history_page(client, case_at, people, django_assert_num_queries):
    case = case_at("in_regie")
    client.force_login(people["regisseur"])
    client.get(reverse("cases:list"))
    # case, dossier, sections, contributions, team, followed minors and plan history, plus one
    # query per related model named, and the access log
    with django_assert_num_queries(15 + LOG):
        client.get(reverse("cases:history", args=[case.pk]))


def test_case_history_names_every_earlier_plan_version_in_one_query(client, case_at, people):
    """A plan version names the one it was based on ("Plan v1 · person (programme)"): the
    versions are named in one query with their case, not three queries each."""
    from plans.models import Plan

    case = case_at("in_regie")
    client.force_login(people["regisseur"])
    url = reverse("cases:history", args=[case.pk])
    client.get(url)
    superseded = {"case": case, "created_by": people["regisseur"], "status": "superseded"}
    previous = Plan.objects.create(version=1, **superseded)
    Plan.objects.create(version=2, based_on=previous, **superseded)
    before = count(client, url)
    for version in (3, 4, 5):
        previous = Plan.objects.create(version=version, based_on=previous, **superseded)
    response = client.get(url)
    assert count(client, url) == before
    assert f"Plan v3 · {case}" in response.content.decode()
