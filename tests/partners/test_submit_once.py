"""A form posted twice (double click, resend after a timeout, the back button) makes one object:
the second POST with the same one-time token lands on the first one's result."""

from __future__ import annotations

import re
import threading
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Person, TimelineEvent
from meetings import services as meeting_services
from meetings.models import Agreement, UvoMeeting
from partners.middleware import SUBMISSION_FIELD
from partners.models import Submission
from tests.factories import programme
from tests.scenarios import eligible_person

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def twice(client, url: str, data: dict):
    data = {**data, SUBMISSION_FIELD: uuid.uuid4().hex}
    return client.post(url, data), client.post(url, data, follow=False)


def assert_same_result(first, second) -> None:
    assert first.status_code == 302, getattr(first, "context", None) and first.context.get("form")
    assert second.status_code == 302
    assert second["Location"] == first["Location"]


def test_registering_a_person_twice_makes_one(client, people):
    client.force_login(people["programme"])
    data = {"first_name": "Fictief", "last_name": "Dubbelklik", "date_of_birth": "1990-01-01"}
    first, second = twice(client, reverse("cases:person_create"), data)
    assert_same_result(first, second)
    assert Person.objects.filter(last_name="Dubbelklik").count() == 1


def test_registering_a_case_twice_makes_one(client, people):
    person = eligible_person()
    client.force_login(people["programme"])
    url = reverse("cases:register") + f"?person={person.pk}"
    first, second = twice(client, url, {"person": person.pk, "programme": programme().pk})
    assert_same_result(first, second)
    assert Case.objects.filter(person=person).count() == 1


def test_a_timeline_event_twice_makes_one(client, people, case_at):
    case = case_at("in_regie")
    client.force_login(people["regisseur"])
    url = reverse("cases:timeline", args=[case.pk])
    first, second = twice(client, url, {"kind": "arrest", "description": "Fictief dubbel"})
    assert_same_result(first, second)
    assert TimelineEvent.objects.filter(description="Fictief dubbel").count() == 1


def test_planning_a_uvo_twice_makes_one(client, people, case_at):
    case = case_at("in_regie")
    client.force_login(people["regisseur"])
    when = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    first, second = twice(
        client,
        reverse("meetings:case_uvos", args=[case.pk]),
        {"plan": "1", "planned_at": when, "place": "Kantoor"},
    )
    assert_same_result(first, second)
    assert UvoMeeting.objects.filter(case=case).count() == 1


def test_an_agreement_twice_makes_one(client, people, case_at, orgs):
    case = case_at("in_regie")
    uvo = meeting_services.uvo_plan(
        case=case, by=people["regisseur"], planned_at=timezone.now() + timedelta(days=2)
    )
    client.force_login(people["regisseur"])
    first, second = twice(
        client,
        reverse("meetings:uvo_detail", args=[uvo.pk]),
        {
            "action": "agreement",
            "description": "Fictieve afspraak dubbel",
            "owner_organisation": orgs["RN"].pk,
            "deadline": (timezone.localdate() + timedelta(days=7)).isoformat(),
        },
    )
    assert_same_result(first, second)
    assert Agreement.objects.filter(description="Fictieve afspraak dubbel").count() == 1


def test_a_form_with_errors_frees_its_token(client, people, case_at):
    case = case_at("in_regie")
    client.force_login(people["regisseur"])
    url = reverse("cases:timeline", args=[case.pk])
    token = uuid.uuid4().hex
    response = client.post(url, {"kind": "status", "description": "x", SUBMISSION_FIELD: token})
    assert response.status_code == 200  # a form error
    assert not Submission.objects.exists()
    corrected = {"kind": "arrest", "description": "Fictief verbeterd", SUBMISSION_FIELD: token}
    assert client.post(url, corrected).status_code == 302
    assert TimelineEvent.objects.filter(description="Fictief verbeterd").count() == 1


def test_tokens_are_per_user(client, people, case_at):
    """Another user's token does not replay their result for me."""
    case = case_at("in_regie")
    url = reverse("cases:timeline", args=[case.pk])
    token = uuid.uuid4().hex
    client.force_login(people["regisseur"])
    client.post(url, {"kind": "arrest", "description": "Fictief een", SUBMISSION_FIELD: token})
    client.force_login(people["accounthouder"])
    Submission.objects.update(location="/elders/")
    response = client.post(
        url, {"kind": "arrest", "description": "Fictief twee", SUBMISSION_FIELD: token}
    )
    assert response["Location"] != "/elders/"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_posts_at_the_same_moment_make_one(people, case_at):
    """Two requests racing (two tabs, a proxy that retried): one makes the object, the other
    waits for it and lands on its result."""
    case = case_at("in_regie")
    url = reverse("cases:timeline", args=[case.pk])
    data = {"kind": "arrest", "description": "Fictief gelijktijdig", SUBMISSION_FIELD: "a" * 32}
    results = []

    def post():
        client = Client()
        client.force_login(people["regisseur"])
        results.append(client.post(url, data))

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status_code for r in results] == [302, 302]
    assert results[0]["Location"] == results[1]["Location"]
    assert TimelineEvent.objects.filter(description="Fictief gelijktijdig").count() == 1


def test_every_post_form_of_the_site_carries_a_one_time_token():
    """The guard behind the tests above: a new form without `{% once %}` fails here. (The
    header's language switch and log-out, and the login form, change no data twice.)"""
    exempt = {"base.html", "registration/login.html"}
    missing = []
    for path in TEMPLATES.rglob("*.html"):
        name = str(path.relative_to(TEMPLATES))
        if name in exempt or name.startswith("admin/"):
            continue
        text = path.read_text()
        for form in re.findall(r"<form\b[^>]*>.*?</form>", text, flags=re.S | re.I):
            if re.search(r'method="post"', form, flags=re.I) and "{% once %}" not in form:
                missing.append(name)
    assert missing == []
