"""The iCal feed. Events name the case by number only: a calendar leaves the covenant's
protection (phones, cloud calendars), so no personal data goes into it. Not the UVO's place
either: it is free text (an address, a clinic), so it can say where the person is or is treated.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone
from icalendar import Calendar, Event


def calendar_ics(*, uvos, itat_meetings, request) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Regie//Agenda//NL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Regie")
    host = request.get_host()
    for uvo in uvos:
        event = Event()
        event.add("uid", f"uvo-{uvo.pk}@{host}")
        event.add("summary", f"UVO casus {uvo.case_id}")
        event.add("dtstart", uvo.planned_at)
        event.add("dtend", uvo.planned_at + timedelta(hours=1))
        event.add("dtstamp", timezone.now())
        event.add("url", request.build_absolute_uri(f"/uvo/{uvo.pk}/"))
        calendar.add_component(event)
    zone = timezone.get_default_timezone()
    for meeting in itat_meetings:
        event = Event()
        start = datetime.combine(meeting.date, time(9, 0), tzinfo=zone)
        event.add("uid", f"itat-{meeting.pk}@{host}")
        event.add("summary", "ITAT")
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(hours=2))
        event.add("dtstamp", timezone.now())
        calendar.add_component(event)
    return calendar.to_ical()


def invitation_ics(meeting) -> bytes:
    """The iCal invitation mailed when a UVO is planned: the same event as in the feed (same
    UID, so a calendar that has both shows it once), without personal data."""
    from django.conf import settings

    calendar = Calendar()
    calendar.add("prodid", "-//Regie//UVO//NL")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    host = settings.REGIE_SITE_URL.split("://")[-1].split("/")[0]
    event.add("uid", f"uvo-{meeting.pk}@{host}")
    event.add("summary", f"UVO casus {meeting.case_id}")
    event.add("dtstart", meeting.planned_at)
    event.add("dtend", meeting.planned_at + timedelta(hours=1))
    event.add("dtstamp", timezone.now())
    event.add("url", settings.REGIE_SITE_URL.rstrip("/") + f"/uvo/{meeting.pk}/")
    calendar.add_component(event)
    return calendar.to_ical()
