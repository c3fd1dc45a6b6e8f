"""iCalendar (RFC 5545) renderings of meetings.

Meetings known to the day are all-day events (``DTSTART;VALUE=DATE``, an exclusive
``DTEND`` the day after the last day): their local hours are rarely on record. Meetings
known only to the month or year are left out of calendars — any day we chose would be
invented — and their own ``.ics`` answers 404 saying why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils import timezone

from ascn.core import site
from ascn.meetings.models import Meeting

if TYPE_CHECKING:
    from icalendar import Event

PRODID = "-//ASEAN Smart Cities Network//ASCN Platform//EN"


def absolute_url(path: str) -> str:
    """``path`` under the site's address (``ascn.core.site``: SITE_URL, else the request's)."""
    return site.absolute(path)


def has_calendar_dates(meeting: Meeting) -> bool:
    return meeting.date_precision == Meeting.Precision.DAY


def uid_of(meeting: Meeting) -> str:
    """Stable whatever address the site is reached on (``site.calendar_domain``)."""
    return f"meeting-{meeting.slug}@{site.calendar_domain()}"


def _event(meeting: Meeting, stamp: dt.datetime) -> Event:
    from icalendar import Event  # noqa: PLC0415 - start-up: icalendar (~3 MB) loads for .ics files only

    event = Event()
    url = absolute_url(meeting.get_absolute_url())
    event.add("uid", uid_of(meeting))
    event.add("dtstamp", stamp)
    event.add("summary", meeting.title)
    event.add("dtstart", meeting.start_date)
    event.add("dtend", meeting.last_day + dt.timedelta(days=1))
    location = meeting.place or (str(meeting.host_member_state or ""))
    if location:
        event.add("location", location)
    event.add("url", url)
    description = [meeting.description] if meeting.description else []
    if meeting.uncertain:
        description.append(f"Uncertain: {meeting.uncertainty_note}")
    description.append(url)
    event.add("description", "\n\n".join(description))
    event.add("last-modified", meeting.updated_at)
    return event


def calendar_of(meetings: Iterable[Meeting], *, name: str) -> bytes:
    from icalendar import Calendar  # noqa: PLC0415 - start-up: as in _event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now().replace(microsecond=0)
    for meeting in meetings:
        if has_calendar_dates(meeting):
            calendar.add_component(_event(meeting, stamp))
    return calendar.to_ical()
