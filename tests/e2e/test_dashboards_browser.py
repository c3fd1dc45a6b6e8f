"""The dashboards, the map and the open-data catalogue in Chromium: the charts are drawn by the
Vega bundle under the site's Content Security Policy (no 'unsafe-eval', no console error),
the filters work with and without JavaScript, and axe finds no WCAG violation."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from ascn.opendata import catalogue
from tests import factories
from tests.e2e.axe import violations
from tests.e2e.conftest import SCREENSHOT_DIR

pytestmark = pytest.mark.e2e

# The documentation's screenshots are written only when asked (ASCN_DOCS_SCREENSHOTS=1), so
# a test run leaves the checkout clean; otherwise they go to the git-ignored e2e folder.
DOCS_SCREENSHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("ASCN_DOCS_SCREENSHOTS")
    else SCREENSHOT_DIR
)
CHARTS = ["pipeline", "funding", "focus-areas", "deals", "partners", "programmes"]


@pytest.fixture(scope="session", autouse=True)
def vega_bundle():
    """The charts need the bundle the build step writes (``make test`` runs it too)."""
    call_command("build_vega_bundle")


@pytest.fixture
def figures(live_network, settings):
    settings.ASCN_SECRETARIAT_REQUIRES_2FA = False
    secretariat = factories.secretariat("sec@e2e-dash.test")
    projects = [
        factories.project(
            secretariat,
            city=slug,
            title=title,
            description=f"{title}.",
            focus_areas=[area],
            status=status,
            budget=budget,
            currency="USD",
            secured=secured,
            start=dt.date(2025, 1, 1),
            end=None,
            visibility="public",
        )
        for slug, title, area, status, budget, secured in [
            (
                "da-nang",
                "Flood early warning",
                "safety-security",
                "preparation",
                "2400000",
                "600000",
            ),
            (
                "phuket",
                "Smart drainage",
                "quality-environment",
                "implementation",
                "900000",
                "900000",
            ),
            ("jakarta", "Open data portal", "civic-social", "identification", "150000", "0"),
        ]
    ]
    bank = factories.organisation(
        secretariat, slug="e2e-bank", name="Regional Bank", kind="investor"
    )
    fund = factories.programme(
        secretariat, slug="e2e-fund", name="Smart City Fund", sponsor=bank, total="5000000"
    )
    # an award within what Da Nang's project still has to find (US$1,800,000)
    da_nang_csco = factories.user("cso@e2e-dash.test", role="cso", scope=projects[0].city)
    factories.award(
        secretariat, programme=fund, project=projects[0], amount="1200000", applicant=da_nang_csco
    )
    factories.engagement(
        None,
        project=projects[0],
        organisation=bank,
        side="partner",
        stage="discussion",
        advanced_by=secretariat,
    )
    return projects


def _charts_drawn(page) -> None:
    for key in CHARTS:
        chart = page.locator(f"#chart-{key}")
        chart.locator("svg").first.wait_for(state="attached")
        assert chart.locator("svg .mark-rect path, svg .mark-rect rect, svg path").count() > 0


@pytest.mark.rendering
def test_charts_render_under_the_csp(page, url, figures, screenshot):
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    # when the dashboards open
    response = page.goto(url("/dashboards/"))
    # then the policy allows no eval, and every chart is drawn without a CSP complaint
    policy = response.headers["content-security-policy"]
    assert "unsafe-eval" not in policy
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboards")
    _charts_drawn(page)
    assert not csp_errors, csp_errors
    # and no drawing carries Vega's own English name for it: the card's title and table say it
    assert page.locator(".dash-chart.chart-ready").count() == len(CHARTS)
    labelled = page.eval_on_selector_all(
        ".dash-chart[aria-label], .dash-chart[aria-roledescription], .dash-chart[role],"
        " .dash-chart [aria-label], .dash-chart [aria-roledescription]",
        "els => els.map(e => [e.tagName, e.getAttribute('aria-label'),"
        " e.getAttribute('aria-roledescription')])",
    )
    assert labelled == []
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_SCREENSHOTS / "dashboards.png"), full_page=True)
    screenshot(page, "dashboards")
    # The charts alone, for a person to look at (git-ignored, with the other e2e screenshots).
    page.locator(".dash-grid").screenshot(path=str(SCREENSHOT_DIR / "dashboards-charts.png"))


# Each chart's words that Vega drew outside its drawing (cut by the card on a phone), or cut
# short ("…") where a name had room on a second line.
CUT = """() => [...document.querySelectorAll(".dash-grid figure svg")].flatMap((svg) => {
  const box = svg.getBoundingClientRect();
  return [...svg.querySelectorAll("text")].flatMap((text) => {
    const r = text.getBoundingClientRect();
    if (!text.textContent.trim() || r.width === 0) return [];
    const problems = [];
    if (r.left < box.left - 1 || r.right > box.right + 1) {
      problems.push(`"${text.textContent}" runs out of its chart`);
    }
    if (text.textContent.endsWith("…")) problems.push(`"${text.textContent}" is cut short`);
    return problems;
  });
})"""


def test_on_a_phone_every_word_of_the_charts_is_whole_and_inside(page, url, figures):
    """At 390 px in Vietnamese the funding legend's second entry ran off the card ("Cần huy
    đ…"), the count after the longest bar was cut at the edge, and "Công nghiệp và đổi mới
    sáng tạo" was cut to "Công nghiệp và đổi …"."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url("/vi/dashboards/"))
    _charts_drawn(page)
    assert page.evaluate(CUT) == []


