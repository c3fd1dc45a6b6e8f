"""The action-plan journeys in a real browser (SPEC §2b journeys 2 and 3; issue 4 item 13).

A Chief Smart City Officer of Da Nang signs in, adds a priority project for smart drainage,
runs the readiness checklist (``shaping``, three named gaps), uploads the feasibility study and
submits the city's action plan; the National Representative of Viet Nam finds it in the
endorsement queue, compares it with the previous version and endorses it; the officer is
told by e-mail. And a CSCO of another city meets a plain "not found" on a draft that is not
hers. Screenshots of every step land in ``screenshots/e2e/`` (git-ignored).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from ascn.accounts.models import Role
from ascn.network.models import City, MemberState
from ascn.plans import readiness
from ascn.plans.management.commands.load_exchange_rates import load_exchange_rates
from ascn.plans.models import ActionPlan, PlanStatus, Project
from ascn.plans.services import plan_transition
from tests import factories

pytestmark = pytest.mark.e2e

PASSWORD = "monsoon-river-lanterns-2026"
CSCO_EMAIL = "lan.nguyen@danang.example.vn"
NR_EMAIL = "national.representative@vn.example.vn"
PLAN_TITLE = "Da Nang Smart City Action Plan 2025–2030"
RETURN_COMMENT = "List the flood-resilience projects the plan relies on, with their readiness."
# A small but well-formed PDF: the upload is checked by its content, not its name.
# A real PDF (one blank page): uploads must parse as PDF.
PDF = factories.pdf_bytes()
# The three checklist items Da Nang has not done yet; every other item (all four items
# needed to be investor-ready among them) is done: 9 of 12 = 75%, "shaping".
NOT_YET_DONE = ("land_permits", "procurement_route", "institutional_capacity")
CHECKLIST = {item.code: item for item in readiness.items()}


@pytest.fixture
def fast_passwords(settings):
    # Argon2 with production parameters costs ~0.5 s a hash; this is about the journey.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def media(settings, tmp_path):
    """Uploads go to this test's own directory (the live server shares the settings)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def officer(email: str, full_name: str, role: str, scope):
    """An officer who signs in with ``PASSWORD``."""
    return factories.user(email, role=role, scope=scope, password=PASSWORD, full_name=full_name)


def sign_in(page: Page, url, email: str) -> None:
    """Through the real sign-in page, as a person does: e-mail, password, the button."""
    page.goto(url("/accounts/sign-in/"))
    form = page.get_by_role("main")
    form.get_by_label("E-mail address").fill(email)
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("banner")).to_contain_text(email)


def sign_out(page: Page) -> None:
    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()


def go_to_workspace(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Workspace").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your workspace")


def flash(page: Page):
    """The confirmation a page shows after something was saved."""
    return page.locator("ul.messages")


@pytest.fixture
def da_nang(live_network, fast_passwords, media) -> dict:
    """Da Nang's officer, Viet Nam's National Representative, and the city's action plan as
    the National Representative returned it last time (submitted once, then returned)."""
    load_exchange_rates()
    city = City.objects.get(slug="da-nang")
    csco = officer(CSCO_EMAIL, "Nguyễn Thị Lan", Role.CSO, city)
    nr = officer(
        NR_EMAIL, "Trần Văn Minh", Role.NATIONAL_REPRESENTATIVE, MemberState.objects.get(code="VN")
    )
    plan = factories.plan(
        csco,
        city=city,
        title=PLAN_TITLE,
        start=2025,
        end=2030,
        vision="A liveable coastal city that stays dry, safe and connected.",
        focus_areas=["quality-environment", "safety-security"],
    )
    plan = plan_transition(actor=csco, plan=plan, action="submit", version=plan.version)
    plan = plan_transition(
        actor=nr, plan=plan, action="return", version=plan.version, comment=RETURN_COMMENT
    )
    return {"city": city, "csco": csco, "nr": nr, "plan": plan}


