"""Load an illustrative upcoming annual meeting, open for registration. Demo mode only
(ASCN_DEMO=1).

Run after ``load_demo``. The meeting is flagged ``sample`` and named "(sample)"; its dates
are relative to the day it is loaded (about two months ahead, registration open from two
weeks ago to a week before it starts), so the demo always has a meeting to register for. It
carries an agenda, and the demo's National Representative and CSCOs are registered.
Everything goes through the meeting services, by the demo Secretariat (audited).
Idempotent: a second run leaves the meeting alone — unless its dates have passed, when they
are moved ahead again (audited as an update by the system).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ascn.accounts.models import User
from ascn.core.seed import LoadCommand, demo_secretariat
from ascn.meetings.models import AgendaItem, Meeting
from ascn.meetings.services import (
    agenda_item_add,
    meeting_create,
    meeting_update,
    registration_register,
)
from ascn.network.models import City

SLUG = "sample-ascn-annual-meeting"
HOST_CITY = "da-nang"
# The demo accounts that register: those who may (``require_registrant``); the Secretariat
# runs the meeting.
REGISTRANTS = ["nr-th@example.org", "cso-phuket@example.org", "cso-hanoi@example.org"]
# (day of the meeting, local time, title, description)
AGENDA = [
    (0, dt.time(9, 0), "Opening and welcome by the host city", "Sample agenda item."),
    (
        0,
        dt.time(9, 45),
        "The network's year: projects, partnerships and the ASCF",
        "The Secretariat reports on the network's projects, their readiness and funding.",
    ),
    (
        0,
        dt.time(11, 0),
        "Matchmaking session: cities meet partners",
        "Cities present projects in preparation; partners present their programmes.",
    ),
    (
        0,
        dt.time(14, 0),
        "Workshops by ASCF focus area",
        "Resilience and flood warning; tourist safety; clean air; urban mobility.",
    ),
    (
        1,
        dt.time(9, 0),
        "Site visit: the host city's flood early-warning network",
        "Sample site visit.",
    ),
    (
        1,
        dt.time(14, 0),
        "Adoption of the chair's statement and close",
        "National Representatives adopt the meeting's statement.",
    ),
]


def _dates(today: dt.date) -> dict[str, dt.date]:
    start = today + dt.timedelta(days=60)
    return {
        "start_date": start,
        "end_date": start + dt.timedelta(days=1),
        "registration_opens_on": today - dt.timedelta(days=14),
        "registration_closes_on": start - dt.timedelta(days=7),
    }


class Command(LoadCommand):
    help = "Load an illustrative upcoming annual meeting open for registration (ASCN_DEMO=1)."
    demo_only = True

    def load(self) -> str:
        secretariat = demo_secretariat()
        today = timezone.localdate()
        meeting = Meeting.objects.filter(slug=SLUG, sample=True).first()
        if meeting is not None:
            if meeting.is_upcoming(today) and meeting.registration_window_open(today):
                return "Sample meeting: already loaded."
            meeting, _ = meeting_update(
                actor=None, meeting=meeting, version=None, values=_dates(today)
            )
            registered = self._register(meeting)
            return f"Sample meeting: dates moved ahead ({registered} registered)."
        city = City.objects.select_related("member_state").get(slug=HOST_CITY)
        meeting = meeting_create(
            actor=secretariat,
            slug=SLUG,
            sample=True,
            values={
                "title": "ASCN Annual Meeting (sample)",
                "kind": Meeting.Kind.ANNUAL_MEETING,
                "host_member_state": city.member_state,
                "host_city": city,
                "place": f"{city.name} (sample venue)",
                "format": Meeting.Format.HYBRID,
                "description": (
                    "Sample meeting for the demonstration of the platform — not a real event. "
                    "The network's cities, National Representatives and partners meet to review "
                    "the year's projects, match projects with partners and agree the next "
                    "year's priorities."
                ),
                "capacity": 250,
                "registration_open": True,
                "time_zone": "Asia/Ho_Chi_Minh",
                **_dates(today),
            },
        )
        for day, time, title, description in AGENDA:
            agenda_item_add(
                actor=secretariat,
                meeting=meeting,
                title=title if day == 0 else f"Day 2 — {title}",
                day=meeting.start_date + dt.timedelta(days=day),
                time=time,
                description=description,
            )
        registered = self._register(meeting)
        items = AgendaItem.objects.filter(meeting=meeting).count()
        return (
            f"Sample annual meeting loaded ({items} agenda items, {registered} registered) "
            "— flagged as sample data."
        )

    def _register(self, meeting: Meeting) -> int:
        registered = 0
        for email in REGISTRANTS:
            user = User.objects.filter(email=email).first()
            if user is not None:
                registration_register(actor=user, meeting=meeting)
                registered += 1
        return registered
