"""The partner journey in a real browser (SPEC §2b journey 4; issue 5).

A member of the Asian Development Bank signs in, opens the organisation's matches, and
expresses interest in Da Nang's smart drainage project; the city's Chief Smart City Officer
signs in, sees the new interest (the notice in the header, then the pipeline board) and
moves the deal to discussion; the partner is told by e-mail. Screenshots of every step land
in ``screenshots/e2e/`` (git-ignored).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ascn.accounts.models import Role
from ascn.deals.models import Engagement
from ascn.network.models import City
from ascn.partners.services import organisation_upsert_seed
from ascn.plans.management.commands.load_exchange_rates import load_exchange_rates
from tests import factories
from tests.e2e.axe import violations

pytestmark = pytest.mark.e2e

PASSWORD = "mekong-delta-lanterns-2026"
PARTNER_EMAIL = "investment.officer@adb.example.org"
CSCO_EMAIL = "lan.nguyen@danang.example.vn"
SECRETARIAT_EMAIL = "secretariat@asean.example.org"
PROJECT_TITLE = "Smart drainage for Hai Chau district"


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def drainage_deal_world(live_network, fast_passwords) -> dict:
    """The ADB with a mandate that fits Da Nang's public drainage project, and its people."""
    load_exchange_rates()
    adb, _ = organisation_upsert_seed(
        slug="asian-development-bank",
        values={
            "name": "Asian Development Bank",
            "kind": "development_partner",
            "headquarters_country": "PH",
            "countries": ["VN", "TH", "ID", "PH"],
            "focus_areas": ["quality-environment", "built-infrastructure"],
            "instruments": ["loan", "grant", "technical_assistance"],
            "stages": ["identification", "preparation"],
            "ticket_min_usd": "500000",
            "ticket_max_usd": "100000000",
            "capability_statement": "Urban flood protection, drainage and resilient infrastructure.",
            "visibility": "public",
        },
    )
    da_nang = City.objects.get(slug="da-nang")
    people = {
        key: factories.user(email, role=role, scope=scope, password=PASSWORD, full_name=name)
        for key, email, name, role, scope in [
            ("sec", SECRETARIAT_EMAIL, "ASEAN Secretariat", Role.SECRETARIAT, None),
            ("partner", PARTNER_EMAIL, "Maria Santos", Role.PARTNER_MEMBER, adb),
            ("csco", CSCO_EMAIL, "Nguyễn Thị Lan", Role.CSO, da_nang),
        ]
    }
    project = factories.project(
        people["csco"],
        city=da_nang,
        title=PROJECT_TITLE,
        description="Sensors and retention basins against urban flooding and drainage failure.",
        focus_areas=["quality-environment"],
        status="preparation",
        budget="2400000",
        currency="USD",
        financing_sought=["loan"],
        visibility="public",
    )
    return {"adb": adb, "project": project, **people}


def sign_in(page: Page, url, email: str) -> None:
    page.goto(url("/accounts/sign-in/"))
    form = page.get_by_role("main")
    form.get_by_label("E-mail address").fill(email)
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("banner")).to_contain_text(email)


def sign_out(page: Page) -> None:
    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()


def test_a_partner_expresses_interest_and_the_csco_moves_the_deal_on(
    page: Page, url, drainage_deal_world, screenshot, mailoutbox
):
    project = drainage_deal_world["project"]
    # given the ADB's member, signed in, on the projects that fit the bank's mandate
    sign_in(page, url, PARTNER_EMAIL)
    page.goto(url("/organisations/asian-development-bank/matches/"))
    expect(page.get_by_role("main")).to_contain_text(PROJECT_TITLE)
    screenshot(page, "partner-matches")
    # when she expresses interest in the drainage project
    page.get_by_role(
        "button", name=re.compile(rf"Express interest.*{re.escape(PROJECT_TITLE)}")
    ).click()
    # then she is on the new deal, at "Interest"
    expect(page.locator("ul.messages")).to_contain_text("Interest sent")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Asian Development Bank × {PROJECT_TITLE}"
    )
    expect(page.locator(".lead .pipeline-stage")).to_have_text("Interest")
    screenshot(page, "interest-sent")
    engagement = Engagement.objects.get(project=project)
    assert engagement.initiated_by == "partner"
    # and the city's officer was e-mailed
    assert [m.to for m in mailoutbox] == [[CSCO_EMAIL]]
    sign_out(page)

    # given Da Nang's officer signs in: the header tells her something is new
    sign_in(page, url, CSCO_EMAIL)
    banner = page.get_by_role("banner")
    banner.get_by_role("link", name="1 new notification").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.get_by_role("main")).to_contain_text(
        f"New interest: Asian Development Bank in “{PROJECT_TITLE}”"
    )
    screenshot(page, "csco-notifications")
    assert violations(page) == []
    # and the city's pipeline board shows the deal under "Interest"
    page.goto(url("/cities/da-nang/"))
    page.get_by_role("main").get_by_role("link", name="Pipeline", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deal pipeline: Da Nang")
    interest_column = page.locator("section.pipeline-column", has_text="Interest").first
    expect(interest_column).to_contain_text(PROJECT_TITLE)
    screenshot(page, "csco-board")
    assert violations(page) == []
    # when she opens it and moves it to discussion with a note
    interest_column.get_by_role("link", name=PROJECT_TITLE).click()
    assert violations(page) == []
    page.get_by_label("Move to").select_option("discussion")
    page.get_by_label("Note").fill("Welcome — shall we meet in Da Nang next month?")
    page.get_by_role("button", name="Move the deal").click()
    # then the deal is in discussion, and its history says who moved it
    expect(page.locator("ul.messages")).to_contain_text("The deal moved on")
    expect(page.locator(".lead .pipeline-stage")).to_have_text("Discussion")
    expect(page.get_by_role("main")).to_contain_text("Nguyễn Thị Lan")
    expect(banner.get_by_role("link", name="Notifications")).to_be_visible()  # read now
    screenshot(page, "deal-in-discussion")
    engagement.refresh_from_db()
    assert engagement.stage == "discussion"
    # and the partner heard of it
    assert mailoutbox[-1].to == [PARTNER_EMAIL]
    assert "Interest → Discussion" in mailoutbox[-1].subject
