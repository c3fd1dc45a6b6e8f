"""Where an agenda item goes: a new one where its day and time place it (after the items at
the same moment; at the end when it has no place), from the desk, the API and the back
office; an edited one moves only when its new day or time no longer fits where it stands,
so the order the Secretariat made by hand stands otherwise. And the meeting's pages say the
host's time as an offset from UTC, not as an IANA name."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from ascn.meetings.models import AgendaItem, Meeting
from ascn.meetings.services import (
    agenda_item_add,
    agenda_item_move,
    agenda_item_update,
    meeting_create,
)
from ascn.network.models import MemberState
from tests.roles import AuditMark

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.roles"]

FRIDAY = dt.date.today() + dt.timedelta(days=40)
SATURDAY = FRIDAY + dt.timedelta(days=1)


def a_meeting(**extra) -> Meeting:
    return meeting_create(
        actor=None,
        values={
            "title": "ASCN Annual Meeting",
            "kind": "annual_meeting",
            "start_date": FRIDAY,
            "end_date": SATURDAY,
            "host_member_state": MemberState.objects.get(code="VN"),
            "time_zone": "Asia/Ho_Chi_Minh",
            **extra,
        },
    )


def two_days_of_agenda(secretariat) -> Meeting:
    """A two-day meeting whose agenda is in order, as the sample meeting's is."""
    meeting = a_meeting()
    for day, time, title in [
        (FRIDAY, "09:00", "Opening and welcome"),
        (FRIDAY, "11:00", "Matchmaking session"),
        (FRIDAY, "14:00", "Workshops"),
        (SATURDAY, "09:00", "Day 2 — Site visit"),
        (SATURDAY, "14:00", "Day 2 — Adoption of the statement and close"),
    ]:
        agenda_item_add(
            actor=secretariat,
            meeting=meeting,
            title=title,
            day=day,
            time=dt.time.fromisoformat(time),
        )
    return meeting


def agenda(meeting: Meeting) -> list[str]:
    return [item.title for item in meeting.agenda_items.order_by("position")]


def positions(meeting: Meeting) -> list[int]:
    return list(meeting.agenda_items.order_by("position").values_list("position", flat=True))


def test_an_item_added_on_the_desk_goes_where_its_day_and_time_place_it(roles, text):
    # given a two-day meeting with an agenda on both days
    secretariat = roles.user("secretariat")
    meeting = two_days_of_agenda(secretariat)
    mark = AuditMark()
    # when the Secretariat adds registration and coffee on the first day at 08:30
    response = roles.session("secretariat").post(
        f"/meetings/{meeting.slug}/manage/",
        {
            "action": "agenda-add",
            "agenda-title": "Registration and coffee",
            "agenda-day": FRIDAY.isoformat(),
            "agenda-time": "08:30",
            "agenda-description": "",
        },
    )
    assert response.status_code == 302
    # then it opens the agenda, on the meeting's page too, numbered without a gap
    assert agenda(meeting)[:2] == ["Registration and coffee", "Opening and welcome"]
    assert positions(meeting) == [1, 2, 3, 4, 5, 6]
    shown = text(roles.session("anonymous").get(meeting.get_absolute_url()))
    assert shown.index("08:30 Registration and coffee") < shown.index("09:00 Opening")
    # and its audit entry says the place it took
    (entry,) = mark.entries()
    assert entry.action == "meetings.agendaitem.created"
    assert entry.changes["position"] == {"before": None, "after": 1}


