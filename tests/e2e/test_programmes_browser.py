"""Funding programmes in a real browser (issue 5, part 2): axe-core finds no WCAG 2.2 AA
violation on the programme list and on a programme with an open call. The apply → submit →
shortlist → award flow through the pages' plain POST forms is in
``tests/funding/test_pages.py``. Screenshots land in ``screenshots/e2e/`` (git-ignored).
"""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page

from ascn.accounts.models import Role
from ascn.accounts.services import membership_grant, user_create
from ascn.funding.management.commands.load_partners import load_partners, load_programmes
from ascn.funding.models import Programme
from ascn.funding.services import call_create
from ascn.network.models import City
from ascn.partners.models import Organisation
from ascn.plans.services import project_create

pytestmark = pytest.mark.e2e

PASSWORD = "andaman-sea-lanterns-2026"
CSCO = "csco@phuket.example.org"
PARTNER = "trust.fund@adb.example.org"
SECRETARIAT = "secretariat@asean.example.org"
URL = "/programmes/asean-australia-smart-cities-trust-fund/"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def fund_world(live_network, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_partners()
    load_programmes()
    csco = user_create(actor=None, email=CSCO, password=PASSWORD, full_name="Phuket CSCO")
    membership_grant(actor=None, user=csco, role=Role.CSO, scope=City.objects.get(slug="phuket"))
    partner = user_create(actor=None, email=PARTNER, password=PASSWORD, full_name="ADB officer")
    membership_grant(
        actor=None,
        user=partner,
        role=Role.PARTNER_MEMBER,
        scope=Organisation.objects.get(slug="asian-development-bank"),
    )
    secretariat = user_create(actor=None, email=SECRETARIAT, password=None)
    membership_grant(actor=None, user=secretariat, role=Role.SECRETARIAT, scope=None)
    today = timezone.localdate()
    call_create(
        actor=secretariat,
        programme=Programme.objects.get(slug="asean-australia-smart-cities-trust-fund"),
        title="Digital solutions 2026",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
    )
    project_create(
        actor=csco,
        city=City.objects.get(slug="phuket"),
        title="Patong smart drainage",
        description="Sensors and gates in the canals.",
        focus_areas=["quality-environment"],
        status="preparation",
        budget_amount="4500000",
        budget_currency="THB",
    )


def violations(page: Page) -> list[str]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [f"{v['id']}: {v['help']}" for v in results.response["violations"]]


def test_the_programme_pages_have_no_axe_violations(page, url, fund_world, screenshot):
    for path in ("/programmes/", URL):
        page.goto(url(path))
        screenshot(page, path.strip("/").replace("/", "-"))
        assert violations(page) == [], path
