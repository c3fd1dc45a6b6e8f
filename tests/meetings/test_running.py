"""The Secretariat runs a meeting from the site (issue 16 item 2): create and edit it (slug from
the title, host by name, time zone, registration window), the agenda (add, edit, reorder,
remove), registrations (search, a seat from the waiting list, cancel), check-in (search, undo),
minutes with a preview, decisions; and the same writes through the API, with versions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone, translation

from ascn.accounts.models import Role
from ascn.core.errors import InvalidInput, PermissionDenied, StaleEdit
from ascn.meetings.models import AgendaItem, Meeting, Registration
from ascn.meetings.services import (
    agenda_item_add,
    agenda_item_delete,
    agenda_item_move,
    agenda_item_update,
    check_in,
    meeting_create,
    meeting_update,
    registration_cancel,
    registration_cancel_for,
    registration_register,
)
from ascn.network.models import City, MemberState
from tests import factories
from tests.roles import AuditMark, assert_matrix

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.roles"]

START = dt.date.today() + dt.timedelta(days=40)


def form_values(**extra) -> dict:
    thailand = MemberState.objects.get(code="TH")
    return {
        "title": "ASCN Annual Meeting 2027",
        "kind": "annual_meeting",
        "start_date": START.isoformat(),
        "end_date": (START + dt.timedelta(days=1)).isoformat(),
        "time_zone": "Asia/Bangkok",
        "host_member_state": thailand.pk,
        "host_city": City.objects.get(slug="phuket").pk,
        "place": "Phuket",
        "format": "in_person",
        "capacity": "2",
        "registration_open": "on",
        "registration_closes_on": (START - dt.timedelta(days=5)).isoformat(),
        **extra,
    }


def a_meeting(*, capacity: int | None = 2, **extra) -> Meeting:
    return meeting_create(
        actor=None,
        values={
            "title": "ASCN Workshop on Mobility",
            "kind": "workshop",
            "start_date": START,
            "host_member_state": MemberState.objects.get(code="TH"),
            "capacity": capacity,
            "registration_open": True,
            **extra,
        },
    )


def a_registrant(email: str, name: str, city: str = "phuket"):
    return factories.user(email, role=Role.CSO, scope=City.objects.get(slug=city), full_name=name)


# --- creating and editing ----------------------------------------------------------------------


def test_the_secretariat_creates_a_meeting_from_the_page_with_the_host_chosen_by_name(roles):
    client = roles.session("secretariat")
    # given the form, which names the member states and cities
    page = client.get("/meetings/new/")
    assert page.status_code == 200
    assert "Phuket (Thailand)" in page.content.decode()
    mark = AuditMark()
    # when she creates the meeting
    response = client.post("/meetings/new/", form_values())
    # then its slug is made from the title and she lands on the meeting's desk
    meeting = Meeting.objects.get(title="ASCN Annual Meeting 2027")
    assert meeting.slug == "ascn-annual-meeting-2027"
    assert (
        response.status_code == 302
        and response["Location"] == "/meetings/ascn-annual-meeting-2027/manage/"
    )
    assert meeting.host_city.slug == "phuket" and meeting.time_zone == "Asia/Bangkok"
    assert mark.only("meetings.meeting.created").object_id == str(meeting.pk)
    # and a second meeting of the same title gets a slug of its own
    client.post("/meetings/new/", form_values())
    assert Meeting.objects.filter(slug="ascn-annual-meeting-2027-2").exists()


def test_a_meeting_with_several_mistakes_says_them_all_at_once(roles):
    """The form showed one mistake a submit (three took four submits)."""
    response = roles.session("secretariat").post(
        "/meetings/new/",
        form_values(
            end_date=(START - dt.timedelta(days=1)).isoformat(),
            registration_closes_on=(START + dt.timedelta(days=9)).isoformat(),
            host_city=City.objects.get(slug="hanoi").pk,
        ),
    )
    assert response.status_code == 422
    page = response.content.decode()
    for message in (
        "cannot end before it starts",
        "after the meeting ends",
        "is not in Thailand",
    ):
        assert message in page, message
    assert not Meeting.objects.exists()


def test_registration_opens_before_the_meeting_ends(roles):
    """The API walk of 8 Dec: a meeting of March 2027 opened its registration in 2028."""
    response = roles.session("secretariat").post(
        "/meetings/new/",
        form_values(
            registration_opens_on=(START + dt.timedelta(days=300)).isoformat(),
            registration_closes_on="",
        ),
    )
    assert response.status_code == 422
    assert "Registration cannot open after the meeting ends." in response.content.decode()
    assert not Meeting.objects.exists()
    # a meeting known to the month may end on its last day (the review of 8 Dec)
    month = Meeting(start_date=dt.date(2027, 2, 1), date_precision="month")
    assert month.latest_day == dt.date(2027, 2, 28)
    assert Meeting(start_date=dt.date(2027, 1, 1), date_precision="year").latest_day == (
        dt.date(2027, 12, 31)
    )


def test_a_missing_field_and_a_broken_rule_are_said_in_the_same_answer(roles):
    """With a field missing, the form stopped at it: the dates' mistake came one send later."""
    response = roles.session("secretariat").post(
        "/meetings/new/",
        form_values(title="", end_date=(START - dt.timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 422
    errors = {
        field: [str(e) for e in errors] for field, errors in response.context["form"].errors.items()
    }
    assert errors == {
        "title": ["This field is required."],
        "end_date": ["A meeting cannot end before it starts."],
    }
    assert not Meeting.objects.exists()


def test_a_host_city_alone_gives_its_country_and_the_kind_is_chosen(roles):
    """A meeting created with its host city only said "Phuket, not set" for the country; a
    form sent without a kind made a workshop an annual meeting, the menu's first entry."""
    client = roles.session("secretariat")
    no_kind = client.post("/meetings/new/", form_values(kind=""))
    assert no_kind.status_code == 422 and not Meeting.objects.exists()
    assert "— choose the kind —" in no_kind.content.decode()
    response = client.post("/meetings/new/", form_values(host_member_state=""))
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="ASCN Annual Meeting 2027")
    assert (meeting.host_city.slug, meeting.host_member_state.code) == ("phuket", "TH")
    # the host city menu names its member state in the page's language
    assert "Phuket (ไทย)" in client.get("/th/meetings/new/").content.decode()


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        ({"host_city": "hanoi"}, "is not in Thailand"),
        (
            {"registration_closes_on": (START + dt.timedelta(days=9)).isoformat()},
            "after the meeting ends",
        ),
        ({"end_date": (START - dt.timedelta(days=1)).isoformat()}, "cannot end before it starts"),
        ({"time_zone": "Mars/Olympus"}, "Select a valid choice"),
        ({"start_date": "9999-12-31"}, "A date between 1900-01-01 and 2200-12-31."),
    ],
)
def test_a_wrong_meeting_is_refused_with_a_clear_message_and_nothing_saved(
    roles, change, field_message
):
    if change.get("host_city") == "hanoi":
        change = {"host_city": City.objects.get(slug="hanoi").pk}
    response = roles.session("secretariat").post("/meetings/new/", form_values(**change))
    assert response.status_code == 422
    assert field_message in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31"])
