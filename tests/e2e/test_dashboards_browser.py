"""The dashboards, the map and the open-data catalogue in Chromium: the charts are drawn by the
Vega bundle under the site's Content Security Policy (no 'unsafe-eval', no console error),
the filters work with and without JavaScript, and axe finds no WCAG violation."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from ascn.accounts.services import membership_grant, user_create
from ascn.network.models import City
from ascn.plans.services import project_create, project_update
from tests import factories
from tests.e2e.conftest import SCREENSHOT_DIR

pytestmark = pytest.mark.e2e

AXE = Axe()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# The documentation's screenshots are written only when asked (ASCN_DOCS_SCREENSHOTS=1), so
# a test run leaves the checkout clean; otherwise they go to the git-ignored e2e folder.
DOCS_SCREENSHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("ASCN_DOCS_SCREENSHOTS")
    else SCREENSHOT_DIR
)
CHARTS = ["pipeline", "funding", "focus-areas", "deals", "partners", "programmes"]


def violations(page) -> list[str]:
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


@pytest.fixture(scope="session", autouse=True)
def vega_bundle():
    """The charts need the bundle the build step writes (``make test`` runs it too)."""
    call_command("build_vega_bundle")


@pytest.fixture
def figures(live_network, settings):
    settings.ASCN_SECRETARIAT_REQUIRES_2FA = False
    secretariat = user_create(actor=None, email="sec@e2e-dash.test", password=None)
    membership_grant(actor=None, user=secretariat, role="secretariat")
    projects = []
    for slug, title, area, status, budget, secured in [
        ("da-nang", "Flood early warning", "safety-security", "preparation", "2400000", "600000"),
        ("phuket", "Smart drainage", "quality-environment", "implementation", "900000", "900000"),
        ("jakarta", "Open data portal", "civic-social", "identification", "150000", "0"),
    ]:
        project = project_create(
            actor=secretariat,
            city=City.objects.get(slug=slug),
            title=title,
            description=f"{title}.",
            focus_areas=[area],
            status=status,
            budget_amount=budget,
            budget_currency="USD",
            funding_secured=secured,
            period_start=dt.date(2025, 1, 1),
        )
        projects.append(
            project_update(
                actor=secretariat, project=project, version=project.version, visibility="public"
            )
        )
    bank = factories.organisation(
        secretariat, slug="e2e-bank", name="Regional Bank", kind="investor"
    )
    fund = factories.programme(
        secretariat, slug="e2e-fund", name="Smart City Fund", sponsor=bank, total="5000000"
    )
    phuket_csco = factories.user("cso@e2e-dash.test", role="cso", scope=projects[1].city)
    factories.award(
        secretariat, programme=fund, project=projects[1], amount="1200000", applicant=phuket_csco
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


def test_charts_render_under_the_csp(page, url, figures, screenshot):
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    response = page.goto(url("/dashboards/"))
    policy = response.headers["content-security-policy"]
    assert "unsafe-eval" not in policy
    _charts_drawn(page)
    assert not csp_errors, csp_errors
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_SCREENSHOTS / "dashboards.png"), full_page=True)
    screenshot(page, "dashboards")
    # The charts alone, for a person to look at (git-ignored, with the other e2e screenshots).
    page.locator(".dash-grid").screenshot(path=str(SCREENSHOT_DIR / "dashboards-charts.png"))


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


@pytest.mark.parametrize("path", ["/", "/dashboards/", "/data/"])
def test_no_accessibility_violations(page, url, figures, path):
    page.goto(url(path))
    if path == "/dashboards/":
        _charts_drawn(page)
    assert violations(page) == []


def test_open_data_screenshot(page, url, figures):
    page.goto(url("/data/"))
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_SCREENSHOTS / "open-data.png"), full_page=True)