def test_the_api_places_a_new_item_after_those_at_the_same_moment(roles):
    secretariat = roles.user("secretariat")
    meeting = two_days_of_agenda(secretariat)
    api = roles.bearer("secretariat")
    path = f"/api/v1/meetings/{meeting.slug}/agenda"

    def add(title: str, **when) -> dict:
        response = api.post(path, {"title": title, **when}, content_type="application/json")
        assert response.status_code == 201, response.content
        return response.json()

    # a coffee break between two sessions of the first day
    assert add("Coffee", day=FRIDAY.isoformat(), time="10:30")["position"] == 2
    # a second item at the opening's moment comes after it
    assert add("Press briefing", day=FRIDAY.isoformat(), time="09:00")["position"] == 2
    # an item of the first day at no time said ends that day, before the second one
    assert add("Group photo", day=FRIDAY.isoformat())["position"] == 6
    assert agenda(meeting) == [
        "Opening and welcome",
        "Press briefing",
        "Coffee",
        "Matchmaking session",
        "Workshops",
        "Group photo",
        "Day 2 — Site visit",
        "Day 2 — Adoption of the statement and close",
    ]
    assert positions(meeting) == list(range(1, 9))
    # a refused item (a day the meeting does not have) takes no place and changes nothing
    mark = AuditMark()
    refused = api.post(
        path,
        {"title": "Early bird", "day": (FRIDAY - dt.timedelta(days=1)).isoformat()},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert positions(meeting) == list(range(1, 9)) and "Early bird" not in agenda(meeting)
    assert mark.entries() == []


def test_an_item_that_cannot_be_placed_joins_the_end(roles):
    secretariat = roles.user("secretariat")
    meeting = two_days_of_agenda(secretariat)
    # a time without a day, on a meeting of two days, does not say where it goes
    agenda_item_add(actor=secretariat, meeting=meeting, title="Bus", time=dt.time(8))
    agenda_item_add(actor=secretariat, meeting=meeting, title="Notes")
    assert agenda(meeting)[-2:] == ["Bus", "Notes"]
    # on a one-day meeting the time alone places an item; no time: the end
    one_day = a_meeting(title="Roundtable", end_date=None)
    for title, time in [("Opening", "09:00"), ("Close", "12:00"), ("Lunch", None)]:
        agenda_item_add(
            actor=secretariat,
            meeting=one_day,
            title=title,
            time=dt.time.fromisoformat(time) if time else None,
        )
    agenda_item_add(actor=secretariat, meeting=one_day, title="Panel", time=dt.time(10))
    assert agenda(one_day) == ["Opening", "Panel", "Close", "Lunch"]


def test_the_back_office_places_a_new_item_too_and_closes_the_gap_of_a_removed_one(roles):
    secretariat = roles.user("secretariat")
    meeting = two_days_of_agenda(secretariat)
    client = roles.session("secretariat")
    # when the Secretariat adds an item in the back office, giving no position
    response = client.post(
        "/admin/meetings/agendaitem/add/",
        {
            "meeting": meeting.pk,
            "day": SATURDAY.isoformat(),
            "time": "08:30",
            "title": "Day 2 — Bus to the site",
            "description": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    # then it goes first on the second day
    assert agenda(meeting).index("Day 2 — Bus to the site") == 3
    # and removing an item there leaves no gap in the numbers
    workshops = meeting.agenda_items.get(title="Workshops")
    response = client.post(f"/admin/meetings/agendaitem/{workshops.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert positions(meeting) == [1, 2, 3, 4, 5]


def test_an_item_whose_time_changes_moves_to_its_place(roles):
    # given an agenda in order
    secretariat = roles.user("secretariat")
    meeting = two_days_of_agenda(secretariat)
    workshops = meeting.agenda_items.get(title="Workshops")
    mark = AuditMark()
    # when the workshops move to the second day's morning, on the desk
    response = roles.session("secretariat").post(
        f"/meetings/{meeting.slug}/agenda/{workshops.pk}/",
        {
            "action": "edit",
            "edit-version": workshops.version,
            "edit-title": "Workshops",
            "edit-day": SATURDAY.isoformat(),
            "edit-time": "11:00",
        },
    )
    assert response.status_code == 302
    # then they are listed between the site visit and the close, the others in their order
    assert agenda(meeting) == [
        "Opening and welcome",
        "Matchmaking session",
        "Day 2 — Site visit",
        "Workshops",
        "Day 2 — Adoption of the statement and close",
    ]
    assert positions(meeting) == [1, 2, 3, 4, 5]
    (entry,) = mark.entries()
    assert entry.changes["position"] == {"before": 3, "after": 4}
    # and an edit through the API does the same
    api = roles.bearer("secretariat")
    workshops.refresh_from_db()
    moved = api.patch(
        f"/api/v1/meetings/{meeting.slug}/agenda/{workshops.pk}",
        {"version": workshops.version, "day": FRIDAY.isoformat(), "time": "08:00"},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["position"] == 1


def test_the_order_made_by_hand_stands_while_the_times_still_fit(roles):
    # given two parallel sessions at 11:00, which the Secretariat put in its own order, and
    # a group photo at no time said, moved by hand after the opening
    secretariat = roles.user("secretariat")
    meeting = two_days_of_agenda(secretariat)
    parallel = agenda_item_add(
        actor=secretariat, meeting=meeting, title="Parallel session", day=FRIDAY, time=dt.time(11)
    )
    agenda_item_move(actor=secretariat, item=parallel, offset=-1)
    photo = agenda_item_add(actor=secretariat, meeting=meeting, title="Group photo", day=FRIDAY)
    for _ in range(3):
        agenda_item_move(actor=secretariat, item=photo, offset=-1)
    assert agenda(meeting)[:4] == [
        "Opening and welcome",
        "Group photo",
        "Parallel session",
        "Matchmaking session",
    ]
    # when the parallel session is renamed (its time kept), the photo too, and the opening
    # starts a quarter of an hour later, which still fits before the items below it
    parallel = AgendaItem.objects.get(pk=parallel.pk)
    agenda_item_update(
        actor=secretariat,
        item=parallel,
        version=parallel.version,
        title="Parallel session: mobility",
        day=FRIDAY,
        time=dt.time(11),
    )
    photo = AgendaItem.objects.get(pk=photo.pk)
    agenda_item_update(
        actor=secretariat, item=photo, version=photo.version, title="Family photo", day=FRIDAY
    )
    opening = meeting.agenda_items.get(title="Opening and welcome")
    agenda_item_update(
        actor=secretariat,
        item=opening,
        version=opening.version,
        title="Opening and welcome",
        day=FRIDAY,
        time=dt.time(9, 15),
    )
    # then nothing moved
    assert agenda(meeting)[:4] == [
        "Opening and welcome",
        "Family photo",
        "Parallel session: mobility",
        "Matchmaking session",
    ]
    # and "Move up" still works after a placed item
    agenda_item_move(
        actor=secretariat, item=meeting.agenda_items.get(title="Family photo"), offset=-1
    )
    assert agenda(meeting)[0] == "Family photo"


def test_the_meeting_pages_say_the_hosts_time_as_an_offset_from_utc(roles, text):
    meeting = a_meeting()
    # the meeting's page, in English and in Vietnamese
    shown = text(roles.session("anonymous").get(meeting.get_absolute_url()))
    assert "(times are local, UTC+7)" in shown and "Ho_Chi_Minh" not in shown
    vietnamese = text(roles.session("anonymous").get(f"/vi/meetings/{meeting.slug}/"))
    assert re.search(r"\(.*, UTC\+7\)", vietnamese) and "Ho_Chi_Minh" not in vietnamese
    # and the Secretariat's desk
    desk = text(roles.session("secretariat").get(f"/meetings/{meeting.slug}/manage/"))
    assert "(times are local, UTC+7)" in desk and "Ho_Chi_Minh" not in desk


def test_a_meeting_over_the_change_to_summer_time_says_both_offsets():
    # the last Sunday of March 2027 in Paris: from UTC+1 to UTC+2
    meeting = Meeting(
        time_zone="Europe/Paris", start_date=dt.date(2027, 3, 27), end_date=dt.date(2027, 3, 29)
    )
    assert meeting.local_offset == "UTC+1 / UTC+2"
    meeting.end_date = None
    assert meeting.local_offset == "UTC+1"
    assert Meeting(time_zone="Asia/Yangon", start_date=dt.date(2027, 1, 5)).local_offset == (
        "UTC+6:30"
    )