def test_a_meeting_dated_out_of_any_calendar_is_refused_and_the_feed_stays_up(roles, day):
    """A meeting of 9999-12-31, taken by the API, made the public calendar feed a 500 for
    every subscriber (the day after its last day overflowed)."""
    api = roles.bearer("secretariat")
    body = {"title": "Typo meeting", "kind": "workshop", "start_date": day}
    response = api.post("/api/v1/meetings", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "start_date"
    assert "1900-01-01" in response.json()["detail"][0]["msg"]
    assert not Meeting.objects.exists()
    assert roles.bearer("anonymous").get("/api/v1/meetings.ics").status_code == 200


def test_only_the_secretariat_reaches_the_meeting_desk(roles):
    meeting = a_meeting()
    for path in (
        "/meetings/new/",
        f"/meetings/{meeting.slug}/manage/",
        f"/meetings/{meeting.slug}/edit/",
        f"/meetings/{meeting.slug}/registrations/",
        f"/meetings/{meeting.slug}/check-in/",
        f"/meetings/{meeting.slug}/minutes/",
    ):
        assert_matrix(
            roles.session,
            "GET",
            path,
            {
                "anonymous": 302,
                "cso_phuket": 404,
                "nr_th": 404,
                "partner_adb": 404,
                "secretariat": 200,
            },
        )


def test_an_edit_made_on_a_stale_version_is_refused_and_keeps_what_was_saved(roles):
    meeting = a_meeting()
    client = roles.session("secretariat")
    stale = {**form_values(title="Renamed"), "version": meeting.version}
    # given someone saved the meeting meanwhile
    client.post(f"/meetings/{meeting.slug}/edit/", {**stale, "title": "First"})
    # when the stale form is sent
    response = client.post(f"/meetings/{meeting.slug}/edit/", stale)
    # then it is a conflict, and the first save stands
    assert response.status_code == 409
    assert "Someone else saved this meeting" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).title == "First"


