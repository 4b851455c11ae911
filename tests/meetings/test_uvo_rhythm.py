"""The UVO rhythm: recording a UVO proposes the next one on the cadence, with the same time,
place and attendees; attendees named by hand keep their own organisation."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Notification, NotificationEvent, UvoMeeting, UvoStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(team_case, people):
    """A UVO held yesterday at 10:00 in the fictional Stadsloket."""
    day = timezone.localdate() - timedelta(days=1)
    planned_at = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(
        hours=10
    )
    meeting = services.uvo_plan(
        case=team_case, by=people["regisseur"], planned_at=planned_at, place="Stadsloket (fictief)"
    )
    return meeting


def record(client, meeting, **extra):
    team = meeting.case.team.filter(left_on__isnull=True)
    data = {
        "action": "record",
        "lock_version": meeting.lock_version,
        "held_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "minutes": "Fictieve notulen",
        **{f"present_{m.organisation_id}": "on" for m in team},
        **extra,
    }
    return client.post(reverse("meetings:uvo_detail", args=[meeting.pk]), data)


def test_named_attendees_keep_their_own_organisation(client, held, people, orgs):
    client.force_login(people["regisseur"])
    response = record(client, held, others="J. Fictief (WPI)\nA. Voorbeeld (Buurtteam Oost)")
    assert response.status_code == 302
    named = {a.name: a.organisation for a in held.attendees.exclude(name="")}
    assert named == {"J. Fictief": orgs["WPI"], "A. Voorbeeld (Buurtteam Oost)": None}
    assert orgs["RN"] not in named.values()  # never the regie organisation by default


def test_recording_proposes_the_next_uvo_on_the_cadence(client, held, people):
    client.force_login(people["regisseur"])
    record(client, held, others="J. Fictief (WPI)")
    page = client.get(reverse("meetings:uvo_detail", args=[held.pk])).content.decode()
    assert 'data-testid="next-uvo"' in page
    proposed = timezone.localtime(held.planned_at) + timedelta(weeks=8)
    assert f'value="{proposed:%Y-%m-%dT%H:%M}"' in page
    assert 'value="Stadsloket (fictief)"' in page

    Notification.objects.all().delete()
    response = client.post(
        reverse("meetings:uvo_detail", args=[held.pk]),
        {
            "action": "next",
            "planned_at": f"{proposed:%Y-%m-%dT%H:%M}",
            "place": "Stadsloket (fictief)",
            "same_attendees": "on",
        },
    )
    following = UvoMeeting.objects.get(case=held.case, status=UvoStatus.PLANNED)
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:uvo_detail", args=[following.pk])
    assert timezone.localtime(following.planned_at) == proposed
    carried = {(a.organisation_id, a.name) for a in following.attendees.all()}
    assert carried == {(a.organisation_id, a.name) for a in held.attendees.all()}
    # The named person's organisation, and the team's, are invited.
    assert Notification.objects.filter(event=NotificationEvent.UVO_PLANNED).exists()
    # With the next one planned, no second proposal.
    page = client.get(reverse("meetings:uvo_detail", args=[held.pk])).content.decode()
    assert 'data-testid="next-uvo"' not in page
    # Recording the next one keeps the named attendee on the list.
    page = client.get(reverse("meetings:uvo_detail", args=[following.pk])).content.decode()
    assert "J. Fictief (WPI)" in page


def test_a_bad_proposal_is_refused_and_nothing_planned(client, held, people):
    client.force_login(people["regisseur"])
    record(client, held)
    response = client.post(
        reverse("meetings:uvo_detail", args=[held.pk]),
        {"action": "next", "planned_at": "morgen", "same_attendees": "on"},
    )
    assert response.status_code == 200
    assert "planned_at" in response.context["next_form"].errors
    assert not UvoMeeting.objects.filter(case=held.case, status=UvoStatus.PLANNED).exists()


def test_only_the_regisseur_gets_the_proposal(client, held, people):
    client.force_login(people["regisseur"])
    record(client, held)
    client.force_login(people["partner"])
    page = client.get(reverse("meetings:uvo_detail", args=[held.pk])).content.decode()
    assert 'data-testid="next-uvo"' not in page
    response = client.post(
        reverse("meetings:uvo_detail", args=[held.pk]),
        {"action": "next", "planned_at": "2030-01-01T10:00", "same_attendees": "on"},
    )
    assert response.status_code in (403, 404)
    assert not UvoMeeting.objects.filter(case=held.case, status=UvoStatus.PLANNED).exists()
