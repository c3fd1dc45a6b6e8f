"""The network's timeline: milestones, cities joining, agreements signed and meetings, in
date order, each with how precisely its date is known and its source."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _

from ascn.agreements import queries as agreement_queries
from ascn.core import formats
from ascn.meetings.models import Meeting
from ascn.network.models import City, TimelineEvent


@dataclass(frozen=True)
class Entry:
    date: dt.date
    precision: str
    kind: str
    title: str
    description: str = ""
    source: str = ""
    url: str = ""
    uncertain: bool = False


PILOT_COHORT = 2018


def timeline_for(user) -> list[Entry]:
    milestones = [
        Entry(
            e.date, e.date_precision, "milestone", e.title, e.description, e.source, "", e.uncertain
        )
        for e in TimelineEvent.objects.all()
    ]
    # A milestone on the same date as a meeting is that meeting: one entry, linked to it.
    meetings = {(m.date, m.precision): m for m in _meetings()}
    entries = []
    for milestone in milestones:
        meeting = meetings.pop((milestone.date, milestone.precision), None)
        entries.append(
            replace(milestone, kind="meeting", url=meeting.url) if meeting else milestone
        )
    entries.extend(meetings.values())
    # The pilot cities of 2018 are part of the launch; later cohorts join by year, unless a
    # milestone of that year already names them.
    joined: dict[int, list[City]] = {}
    for city in City.objects.exclude(cohort=PILOT_COHORT).order_by("cohort", "name"):
        joined.setdefault(city.cohort, []).append(city)
    for year, cities in joined.items():
        if any(m.date.year == year and all(c.name in m.title for c in cities) for m in milestones):
            continue
        sources = sorted({c.cohort_source for c in cities if c.cohort_source})
        entries.append(
            Entry(
                dt.date(year, 1, 1),
                "year",
                "cities",
                _("Cities join the network: %s") % formats.listed(c.name for c in cities),
                source="; ".join(sources),
            )
        )
    for agreement in agreement_queries.agreements_for(user).exclude(signed_date=None):
        parties = " – ".join(p.name for p in agreement.parties.all())
        entries.append(
            Entry(
                agreement.signed_date,
                agreement.signed_date_precision,
                "agreement",
                _("Agreement signed: %s") % parties,
                agreement.title,
                agreement.source,
                agreement.get_absolute_url(),
            )
        )
    return sorted(entries, key=lambda e: (e.date, e.kind, e.title))


def _meetings() -> list[Entry]:
    return [
        Entry(
            m.start_date,
            m.date_precision,
            "meeting",
            m.title,
            m.place,
            m.source,
            m.get_absolute_url(),
            m.uncertain,
        )
        for m in Meeting.objects.all()
    ]