def hidden(page, name: str) -> str:
    """The value of a form's hidden field on ``page``, as a browser sends it back."""
    found = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', page.content.decode())
    assert found, name
    return found.group(1)


def test_minutes_written_while_someone_edits_the_facts_are_saved_with_their_edit(roles):
    # given the secretariat's minute-taker opens the minutes while a colleague opens the facts
    meeting = a_meeting()
    minutes_taker, colleague = roles.session("secretariat"), roles.session("secretariat")
    minutes_page = minutes_taker.get(f"/meetings/{meeting.slug}/minutes/")
    facts_page = colleague.get(f"/meetings/{meeting.slug}/edit/")
    minutes = {
        "version": hidden(minutes_page, "version"),
        "opened": hidden(minutes_page, "opened"),
        "minutes": "# Day one\n\n- Welcome",
        "action": "save",
    }

    # when the colleague saves the facts first, then the minutes are saved
    facts = {
        **form_values(title="ASCN Workshop on Mobility and Transit"),
        "version": hidden(facts_page, "version"),
        "opened": hidden(facts_page, "opened"),
    }
    assert colleague.post(f"/meetings/{meeting.slug}/edit/", facts).status_code == 302
    saved = minutes_taker.post(f"/meetings/{meeting.slug}/minutes/", minutes)

    # then both stand: the minutes touched nothing the colleague changed (it was a 409)
    assert saved.status_code == 302, saved.content.decode()[:300]
    meeting.refresh_from_db()
    assert (meeting.title, meeting.minutes) == (
        "ASCN Workshop on Mobility and Transit",
        "# Day one\n\n- Welcome",
    )

    # and the other way round: facts opened before the minutes were saved are saved
    facts_page = colleague.get(f"/meetings/{meeting.slug}/edit/")
    minutes_page = minutes_taker.get(f"/meetings/{meeting.slug}/minutes/")
    minutes.update(version=hidden(minutes_page, "version"), opened=hidden(minutes_page, "opened"))
    minutes["minutes"] += "\n- Site visit"
    assert minutes_taker.post(f"/meetings/{meeting.slug}/minutes/", minutes).status_code == 302
    facts.update(
        place="Phuket Old Town",
        version=hidden(facts_page, "version"),
        opened=hidden(facts_page, "opened"),
    )
    assert colleague.post(f"/meetings/{meeting.slug}/edit/", facts).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.place, meeting.minutes.endswith("Site visit")) == ("Phuket Old Town", True)


def test_minutes_someone_else_saved_meanwhile_are_still_a_conflict(roles):
    meeting = a_meeting()
    first, second = roles.session("secretariat"), roles.session("secretariat")
    opened = first.get(f"/meetings/{meeting.slug}/minutes/")
    mine = {
        "version": hidden(opened, "version"),
        "opened": hidden(opened, "opened"),
        "action": "save",
    }
    assert (
        second.post(f"/meetings/{meeting.slug}/minutes/", {**mine, "minutes": "Theirs"}).status_code
        == 302
    )
    # the same minutes changed since the form was opened: 409, the typed text kept on the page
    refused = first.post(f"/meetings/{meeting.slug}/minutes/", {**mine, "minutes": "Mine"})
    assert refused.status_code == 409
    assert "Mine" in refused.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).minutes == "Theirs"


# --- the agenda --------------------------------------------------------------------------------


