"""The access log (NEN 7513 style): one entry per request that showed personal data, with the
persons and cases it showed; refused reads too; the beheerder's pages over it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.admin.sites import site
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cases import services
from cases.access import visible_get
from cases.models import (
    AccessAction,
    AccessChannel,
    AccessLogEntry,
    AccessLogSubject,
    AccessOutcome,
    Case,
    Person,
    RelationKind,
)
from tests.cases.test_query_counts import add_cases_like
from tests.factories import PersonFactory, programme

pytestmark = pytest.mark.django_db


def subjects(entry: AccessLogEntry) -> set[tuple[int, int | None]]:
    return set(entry.subjects.values_list("person_id", "case_id"))


def only_entry(**filters) -> AccessLogEntry:
    return AccessLogEntry.objects.get(**filters)


# --- pages --------------------------------------------------------------------------------------


def test_a_case_page_writes_one_entry_with_its_person_and_case(client, case_at, people):
    case = case_at("in_regie")
    user = people["regisseur"]
    client.force_login(user)
    url = reverse("cases:detail", args=[case.pk])
    assert client.get(url).status_code == 200
    entry = only_entry()
    assert (entry.user, entry.organisation, entry.channel, entry.path) == (
        user,
        user.organisation,
        AccessChannel.WEB,
        url,
    )
    assert (entry.action, entry.outcome, entry.query) == (
        AccessAction.DETAIL,
        AccessOutcome.SHOWN,
        "",
    )
    assert subjects(entry) == {(case.person_id, case.pk)}
    assert timezone.now() - entry.at < timedelta(minutes=1)


@pytest.mark.parametrize(
    "name",
    [
        "cases:dossier",
        "cases:timeline",
        "cases:history",
        "plans:case_plan",
        "meetings:case_uvos",
    ],
)
def test_every_case_tab_writes_one_entry(client, case_at, people, name):
    case = case_at("in_regie")
    client.force_login(people["accounthouder"])
    assert client.get(reverse(name, args=[case.pk])).status_code == 200
    entry = only_entry(user=people["accounthouder"])
    assert subjects(entry) == {(case.person_id, case.pk)}


def test_a_person_page_names_the_person_their_cases_and_the_relatives_shown(
    client, case_at, people
):
    case = case_at("in_regie")
    brother = PersonFactory(first_name="Broer")
    services.family_relation_add(
        person=case.person, by=people["programme"], relative=brother, kind=RelationKind.SIBLING
    )
    client.force_login(people["regisseur"])
    assert client.get(reverse("cases:person_detail", args=[case.person.pk])).status_code == 200
    entry = only_entry()
    assert entry.action == AccessAction.DETAIL
    assert subjects(entry) == {(case.person_id, case.pk), (brother.pk, None)}


def test_the_case_list_logs_the_page_it_showed(client, case_at, people):
    case = case_at("in_regie")
    add_cases_like(case, 2, people["programme"])
    client.force_login(people["regisseur"])
    response = client.get(reverse("cases:list"))
    shown = {(c.person_id, c.pk) for c in response.context["page"]}
    assert len(shown) == 3
    entry = only_entry()
    assert (entry.action, entry.query) == (AccessAction.LIST, "")
    assert subjects(entry) == shown


def test_a_search_logs_the_query_and_what_it_found(client, case_at, people):
    case = case_at("in_regie")
    case_at("in_regie")  # not matching the search
    client.force_login(people["programme"])
    response = client.get(reverse("cases:person_list"), {"q": case.person.last_name})
    assert list(response.context["page"]) == [case.person]
    entry = only_entry()
    assert (entry.action, entry.query) == (AccessAction.SEARCH, case.person.last_name)
    assert subjects(entry) == {(case.person_id, None)}
    assert entry.path == f"/personen/?q={case.person.last_name}"


def test_a_search_that_found_nobody_is_logged_too(client, people):
    client.force_login(people["programme"])
    client.get(reverse("cases:person_list"), {"q": "Niemand"})
    entry = only_entry()
    assert (entry.action, entry.query, subjects(entry)) == (AccessAction.SEARCH, "Niemand", set())


def test_a_list_that_shows_nobody_writes_nothing(client, people):
    client.force_login(people["outsider"])
    assert client.get(reverse("cases:list")).status_code == 200
    assert not AccessLogEntry.objects.exists()


def test_the_start_page_logs_the_users_own_cases(client, case_at, people):
    case = case_at("in_regie")
    client.force_login(people["regisseur"])
    client.get(reverse("home"))
    assert subjects(only_entry()) == {(case.person_id, case.pk)}


def test_the_plan_pages_log_the_case_and_print_is_an_export(client, plan_at, people):
    plan = plan_at("submitted")
    client.force_login(people["itat"])
    client.get(reverse("plans:detail", args=[plan.pk]))
    client.get(reverse("plans:print", args=[plan.pk]))
    client.get(reverse("plans:itat_agenda", args=[plan.itat_meeting_id]))
    entries = list(AccessLogEntry.objects.filter(user=people["itat"]).order_by("pk"))
    assert [e.action for e in entries] == [
        AccessAction.DETAIL,
        AccessAction.EXPORT,
        AccessAction.LIST,
    ]
    for entry in entries:
        assert subjects(entry) == {(plan.case.person_id, plan.case_id)}


def test_the_commitments_agreements_casuistry_and_inbox_pages_log_their_cases(
    client, plan_at, people, orgs
):
    from meetings import services as meeting_services
    from meetings.reminders import reminders_scan

    plan = plan_at("draft")
    case = plan.case
    meeting_services.agreement_create(
        case=case,
        by=people["regisseur"],
        description="Fictieve afspraak",
        owner_organisation=orgs["WPI"],
        deadline=timezone.localdate() - timedelta(days=3),
    )
    reminders_scan()
    client.force_login(people["partner"])
    for name in ("plans:commitments", "meetings:agreements"):
        client.get(reverse(name))
    client.force_login(people["accounthouder"])
    client.get(reverse("meetings:casuistry"))
    client.get(reverse("meetings:inbox"))
    paths = {}
    for entry in AccessLogEntry.objects.order_by("pk"):
        paths[entry.path] = subjects(entry)
    assert paths == {
        reverse(name): {(case.person_id, case.pk)}
        for name in (
            "plans:commitments",
            "meetings:agreements",
            "meetings:casuistry",
            "meetings:inbox",
        )
    }


def test_a_post_that_redirects_shows_nothing_and_writes_nothing(client, case_at, people, orgs):
    case = case_at("in_regie")
    client.force_login(people["regisseur"])
    response = client.post(
        reverse("cases:team_add", args=[case.pk]),
        {"organisation": orgs["WPI"].pk, "role": "partner"},
    )
    assert response.status_code == 302
    assert not AccessLogEntry.objects.exists()


# --- refused reads ------------------------------------------------------------------------------


def test_a_refused_case_page_is_logged_with_the_case_asked_for(client, case_at, people):
    case = case_at("in_regie")
    client.force_login(people["outsider"])
    url = reverse("cases:detail", args=[case.pk])
    response = client.get(url)
    assert response.status_code == 404
    assert case.person.last_name not in response.content.decode()
    entry = only_entry()
    assert (entry.user, entry.outcome, entry.action, entry.path) == (
        people["outsider"],
        AccessOutcome.REFUSED,
        AccessAction.DETAIL,
        url,
    )
    assert subjects(entry) == {(case.person_id, case.pk)}


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("cases:person_detail", "person"),
        ("plans:detail", "plan"),
        ("plans:print", "plan"),
        ("meetings:uvo_detail", "uvo"),
        ("cases:team_add", "case"),
    ],
)
def test_refused_person_plan_and_uvo_pages_are_logged(client, plan_at, people, orgs, name, kind):
    from meetings import services as meeting_services

    plan = plan_at("draft")
    case = plan.case
    uvo = meeting_services.uvo_plan(
        case=case, by=people["regisseur"], planned_at=timezone.now() + timedelta(days=3)
    )
    pk = {"person": case.person_id, "plan": plan.pk, "uvo": uvo.pk, "case": case.pk}[kind]
    client.force_login(people["outsider"])
    method = client.post if name == "cases:team_add" else client.get
    assert method(reverse(name, args=[pk])).status_code == 404
    entry = only_entry()
    assert entry.outcome == AccessOutcome.REFUSED
    expected = (case.person_id, None) if kind == "person" else (case.person_id, case.pk)
    assert subjects(entry) == {expected}


def test_a_refused_id_that_does_not_exist_is_logged_without_a_subject(client, people):
    client.force_login(people["regisseur"])
    assert client.get(reverse("cases:detail", args=[987654])).status_code == 404
    entry = only_entry()
    assert (entry.outcome, subjects(entry)) == (AccessOutcome.REFUSED, set())


def test_a_404_on_a_visible_case_is_not_a_refused_read(client, case_at, people):
    """The case is shown to the user; only the section asked for does not exist."""
    case = case_at("basisdossier")
    client.force_login(people["ivg_politie"])
    assert client.get(reverse("cases:section", args=[case.pk, 12])).status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_the_anonymous_are_sent_to_log_in_and_not_logged(client, case_at):
    case = case_at("in_regie")
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 302
    assert not AccessLogEntry.objects.exists()


def test_visible_get_outside_a_logged_request_only_finds():
    person = PersonFactory()
    assert visible_get(Person.objects.all(), pk=person.pk) == person
    assert not AccessLogEntry.objects.exists()


def test_visible_get_looks_for_the_objects_own_case_only(plan_at, people):
    """A plan by its id carries its case as a value (`case_id = (SELECT …)`): the visibility is
    looked up for that one case, not gathered for every case the user sees. It only narrows:
    who may see the plan finds it, who may not gets a 404."""
    from django.http import Http404

    from plans.models import Plan

    plan = plan_at("submitted")
    with CaptureQueriesContext(connection) as queries:
        assert visible_get(Plan.objects.visible_to(people["regisseur"]), pk=plan.pk) == plan
    assert re.search(r'"plans_plan"\."case_id" = \(SELECT', queries.captured_queries[-1]["sql"])
    with pytest.raises(Http404):
        visible_get(Plan.objects.visible_to(people["outsider"]), pk=plan.pk)
    with pytest.raises(Http404):
        visible_get(Plan.objects.visible_to(people["regisseur"]), pk=plan.pk + 1000)


# --- the API ------------------------------------------------------------------------------------


def test_api_list_search_and_detail_are_logged(api_as, case_at, people):
    case = case_at("in_regie")
    other = case_at("in_regie")
    client = api_as(people["regisseur"])
    assert client.get("/api/v1/cases").json()["count"] == 2
    assert client.get("/api/v1/persons", {"search": case.person.last_name}).json()["count"] == 1
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 200
    first, second, third = AccessLogEntry.objects.order_by("pk")
    assert {e.channel for e in (first, second, third)} == {AccessChannel.API}
    assert (first.action, subjects(first)) == (
        AccessAction.LIST,
        {(case.person_id, case.pk), (other.person_id, other.pk)},
    )
    assert (second.action, second.query, subjects(second)) == (
        AccessAction.SEARCH,
        case.person.last_name,
        {(case.person_id, None)},
    )
    assert (third.action, third.path, subjects(third)) == (
        AccessAction.DETAIL,
        f"/api/v1/cases/{case.pk}",
        {(case.person_id, case.pk)},
    )


def test_api_refused_reads_are_logged_also_without_a_selector(api_as, plan_at, people):
    plan = plan_at("draft")
    goal = plan.goals.first()
    client = api_as(people["outsider"])
    for url in (
        f"/api/v1/cases/{plan.case_id}",
        f"/api/v1/plans/{plan.pk}",
        f"/api/v1/plan-goals/{goal.pk}",
        f"/api/v1/persons/{plan.case.person_id}",
    ):
        assert client.get(url).status_code == 404
    entries = list(AccessLogEntry.objects.order_by("pk"))
    assert [e.outcome for e in entries] == [AccessOutcome.REFUSED] * 4
    assert [subjects(e) for e in entries] == [{(plan.case.person_id, plan.case_id)}] * 3 + [
        {(plan.case.person_id, None)}
    ]


def test_api_malformed_id_is_refused_without_a_subject(api_as, people):
    assert api_as(people["regisseur"]).get("/api/v1/plan-goals/abc").status_code == 404
    entry = only_entry()
    assert (entry.outcome, subjects(entry)) == (AccessOutcome.REFUSED, set())


def test_api_writes_that_answer_with_personal_data_are_logged(api_as, case_at, people):
    case = case_at("in_regie")
    response = api_as(people["regisseur"]).post(
        f"/api/v1/cases/{case.pk}/timeline",
        {"kind": "arrest", "description": "Fictief", "occurred_at": timezone.now().isoformat()},
    )
    assert response.status_code == 201
    assert subjects(only_entry()) == {(case.person_id, case.pk)}


def test_the_itat_agenda_in_the_api_names_the_plans_cases(api_as, plan_at, people):
    plan = plan_at("submitted")
    api_as(people["itat"]).get(f"/api/v1/itat-meetings/{plan.itat_meeting_id}")
    assert subjects(only_entry()) == {(plan.case.person_id, plan.case_id)}


def test_reading_nothing_personal_writes_nothing(api_as, people):
    client = api_as(people["regisseur"])
    client.get("/api/v1/programmes")
    client.get("/api/v1/organisations")
    assert not AccessLogEntry.objects.exists()


# --- append-only --------------------------------------------------------------------------------


def test_the_log_cannot_be_changed_or_removed(client, case_at, people):
    case = case_at("in_regie")
    client.force_login(people["regisseur"])
    client.get(reverse("cases:detail", args=[case.pk]))
    entry = only_entry()
    subject = entry.subjects.get()
    for change in (
        lambda: entry.save(),
        lambda: entry.delete(),
        lambda: subject.delete(),
        lambda: AccessLogEntry.objects.update(path="/"),
        lambda: AccessLogEntry.objects.all().delete(),
        lambda: AccessLogSubject.objects.update(case=None),
    ):
        with pytest.raises(TypeError):
            change()
    assert only_entry().path == reverse("cases:detail", args=[case.pk])
    assert subjects(entry) == {(case.person_id, case.pk)}


def test_the_admin_offers_no_way_to_change_the_log(rf, people):
    model_admin = site._registry[AccessLogEntry]
    request = rf.get("/")
    request.user = people["beheerder"]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.get_actions(request) == {}
    assert AccessLogSubject not in site._registry


# --- the beheerder's pages ----------------------------------------------------------------------


def _read_some(client, people, *cases):
    client.force_login(people["regisseur"])
    for case in cases:
        client.get(reverse("cases:detail", args=[case.pk]))
    client.force_login(people["outsider"])
    client.get(reverse("cases:detail", args=[cases[0].pk]))


def test_the_access_log_page_shows_entries_newest_first_with_their_persons(client, case_at, people):
    first, second = case_at("in_regie"), case_at("in_regie")
    _read_some(client, people, first, second)
    client.force_login(people["beheerder"])
    response = client.get(reverse("cases:access_log"))
    listed = list(response.context["page"])
    earlier = AccessLogEntry.objects.exclude(user=people["beheerder"])
    newest_first = earlier.order_by("-at", "-pk").values_list("pk", flat=True)
    assert [e.pk for e in listed] == list(newest_first)
    assert len(listed) == 3
    body = response.content.decode()
    assert first.person.last_name in body
    assert second.person.last_name in body
    assert str(people["outsider"]) in body
    assert reverse("cases:access_log_person", args=[first.person_id]) in body
    # The beheerder's reading of the log is one entry, naming the persons it showed.
    own = AccessLogEntry.objects.get(user=people["beheerder"])
    assert subjects(own) == {(first.person_id, first.pk), (second.person_id, second.pk)}


def test_an_entrys_persons_are_links_to_who_read_them_with_the_case_read_through():
    from types import SimpleNamespace

    from cases.templatetags.accesslog import subject_links

    def subject(pk, name, case_id):
        return SimpleNamespace(person_id=pk, case_id=case_id, person_name=name)

    shown = subject_links([subject(7, "Ada <Test>", 12), subject(1234, "Bo & Co", None)])
    assert shown == (
        f'<a href="{reverse("cases:access_log_person", args=[7])}">Ada &lt;Test&gt;</a> (#12), '
        f'<a href="{reverse("cases:access_log_person", args=[1234])}">Bo &amp; Co</a>'
    )
    assert subject_links([]) == "—"


def test_the_access_log_filters_by_user_organisation_and_dates(client, case_at, people, orgs):
    case = case_at("in_regie")
    _read_some(client, people, case)
    client.force_login(people["beheerder"])
    url = reverse("cases:access_log")

    def listed(**params) -> list[int]:
        response = client.get(url, params)
        assert response.status_code == 200
        return [e.user_id for e in response.context["page"]]

    assert listed(username="out") == [people["outsider"].pk]
    assert listed(organisation=orgs["RN"].pk) == [people["regisseur"].pk]
    today = timezone.localdate()
    assert len(listed(date_from=today.isoformat(), date_to=today.isoformat())) >= 2
    assert listed(date_to=(today - timedelta(days=1)).isoformat()) == []
    assert listed(date_from=(today + timedelta(days=1)).isoformat()) == []
    # An end before the start is an error on the form, and lists nothing.
    response = client.get(
        url, {"date_from": today.isoformat(), "date_to": (today - timedelta(days=2)).isoformat()}
    )
    assert response.context["form"].errors["date_to"]
    assert list(response.context["page"]) == []


def test_who_looked_at_this_person(client, case_at, people):
    case, other = case_at("in_regie"), case_at("in_regie")
    _read_some(client, people, case, other)
    client.force_login(people["programme"])
    client.get(reverse("cases:person_list"), {"q": case.person.last_name})
    client.force_login(people["beheerder"])
    response = client.get(reverse("cases:access_log_person", args=[case.person_id]))
    assert response.status_code == 200
    listed = list(response.context["page"])
    assert [(e.user_id, e.action, e.outcome) for e in listed] == [
        (people["programme"].pk, AccessAction.SEARCH, AccessOutcome.SHOWN),
        (people["outsider"].pk, AccessAction.DETAIL, AccessOutcome.REFUSED),
        (people["regisseur"].pk, AccessAction.DETAIL, AccessOutcome.SHOWN),
    ]
    body = response.content.decode()
    assert f"#{case.pk}" in body
    assert other.person.last_name not in body
    assert f"#{other.pk}" not in body
    # Each read names its page, as the access log does.
    assert "Casusoverzicht" in body
    assert "Personenlijst" in body


def test_the_person_page_links_to_who_looked_for_the_beheerder_only(
    client, case_at, people, make_user, orgs
):
    from partners.models import Role

    case = case_at("in_regie")
    url = reverse("cases:access_log_person", args=[case.person_id])
    client.force_login(people["programme"])
    page = client.get(reverse("cases:person_detail", args=[case.person_id]))
    assert url not in page.content.decode()
    both = make_user(Role.PROGRAMME_TEAM, Role.BEHEERDER, organisation=orgs["OJZD"])
    client.force_login(both)
    page = client.get(reverse("cases:person_detail", args=[case.person_id]))
    assert url in page.content.decode()


@pytest.mark.parametrize("name", ["cases:access_log", "cases:access_log_person"])
@pytest.mark.parametrize("user", ["regisseur", "programme", "accounthouder", "system"])
def test_the_access_log_pages_need_the_permission(client, people, case_at, name, user):
    case = case_at("registered")
    client.force_login(people[user])
    args = [case.person_id] if name.endswith("person") else []
    response = client.get(reverse(name, args=args))
    assert response.status_code == 403
    assert case.person.last_name not in response.content.decode()


def _many_reads(case_at, people, n: int) -> Case:
    """n entries naming the case's person, each a list of five cases."""
    case = case_at("in_regie")
    add_cases_like(case, 4, people["programme"])
    shown = [(c.person_id, c.pk) for c in Case.objects.all()]
    for _ in range(n):
        services.access_log_write(
            user=people["regisseur"],
            channel=AccessChannel.WEB,
            path="/casussen/",
            action=AccessAction.LIST,
            outcome=AccessOutcome.SHOWN,
            subjects=shown,
        )
    return case


