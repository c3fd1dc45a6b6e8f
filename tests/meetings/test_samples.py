"""``load_sample_meetings``: the demo's upcoming annual meeting, open for registration, in
demo mode only, through the services (audited)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from ascn.core.models import AuditEntry
from ascn.meetings.models import AgendaItem, Meeting, Registration
from tests.demo_fixtures import bearer, run

pytest_plugins = ["tests.demo_fixtures"]

SLUG = "sample-ascn-annual-meeting"


def test_the_sample_meeting_is_refused_outside_demo_mode(settings, network):
    settings.ASCN_DEMO = False
    with pytest.raises(CommandError, match="ASCN_DEMO=1"):
        call_command("load_sample_meetings")
    assert not Meeting.objects.exists()


def test_an_upcoming_annual_meeting_open_for_registration_with_an_agenda(demo):
    # when the sample meeting is loaded, twice
    assert "6 agenda items, 3 registered" in run("load_sample_meetings")
    assert "already loaded" in run("load_sample_meetings")
    # then there is one, flagged sample, upcoming and open for registration today
    meeting = Meeting.objects.get(slug=SLUG)
    today = timezone.localdate()
    assert meeting.sample and meeting.kind == Meeting.Kind.ANNUAL_MEETING
    assert meeting.start_date > today and meeting.is_upcoming(today)
    assert meeting.registration_window_open(today)
    assert meeting.registration_closes_on < meeting.start_date
    # with its agenda and the demo's registrants, written through the audited services
    assert AgendaItem.objects.filter(meeting=meeting).count() == 6
    assert Registration.objects.filter(meeting=meeting, status="registered").count() == 3
    assert AuditEntry.objects.filter(
        action="meetings.meeting.created", object_id=str(meeting.pk)
    ).exists()
    assert Meeting.objects.filter(sample=True).count() == 1
    # and a visitor sees it under "Upcoming", marked as sample data
    page = Client().get("/meetings/").content.decode()
    upcoming = page.split("Upcoming", 1)[1].split("Past", 1)[0]
    assert "ASCN Annual Meeting (sample)" in upcoming and "Sample data" in upcoming
    detail = Client().get(f"/meetings/{SLUG}/").content.decode()
    assert "Matchmaking session: cities meet partners" in detail


def test_a_past_sample_meeting_is_moved_ahead_on_the_next_load(demo):
    # given the sample meeting, whose dates have since passed
    run("load_sample_meetings")
    meeting = Meeting.objects.get(slug=SLUG)
    long_ago = timezone.localdate() - dt.timedelta(days=400)
    Meeting.objects.filter(pk=meeting.pk).update(
        start_date=long_ago,
        end_date=long_ago + dt.timedelta(days=1),
        registration_opens_on=long_ago - dt.timedelta(days=30),
        registration_closes_on=long_ago - dt.timedelta(days=7),
    )
    # when the loader runs again
    assert "moved ahead" in run("load_sample_meetings")
    # then the same meeting is upcoming and open again, and the change is audited
    meeting.refresh_from_db()
    today = timezone.localdate()
    assert meeting.is_upcoming(today) and meeting.registration_window_open(today)
    assert Meeting.objects.filter(sample=True).count() == 1
    assert AuditEntry.objects.filter(
        action="meetings.meeting.updated", object_id=str(meeting.pk)
    ).exists()


def test_a_session_added_to_the_sample_agenda_goes_to_its_day_and_time(demo):
    # given the sample meeting, whose agenda says each item's day
    run("load_sample_meetings")
    meeting = Meeting.objects.get(slug=SLUG)
    first_day, second_day = meeting.start_date, meeting.end_date
    days = list(meeting.agenda_items.order_by("position").values_list("day", flat=True))
    assert days == [first_day] * 4 + [second_day] * 2
    # when the Secretariat adds registration and coffee on the first day at 08:30
    added = bearer("secretariat@example.org").post(
        f"/api/v1/meetings/{SLUG}/agenda",
        {"title": "Registration and coffee", "day": first_day.isoformat(), "time": "08:30"},
        content_type="application/json",
    )
    # then it opens the agenda on the meeting's page, before the host city's welcome
    assert added.status_code == 201 and added.json()["position"] == 1
    page = Client().get(f"/meetings/{SLUG}/").content.decode()
    assert page.index("Registration and coffee") < page.index("Opening and welcome")
    assert page.index("Opening and welcome") < page.index("Day 2 — Adoption")
