"""The platform in the member states' languages, in Chromium (docs/translation.md):

- a Chief Smart City Officer chooses Thai in the language menu, adds a project and runs the
  readiness checklist in Thai, and the choice follows her to a new browser;
- the public reads the dashboards in Vietnamese (charts drawn, figures in the Vietnamese style);
- the home page in every language: its script drawn with a font that has it (no box where a
  glyph is missing), nothing overflowing a phone's 390 px, axe clean on the key pages.

The texts the test looks for are the catalogues' own (``gettext`` under the language), so the
test follows the translations without repeating them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import Page, expect

from ascn.accounts.models import Role, User
from ascn.network.models import City
from ascn.plans import readiness
from ascn.plans.management.commands.load_exchange_rates import load_exchange_rates
from ascn.plans.models import Project
from tests import factories
from tests.e2e.axe import violations
from tests.e2e.conftest import SCREENSHOT_DIR, assert_fits_the_width

pytestmark = pytest.mark.e2e

PASSWORD = "monsoon-lanterns-2026"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
DOCS_SCREENSHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "languages"
    if os.environ.get("ASCN_DOCS_SCREENSHOTS")
    else SCREENSHOT_DIR
)
# A word of each script that the home page shows, to check it is drawn with real glyphs.
SCRIPTS = {"th": "Thai", "km": "Khmer", "lo": "Lao", "my": "Myanmar"}


def t(language: str, text: str, context: str | None = None) -> str:
    """``text`` as the catalogue of ``language`` has it."""
    with translation.override(language):
        return translation.pgettext(context, text) if context else translation.gettext(text)


@pytest.fixture(scope="module", autouse=True)
def assets():
    """The charts' bundle and the fonts (`make test` builds them too)."""
    call_command("build_vega_bundle")
    call_command("build_fonts")


@pytest.fixture
def phuket(live_network, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_exchange_rates()
    city = City.objects.get(slug="phuket")
    officer = factories.user(
        "somchai@phuket.example.th",
        role=Role.CSO,
        scope=city,
        password=PASSWORD,
        full_name="Somchai Phuket",
    )
    return {"city": city, "officer": officer}


def sign_in(page: Page, url, email: str, language: str = "en") -> None:
    prefix = "" if language == "en" else f"/{language}"
    page.goto(url(f"{prefix}/accounts/sign-in/"))
    form = page.get_by_role("main")
    form.get_by_label(t(language, "E-mail address")).fill(email)
    form.get_by_label(t(language, "Password")).fill(PASSWORD)
    form.get_by_role("button", name=t(language, "Sign in")).click()
    expect(page.get_by_role("banner")).to_contain_text(email)


def test_a_csco_adds_a_project_and_runs_readiness_in_thai(page, url, phuket, screenshot):
    # given: she signs in in English and chooses ไทย in the language menu
    sign_in(page, url, "somchai@phuket.example.th")
    page.goto(url("/projects/"))
    menu = page.locator("details.language-menu")
    menu.locator("summary").click()
    menu.get_by_role("button", name="ไทย").click()
    # then: the same page, in Thai, under /th/
    expect(page).to_have_url(re.compile(r"/th/projects/$"))
    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("th", "Priority projects"))
    assert User.objects.get(email="somchai@phuket.example.th").language == "th"

    # when: she adds a project with the Thai form
    page.goto(url("/th/projects/new/"))
    form = page.locator("main form").last
    expect(form.locator("label[for=id_title]")).to_contain_text(t("th", "Title"))
    expect(form.locator("label[for=id_description]")).to_contain_text(t("th", "Description"))
    form.locator("#id_title").fill("ระบบระบายน้ำอัจฉริยะ")
    form.locator("#id_description").fill("เซ็นเซอร์วัดระดับน้ำและประตูระบายน้ำอัตโนมัติในคลองบางใหญ่")
    form.get_by_label(t("th", "Quality Environment")).check()
    form.locator("#id_budget_amount").fill("120000000")
    form.locator("#id_funding_secured").fill("20000000")
    screenshot(page, "project-form-th")
    page.locator("main form button[type=submit]").last.click()
    # then: the project page in Thai, its money in the Thai style
    expect(page.get_by_role("heading", level=1)).to_have_text("ระบบระบายน้ำอัจฉริยะ")
    expect(page).to_have_url(re.compile(r"/th/projects/\d+/$"))
    expect(page.locator("main")).to_contain_text("100,000,000")
    project = Project.objects.get(title="ระบบระบายน้ำอัจฉริยะ")
    assert project.city == phuket["city"]

    # when: she runs the readiness checklist in Thai, ticking every item but the last
    page.goto(url(f"/th/projects/{project.pk}/readiness/"))
    items = readiness.items()
    with translation.override("th"):
        thai_items = readiness.items()
    for item in thai_items[:-1]:
        assert item.label != next(i.label for i in items if i.code == item.code)
        expect(page.locator("main")).to_contain_text(item.label)
        page.locator(f"main input[name='{item.code}']").check()
    screenshot(page, "readiness-th")
    page.locator("main form button[type=submit]").last.click()
    # then: the result and the one gap left, as next step, in Thai
    result = page.locator("#result")
    expect(result).to_contain_text(thai_items[-1].next_step)
    expect(page.locator("ul.messages")).to_be_visible()
    assert project.assessments.count() == 1

    # and: her choice follows her to another browser
    other = page.context.browser.new_context()
    try:
        fresh = other.new_page()
        sign_in(fresh, url, "somchai@phuket.example.th")
        fresh.goto(url("/projects/"))
        expect(fresh).to_have_url(re.compile(r"/th/projects/$"))
    finally:
        other.close()


