"""The annual-meeting journey in a real browser (SPEC §2b journey 5; issue 6 item 6): a
Chief Smart City Officer finds the next annual meeting, registers, is put on the waiting list
because its one place is taken, and downloads the meeting's .ics, whose event links back to
the meeting page. Screenshots of every step land in ``screenshots/e2e/`` (git-ignored)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Page, expect

from ascn.accounts.models import Role
from ascn.meetings.models import Registration
from ascn.meetings.services import meeting_create, registration_register
from ascn.network.models import City, MemberState
from tests import factories

pytestmark = pytest.mark.e2e

PASSWORD = "monsoon-river-lanterns-2026"
CSCO_EMAIL = "csco.phuket@phuket.example.th"
SLUG = "ascn-annual-meeting-next-test"


@pytest.fixture
def full_meeting(live_network, live_server, settings):
    """An upcoming annual meeting (made by the test: the seed invents no future meeting)
    whose single place is already taken by the CSCO of Hanoi."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SITE_URL = live_server.url
    start = timezone.localdate() + dt.timedelta(days=45)
    meeting = meeting_create(
        actor=None,
        slug=SLUG,
        values={
            "title": "ASCN Annual Meeting (test)",
            "kind": "annual_meeting",
            "start_date": start,
            "end_date": start + dt.timedelta(days=1),
            "host_member_state": MemberState.objects.get(code="TH"),
            "place": "Phuket, Thailand",
            "format": "in_person",
            "capacity": 1,
            "registration_open": True,
        },
    )
    hanoi = factories.user(
        "csco.hanoi@hanoi.example.vn", role=Role.CSO, scope=City.objects.get(slug="hanoi")
    )
    registration_register(actor=hanoi, meeting=meeting)
    csco = factories.user(
        CSCO_EMAIL,
        role=Role.CSO,
        scope=City.objects.get(slug="phuket"),
        password=PASSWORD,
        full_name="Phuket's Chief Officer",
    )
    return meeting, csco


def test_a_csco_registers_for_the_full_annual_meeting_and_downloads_its_ics(
    page: Page, url, full_meeting, screenshot
):
    meeting, csco = full_meeting
    # given the CSCO signed in
    page.goto(url("/accounts/sign-in/"))
    form = page.get_by_role("main")
    form.get_by_label("E-mail address").fill(CSCO_EMAIL)
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("banner")).to_contain_text(CSCO_EMAIL)

    # when she opens the meetings page, the next annual meeting is listed as upcoming
    page.goto(url("/meetings/"))
    expect(page.get_by_role("heading", name="Upcoming")).to_be_visible()
    screenshot(page, "meetings")
    page.get_by_role("link", name="ASCN Annual Meeting (test)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ASCN Annual Meeting (test)")
    expect(page.get_by_role("main")).to_contain_text("1 registered of 1 places")

    # and, the meeting being full, the page offers her the waiting list and says how it works
    expect(page.get_by_role("main")).to_contain_text("Every place is taken.")
    expect(page.get_by_role("button", name="Register", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Join the waiting list").click()

    # then she is first on the waiting list
    expect(page.locator("ul.messages")).to_contain_text("you are number 1 on the waiting list")
    expect(page.locator("#my-registration")).to_have_text("You are number 1 on the waiting list.")
    screenshot(page, "waitlisted")
    assert Registration.objects.get(meeting=meeting, user=csco).status == "waitlisted"

    # when she downloads the meeting to her calendar
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download to your calendar (.ics)").click()
    content = Path(download_info.value.path()).read_bytes()

    # then it is one all-day event that links back to the meeting page
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    assert event.decoded("DTSTART") == meeting.start_date
    assert event.decoded("DTEND") == meeting.end_date + dt.timedelta(days=1)
    assert str(event["URL"]) == url(f"/meetings/{SLUG}/")
    assert str(event["SUMMARY"]) == "ASCN Annual Meeting (test)"
    assert str(event["LOCATION"]) == "Phuket, Thailand"
