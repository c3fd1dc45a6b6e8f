"""Funding programmes in a real browser (issue 5, part 2): the public finds the programmes, their
balance and the open call, and axe-core finds no WCAG 2.2 AA violation on the programme list
and on a programme with an open call. The apply → submit → shortlist → award flow through the
pages' plain POST forms is in ``tests/funding/test_pages.py``. Screenshots land in
``screenshots/e2e/`` (git-ignored).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ascn.accounts.models import Role, User
from ascn.funding.management.commands.load_partners import load_partners, load_programmes
from ascn.funding.models import Programme
from ascn.network.models import City
from ascn.partners.models import Organisation
from ascn.plans.models import Project
from tests import factories
from tests.e2e.axe import violations

pytestmark = pytest.mark.e2e

PASSWORD = "andaman-sea-lanterns-2026"
CSCO = "csco@phuket.example.org"
PARTNER = "trust.fund@adb.example.org"
SECRETARIAT = "secretariat@asean.example.org"
TRUST_FUND = "ASEAN-Australia Smart Cities Trust Fund (AASCTF)"
URL = "/programmes/asean-australia-smart-cities-trust-fund/"


@pytest.fixture
def fund_world(live_network, settings):
    """The seeded programmes; the trust fund with a call open today; Phuket's CSCO with a
    project, ADB's officer and the Secretariat."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_partners()
    load_programmes()
    phuket = City.objects.get(slug="phuket")
    csco = factories.user(
        CSCO, role=Role.CSO, scope=phuket, password=PASSWORD, full_name="Phuket CSCO"
    )
    factories.user(
        PARTNER,
        role=Role.PARTNER_MEMBER,
        scope=Organisation.objects.get(slug="asian-development-bank"),
        password=PASSWORD,
        full_name="ADB officer",
    )
    today = timezone.localdate()
    factories.call(
        factories.secretariat(SECRETARIAT),
        programme=Programme.objects.get(slug="asean-australia-smart-cities-trust-fund"),
        title="Digital solutions 2026",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
    )
    factories.project(csco, title="Patong smart drainage", focus_areas=["quality-environment"])


def test_the_public_finds_a_programmes_balance_and_open_call_on_accessible_pages(
    page, url, fund_world, screenshot
):
    # given someone on the list of funding programmes
    page.goto(url("/programmes/"))

    # then every programme of the seed is listed; the trust fund with its sponsor, its
    # balance and its one open call
    expect(page.get_by_role("heading", level=1)).to_have_text("Funding programmes")
    programmes = page.get_by_role("table", name="Funding programmes")
    for name in (
        "ASEAN-Australia Smart Cities Initiative",
        TRUST_FUND,
        "Smart Cities Business Innovation Fund",
    ):
        expect(programmes.get_by_role("link", name=name, exact=True)).to_be_visible()
    trust_fund = programmes.get_by_role("row", name=re.compile(re.escape(TRUST_FUND)))
    expect(trust_fund).to_contain_text("Department of Foreign Affairs and Trade (Australia)")
    expect(trust_fund).to_contain_text("20,000,000 AUD")
    expect(trust_fund.locator("td").nth(4)).to_have_text("1")
    screenshot(page, "programmes")
    assert violations(page) == []

    # when they open the trust fund
    programmes.get_by_role("link", name=TRUST_FUND, exact=True).click()

    # then its balance and the open call, on a page without WCAG violations
    expect(page).to_have_url(url(URL))
    expect(page.get_by_role("heading", level=1)).to_have_text(TRUST_FUND)
    expect(page.locator("dl.facts-list").first).to_contain_text("20,000,000 AUD")
    calls = page.get_by_role("table", name="Calls for applications")
    expect(calls.get_by_role("row", name=re.compile("Digital solutions 2026"))).to_contain_text(
        "open"
    )
    screenshot(page, "trust-fund")
    assert violations(page) == []


def test_on_a_phone_a_refused_payment_is_shown_where_the_browser_brings_you(
    browser, url, fund_world
):
    # given an award of 200,000 AUD to Patong's project, and the ADB officer who runs the
    # trust fund's payments, on a phone
    fund = Programme.objects.get(slug="asean-australia-smart-cities-trust-fund")
    project = Project.objects.get(title="Patong smart drainage")
    award = factories.award(
        User.objects.get(email=PARTNER),
        programme=fund,
        project=project,
        amount="200000",
        applicant=User.objects.get(email=CSCO),
    ).award
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(url("/accounts/sign-in/"))
        form = page.get_by_role("main")
        form.get_by_label("E-mail address").fill(PARTNER)
        form.get_by_label("Password").fill(PASSWORD)
        form.get_by_role("button", name="Sign in").click()
        page.goto(url(URL))
        # when they record a payment larger than what the award holds
        row = page.locator(f"#award-{award.pk}")
        row.get_by_label("Amount paid").fill("250000")
        row.get_by_role("button", name="Record").click()
        # then the page comes back at that award, its form in the screen's width, as typed,
        # with why next to the amount (the table is one card per award on a phone)
        error = page.locator(f"#award-{award.pk}").get_by_text("of the award remain to be paid")
        error = error.first
        expect(error).to_be_visible()
        amount = page.locator(f"#award-{award.pk}").get_by_label("Amount paid")
        expect(amount).to_have_value("250000")
        # and its amount takes the focus (a page opened at an anchor skips autofocus)
        expect(amount).to_be_focused()
        box = amount.bounding_box()
        assert box and 0 <= box["x"] and box["x"] + box["width"] <= 390, box
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