# session, user (organisation joined), 2× permissions, validating the organisation filtered on,
# the organisations of the filter, the entries (user and organisation joined), their subjects
# (person joined), and the log's own entry and subjects (the header's counts are cached)
ACCESS_LOG_QUERIES = 10
# session, user, 2× permissions, the person, the entries, the person's subjects, the log's own
# entry and subject
ACCESS_LOG_PERSON_QUERIES = 9


@pytest.mark.parametrize("n", [1, 25])
def test_access_log_page_query_count(client, case_at, people, django_assert_num_queries, n):
    _many_reads(case_at, people, n)
    client.force_login(people["beheerder"])
    url = reverse("cases:access_log")
    client.get(url)
    with django_assert_num_queries(ACCESS_LOG_QUERIES):
        response = client.get(url, {"organisation": people["regisseur"].organisation_id})
    assert len(response.context["page"]) == n


@pytest.mark.parametrize("n", [1, 25])
def test_who_looked_page_query_count(client, case_at, people, django_assert_num_queries, n):
    case = _many_reads(case_at, people, n)
    client.force_login(people["beheerder"])
    url = reverse("cases:access_log_person", args=[case.person_id])
    client.get(url)
    with django_assert_num_queries(ACCESS_LOG_PERSON_QUERIES):
        response = client.get(url)
    assert len(response.context["page"]) == n + 1  # + the beheerder's previous look


