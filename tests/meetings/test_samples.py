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
from tests.demo_fixtures import run

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
