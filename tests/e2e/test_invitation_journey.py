"""A National Representative brings a Chief Smart City Officer in, who then registers for the
announced meeting, in a real browser (issue 16, the journey of item 2).

Thailand's National Representative invites the CSCO of Phuket from the invitations page; the
invitee opens the link the e-mail carries (Django's locmem outbox: the live server runs in the
test's process), creates her account with a password and is signed in. The Secretariat
announces the upcoming annual meeting from its desk; the new officer signs in, finds the
announcement among her notifications, opens the meeting and registers. axe-core finds no
WCAG 2.2 AA violation on the pages of the journey. Screenshots land in ``screenshots/e2e/``.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ascn.accounts.models import Membership, Notification, Role
from ascn.meetings.models import Meeting, Registration
from ascn.meetings.services import meeting_create
from ascn.network.models import City, MemberState
from tests import factories
from tests.e2e.axe import violations
from tests.roles import totp_code, totp_device

pytestmark = pytest.mark.e2e

PASSWORD = "andaman-coast-lanterns-2026"
NEW_PASSWORD = "phuket-old-town-tin-mines-77"
NR_EMAIL = "representative@mdes.example.th"
SECRETARIAT_EMAIL = "desk@asean.example.org"
INVITEE_EMAIL = "chief.officer@phuket.example.th"
TITLE = "ASCN Annual Meeting (invitation journey)"
LINK = re.compile(r"https?://\S+/invitations/[^/\s]+/")


@pytest.fixture
def world(live_network, live_server, settings) -> dict:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SITE_URL = live_server.url
    start = timezone.localdate() + dt.timedelta(days=50)
    meeting = meeting_create(
        actor=None,
        values={
            "title": TITLE,
            "kind": "annual_meeting",
            "start_date": start,
            "end_date": start + dt.timedelta(days=1),
            "host_member_state": MemberState.objects.get(code="TH"),
            "host_city": City.objects.get(slug="phuket"),
            "place": "Phuket",
            "format": "in_person",
            "capacity": 80,
            "registration_open": True,
            "registration_closes_on": start - dt.timedelta(days=7),
        },
    )
    representative = factories.user(
        NR_EMAIL,
        role=Role.NATIONAL_REPRESENTATIVE,
        scope=MemberState.objects.get(code="TH"),
        password=PASSWORD,
        full_name="Somchai of Thailand",
    )
    secretariat = factories.user(
        SECRETARIAT_EMAIL, role=Role.SECRETARIAT, password=PASSWORD, full_name="Siti"
    )
    return {
        "meeting": meeting,
        "representative": representative,
        "device": totp_device(secretariat),
    }


def assert_accessible(page: Page) -> None:
    found = violations(page)
    assert not found, f"{page.url}:\n" + "\n".join(found)


def sign_in(page: Page, url, email: str, password: str) -> None:
    page.goto(url("/accounts/sign-in/"))
    main = page.get_by_role("main")
    main.get_by_label("E-mail address").fill(email)
    main.get_by_label("Password").fill(password)
    main.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()


def test_a_representative_invites_a_csco_who_registers_for_the_announced_meeting(
    page: Page, url, world, screenshot, mailoutbox
):
    meeting: Meeting = world["meeting"]

    # given Thailand's National Representative signed in, on the invitations page
    sign_in(page, url, NR_EMAIL, PASSWORD)
    expect(page.get_by_role("banner")).to_contain_text(NR_EMAIL)
    page.goto(url("/accounts/invitations/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitations")
    assert_accessible(page)
    # when he invites the Chief Smart City Officer of Phuket
    main = page.get_by_role("main")
    main.get_by_label("E-mail address").fill(INVITEE_EMAIL)
    main.get_by_label("City").select_option(label="Phuket (Thailand)")
    screenshot(page, "invite")
    main.get_by_role("button", name="Send the invitation").click()
    # then he is told it left, and it is listed as pending
    expect(page.locator("ul.messages")).to_contain_text(f"Invitation e-mailed to {INVITEE_EMAIL}")
    expect(page.get_by_role("main").get_by_role("table")).to_contain_text("pending")
    assert_accessible(page)
    screenshot(page, "invited")
    # and the invitee has the e-mail with her link
    (invitation_mail,) = [m for m in mailoutbox if m.to == [INVITEE_EMAIL]]
    link = LINK.search(invitation_mail.body)
    assert link, invitation_mail.body
    sign_out(page)

    # when the invitee opens the link and creates her account with a password
    page.goto(link.group(0))
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    assert_accessible(page)
    main = page.get_by_role("main")
    main.get_by_label("Full name").fill("Kanya Chaiyaporn")
    main.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    main.get_by_label("Password again").fill(NEW_PASSWORD)
    screenshot(page, "accept")
    main.get_by_role("button", name="Create my account").click()
    # then she is signed in as Phuket's officer, on her workspace
    expect(page.locator("ul.messages")).to_contain_text("Welcome to the ASCN Platform, Kanya")
    assert page.url.endswith("/workspace/"), page.url
    expect(page.get_by_role("banner")).to_contain_text(INVITEE_EMAIL)
    officer = Membership.objects.active().get(user__email=INVITEE_EMAIL)
    assert officer.role == Role.CSO and officer.city == City.objects.get(slug="phuket")
    sign_out(page)

    # when the Secretariat announces the meeting from its desk
    sign_in(page, url, SECRETARIAT_EMAIL, PASSWORD)
    page.get_by_role("main").get_by_role("textbox").fill(totp_code(world["device"]))
    page.get_by_role("main").get_by_role("button", name="Continue").click()
    expect(page.get_by_role("banner")).to_contain_text(SECRETARIAT_EMAIL)
    page.goto(url(f"/meetings/{meeting.slug}/manage/"))
    assert_accessible(page)
    page.get_by_role("button", name="Announce the meeting").click()
    # then the desk says to how many people it went: the representative and the new officer
    expect(page.locator("ul.messages")).to_contain_text("2 people were told")
    expect(page.locator("#announce")).to_contain_text("to 2 people")
    expect(page.get_by_role("button", name="Announce the meeting")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "announced")
    assert Notification.objects.filter(kind="meeting.announced").count() == 2
    assert any(m.to == [INVITEE_EMAIL] and TITLE in m.subject for m in mailoutbox)
    sign_out(page)

    # when the new officer signs in with her password
    sign_in(page, url, INVITEE_EMAIL, NEW_PASSWORD)
    expect(page.get_by_role("banner")).to_contain_text(INVITEE_EMAIL)
    # then the announcement waits among her notifications
    page.get_by_role("banner").get_by_role("link", name="1 new notification").click()
    expect(page.get_by_role("main")).to_contain_text(f"Meeting announced: {TITLE}")
    expect(page.get_by_role("main")).to_contain_text("Place: Phuket, Phuket, Thailand")
    assert_accessible(page)
    screenshot(page, "notifications")
    # and it leads to the meeting, where she registers
    page.get_by_role("link", name=f"Meeting announced: {TITLE}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    assert_accessible(page)
    page.get_by_role("button", name="Register").click()
    expect(page.locator("ul.messages")).to_contain_text("registered")
    assert_accessible(page)
    screenshot(page, "registered")
    registration = Registration.objects.get(meeting=meeting, user__email=INVITEE_EMAIL)
    assert registration.status == Registration.Status.REGISTERED