def test_a_log_write_is_two_queries_however_many_subjects(people):
    shown = [(PersonFactory().pk, None) for _ in range(30)]
    with CaptureQueriesContext(connection) as queries:
        services.access_log_write(
            user=people["regisseur"],
            channel=AccessChannel.API,
            path="/api/v1/persons",
            action=AccessAction.LIST,
            outcome=AccessOutcome.SHOWN,
            subjects=shown,
        )
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["INSERT", "INSERT"]
    assert AccessLogSubject.objects.count() == 30


# --- every door is logged -----------------------------------------------------------------------

#: Pages and API operations that show no personal data, with the reason. Everything else in the
#: URL configuration must be wrapped in `access_logged` / `AccessLoggedMixin`.
NOT_PERSONAL = {
    "login": "the login form",
    "logout": "logging out",
    "password_change": "the user's own password",
    "password_change_done": "the user's own password",
    "password_reset": "the user's own password",
    "password_reset_done": "the user's own password",
    "password_reset_confirm": "the user's own password",
    "password_reset_complete": "the user's own password",
    "second_factor": "the user's own second factor",
    "second_factor_setup": "the user's own second factor",
    "recovery_codes_renew": "the user's own second factor",
    "security": "the user's own login settings",
    "api_keys": "partner systems' API keys: names, scopes and dates, no person's data",
    "api_key_rotate": "a partner system's API key",
    "api_key_revoke": "a partner system's API key",
    "meetings:webhooks": "partner systems' webhook addresses and counts, no person's data",
    "meetings:webhook": "a webhook's settings and delivery log: event types and case numbers",
    "meetings:webhook_switch": "a partner system's webhook",
    "meetings:webhook_secret": "a partner system's webhook secret",
    "meetings:webhook_redeliver": "a webhook delivery (ids only)",
    "cases:retention": "case numbers, programmes and dates only",
    "meetings:programme_figures": "counts only, small groups suppressed, no person named",
    "meetings:programme_norms": "a programme's norms: reference data, no person named",
    "healthz": "liveness",
    "my_profile": "the regisseur's own profile and competence scans, no person's data",
    "competence_scan_add": "the regisseur's own competence scan",
    "regisseur_profiles": "the organisation's regisseurs' work profiles, no person's data",
    "regisseur_profile_edit": "a regisseur's work profile, no person's data",
    "competence_group": "counts per score over at least five regisseurs, no one named",
    "set_language": "the language switch",
    "meetings:preferences": "the user's own settings",
    "meetings:calendar_feed": "names cases by number only; a token, no session",
    "api:schema": "the OpenAPI schema",
    "api:swagger-ui": "the OpenAPI schema",
    "api:redoc": "the OpenAPI schema",
    "api:programme-list": "reference data",
    "api:programme-detail": "reference data",
    "api:me": "the caller itself",
    "api:organisation-list": "reference data",
    "api:organisation-detail": "reference data",
}