def test_a_csco_shapes_a_project_and_submits_the_plan_and_the_nr_endorses_it(
    page, url, da_nang, screenshot, mailoutbox
):
    mailoutbox.clear()  # the earlier submission and return are not this journey's

    # --- journey 2: the Chief Smart City Officer of Da Nang ---------------------------------
    # given: she signs in and opens her workspace
    sign_in(page, url, CSCO_EMAIL)
    go_to_workspace(page)
    da_nang_section = page.get_by_role("region", name=re.compile(r"^Da Nang"))
    # then: her city's plan, returned with the National Representative's comment
    expect(da_nang_section).to_contain_text(PLAN_TITLE)
    expect(da_nang_section).to_contain_text("Returned for changes")
    expect(da_nang_section).to_contain_text(RETURN_COMMENT)
    expect(da_nang_section).to_contain_text("No project yet")
    screenshot(page, "csco-workspace")

    # when: she adds a priority project
    da_nang_section.get_by_role("link", name="Add a project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a priority project")
    # then: the form already knows her city, its plan and its currency
    expect(page.get_by_label(re.compile(r"^City"))).to_have_value("da-nang")
    expect(page.get_by_label("Smart City Action Plan")).to_have_value(str(da_nang["plan"].pk))
    expect(page.get_by_label("Currency")).to_have_value("VND")
    page.get_by_label("Title").fill("Smart drainage")
    page.get_by_label("Description").fill(
        "Water-level sensors and automated gates in the Phu Loc and Co Co canals, so that "
        "monsoon rain no longer floods 12,000 homes in Thanh Khe and Lien Chieu."
    )
    page.get_by_label("Quality Environment").check()
    page.get_by_label("Safety & Security").check()
    page.get_by_label("Stage (OC4IDS project status)").select_option(label="Preparation")
    page.get_by_label(re.compile(r"^Budget")).fill("250000000000")
    page.get_by_label("Funding secured").fill("50000000000")
    page.keyboard.press("Tab")
    # the live check (htmx) has nothing left to point out
    expect(page.locator("#live-errors")).to_have_text("")
    screenshot(page, "project-form")
    page.get_by_role("button", name="Save the project").click()

    # then: the project page, a draft, with its money in dong and in dollars
    expect(page.get_by_role("heading", level=1)).to_have_text("Smart drainage")
    expect(flash(page)).to_contain_text("saved as a draft")
    expect(page.locator("main")).to_contain_text("Not public")
    money = page.get_by_role("table", name="Budget and funding")
    expect(money.get_by_role("row", name=re.compile("^Funding gap"))).to_contain_text(
        "200,000,000,000"
    )
    project = Project.objects.get(title="Smart drainage")
    assert (project.city, project.plan_id, project.budget_currency) == (
        da_nang["city"],
        da_nang["plan"].pk,
        "VND",
    )
    screenshot(page, "project-created")

    # when: she runs the readiness checklist, ticking all but three items
    page.get_by_role("link", name="Run the readiness checklist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Readiness for investment")
    result = page.locator("#result")
    expect(result).to_contain_text("Not assessed yet")
    done = [item for code, item in CHECKLIST.items() if code not in NOT_YET_DONE]
    assert len(done) == 9 and not any(CHECKLIST[code].critical for code in NOT_YET_DONE)
    for item in done:
        page.get_by_label(item.label).check()
    # then: the result follows her ticks before she saves
    expect(result).to_contain_text("Result if you save now")
    expect(result).to_contain_text("75%")
    screenshot(page, "readiness-preview")
    page.get_by_role("button", name="Save the assessment").click()

    # then: "shaping", with the three gaps named as what to do next
    expect(flash(page)).to_contain_text("Readiness recorded: Shaping, 75% of the checklist met.")
    expect(result.get_by_role("heading", level=2)).to_have_text("Result")
    expect(result.locator(".level")).to_have_text("Shaping")
    expect(result).to_contain_text("3 gaps to close")
    gaps = result.locator("ol.next-steps > li")
    expect(gaps).to_have_text([CHECKLIST[code].next_step for code in NOT_YET_DONE])
    screenshot(page, "readiness-saved")

    # and the project page lists the same three as next steps
    page.get_by_role("link", name="Back to the project").click()
    next_steps = page.get_by_role("region", name="Readiness for investment")
    expect(next_steps.locator(".level")).to_have_text("Shaping")
    expect(next_steps.locator("ol.next-steps > li")).to_have_count(3)
    for code in NOT_YET_DONE:
        expect(next_steps).to_contain_text(CHECKLIST[code].next_step)

    # when: she uploads the feasibility study
    page.get_by_role("link", name="Upload a document").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents")
    page.get_by_label("PDF file").set_input_files(
        {"name": "feasibility-study.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_label("Type of document (OC4IDS)").select_option(label="Feasibility study")
    page.get_by_label("Title").fill("Feasibility study, final report")
    screenshot(page, "upload-form")
    page.get_by_role("button", name="Upload").click()

    # then: it is listed on the project page and downloads as the PDF she sent
    expect(flash(page)).to_contain_text("Document uploaded.")
    documents = page.get_by_role("region", name="Documents")
    link = documents.get_by_role("link", name="Feasibility study, final report")
    expect(link).to_be_visible()
    expect(documents).to_contain_text("Feasibility study")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "Feasibility study, final report.pdf"
    assert Path(download.value.path()).read_bytes() == PDF
    screenshot(page, "document-uploaded")

    # when: she opens the plan the project belongs to and submits it again
    page.get_by_role("link", name=PLAN_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PLAN_TITLE)
    expect(page.locator("main")).to_contain_text(RETURN_COMMENT)
    listed = page.get_by_role("region", name="Priority projects")
    expect(listed.get_by_role("link", name="Smart drainage")).to_be_visible()
    expect(listed.locator(".level")).to_have_text("Shaping")
    screenshot(page, "plan-returned")
    page.get_by_role("button", name="Submit for endorsement").click()

    # then: it waits for the National Representative, who is told by e-mail
    expect(flash(page)).to_contain_text("Plan submitted.")
    expect(page.locator(".plan-status").first).to_have_text("Submitted for endorsement")
    expect(page.locator("ol.steps [aria-current=step]")).to_have_text("Submitted")
    expect(page.get_by_role("button", name="Submit for endorsement")).to_have_count(0)
    screenshot(page, "plan-submitted")
    assert [m.to for m in mailoutbox] == [[NR_EMAIL]]
    assert mailoutbox[0].subject == f"Action plan submitted: {PLAN_TITLE}"

    # and she signs out
    sign_out(page)

    # --- journey 3: the National Representative of Viet Nam ---------------------------------
    # given: she signs in and opens her workspace
    sign_in(page, url, NR_EMAIL)
    go_to_workspace(page)
    queue_card = page.get_by_role("region", name="Endorsement queue")
    expect(queue_card).to_contain_text("1 action plan is waiting for your endorsement.")
    screenshot(page, "nr-workspace")

    # when: she opens the queue
    queue_card.get_by_role("link", name="Open the queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Endorsement queue")
    row = page.get_by_role("row", name=re.compile(re.escape(PLAN_TITLE)))
    expect(row).to_contain_text("Da Nang")
    expect(row).to_contain_text("submitted 2 times")
    screenshot(page, "nr-queue")

    # when: she compares it with the submission she returned
    row.get_by_role("link", name="What changed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare two versions")
    expect(page.get_by_role("status").filter(has_text="changed")).to_contain_text(
        "Priority projects"
    )
    projects_row = page.get_by_role("row", name=re.compile("^Priority projects"))
    expect(projects_row.locator("ins")).to_contain_text("Smart drainage")
    screenshot(page, "nr-compare")

    # when: she goes back to the plan and endorses it
    page.get_by_role("link", name="Back to the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PLAN_TITLE)
    page.get_by_role("button", name="Endorse the plan").click()

    # then: the plan shows "Endorsed"
    expect(flash(page)).to_contain_text("Plan endorsed.")
    expect(page.locator(".plan-status").first).to_have_text("Endorsed")
    expect(page.locator("ol.steps [aria-current=step]")).to_have_text("Endorsed")
    screenshot(page, "nr-endorsed")
    plan = ActionPlan.objects.get(pk=da_nang["plan"].pk)
    assert (plan.status, plan.versions.count()) == (PlanStatus.ENDORSED, 4)

    # and the officer of Da Nang got an e-mail saying so
    assert [m.to for m in mailoutbox] == [[NR_EMAIL], [CSCO_EMAIL]]
    endorsed = mailoutbox[1]
    assert endorsed.subject == f"Action plan endorsed: {PLAN_TITLE}"
    assert "Da Nang" in endorsed.body

    # and the queue is empty again
    go_to_workspace(page)
    expect(page.get_by_role("region", name="Endorsement queue")).to_contain_text(
        "No plan is waiting for your endorsement"
    )


# --- out of scope: a plain "not found" -------------------------------------------------------


@pytest.fixture
def page_expecting_404(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A page like the ``page`` fixture's, except that a 404 is what the test is about: the
    failed requests are collected for the test to check instead of failing it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    failures: list[str] = []
    page.on("pageerror", lambda error: failures.append(f"script error: {error}"))
    page.on(
        "response",
        lambda r: (
            failures.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    yield page, failures
    context.close()


def test_the_csco_of_phuket_finds_nothing_at_a_hanoi_draft(
    page_expecting_404, url, live_network, fast_passwords, screenshot
):
    page, failures = page_expecting_404
    # given: a draft project of Hanoi, and the officer of Phuket
    hanoi_officer = officer(
        "officer@hanoi.example.vn", "Hanoi officer", Role.CSO, City.objects.get(slug="hanoi")
    )
    draft = factories.project(
        hanoi_officer,
        city="hanoi",
        title="Hanoi congestion pricing draft",
        description="Not yet for other cities' eyes.",
    )
    officer(
        "officer@phuket.example.th", "Phuket officer", Role.CSO, City.objects.get(slug="phuket")
    )
    sign_in(page, url, "officer@phuket.example.th")

    # when: she opens the draft's address
    response = page.goto(url(f"/projects/{draft.pk}/"))

    # then: the site's "not found" page — nothing says a project is there
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("main")).not_to_contain_text("Hanoi congestion pricing")
    assert page.title().startswith("Not found")
    screenshot(page, "phuket-on-hanoi-draft")

    # and the same as for a project that does not exist at all
    missing = page.goto(url("/projects/999999/"))
    assert missing is not None and missing.status == 404
    assert failures == [
        f"404 {url(f'/projects/{draft.pk}/')}",
        f"404 {url('/projects/999999/')}",
    ]