def test_filter_with_htmx_redraws_the_charts(page, url, figures):
    page.goto(url("/dashboards/"))
    _charts_drawn(page)
    page.select_option("#id_member_state", "VN")
    page.wait_for_url("**member_state=VN**")
    page.locator("#chart-funding svg").first.wait_for(state="attached")
    funding = page.locator("#chart-funding-title").locator("xpath=..").inner_text()
    assert "Viet Nam" in funding and "Thailand" not in funding


def test_filters_and_tables_work_without_javascript(page_without_js, url, figures):
    page = page_without_js
    page.goto(url("/dashboards/"))
    page.select_option("#id_member_state", "TH")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**member_state=TH**")
    page.get_by_text("Data table: Funding sought and secured by member state").click()
    table = page.locator("#chart-funding-title").locator("xpath=..").locator("table")
    assert "Thailand" in table.inner_text()


def test_map_city_links_open_the_city_page(page, url, figures):
    page.goto(url("/"))
    page.locator("svg.asean-map").screenshot(path=str(SCREENSHOT_DIR / "home-map.png"))
    # Vega writes the city links with xlink:href, which [href] misses.
    phuket = page.locator("svg.asean-map a[*|href='/cities/phuket/']")
    assert "1 project" in phuket.locator("path").get_attribute("aria-label")
    phuket.click()
    page.wait_for_url("**/cities/phuket/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Phuket")


@pytest.mark.rendering
@pytest.mark.parametrize("path", ["/", "/dashboards/", "/data/"])
def test_no_accessibility_violations(page, url, figures, path):
    page.goto(url(path))
    if path == "/dashboards/":
        _charts_drawn(page)
    assert violations(page) == []


def test_the_open_data_page_offers_every_dataset_for_download(page, url, figures, screenshot):
    # when someone opens the open-data catalogue
    page.goto(url("/data/"))

    # then it says what it is, under which licence, and where the machine-readable list is
    expect(page.get_by_role("heading", level=1)).to_have_text("Open data")
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="CC BY 4.0").first).to_be_visible()
    expect(main.get_by_role("link", name="catalog.jsonld")).to_have_attribute(
        "href", "/data/catalog.jsonld"
    )
    # and every dataset, each with its CSV and XLSX download
    datasets = catalogue.datasets()
    expect(page.locator("#datasets-title")).to_have_text(f"{len(datasets)} datasets")
    for dataset in datasets:
        item = page.locator(f"li#{dataset.key}")
        expect(item.get_by_role("heading", level=3)).to_contain_text(str(dataset.title))
        for fmt in ("csv", "xlsx"):
            expect(item.locator(f"a[href='/data/{dataset.key}.{fmt}']")).to_be_visible()
    # and the projects dataset was last updated with the public projects
    expect(page.locator("li#projects dd time")).to_have_count(1)
    screenshot(page, "open-data")
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_SCREENSHOTS / "open-data.png"), full_page=True)
