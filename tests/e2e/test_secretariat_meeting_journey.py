"""The Secretariat prepares and runs a meeting from the site, in a real browser (issue 16 item
2): signs in with the second factor and lands on the workspace; creates the meeting (host
chosen by name, the slug made from the title); builds and reorders the agenda; on the day finds
a registered officer and checks her in, undoes a mistaken check-in; writes the minutes with a
preview. All without JavaScript, as the pages must work without it (axe-core, which needs
it, checks the desk at 390 px in ``test_phone_width``). Screenshots of every step land in ``screenshots/e2e/`` (git-ignored)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from ascn.accounts.models import Role
from ascn.meetings.models import Meeting, Registration
from ascn.meetings.services import meeting_create, registration_register
from ascn.network.models import City
from tests import factories
from tests.roles import sign_in, totp_code, totp_device

pytestmark = pytest.mark.e2e

PASSWORD = "monsoon-river-lanterns-2026"
SECRETARIAT_EMAIL = "desk@asean.example.org"
TITLE = "ASCN Annual Meeting 2027 (journey)"


@pytest.fixture
def secretariat(live_network, live_server, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SITE_URL = live_server.url
    user = factories.user(
        SECRETARIAT_EMAIL,
        role=Role.SECRETARIAT,
        password=PASSWORD,
        full_name="Siti of the Secretariat",
    )
    return user, totp_device(user)


def test_the_secretariat_prepares_and_runs_a_meeting_without_javascript(
    page_without_js: Page, url, secretariat, screenshot
):
    page = page_without_js
    _user, device = secretariat
    start = timezone.localdate() + dt.timedelta(days=30)

    # given the Secretariat signs in, with the code of her authenticator
    page.goto(url("/accounts/sign-in/"))
    main = page.get_by_role("main")
    main.get_by_label("E-mail address").fill(SECRETARIAT_EMAIL)
    main.get_by_label("Password").fill(PASSWORD)
    main.get_by_role("button", name="Sign in").click()
    page.get_by_role("main").get_by_role("textbox").fill(totp_code(device))
    page.get_by_role("main").get_by_role("button", name="Continue").click()
    # then she lands on her workspace, told she is signed in
    expect(page.get_by_role("heading", level=1)).to_have_text("Your workspace")
    expect(page.locator("ul.messages")).to_contain_text(f"Signed in as {SECRETARIAT_EMAIL}.")
    expect(page.get_by_role("heading", name="Needs your attention")).to_be_visible()
    screenshot(page, "workspace")

    # when she creates the meeting, choosing the host city by its name
    page.get_by_role("link", name="New meeting").first.click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Kind").select_option(label="Annual meeting")
    page.get_by_label("First day").fill(start.isoformat())
    page.get_by_label("Last day").fill((start + dt.timedelta(days=1)).isoformat())
    page.get_by_label("Host's time zone").select_option("Asia/Bangkok")
    page.get_by_label("Host member state").select_option(label="Thailand")
    page.get_by_label("Host city").select_option(label="Phuket (Thailand)")
    page.get_by_label("Format").select_option(label="In person")
    page.get_by_label("Places").fill("50")
    page.get_by_label("Registration is open").check()
    screenshot(page, "new-meeting")
    page.get_by_role("button", name="Create the meeting").click()
    expect(page.locator("ul.messages")).to_contain_text("The meeting is created.")
    meeting = Meeting.objects.get(title=TITLE)
    assert meeting.slug == "ascn-annual-meeting-2027-journey"
    assert meeting.host_city.slug == "phuket"

    # and builds the agenda, then moves the keynote first
    for title, time in (("Welcome", "09:00"), ("Keynote on bankable projects", "09:30")):
        form = page.locator("#agenda-add")
        form.get_by_label("Title").fill(title)
        form.get_by_label("Time (local)").fill(time)
        form.get_by_role("button", name="Add to the agenda").click()
        expect(page.locator("ul.messages")).to_contain_text("Agenda item added.")
    page.get_by_role("button", name="Move up Keynote on bankable projects").click()
    agenda = page.locator("ol.agenda-edit > li")
    expect(agenda.first).to_contain_text("Keynote on bankable projects")
    expect(agenda.nth(1)).to_contain_text("Welcome")
    screenshot(page, "desk")

    # given an officer registered
    officer = factories.user(
        "csco.phuket@phuket.example.th",
        role=Role.CSO,
        scope=City.objects.get(slug="phuket"),
        full_name="Malee Srisuk",
    )
    registration_register(actor=officer, meeting=meeting)

    # when, on the day, she finds the officer by name and checks her in
    page.get_by_role("navigation", name="Running this meeting").get_by_role(
        "link", name="Check-in"
    ).click()
    page.get_by_label("Find a person by name or e-mail").fill("malee")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("button", name="Check in Malee Srisuk").click()
    expect(page.locator("ul.messages")).to_contain_text("Malee Srisuk checked in.")
    screenshot(page, "checked-in")
    # and undoes it, a mistake
    page.get_by_role("button", name="Undo the check-in of Malee Srisuk").click()
    expect(page.locator("ul.messages")).to_contain_text("The check-in of Malee Srisuk is undone.")
    assert Registration.objects.get(meeting=meeting, user=officer).checked_in_at is None

    # and writes the minutes, previewing them first
    page.get_by_role("navigation", name="Running this meeting").get_by_role(
        "link", name="Minutes"
    ).click()
    page.get_by_label("Minutes (Markdown)").fill("## Decisions\n\n- Adopted the **work plan**")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview strong")).to_have_text("work plan")
    assert Meeting.objects.get(pk=meeting.pk).minutes == ""
    screenshot(page, "minutes-preview")
    page.get_by_role("button", name="Save the minutes").click()

    # then the public page of the meeting shows the agenda in order and the minutes
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("section[aria-labelledby=minutes-h] strong")).to_have_text("work plan")
    screenshot(page, "public-page")


def test_a_refused_decision_comes_back_at_its_form_with_the_error_focused(
    browser, live_server, url, secretariat
):
    """A decision sent without its title came back scrolled to the top of the desk, the
    error out of sight below the agenda, nothing focused."""
    user, device = secretariat
    start = timezone.localdate() + dt.timedelta(days=30)
    meeting = meeting_create(
        actor=user,
        values={"title": "Desk of the refused decision", "kind": "workshop", "start_date": start},
    )
    session = sign_in(Client(), user, device).cookies["sessionid"].value
    # (a context of its own: the refusal is a 422, which the shared page takes for a fault)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    page = context.new_page()
    page.goto(url(f"/meetings/{meeting.slug}/manage/"))
    # when she records a decision without its title, with an address that is not one
    form = page.locator("#decision-add")
    form.get_by_label("Document address (URL)").fill("not a url")
    form.get_by_role("button", name="Record the decision").click()
    # then the page comes back at the refused form, its first error focused
    expect(page).to_have_url(re.compile(r"#decision-add$"))
    expect(page.locator("#decision-add [aria-invalid=true]").first).to_be_focused()
    assert not meeting.decisions.exists()
    context.close()
