"""The health rule on the joint basisdossier, with marker strings: section 9 and the GGD
screening of section 6 reach no one without health access, on any page or API response, and
neither do who wrote them and when (docs/domain.md, need-to-know)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cases import services
from cases.models import ContributionPart, DossierSection, Leefgebied
from partners.models import Role
from tests.factories import api_key
from tests.scenarios import fill_dossier

pytestmark = pytest.mark.django_db

MARKER_9 = "MARKER-GEZONDHEID-7c1f"
MARKER_SCREENING = "MARKER-SCREENING-93ab"
#: The health contributor: a health organisation's IVG member that joined after the dossier
#: started (so its organisation was not asked) and wrote only health content.
HEALTH_AUTHOR = "Zorgauteur"
HEALTH_ORGANISATION = "Inforsa"
HIDDEN = (MARKER_9, MARKER_SCREENING, HEALTH_AUTHOR, HEALTH_ORGANISATION)


def write_health_markers(case, make_user, orgs) -> None:
    author = make_user(
        Role.IVG,
        username="ivg-inforsa",
        organisation=orgs["INFORSA"],
        first_name="Zora",
        last_name=HEALTH_AUTHOR,
    )
    sections = {s.leefgebied: s for s in DossierSection.objects.filter(dossier__case=case)}
    services.dossier_contribution_save(
        section=sections[Leefgebied.GEZONDHEID], by=author, text=MARKER_9
    )
    services.dossier_contribution_save(
        section=sections[Leefgebied.HUISBEZOEK],
        by=author,
        text=MARKER_SCREENING,
        part=ContributionPart.SCREENING,
    )


@pytest.fixture
def compiling_case(case_at, people, make_user, orgs):
    case = case_at("basisdossier")
    write_health_markers(case, make_user, orgs)
    fill_dossier(case, people)
    return case


@pytest.fixture
def marked_case(compiling_case, people, orgs):
    """In regie, with the markers in its dossier; on the team: RN (regie), WPI (not health)
    and GGD (health)."""
    case = services.case_establish_dossier(case=compiling_case, by=people["ivg_politie"])
    case = services.case_assign(
        case=case, by=people["programme"], organisation=orgs["RN"], regie_style="case"
    )
    case = services.case_appoint_regisseur(
        case=case,
        by=people["accounthouder"],
        regisseur=people["regisseur"],
        accounthouder=people["accounthouder"],
    )
    services.team_member_add(
        case=case, by=people["regisseur"], organisation=orgs["WPI"], professional=people["partner"]
    )
    services.team_member_add(
        case=case,
        by=people["regisseur"],
        organisation=orgs["GGD"],
        professional=people["health_partner"],
    )
    return case


def page_bodies(client, case) -> dict[str, str]:
    """Every case page that may show the dossier, whatever its status code; without the choice
    lists (the programme team's list of every kernpartner to ask names them all)."""
    urls = {
        "detail": reverse("cases:detail", args=[case.pk]),
        "dossier": reverse("cases:dossier", args=[case.pk]),
        "history": reverse("cases:history", args=[case.pk]),
        "section 6": reverse("cases:section", args=[case.pk, Leefgebied.HUISBEZOEK]),
        "section 9": reverse("cases:section", args=[case.pk, Leefgebied.GEZONDHEID]),
        "screening": reverse("cases:section_screening", args=[case.pk, Leefgebied.HUISBEZOEK]),
    }
    return {
        name: re.sub(r"<select.*?</select>", "", client.get(url).content.decode(), flags=re.S)
        for name, url in urls.items()
    }


def api_bodies(user, case) -> dict[str, str]:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    base = f"/api/v1/cases/{case.pk}"
    bodies = {}
    for name, path in (
        ("case", ""),
        ("basisdossier", "/basisdossier"),
        ("section 6", "/basisdossier/sections/6"),
        ("section 9", "/basisdossier/sections/9"),
    ):
        response = client.get(base + path)
        assert response.status_code == 200, (name, response.status_code)  # a 404 leaks nothing
        bodies[name] = response.content.decode()
    page, next_url = 1, base + "/history?page_size=100"
    while next_url:  # every page of the history
        response = client.get(next_url)
        assert response.status_code == 200
        bodies[f"history page {page}"] = response.content.decode()
        next_url, page = response.json()["next"], page + 1
    return bodies


def leaks(bodies: dict[str, str]) -> list[tuple[str, str]]:
    return [(name, hidden) for name, body in bodies.items() for hidden in HIDDEN if hidden in body]


def test_a_non_health_partner_on_the_team_reads_none_of_it(client, marked_case, people):
    client.force_login(people["partner"])
    pages = page_bodies(client, marked_case)
    assert 'data-testid="section-9"' in pages["dossier"]  # it exists
    assert "Fictieve tekst leefgebied 6" in pages["dossier"]  # the rest of 6 is the team's
    assert leaks(pages) == []
    assert leaks(api_bodies(people["partner"], marked_case)) == []


@pytest.mark.parametrize("reader", ["regisseur", "accounthouder", "health_partner"])
def test_health_readers_read_it(client, marked_case, people, reader):
    client.force_login(people[reader])
    pages = page_bodies(client, marked_case)
    for name in ("dossier", "history"):
        for hidden in HIDDEN:
            assert hidden in pages[name], (name, hidden)
    api = api_bodies(people[reader], marked_case)
    for name in ("basisdossier", "history page 1"):
        for hidden in (MARKER_9, MARKER_SCREENING, HEALTH_AUTHOR):
            assert hidden in api[name] or hidden in api.get("history page 2", ""), (name, hidden)
    assert MARKER_9 in api["section 9"]
    assert MARKER_SCREENING in api["section 6"]


@pytest.mark.parametrize(
    ("reader", "reads_health"), [("ivg_ggd", True), ("ivg_politie", False), ("programme", False)]
)
def test_while_compiling_only_health_ivg_members_read_it(
    client, compiling_case, people, reader, reads_health
):
    client.force_login(people[reader])
    bodies = {**page_bodies(client, compiling_case), **api_bodies(people[reader], compiling_case)}
    if reads_health:
        assert MARKER_9 in bodies["dossier"]
        assert MARKER_SCREENING in bodies["basisdossier"]
    else:
        assert leaks(bodies) == []


def test_the_api_says_section_9_exists_and_nothing_more(api_client, marked_case, people):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(people['partner'])}")
    sections = {
        s["leefgebied"]: s
        for s in api_client.get(f"/api/v1/cases/{marked_case.pk}/basisdossier").json()["sections"]
    }
    assert sections[9] == {
        "leefgebied": 9,
        "title": sections[9]["title"],
        "restricted": True,
        "is_complete": None,
        "contributions": [],
        "still_asked": [],
        "can_contribute": False,
        "can_write_screening": False,
    }
    assert sections[6]["restricted"] is True
    assert {c["part"] for c in sections[6]["contributions"]} == {"contribution"}
    assert sections[1]["restricted"] is False
    assert sections[1]["is_complete"] is True