def _url_patterns(patterns=None, namespace=""):
    from django.urls import URLPattern, URLResolver, get_resolver

    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue  # reference data only; personal data is never reached through the admin
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from _url_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}", pattern.callback


def _is_logged(callback) -> bool:
    from cases.access import AccessLoggedMixin

    view_class = getattr(callback, "cls", None)
    if view_class is not None:
        return issubclass(view_class, AccessLoggedMixin)
    return getattr(callback, "access_logged", False) is True


def test_every_page_and_api_operation_is_logged_or_shows_no_personal_data():
    patterns = list(_url_patterns())
    assert len(patterns) > 60
    unlogged = sorted(
        {name for name, callback in patterns if not _is_logged(callback)} - set(NOT_PERSONAL)
    )
    assert unlogged == [], "wrap these in access_logged / AccessLoggedMixin"
    # The allow-list stays honest: every name in it exists.
    assert set(NOT_PERSONAL) <= {name for name, _callback in patterns}


def test_every_logged_page_says_which_page_it_was():
    """The access log and the AVG inzage name the page of every logged read ("Basisdossier",
    "Handover"): a logged web page without a label would be a blank in the person's inzage."""
    from cases.access import _PAGE_LABELS

    logged_pages = {
        name
        for name, callback in _url_patterns()
        if _is_logged(callback) and not name.startswith("api:")
    }
    assert len(logged_pages) > 40
    assert sorted(logged_pages - set(_PAGE_LABELS)) == []