@pytest.fixture
def public_projects(live_network):
    load_exchange_rates()
    officer = factories.user(
        "cso-hanoi@example.org", role=Role.CSO, scope=City.objects.get(slug="hanoi")
    )
    for title, budget in (("Cảnh báo ngập", "2400000"), ("Giao thông thông minh", "5100000")):
        factories.project(
            officer, city="hanoi", title=title, budget=budget, currency="USD", visibility="public"
        )


def test_the_public_reads_the_dashboards_in_vietnamese(page, url, public_projects, screenshot):
    page.goto(url("/dashboards/"), wait_until="load")
    page.context.add_cookies([])  # a newcomer: no choice made yet
    page.goto(url("/vi/dashboards/"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("vi", "Dashboards"))
    # the charts are drawn (the Vega bundle) and the headings are Vietnamese
    expect(page.locator("figure svg").first).to_be_visible()
    # what assistive technology reads of the drawings holds no English words of Vega's own
    # (the charts are hidden from it: their tables say the figures; the map is read)
    read = page.locator('figure svg:not([aria-hidden="true"])')
    assert read.count() == 1
    assert read.locator("[aria-roledescription]").count() == 0
    named = read.evaluate("svg => [...svg.querySelectorAll('[aria-label]')].map(e => e.ariaLabel)")
    # the map's countries and cities are named in Vietnamese
    assert t("vi", "Viet Nam") in named and t("vi", "Lao PDR") in named
    assert "Lao PDR" not in named and not any("legend" in name for name in named)
    main = page.locator("main")
    expect(main).to_contain_text(t("vi", "Network overview"))
    # figures in the Vietnamese style: 7.500.000 (a dot between thousands)
    expect(main).to_contain_text("7.500.000")
    screenshot(page, "dashboards-vi")
    assert violations(page) == []


@pytest.mark.rendering
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_home_page_in_every_language(browser, url, live_network, language):
    """Each language's home page: its lang attribute, its script drawn with a font that has the
    glyphs, nothing wider than a phone, and a screenshot for docs/screenshots/languages/."""
    prefix = "" if language == "en" else f"/{language}"
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        try:
            page = context.new_page()
            page.goto(url(f"{prefix}/"), wait_until="networkidle")
            expect(page.locator("html")).to_have_attribute("lang", language)
            expect(page.get_by_role("contentinfo")).to_contain_text(t(language, "Languages"))
            assert_fits_the_width(page)
            if language in SCRIPTS:
                assert_drawn_with_a_font_for(page, SCRIPTS[language])
            folder = DOCS_SCREENSHOTS if width == 1280 else SCREENSHOT_DIR
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / f"home-{language}-{width}.png"))
        finally:
            context.close()


def assert_drawn_with_a_font_for(page: Page, script: str) -> None:
    """The page's heading is drawn with a font made for ``script`` (the Noto font the site
    serves, or one the system has), never with a fallback that lacks its glyphs (boxes)."""
    page.evaluate("document.fonts.ready.then(() => true)")  # swapped in once downloaded
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "main h1"})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    names = [font["familyName"] for font in fonts]
    assert any(script.lower() in name.lower() for name in names), names


KEY_PAGES = ["/", "/projects/", "/dashboards/", "/accounts/sign-in/"]


@pytest.mark.rendering
@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_key_pages_are_axe_clean_in_every_language(page, url, live_network, language):
    for path in KEY_PAGES:
        page.goto(url(f"/{language}{path}"))
        expect(page.locator("html")).to_have_attribute("lang", language)
        found = violations(page)
        assert found == [], f"/{language}{path}: {found}"