def test_the_agenda_is_added_edited_reordered_and_trimmed_with_an_audit_entry_each(roles):
    meeting = a_meeting()
    client = roles.session("secretariat")
    desk = f"/meetings/{meeting.slug}/manage/"
    for title in ("Opening", "Action plans", "Closing"):
        client.post(desk, {"action": "agenda-add", "agenda-title": title, "agenda-time": "09:00"})
    items = list(meeting.agenda_items.order_by("position"))
    assert [(i.position, i.title) for i in items] == [
        (1, "Opening"),
        (2, "Action plans"),
        (3, "Closing"),
    ]
    mark = AuditMark()
    # when "Closing" moves up, "Opening" is edited and "Action plans" removed
    client.post(f"/meetings/{meeting.slug}/agenda/{items[2].pk}/", {"action": "up"})
    client.post(
        f"/meetings/{meeting.slug}/agenda/{items[0].pk}/",
        {"action": "edit", "edit-title": "Welcome", "edit-version": "1", "edit-time": "08:30"},
    )
    client.post(f"/meetings/{meeting.slug}/agenda/{items[1].pk}/", {"action": "delete"})
    # then the agenda reads in its new order, numbered without a gap
    assert [(i.position, i.title) for i in meeting.agenda_items.order_by("position")] == [
        (1, "Welcome"),
        (2, "Closing"),
    ]
    assert mark.actions() == [
        "meetings.agendaitem.moved",
        "meetings.agendaitem.moved",
        "meetings.agendaitem.updated",
        "meetings.agendaitem.deleted",
    ]
    page = client.get(desk).content.decode()
    assert page.index("Welcome") < page.index("Closing")


def test_agenda_moves_past_the_ends_and_stale_edits_are_refused(roles):
    secretariat = roles.user("secretariat")
    meeting = a_meeting()
    first = agenda_item_add(actor=secretariat, meeting=meeting, title="Opening")
    with pytest.raises(InvalidInput, match="already first"):
        agenda_item_move(actor=secretariat, item=first, offset=-1)
    agenda_item_update(actor=secretariat, item=first, version=1, title="Welcome")
    with pytest.raises(StaleEdit):
        agenda_item_update(actor=secretariat, item=first, version=1, title="Hello")
    with pytest.raises(InvalidInput, match="title"):
        agenda_item_add(actor=secretariat, meeting=meeting, title="   ")
    with pytest.raises(PermissionDenied):
        agenda_item_delete(actor=roles.user("nr_th"), item=first)
    assert AgendaItem.objects.get(pk=first.pk).title == "Welcome"


# --- registrations and check-in ----------------------------------------------------------------


def test_the_secretariat_finds_registrations_gives_a_waiting_person_a_seat_and_cancels(roles):
    meeting = a_meeting(capacity=1)
    ana = a_registrant("ana@phuket.example.th", "Ana Seated")
    ben = a_registrant("ben@hanoi.example.vn", "Ben Waiting", city="hanoi")
    registration_register(actor=ana, meeting=meeting)
    waiting = registration_register(actor=ben, meeting=meeting)
    client = roles.session("secretariat")
    path = f"/meetings/{meeting.slug}/registrations/"
    # the search finds by name
    found = client.get(path, {"q": "waiting"}).content.decode()
    assert "Ben Waiting" in found and "Ana Seated" not in found
    # giving Ben a seat while the meeting is full is refused, with the way out said
    response = client.post(path, {"registration": waiting.pk, "action": "promote"}, follow=True)
    assert "raise its capacity or cancel a registration first" in response.content.decode()
    assert Registration.objects.get(pk=waiting.pk).status == "waitlisted"
    # cancelling Ana's registration gives her seat to Ben, the first waiting
    seated = Registration.objects.get(meeting=meeting, user=ana)
    mark = AuditMark()
    client.post(path, {"registration": seated.pk, "action": "cancel"})
    assert Registration.objects.get(pk=waiting.pk).status == "registered"
    assert mark.actions() == ["meetings.registration.cancelled", "meetings.registration.promoted"]


def test_the_desk_dates_a_cancelled_registration_from_its_cancelling(roles):
    # given Ana registered in January of last year, and cancelled today
    meeting = a_meeting(capacity=None)
    ana = a_registrant("ana@phuket.example.th", "Ana Seated")
    ben = a_registrant("ben@hanoi.example.vn", "Ben Waiting", city="hanoi")
    last_year = timezone.localdate().year - 1
    january = timezone.make_aware(dt.datetime(last_year, 1, 5, 9, 30))
    for person in (ana, ben):
        registration_register(actor=person, meeting=meeting)
    Registration.objects.filter(meeting=meeting).update(queued_at=january)
    registration_cancel_for(
        actor=roles.user("secretariat"),
        registration=Registration.objects.get(meeting=meeting, user=ana),
    )
    # when the Secretariat opens the desk's registrations
    rows = {
        row.split("</th>")[0]: row
        for row in roles.session("secretariat")
        .get(f"/meetings/{meeting.slug}/registrations/")
        .content.decode()
        .split("<tr>")[2:]
    }
    ana_row = next(row for name, row in rows.items() if "Ana Seated" in name)
    ben_row = next(row for name, row in rows.items() if "Ben Waiting" in name)
    # then Ana's row dates her cancelling, and Ben's his registration
    assert f"5 Jan {last_year}" not in ana_row and "Cancelled" in ana_row
    assert f"{timezone.localdate():%Y}" in ana_row
    assert f"5 Jan {last_year}" in ben_row