def test_every_viewset_of_the_routers_is_logged():
    from cases.access import AccessLoggedMixin
    from cases.api.urls import router as cases_router
    from meetings.api.urls import router as meetings_router
    from partners.api.urls import router as partners_router
    from plans.api.urls import router as plans_router

    reference = {"programme", "organisation"}
    for router in (cases_router, plans_router, meetings_router, partners_router):
        for _prefix, viewset, basename in router.registry:
            assert issubclass(viewset, AccessLoggedMixin) or basename in reference, basename


# --- the migration ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_each_old_entry_into_an_entry_with_one_subject(people):
    """Each logged read of before (one person, maybe a case) keeps its reader, time and path and
    gets its person and case as its subject; and back."""
    from django.db.migrations.executor import MigrationExecutor

    case = Case.objects.create(person=PersonFactory(), programme=programme())
    lonely = PersonFactory()
    before, after = (
        ("cases", "0007_programme_team_members_support_case"),
        ("cases", "0008_access_log_subjects"),
    )
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        old = executor.loader.project_state([before]).apps.get_model("cases", "AccessLogEntry")
        with_case = old.objects.create(
            user_id=people["regisseur"].pk, person_id=case.person_id, case_id=case.pk, path="/a/"
        )
        without = old.objects.create(
            user_id=people["regisseur"].pk, person_id=lonely.pk, channel="api", path="/b/"
        )
        executor = MigrationExecutor(connection)
        executor.migrate([after])
        # The model as it was then (later migrations add columns).
        new = executor.loader.project_state([after]).apps.get_model("cases", "AccessLogEntry")
        entries = {e.pk: e for e in new.objects.all()}
        assert subjects(entries[with_case.pk]) == {(case.person_id, case.pk)}
        assert subjects(entries[without.pk]) == {(lonely.pk, None)}
        assert (entries[without.pk].path, entries[without.pk].channel) == ("/b/", "api")
        assert {(e.action, e.outcome) for e in entries.values()} == {("detail", "shown")}

        executor = MigrationExecutor(connection)
        executor.migrate([before])
        old = executor.loader.project_state([before]).apps.get_model("cases", "AccessLogEntry")
        assert set(old.objects.values_list("pk", "person_id", "case_id")) == {
            (with_case.pk, case.person_id, case.pk),
            (without.pk, lonely.pk, None),
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_access_log_names_the_first_ten_persons_of_an_entry_and_counts_the_rest(client, people):
    persons = PersonFactory.create_batch(15)
    services.access_log_write(
        user=people["regisseur"],
        channel="web",
        path="/casussen/",
        action="list",
        outcome="shown",
        subjects=[(p.pk, None) for p in persons],
    )
    client.force_login(people["beheerder"])
    with translation.override("nl"):
        response = client.get(reverse("cases:access_log"))
    body = response.content.decode()
    shown = [p for p in persons if p.full_name in body]
    assert shown == persons[:10]
    assert "15 personen" in body
    assert "(de eerste 10 van 15)" in body
    # The beheerder's read is logged with the persons the page named, not all fifteen.
    own = AccessLogEntry.objects.filter(user=people["beheerder"]).latest("pk")
    assert {p for p, _c in subjects(own)} == {p.pk for p in persons[:10]}


def test_the_access_log_filters_by_person_and_says_what_was_viewed(client, case_at, people):
    first, second = case_at("in_regie"), case_at("in_regie")
    _read_some(client, people, first, second)
    client.force_login(people["beheerder"])
    url = reverse("cases:access_log")
    response = client.get(url, {"person": first.person.last_name})
    shown = list(response.context["page"])
    assert shown
    assert all(first.person_id in {s.person_id for s in e.subjects.all()} for e in shown)
    by_number = client.get(url, {"person": str(second.person_id)}).context["page"]
    assert all(second.person_id in {s.person_id for s in e.subjects.all()} for e in by_number)
    assert "Casusoverzicht" in response.content.decode()  # what the page showed, in words


def test_the_access_log_exports_csv_and_the_export_is_logged(client, case_at, people):
    import csv
    import io

    case = case_at("in_regie")
    _read_some(client, people, case)
    client.force_login(people["beheerder"])
    response = client.get(reverse("cases:access_log"), {"format": "csv", "username": "reg"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows
    assert {r["user"] for r in rows} == {"reg"}
    assert {r["person_id"] for r in rows} == {str(case.person_id)}
    assert rows[0]["person"] == case.person.full_name
    assert rows[0]["page"] == "Casusoverzicht"
    export = AccessLogEntry.objects.filter(user=people["beheerder"]).latest("pk")
    assert export.action == "export"
    assert case.person_id in {person for person, _case in subjects(export)}


def test_too_big_an_export_asks_to_narrow_the_filters(client, case_at, people, monkeypatch):
    from cases import views

    case = case_at("in_regie")
    _read_some(client, people, case)
    monkeypatch.setattr(views, "ACCESS_LOG_EXPORT_MAX", 1)
    client.force_login(people["beheerder"])
    response = client.get(reverse("cases:access_log"), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "beperk de filters" in response.content.decode()


def test_an_access_log_row_escapes_what_was_typed_and_marks_a_refusal():
    """The rows are built in Python (`{% access_rows %}`): the search text, the user's name and
    the path are escaped there; a refused read is tagged; without an organisation, a dash."""
    import datetime as dt
    from types import SimpleNamespace
    from zoneinfo import ZoneInfo

    from django.conf import settings

    from cases.templatetags.accesslog import access_rows

    entry = SimpleNamespace(
        pk=7,
        at=dt.datetime(2026, 3, 4, 9, 5, tzinfo=ZoneInfo(settings.TIME_ZONE)),
        user="Ada <Test>",
        organisation=None,
        query='"><script>',
        outcome="refused",
        path="/casussen/?q=<b>",
        page_label="Casusoverzicht",
        subject_count=1,
        shown_subjects=[SimpleNamespace(person_id=3, case_id=None, person_name="Bo & Co")],
        get_outcome_display=lambda: "geweigerd",
        get_action_display=lambda: "zoeken",
        get_channel_display=lambda: "web",
    )
    with translation.override("nl"):
        assert access_rows([entry]) == (
            '<tr data-entry="7"><td>4-3-2026 09:05</td><td>Ada &lt;Test&gt;</td><td>—</td>'
            '<td>zoeken · web<br><span class="muted">“&quot;&gt;&lt;script&gt;”</span></td>'
            '<td><span class="tag tag-danger">geweigerd</span></td>'
            f'<td><a href="{reverse("cases:access_log_person", args=[3])}">Bo &amp; Co</a></td>'
            '<td>Casusoverzicht<br><code class="muted">/casussen/?q=&lt;b&gt;</code></td></tr>'
        )
        assert access_rows([]) == '<tr><td colspan="7" class="muted">Geen inzages gelogd.</td></tr>'
