"""Feedback that tells the truth, in a real browser (issue 19).

The officer of Da Nang takes back the plan she has just submitted, through the button and
its confirmation, and is told what happened; a signed-out person who opens a network-only
project is offered the sign-in, and lands on the project once signed in.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from ascn.accounts.models import Role
from ascn.network.models import City, MemberState
from ascn.plans.models import ActionPlan, PlanStatus
from ascn.plans.services import plan_transition
from tests import factories
from tests.e2e.test_plans_journey import (
    CSCO_EMAIL,
    NR_EMAIL,
    PASSWORD,
    flash,
    officer,
    page_expecting_404,  # noqa: F401 - the fixture, used by name
    sign_in,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_a_csco_withdraws_her_submitted_plan(
    page: Page, url, live_network, fast_passwords, screenshot, mailoutbox
):
    city = City.objects.get(slug="da-nang")
    csco = officer(CSCO_EMAIL, "Nguyễn Thị Lan", Role.CSO, city)
    officer(
        NR_EMAIL, "Trần Văn Minh", Role.NATIONAL_REPRESENTATIVE, MemberState.objects.get(code="VN")
    )
    plan = factories.plan(csco, city=city, title="Da Nang plan with a typo", start=2025, end=2030)
    plan = plan_transition(actor=csco, plan=plan, action="submit", version=plan.version)
    mailoutbox.clear()
    sign_in(page, url, CSCO_EMAIL)

    page.goto(url(f"/plans/{plan.pk}/"))
    # the confirmation is behind the first button
    confirm = page.get_by_role("button", name="Yes, withdraw it to make changes")
    expect(confirm).to_be_hidden()
    page.get_by_text("Withdraw the plan…").click()
    expect(confirm).to_be_visible()
    screenshot(page, "plan-withdraw-confirm")
    confirm.click()

    expect(flash(page)).to_contain_text("Plan withdrawn: it is a draft again")
    expect(flash(page)).to_contain_text("The National Representative of Viet Nam is notified")
    expect(page.locator("ol.steps [aria-current=step]")).to_have_text("Draft")
    expect(page.get_by_role("link", name="Edit the plan")).to_be_visible()
    screenshot(page, "plan-withdrawn")
    assert ActionPlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT
    assert [m.to for m in mailoutbox] == [[NR_EMAIL]]


def test_a_signed_out_person_is_offered_the_sign_in_on_a_network_project(
    page_expecting_404,  # noqa: F811 - the fixture imported above
    url,
    live_network,
    fast_passwords,
    screenshot,
):
    page, failures = page_expecting_404
    csco = officer(CSCO_EMAIL, "Nguyễn Thị Lan", Role.CSO, City.objects.get(slug="da-nang"))
    project = factories.project(
        csco, city="da-nang", title="Da Nang flood sensors", currency="VND", visibility="network"
    )

    response = page.goto(url(f"/projects/{project.pk}/"))

    assert response is not None and response.status == 404
    main = page.get_by_role("main")
    expect(main).to_contain_text("you may need to sign in")
    expect(main).not_to_contain_text("flood sensors")
    screenshot(page, "not-found-signed-out")
    main.get_by_role("link", name="Sign in to open this page").click()
    form = page.get_by_role("main")
    form.get_by_label("E-mail address").fill(CSCO_EMAIL)
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Da Nang flood sensors")
    assert failures == [f"404 {url(f'/projects/{project.pk}/')}"]