def test_check_in_on_the_day_finds_a_person_by_name_and_can_be_undone(roles):
    meeting = a_meeting()
    ana = a_registrant("ana@phuket.example.th", "Ana Present")
    registration = registration_register(actor=ana, meeting=meeting)
    client = roles.session("secretariat")
    path = f"/meetings/{meeting.slug}/check-in/"
    assert "Ana Present" in client.get(path, {"q": "present"}).content.decode()
    assert "Ana Present" not in client.get(path, {"q": "nobody"}).content.decode()
    client.post(path, {"registration": registration.pk, "action": "check-in"})
    assert Registration.objects.get(pk=registration.pk).checked_in_at is not None
    mark = AuditMark()
    client.post(path, {"registration": registration.pk, "action": "undo"})
    assert Registration.objects.get(pk=registration.pk).checked_in_at is None
    assert mark.only("meetings.registration.check_in_undone")


def test_registration_follows_its_window(roles):
    today = timezone.localdate()
    meeting = a_meeting(
        registration_opens_on=today + dt.timedelta(days=3),
        registration_closes_on=today + dt.timedelta(days=10),
    )
    with pytest.raises(InvalidInput, match="closed"):
        registration_register(actor=roles.user("cso_phuket"), meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(registration_opens_on=today)
    meeting.refresh_from_db()
    assert (
        registration_register(actor=roles.user("cso_phuket"), meeting=meeting).status
        == "registered"
    )


# --- minutes and decisions ---------------------------------------------------------------------


def test_minutes_are_previewed_without_saving_then_saved_and_rendered_safely(roles):
    meeting = a_meeting()
    client = roles.session("secretariat")
    path = f"/meetings/{meeting.slug}/minutes/"
    text = "# Day one\n\n- Welcome\n\n<script>alert(1)</script>"
    preview = client.post(path, {"version": meeting.version, "minutes": text, "action": "preview"})
    body = preview.content.decode()
    assert "<h1>Day one</h1>" in body and "<script>alert(1)" not in body
    assert Meeting.objects.get(pk=meeting.pk).minutes == ""
    client.post(path, {"version": meeting.version, "minutes": text, "action": "save"})
    assert Meeting.objects.get(pk=meeting.pk).minutes == text
    stale = client.post(path, {"version": meeting.version, "minutes": "x", "action": "save"})
    assert stale.status_code == 409
    assert "<h1>Day one</h1>" in client.get(meeting.get_absolute_url()).content.decode()


def test_a_decision_is_recorded_from_the_desk(roles):
    meeting = a_meeting()
    client = roles.session("secretariat")
    mark = AuditMark()
    client.post(
        f"/meetings/{meeting.slug}/manage/",
        {
            "action": "decision-add",
            "decision-title": "Adopted the ASCN Framework",
            "decision-document_url": "https://asean.org/framework.pdf",
        },
    )
    assert meeting.decisions.get().title == "Adopted the ASCN Framework"
    assert mark.only("meetings.decision.created")


# --- the API -----------------------------------------------------------------------------------


def test_the_api_creates_and_edits_a_meeting_with_versions(roles):
    body = {
        "title": "ASCN Roundtable on Finance",
        "kind": "roundtable",
        "start_date": START.isoformat(),
        "host_member_state": "th",
        "host_city": "phuket",
        "time_zone": "Asia/Bangkok",
        "capacity": 30,
    }
    refused = roles.bearer("cso_phuket").post(
        "/api/v1/meetings", body, content_type="application/json"
    )
    assert refused.status_code == 403
    api = roles.bearer("secretariat")
    created = api.post("/api/v1/meetings", body, content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["slug"] == f"ascn-roundtable-on-finance-{START.year}"
    assert data["host_city"] == "phuket" and data["version"] == 1
    path = f"/api/v1/meetings/{data['slug']}"
    edited = api.patch(path, {"version": 1, "capacity": 40}, content_type="application/json")
    assert edited.status_code == 200 and edited.json()["capacity"] == 40
    stale = api.patch(path, {"version": 1, "capacity": 50}, content_type="application/json")
    assert stale.status_code == 409
    wrong = api.patch(path, {"version": 2, "host_city": "hanoi"}, content_type="application/json")
    assert wrong.status_code == 422
    assert Meeting.objects.get(slug=data["slug"]).capacity == 40
    # a country cleared while the host city stays: the city's country, not "not set"
    cleared = api.patch(
        path, {"version": 2, "host_member_state": None}, content_type="application/json"
    )
    assert cleared.status_code == 200, cleared.content
    assert Meeting.objects.get(slug=data["slug"]).host_member_state.code == "TH"


def test_the_api_writes_the_agenda_and_checks_people_in(roles):
    meeting = a_meeting()
    api = roles.bearer("secretariat")
    base = f"/api/v1/meetings/{meeting.slug}"
    first = api.post(
        f"{base}/agenda", {"title": "Opening", "time": "09:00"}, content_type="application/json"
    ).json()
    second = api.post(
        f"{base}/agenda", {"title": "Closing"}, content_type="application/json"
    ).json()
    assert (first["position"], second["position"]) == (1, 2)
    moved = api.patch(
        f"{base}/agenda/{second['id']}",
        {"version": 1, "move": "up", "title": "Keynote"},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["position"] == 1
    assert moved.json()["title"] == "Keynote"
    stale = api.patch(
        f"{base}/agenda/{second['id']}",
        {"version": 1, "title": "x"},
        content_type="application/json",
    )
    assert stale.status_code == 409
    registration = registration_register(actor=roles.user("cso_phuket"), meeting=meeting)
    path = f"{base}/registrations/{registration.pk}/check-in"
    assert roles.bearer("nr_th").post(path).status_code == 403
    checked = api.post(path)
    assert checked.status_code == 200 and checked.json()["checked_in_at"]
    undone = api.delete(path)
    assert undone.status_code == 200 and undone.json()["checked_in_at"] is None
    check_in(actor=roles.user("secretariat"), registration=registration)


def test_the_api_lists_who_registered_so_an_integration_can_check_them_in(roles):
    # given a meeting of two seats: two people have them, a third waits, a fourth cancelled
    meeting = a_meeting(capacity=2)
    people = [
        a_registrant("ana@reg.test", "Ana Santos"),
        a_registrant("binh@reg.test", "Binh Tran", city="hanoi"),
        a_registrant("chai@reg.test", "Chai Wong"),
        a_registrant("dara@reg.test", "Dara Keo"),
    ]
    for person in people:
        registration_register(actor=person, meeting=meeting)
    registration_cancel(actor=people[3], meeting=meeting)
    waiting = registration_register(actor=people[3], meeting=meeting)  # again: waits
    path = f"/api/v1/meetings/{meeting.slug}/registrations"
    api = roles.bearer("secretariat")

    # when the Secretariat's integration lists them
    listed = api.get(path)

    # then everyone is there, with a seat or a place in line, and the id the check-in takes
    assert listed.status_code == 200, listed.content
    rows = {row["person"]: row for row in listed.json()["items"]}
    assert listed.json()["count"] == 4
    assert {name: (r["status"], r["waiting_position"]) for name, r in rows.items()} == {
        "Ana Santos": ("registered", None),
        "Binh Tran": ("registered", None),
        "Chai Wong": ("waitlisted", 1),
        "Dara Keo": ("waitlisted", 2),
    }
    assert rows["Dara Keo"]["id"] == waiting.pk and rows["Ana Santos"]["email"] == "ana@reg.test"
    checked = api.post(f"{path}/{rows['Ana Santos']['id']}/check-in")
    assert checked.status_code == 200
    # filtered by status and by words of a name or an e-mail
    assert [r["person"] for r in api.get(path, {"status": "waitlisted"}).json()["items"]] == [
        "Chai Wong",
        "Dara Keo",
    ]
    assert [r["person"] for r in api.get(path, {"q": "binh@"}).json()["items"]] == ["Binh Tran"]
    assert api.get(path).json()["items"][0]["checked_in_at"]
    # the Secretariat's only: a member is refused, nobody signed in is asked to sign in
    assert roles.bearer("nr_th").get(path).status_code == 403
    assert roles.bearer("anonymous").get(path).status_code == 401
    assert api.get(path, {"status": "maybe"}).status_code == 422


def test_an_item_of_a_meeting_of_several_days_says_which_day(roles, text):
    # given a two-day workshop
    second_day = START + dt.timedelta(days=1)
    meeting = a_meeting(end_date=second_day)
    client = roles.session("secretariat")
    desk = f"/meetings/{meeting.slug}/manage/"
    # the desk's form offers its two days
    form = client.get(desk).content.decode()
    assert f'value="{second_day.isoformat()}"' in form and f'value="{START.isoformat()}"' in form
    # when the Secretariat adds a site visit on the second day
    client.post(
        desk,
        {
            "action": "agenda-add",
            "agenda-title": "Site visit",
            "agenda-day": second_day.isoformat(),
            "agenda-time": "14:00",
            "agenda-description": "",
        },
    )
    item = AgendaItem.objects.get(meeting=meeting)
    assert item.day == second_day
    # then the public page says the day before the time
    shown = text(roles.session("anonymous").get(meeting.get_absolute_url()))
    said = f"{second_day:%a} {second_day.day} {second_day:%b}"
    assert re.search(rf"{said} ?, 14:00 Site visit", shown)
    # a day outside the meeting is refused, by the API too, and nothing changes
    api = roles.bearer("secretariat")
    outside = api.patch(
        f"/api/v1/meetings/{meeting.slug}/agenda/{item.pk}",
        {"version": item.version, "day": (START - dt.timedelta(days=1)).isoformat()},
        content_type="application/json",
    )
    assert outside.status_code == 422
    assert "one of the meeting's days" in outside.json()["detail"][0]["msg"]
    assert AgendaItem.objects.get(pk=item.pk).day == second_day
    # the API says and changes the day
    moved = api.patch(
        f"/api/v1/meetings/{meeting.slug}/agenda/{item.pk}",
        {"version": item.version, "day": START.isoformat()},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["day"] == START.isoformat()


def test_a_postponed_meetings_agenda_keeps_each_items_day_number(roles):
    # given a three-day workshop whose site visit is on the third day
    third_day = START + dt.timedelta(days=2)
    meeting = a_meeting(end_date=third_day)
    secretariat = roles.user("secretariat")
    opening = agenda_item_add(actor=secretariat, meeting=meeting, title="Opening")
    visit = agenda_item_add(actor=secretariat, meeting=meeting, title="Site visit", day=third_day)
    # when the workshop moves a week later
    later = {"start_date": START + dt.timedelta(days=7), "end_date": third_day + dt.timedelta(7)}
    mark = AuditMark()
    meeting_update(actor=secretariat, meeting=meeting, version=meeting.version, values=later)
    # then the site visit is on the new third day, said in the audit trail; the opening,
    # which named no day, is untouched
    visit.refresh_from_db()
    assert visit.day == later["end_date"] and visit.version == 2
    assert AgendaItem.objects.get(pk=opening.pk).version == 1
    assert "meetings.agendaitem.updated" in [entry.action for entry in mark.entries()]


def test_a_shorter_meeting_that_would_strand_an_item_is_refused_naming_it(roles):
    third_day = START + dt.timedelta(days=2)
    meeting = a_meeting(end_date=third_day)
    secretariat = roles.user("secretariat")
    agenda_item_add(actor=secretariat, meeting=meeting, title="Site visit", day=third_day)
    mark = AuditMark()
    # when the Secretariat shortens the workshop to two days, from the desk's form
    response = roles.session("secretariat").post(
        f"/meetings/{meeting.slug}/edit/",
        form_values(title=meeting.title, kind="workshop", version=meeting.version),
    )
    # then it is refused, naming the item, and nothing changes
    assert response.status_code == 422
    assert "“Site visit”" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.end_date == third_day
    assert AgendaItem.objects.get(meeting=meeting).day == third_day
    assert mark.entries() == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "“Site visit”, “Closing”"),
        ("my", "“Site visit”၊ “Closing”"),
        ("km", "«Site visit», «Closing»"),
    ],
)
def test_the_items_a_change_would_strand_are_listed_in_the_readers_language(
    roles, language, expected
):
    # given a three-day workshop with two items on its last day
    third_day = START + dt.timedelta(days=2)
    meeting = a_meeting(end_date=third_day)
    secretariat = roles.user("secretariat")
    for title in ("Site visit", "Closing"):
        agenda_item_add(actor=secretariat, meeting=meeting, title=title, day=third_day)
    # when the Secretariat shortens it to two days, reading the platform in one language
    with translation.override(language), pytest.raises(InvalidInput) as refused:
        meeting_update(
            actor=secretariat,
            meeting=meeting,
            version=meeting.version,
            values={"end_date": START + dt.timedelta(days=1)},
        )
    # then both titles are named, quoted and separated as that language writes a list
    assert expected in refused.value.message


def test_a_meeting_that_loses_or_gains_a_first_day_keeps_each_items_date(roles):
    # given a three-day workshop whose site visit is on the last day
    third_day = START + dt.timedelta(days=2)
    meeting = a_meeting(end_date=third_day)
    secretariat = roles.user("secretariat")
    visit = agenda_item_add(actor=secretariat, meeting=meeting, title="Site visit", day=third_day)
    # when it starts a day later (two days), then a day earlier (four days)
    for start in (START + dt.timedelta(days=1), START - dt.timedelta(days=1)):
        meeting.refresh_from_db()
        meeting_update(
            actor=secretariat,
            meeting=meeting,
            version=meeting.version,
            values={"start_date": start},
        )
        # then the visit stays on its date, which the meeting still has: not shifted a day
        visit.refresh_from_db()
        assert (visit.day, visit.version) == (third_day, 1)


def test_an_item_on_a_dropped_first_day_is_named_and_nothing_changes(roles):
    third_day = START + dt.timedelta(days=2)
    meeting = a_meeting(end_date=third_day)
    secretariat = roles.user("secretariat")
    agenda_item_add(actor=secretariat, meeting=meeting, title="Opening", day=START)
    with pytest.raises(InvalidInput, match="“Opening”"):
        meeting_update(
            actor=secretariat,
            meeting=meeting,
            version=meeting.version,
            values={"start_date": START + dt.timedelta(days=1)},
        )
    assert Meeting.objects.get(pk=meeting.pk).start_date == START


def test_the_back_office_moves_a_meetings_agenda_with_its_dates_too(roles):
    # given a two-day workshop whose visit is on the second day
    second_day = START + dt.timedelta(days=1)
    meeting = a_meeting(end_date=second_day)
    visit = agenda_item_add(
        actor=roles.user("secretariat"), meeting=meeting, title="Site visit", day=second_day
    )
    meeting.refresh_from_db()
    week = dt.timedelta(days=7)
    # when the Secretariat postpones it by a week in the back office
    response = roles.session("secretariat").post(
        f"/admin/meetings/meeting/{meeting.pk}/change/",
        {
            "slug": meeting.slug,
            "title": meeting.title,
            "kind": meeting.kind,
            "start_date": (START + week).isoformat(),
            "end_date": (second_day + week).isoformat(),
            "date_precision": meeting.date_precision,
            "host_member_state": meeting.host_member_state_id,
            "format": meeting.format or "",
            "capacity": meeting.capacity or "",
            "registration_open": "on",
            "version": meeting.version,
            "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0",
            "documents-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    # then the visit is on the new second day
    visit.refresh_from_db()
    assert visit.day == second_day + week


def test_a_one_day_meetings_items_take_no_day(roles):
    meeting = a_meeting()
    assert (
        "agenda-day"
        not in roles.session("secretariat")
        .get(f"/meetings/{meeting.slug}/manage/")
        .content.decode()
    )
    with pytest.raises(InvalidInput):
        agenda_item_add(actor=roles.user("secretariat"), meeting=meeting, title="X", day=START)


def test_the_time_zones_offered_put_the_member_states_first_without_old_aliases(roles):
    form = roles.session("secretariat").get("/meetings/new/").content.decode()
    menu = form.split('name="time_zone"')[1].split("</select>")[0]
    asean = menu.split("Elsewhere")[0]
    assert "Asia/Bangkok — Thailand" in asean and "Asia/Dili — Timor-Leste" in asean
    assert "Asia/Ho_Chi_Minh — Viet Nam" in asean and "Asia/Jayapura — Indonesia" in asean
    assert "Europe/Paris" not in asean and "Europe/Paris" in menu
    for alias in ("Asia/Saigon", "Asia/Rangoon", "Asia/Calcutta"):
        assert alias not in menu
