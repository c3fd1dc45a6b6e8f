"""Meetings (SPEC C7, issue 6): the seeded meetings, registrations with a waiting list,
check-in, minutes, iCalendar feeds, the API and the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from icalendar import Calendar

from ascn.core.errors import InvalidInput, NotFound, PermissionDenied, StaleEdit
from ascn.meetings.management.commands.load_meetings import load_meetings
from ascn.meetings.models import CalendarFeed, Decision, Meeting, Registration
from ascn.meetings.services import (
    agenda_item_add,
    calendar_feed_regenerate,
    calendar_feed_revoke,
    check_in,
    meeting_create,
    meeting_update,
    minutes_save,
    registration_cancel,
    registration_register,
    waiting_position,
)
from ascn.network.models import MemberState
from tests.roles import AuditMark, assert_matrix, everyone

pytest_plugins = ["tests.roles"]

SITE = "https://ascn.test"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def seeded(network) -> dict[str, int]:
    return load_meetings()


def upcoming_meeting(*, capacity: int | None = 1, slug: str = "next-annual-meeting", **extra):
    start = timezone.localdate() + dt.timedelta(days=60)
    return meeting_create(
        actor=None,
        slug=slug,
        values={
            "title": "Next ASCN Annual Meeting (test)",
            "kind": "annual_meeting",
            "start_date": start,
            "end_date": start + dt.timedelta(days=1),
            "host_member_state": MemberState.objects.get(code="TH"),
            "place": "Phuket, Thailand",
            "format": "in_person",
            "capacity": capacity,
            "registration_open": True,
            **extra,
        },
    )


def status_of(meeting, user) -> str:
    return Registration.objects.get(meeting=meeting, user=user).status


def parse(content: bytes) -> list:
    return Calendar.from_ical(content).walk("VEVENT")


# --- the seed -------------------------------------------------------------------------------


def test_the_seed_holds_the_researched_meetings_with_their_dates_places_and_doubts(seeded):
    # then: the annual meetings of 2018–2023, the workshop, the roundtable, the Japan meetings
    slugs = set(Meeting.objects.values_list("slug", flat=True))
    assert {f"ascn-annual-meeting-{year}" for year in range(2018, 2024)} <= slugs
    assert {"ascn-governance-workshop-2018", "ascn-roundtable-2019"} <= slugs
    assert {f"asean-japan-hlm-{n}" for n in range(3, 8)} <= slugs
    assert len(slugs) == 13
    # and the facts are pinned
    by_slug = {m.slug: m for m in Meeting.objects.select_related("host_member_state")}
    inaugural = by_slug["ascn-annual-meeting-2018"]
    assert (inaugural.start_date, inaugural.number, inaugural.host_city.slug) == (
        dt.date(2018, 7, 8),
        1,
        "singapore",
    )
    workshop = by_slug["ascn-governance-workshop-2018"]
    assert (workshop.start_date, workshop.end_date) == (dt.date(2018, 5, 22), dt.date(2018, 5, 25))
    assert workshop.source == "aseanrecords.world"
    bangkok = by_slug["ascn-annual-meeting-2019"]
    assert (bangkok.start_date, bangkok.end_date, bangkok.host_member_state.code) == (
        dt.date(2019, 8, 22),
        dt.date(2019, 8, 23),
        "TH",
    )
    vietnam = by_slug["ascn-annual-meeting-2020"]
    assert (vietnam.date_precision, vietnam.start_date.year, vietnam.format) == (
        "year",
        2020,
        "virtual",
    )
    assert vietnam.dates_display == "2020"
    bali = by_slug["ascn-annual-meeting-2023"]
    assert (bali.start_date, bali.host_member_state.code, bali.host_city) == (
        dt.date(2023, 7, 12),
        "ID",
        None,
    )
    assert by_slug["asean-japan-hlm-4"].date_precision == "year"
    assert by_slug["asean-japan-hlm-7"].start_date == dt.date(2025, 11, 10)
    assert by_slug["asean-japan-hlm-6"].dates_display == "29–30 Oct 2024"
    # the doubts the sources leave are marked, and nothing else is
    uncertain = {m.slug for m in by_slug.values() if m.uncertain}
    assert uncertain == {"ascn-annual-meeting-2021", "ascn-annual-meeting-2022"}
    assert all("number" in by_slug[s].uncertainty_note for s in uncertain)
    # every meeting names its source; no format is invented where none is on record
    assert all(m.source for m in by_slug.values())
    assert inaugural.format == bangkok.format == bali.format == ""
    # no future meeting is invented
    assert not Meeting.objects.filter(start_date__gt=timezone.localdate()).exists()
    assert Decision.objects.filter(
        meeting=bangkok, title="ASCN Terms of Reference adopted"
    ).exists()


def test_loading_the_seed_again_writes_nothing(seeded):
    # given the seed loaded once
    mark = AuditMark()
    # when it is loaded again
    counts = load_meetings()
    # then nothing is written or audited
    assert counts == {"meetings": 0, "decisions": 0}
    assert mark.actions() == []


# --- registrations and the waiting list -------------------------------------------------------


def test_a_full_meeting_puts_the_next_person_on_the_waiting_list(roles):
    # given an upcoming meeting with one place, taken by the CSCO of Hanoi
    meeting = upcoming_meeting(capacity=1)
    first = registration_register(actor=roles.user("cso_hanoi"), meeting=meeting)
    mark = AuditMark()
    # when the CSCO of Phuket registers
    second = registration_register(actor=roles.user("cso_phuket"), meeting=meeting)
    # then she is first on the waiting list
    assert first.status == "registered"
    assert second.status == "waitlisted"
    assert waiting_position(second) == 1
    assert mark.actions() == ["meetings.registration.waitlisted"]


def test_registering_again_is_idempotent(roles):
    meeting = upcoming_meeting(capacity=5)
    first = registration_register(actor=roles.user("nr_th"), meeting=meeting)
    mark = AuditMark()

    again = registration_register(actor=roles.user("nr_th"), meeting=meeting)

    assert again.pk == first.pk and again.status == "registered"
    assert Registration.objects.filter(meeting=meeting).count() == 1
    assert mark.actions() == []


def test_cancelling_promotes_the_first_person_waiting(roles):
    # given a one-place meeting: Hanoi registered, then Phuket and the NR waiting in that order
    meeting = upcoming_meeting(capacity=1)
    hanoi, phuket, nr = roles.user("cso_hanoi"), roles.user("cso_phuket"), roles.user("nr_th")
    for user in (hanoi, phuket, nr):
        registration_register(actor=user, meeting=meeting)
    assert waiting_position(Registration.objects.get(meeting=meeting, user=nr)) == 2
    mark = AuditMark()
    # when Hanoi cancels
    registration_cancel(actor=hanoi, meeting=meeting)
    # then Phuket gets the place, in the same transaction, and the NR moves up
    assert status_of(meeting, phuket) == "registered"
    assert status_of(meeting, nr) == "waitlisted"
    assert waiting_position(Registration.objects.get(meeting=meeting, user=nr)) == 1
    assert mark.actions() == ["meetings.registration.cancelled", "meetings.registration.promoted"]
    assert Registration.objects.filter(meeting=meeting, status="registered").count() == 1


def test_cancelling_a_waiting_place_promotes_nobody(roles):
    meeting = upcoming_meeting(capacity=1)
    registration_register(actor=roles.user("cso_hanoi"), meeting=meeting)
    registration_register(actor=roles.user("cso_phuket"), meeting=meeting)

    registration_cancel(actor=roles.user("cso_phuket"), meeting=meeting)

    assert status_of(meeting, roles.user("cso_hanoi")) == "registered"
    assert status_of(meeting, roles.user("cso_phuket")) == "cancelled"


def test_re_registering_after_cancelling_joins_the_end_of_the_queue(roles):
    meeting = upcoming_meeting(capacity=1)
    registration_register(actor=roles.user("cso_hanoi"), meeting=meeting)
    registration_register(actor=roles.user("cso_phuket"), meeting=meeting)
    registration_register(actor=roles.user("nr_th"), meeting=meeting)
    registration_cancel(actor=roles.user("cso_phuket"), meeting=meeting)

    again = registration_register(actor=roles.user("cso_phuket"), meeting=meeting)

    assert again.status == "waitlisted" and waiting_position(again) == 2


@pytest.mark.parametrize("who", ["partner_adb", "anonymous_member"])
def test_only_officers_and_the_secretariat_register(roles, who):
    # given a member who is neither a CSCO, an NR nor the Secretariat
    meeting = upcoming_meeting()
    if who == "anonymous_member":
        roles.add(who, email="plain@roles.test")
    mark = AuditMark()
    # when they try to register, then they may not, and nothing is written
    with pytest.raises(PermissionDenied):
        registration_register(actor=roles.user(who), meeting=meeting)
    assert not Registration.objects.exists()
    assert mark.actions() == []


def test_closed_or_past_meetings_take_no_registrations(roles, seeded):
    closed = upcoming_meeting(registration_open=False)
    past = Meeting.objects.get(slug="ascn-annual-meeting-2023")

    for meeting in (closed, past):
        with pytest.raises(InvalidInput):
            registration_register(actor=roles.user("cso_phuket"), meeting=meeting)

    assert not Registration.objects.exists()


def test_cancelling_without_a_registration_is_not_found(roles):
    meeting = upcoming_meeting()
    with pytest.raises(NotFound):
        registration_cancel(actor=roles.user("cso_phuket"), meeting=meeting)


# --- check-in -----------------------------------------------------------------------------------


def test_the_secretariat_checks_in_registered_people_only(roles):
    # given one registered and one waiting
    meeting = upcoming_meeting(capacity=1)
    seated = registration_register(actor=roles.user("cso_hanoi"), meeting=meeting)
    waiting = registration_register(actor=roles.user("cso_phuket"), meeting=meeting)
    mark = AuditMark()
    # when the Secretariat checks both in
    check_in(actor=roles.user("secretariat"), registration=seated)
    with pytest.raises(InvalidInput):
        check_in(actor=roles.user("secretariat"), registration=waiting)
    # then only the registered one is present
    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert seated.checked_in_at is not None and waiting.checked_in_at is None
    assert mark.actions() == ["meetings.registration.checked_in"]
    # and nobody else checks people in
    with pytest.raises(PermissionDenied):
        check_in(actor=roles.user("nr_th"), registration=seated)
    # and a checked-in person can no longer cancel
    with pytest.raises(InvalidInput):
        registration_cancel(actor=roles.user("cso_hanoi"), meeting=meeting)


def test_the_check_in_page_is_the_secretariats(roles):
    meeting = upcoming_meeting(capacity=2)
    registration = registration_register(actor=roles.user("cso_hanoi"), meeting=meeting)
    url = f"/meetings/{meeting.slug}/check-in/"

    assert_matrix(
        roles.session,
        "GET",
        url,
        everyone(404, anonymous=302, secretariat=200),
    )
    response = roles.session("secretariat").post(url, {"registration": registration.pk})

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.checked_in_at is not None


# --- meetings, agenda, minutes ---------------------------------------------------------------


def test_the_secretariat_edits_a_meeting_with_its_version(roles):
    meeting = upcoming_meeting()
    secretariat = roles.user("secretariat")

    meeting, changed = meeting_update(
        actor=secretariat, meeting=meeting, version=1, values={"capacity": 40}
    )

    assert changed and meeting.version == 2 and meeting.capacity == 40
    with pytest.raises(StaleEdit):
        meeting_update(actor=secretariat, meeting=meeting, version=1, values={"capacity": 3})
    with pytest.raises(PermissionDenied):
        meeting_update(
            actor=roles.user("nr_th"), meeting=meeting, version=2, values={"capacity": 3}
        )
    meeting.refresh_from_db()
    assert meeting.capacity == 40


def test_bad_meeting_input_is_refused_and_changes_nothing(roles):
    meeting = upcoming_meeting()
    mark = AuditMark()

    with pytest.raises(InvalidInput) as raised:
        meeting_update(
            actor=roles.user("secretariat"),
            meeting=meeting,
            version=1,
            values={"end_date": meeting.start_date - dt.timedelta(days=3)},
        )
    with pytest.raises(InvalidInput):
        meeting_update(
            actor=roles.user("secretariat"),
            meeting=meeting,
            version=1,
            values={"uncertain": True},
        )

    assert raised.value.field == "end_date"
    meeting.refresh_from_db()
    assert meeting.version == 1 and not meeting.uncertain
    assert mark.actions() == []


def test_agenda_and_minutes_are_the_secretariats_and_minutes_are_sanitised(roles, client):
    # given an agenda and minutes with a script and a javascript: link in them
    meeting = upcoming_meeting()
    secretariat = roles.user("secretariat")
    agenda_item_add(actor=secretariat, meeting=meeting, title="Opening", time=dt.time(9))
    agenda_item_add(actor=secretariat, meeting=meeting, title="Action plans")
    mark = AuditMark()
    minutes_save(
        actor=secretariat,
        meeting=meeting,
        version=1,
        minutes="## Adopted\n\n<script>alert(1)</script> [bad](javascript:alert(1)) **done**",
    )
    with pytest.raises(PermissionDenied):
        agenda_item_add(actor=roles.user("cso_phuket"), meeting=meeting, title="x")
    # when the page is shown
    response = client.get(meeting.get_absolute_url())
    # then the Markdown is rendered, and nothing executable reaches the page
    html = response.content.decode()
    assert "<h2>Adopted</h2>" in html and "<strong>done</strong>" in html
    assert "<script>alert" not in html and 'href="javascript' not in html
    assert "Opening" in html and "09:00" in html
    assert mark.actions() == ["meetings.meeting.minutes_saved"]


# --- iCalendar ------------------------------------------------------------------------------


def test_the_public_feed_has_every_meeting_known_to_the_day(seeded, client):
    # when the public feed is fetched
    response = client.get("/api/v1/meetings.ics")
    # then it parses, and each event links back to its meeting
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = {str(e["UID"]): e for e in parse(response.content)}
    assert "meeting-ascn-annual-meeting-2019@ascn.test" in events
    bangkok = events["meeting-ascn-annual-meeting-2019@ascn.test"]
    assert bangkok.decoded("DTSTART") == dt.date(2019, 8, 22)
    assert bangkok.decoded("DTEND") == dt.date(2019, 8, 24)  # exclusive end: all-day events
    assert str(bangkok["URL"]) == f"{SITE}/meetings/ascn-annual-meeting-2019/"
    assert str(bangkok["LOCATION"]) == "Bangkok, Thailand"
    assert "SUMMARY" in bangkok and "DTSTAMP" in bangkok and "DESCRIPTION" in bangkok
    # meetings known only to the year are left out rather than given an invented day
    assert "meeting-ascn-annual-meeting-2020@ascn.test" not in events
    assert "meeting-asean-japan-hlm-4@ascn.test" not in events
    assert len(events) == 11
    # an uncertain meeting says so
    assert (
        "uncertain"
        in str(events["meeting-ascn-annual-meeting-2021@ascn.test"]["DESCRIPTION"]).lower()
    )


def test_one_meeting_as_ics(seeded, client):
    response = client.get("/api/v1/meetings/ascn-governance-workshop-2018.ics")

    assert response.status_code == 200
    (event,) = parse(response.content)
    assert str(event["UID"]) == "meeting-ascn-governance-workshop-2018@ascn.test"
    assert event.decoded("DTSTART") == dt.date(2018, 5, 22)
    assert event.decoded("DTEND") == dt.date(2018, 5, 26)
    assert client.get("/api/v1/meetings/ascn-annual-meeting-2020.ics").status_code == 404
    assert client.get("/api/v1/meetings/no-such-meeting.ics").status_code == 404


def test_the_private_feed_lists_ones_meetings_at_a_secret_revocable_address(roles, seeded, client):
    # given the CSCO registered for one meeting, and a feed address made for her
    csco = roles.user("cso_phuket")
    mine = upcoming_meeting(capacity=3)
    upcoming_meeting(slug="another-meeting")
    registration_register(actor=csco, meeting=mine)
    token = calendar_feed_regenerate(actor=csco)
    # then only a hash of the secret is stored
    assert token not in CalendarFeed.objects.get(user=csco).token_hash
    # when a calendar app fetches the address, signed in or not
    response = client.get(f"/meetings/feed/{token}.ics")
    # then it lists her meeting only
    assert response.status_code == 200
    assert [str(e["UID"]) for e in parse(response.content)] == [f"meeting-{mine.slug}@ascn.test"]
    # when she renews it, the old address stops working and the new one works
    new_token = calendar_feed_regenerate(actor=csco)
    assert client.get(f"/meetings/feed/{token}.ics").status_code == 404
    assert client.get(f"/meetings/feed/{new_token}.ics").status_code == 200
    # when she revokes it, nothing answers
    mark = AuditMark()
    calendar_feed_revoke(actor=csco)
    assert client.get(f"/meetings/feed/{new_token}.ics").status_code == 404
    assert client.get("/meetings/feed/guessed.ics").status_code == 404
    assert mark.actions() == ["meetings.calendarfeed.revoked"]


def test_the_feed_address_is_made_and_revoked_from_my_meetings(roles):
    client = roles.session("cso_phuket")

    shown = client.post("/meetings/mine/", {"action": "regenerate"})
    feed_url = shown.context["feed_url"]
    assert feed_url.startswith(f"{SITE}/meetings/feed/")
    path = feed_url.removeprefix(SITE)
    assert client.get(path).status_code == 200

    client.post("/meetings/mine/", {"action": "revoke"})
    assert client.get(path).status_code == 404
    assert roles.session("anonymous").get("/meetings/mine/").status_code == 302


# --- the API -----------------------------------------------------------------------------------


def test_the_list_filters_by_kind_and_year(seeded, client):
    everything = client.get("/api/v1/meetings").json()
    annual = client.get("/api/v1/meetings?kind=annual_meeting").json()
    of_2019 = client.get("/api/v1/meetings?year=2019").json()

    assert everything["count"] == 13
    assert annual["count"] == 6
    assert {m["slug"] for m in of_2019["items"]} == {
        "ascn-annual-meeting-2019",
        "ascn-roundtable-2019",
    }
    assert client.get("/api/v1/meetings?kind=party").status_code == 422
    assert client.get("/api/v1/meetings?year=abc").status_code == 422


def test_the_detail_has_agenda_decisions_counts_and_ones_own_registration(roles, seeded):
    meeting = upcoming_meeting(capacity=1)
    agenda_item_add(actor=None, meeting=meeting, title="Opening")
    registration_register(actor=roles.user("cso_hanoi"), meeting=meeting)
    registration_register(actor=roles.user("cso_phuket"), meeting=meeting)

    body = roles.bearer("cso_phuket").get(f"/api/v1/meetings/{meeting.slug}").json()
    anonymous = roles.bearer("anonymous").get(f"/api/v1/meetings/{meeting.slug}").json()

    assert (body["registered_count"], body["waitlisted_count"]) == (1, 1)
    assert body["agenda"][0]["title"] == "Opening"
    assert body["my_registration"]["status"] == "waitlisted"
    assert body["my_registration"]["waiting_position"] == 1
    assert anonymous["my_registration"] is None
    old = roles.bearer("anonymous").get("/api/v1/meetings/ascn-annual-meeting-2019").json()
    assert old["decisions"][0]["title"] == "ASCN Terms of Reference adopted"
    assert roles.bearer("anonymous").get("/api/v1/meetings/nope").status_code == 404


def test_registering_through_the_api(roles):
    # given a meeting with one place
    meeting = upcoming_meeting(capacity=1)
    url = f"/api/v1/meetings/{meeting.slug}/registrations"
    # then who may register, and what each gets
    responses = assert_matrix(
        roles.bearer,
        "POST",
        url,
        {"anonymous": 401, "partner_adb": 403, "cso_hanoi": 201, "cso_phuket": 201},
    )
    assert responses["cso_hanoi"].json()["status"] == "registered"
    assert responses["cso_phuket"].json()["status"] == "waitlisted"
    assert responses["cso_phuket"].json()["waiting_position"] == 1
    # when Hanoi cancels, Phuket is promoted
    cancelled = roles.bearer("cso_hanoi").delete(url)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert status_of(meeting, roles.user("cso_phuket")) == "registered"
    # and cancelling twice, or an unknown meeting, is a 404
    assert roles.bearer("cso_hanoi").delete(url).status_code == 404
    assert roles.bearer("cso_hanoi").post("/api/v1/meetings/nope/registrations").status_code == 404


def test_registering_for_a_closed_meeting_is_a_422_and_changes_nothing(roles):
    meeting = upcoming_meeting(registration_open=False)
    api = roles.bearer("cso_phuket")
    mark = AuditMark()

    response = api.post(f"/api/v1/meetings/{meeting.slug}/registrations")

    assert response.status_code == 422
    assert "closed" in str(response.json()["detail"])
    assert not Registration.objects.exists()
    assert mark.actions() == []


# --- pages --------------------------------------------------------------------------------


def test_the_meetings_page_shows_dates_at_their_precision_places_doubts_and_sources(
    seeded, client, text
):
    page = text(client.get("/meetings/"))

    assert "22–23 Aug 2019" in page
    assert "2020 (exact day not on record)" in page
    assert "uncertain" in page and "number in the series (4th) is uncertain" in page
    assert "aseanrecords.world" in page
    assert "No upcoming meeting is announced yet" in page


def test_the_meeting_page_offers_registration_to_officers(roles, text):
    meeting = upcoming_meeting(capacity=1)
    url = meeting.get_absolute_url()
    assert "Register" in text(roles.session("cso_phuket").get(url))
    assert "Sign in to register" in text(roles.session("anonymous").get(url))
    assert "partners attend on the Secretariat's invitation" in text(
        roles.session("partner_adb").get(url)
    )

    client = roles.session("cso_phuket")
    registration_register(actor=roles.user("cso_hanoi"), meeting=meeting)
    client.post(f"/meetings/{meeting.slug}/register/")

    page = text(client.get(url))
    assert "You are number 1 on the waiting list." in page
    assert f"/api/v1/meetings/{meeting.slug}.ics" in client.get(url).content.decode()
    assert client.get("/meetings/no-such-meeting/").status_code == 404


def test_a_full_meetings_button_says_the_officer_joins_the_waiting_list(roles, text):
    # given a one-place meeting
    meeting = upcoming_meeting(capacity=1)
    url = meeting.get_absolute_url()
    client = roles.session("cso_phuket")
    # while the place is free, the officer registers
    page = text(client.get(url))
    assert "Register" in page and "Join the waiting list" not in page
    # when the CSCO of Hanoi takes the place
    registration_register(actor=roles.user("cso_hanoi"), meeting=meeting)
    # then the page says the next officer joins the waiting list, and how a place frees up
    page = text(client.get(url))
    assert "Join the waiting list" in page
    assert "the first person waiting gets the place" in page
    assert "1 registered of 1 places" in page
    # and the button does that
    client.post(f"/meetings/{meeting.slug}/register/")
    assert status_of(meeting, roles.user("cso_phuket")) == "waitlisted"
    # on a meeting without a limit, the button stays "Register"
    open_meeting = upcoming_meeting(capacity=None, slug="open-workshop")
    registration_register(actor=roles.user("cso_hanoi"), meeting=open_meeting)
    assert "Join the waiting list" not in text(client.get(open_meeting.get_absolute_url()))


def test_the_meeting_lists_cap_their_queries(seeded, get_bounded):
    # given every seeded meeting, then the page and the API list in a fixed number of queries
    get_bounded("/meetings/", max_queries=6)
    get_bounded("/api/v1/meetings?page_size=200", max_queries=6)
    get_bounded("/api/v1/meetings.ics", max_queries=6)


def test_the_back_office_lists_meetings_and_keeps_registrations_read_only(roles, seeded):
    # given the Secretariat's verified session
    client = roles.session("secretariat")
    meeting = Meeting.objects.get(slug="ascn-annual-meeting-2019")
    assert client.get("/admin/meetings/meeting/").status_code == 200
    assert client.get(f"/admin/meetings/meeting/{meeting.pk}/change/").status_code == 200
    # and registrations are read-only there (people register themselves)
    assert client.get("/admin/meetings/registration/add/").status_code == 403
