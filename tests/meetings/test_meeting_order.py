"""Every list of meetings in one order (issue 19): upcoming first, the soonest at the top,
then the past ones, the latest at the top — on the page, in "My meetings" and in the API."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.utils import timezone

from ascn.meetings.management.commands.load_meetings import load_meetings
from ascn.meetings.models import Meeting
from ascn.meetings.services import meeting_create, registration_register

pytest_plugins = ["tests.roles"]


def _meeting(slug: str, days: int, **extra) -> Meeting:
    start = timezone.localdate() + dt.timedelta(days=days)
    return meeting_create(
        actor=None,
        slug=slug,
        values={
            "title": f"Meeting {slug}",
            "kind": "workshop",
            "start_date": start,
            "registration_open": True,
            **extra,
        },
    )


def _slugs_in(html: str, section: str, end: str | None) -> list[str]:
    part = html.split(section, 1)[1]
    if end:
        part = part.split(end, 1)[0]
    return list(dict.fromkeys(re.findall(r'href="/meetings/([a-z0-9-]+)/"', part)))


def test_upcoming_soonest_first_then_past_latest_first(network):
    load_meetings()
    _meeting("in-ninety-days", 90)
    _meeting("in-ten-days", 10)
    html = Client().get("/meetings/").content.decode()
    upcoming = _slugs_in(html, "<h2>Upcoming</h2>", "<h2>Past</h2>")
    past = _slugs_in(html, "<h2>Past</h2>", None)
    assert upcoming == ["in-ten-days", "in-ninety-days"]
    starts = list(
        Meeting.objects.filter(slug__in=past).values_list("slug", "start_date").order_by()
    )
    by_slug = dict(starts)
    assert [by_slug[s] for s in past] == sorted(by_slug.values(), reverse=True)
    assert len(past) == Meeting.objects.count() - 2


def test_the_api_lists_the_latest_first(network):
    load_meetings()
    items = Client().get("/api/v1/meetings").json()["items"]
    dates = [item["start_date"] for item in items]
    assert dates == sorted(dates, reverse=True)


def test_my_meetings_split_upcoming_and_past_in_the_same_order(roles):
    load_meetings()
    csco = roles.user("cso_phuket")
    for slug, days in [("in-ninety-days", 90), ("in-ten-days", 10)]:
        registration_register(actor=csco, meeting=_meeting(slug, days))
    html = roles.session("cso_phuket").get("/meetings/mine/").content.decode()
    assert _slugs_in(html, "<h2>Upcoming</h2>", "<h2>Add to my calendar</h2>") == [
        "in-ten-days",
        "in-ninety-days",
    ]
