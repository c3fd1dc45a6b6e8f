"""The journalist's search (SPEC §2b journey 6, C9) in a real browser.

A journalist, not signed in, searches "flood" from the header, sees the published projects
of two member states (never a draft), narrows to Viet Nam with the member-state facet (live,
through htmx, and again without JavaScript), and opens the published project. axe-core finds
no WCAG 2.2 AA violation on the page of results.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ascn.network.models import City
from tests import factories
from tests.e2e.axe import violations

pytestmark = pytest.mark.e2e


@pytest.fixture
def flood_projects(live_network):
    """Flood projects of Da Nang and Phuket, published, and a draft of Hanoi, each added by
    its city's officer; returns Da Nang's."""
    projects = {}
    for city, title, description, visibility in [
        (
            "da-nang",
            "Flood early warning for Da Nang",
            "Water-level sensors in the drains warn residents before streets flood.",
            "public",
        ),
        ("phuket", "Patong flood gates", "Gates on the canals of Patong.", "public"),
        ("hanoi", "Secret flood study", "A draft nobody outside Hanoi sees.", "draft"),
    ]:
        officer = factories.user(
            f"cso-{city}@example.org", role="cso", scope=City.objects.get(slug=city)
        )
        projects[city] = factories.project(
            officer, city=city, title=title, description=description, visibility=visibility
        )
    return projects["da-nang"]


def test_a_journalist_searches_flood_filters_by_member_state_and_opens_a_project(
    page, url, flood_projects, screenshot
):
    # given the home page
    page.goto(url("/"))

    # when the journalist searches "flood" from the header
    page.get_by_role("combobox", name="Search the network").fill("flood")
    page.keyboard.press("Enter")

    # then both published flood projects are listed, highlighted, and not the draft
    expect(page).to_have_url(url("/search/?q=flood"))
    results = page.locator("#results")
    expect(results.get_by_role("status")).to_have_text("2 results")
    expect(results.get_by_role("link", name="Flood early warning for Da Nang")).to_be_visible()
    expect(results.get_by_role("link", name="Patong flood gates")).to_be_visible()
    expect(results.locator("mark").first).to_have_text(re.compile("^flood$", re.I))
    expect(page.get_by_text("Secret flood study")).to_have_count(0)
    screenshot(page, "results")

    # and the page of results has no WCAG 2.2 AA violation
    assert violations(page) == []

    # when she narrows to Viet Nam with the member-state facet (live, no reload)
    page.get_by_role("group", name="Member state").get_by_label("Viet Nam").check()

    # then only the Da Nang project remains, and the address says so
    expect(results.get_by_role("status")).to_have_text("1 result")
    expect(results.get_by_role("link", name="Patong flood gates")).to_have_count(0)
    expect(page).to_have_url(url("/search/?q=flood&country=VN"))
    screenshot(page, "viet-nam")

    # when she opens the project
    results.get_by_role("link", name="Flood early warning for Da Nang").click()

    # then she reads the published project
    expect(page).to_have_url(url(f"/projects/{flood_projects.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Flood early warning for Da Nang")
    screenshot(page, "project")


def test_live_results_follow_the_typing(page, url, flood_projects):
    page.goto(url("/search/"))
    page.get_by_role("searchbox", name="Cities, people").fill("patong")
    expect(page.locator("#results").get_by_role("status")).to_have_text("1 result")
    expect(page).to_have_url(url("/search/?q=patong"))


def test_search_and_facets_work_without_javascript(page_without_js, url, flood_projects):
    page = page_without_js
    page.goto(url("/search/?q=flood"))
    expect(page.locator("#results").get_by_role("status")).to_have_text("2 results")
    page.get_by_role("group", name="Member state").get_by_label("Thailand").check()
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#results").get_by_role("status")).to_have_text("1 result")
    expect(page.get_by_role("link", name="Patong flood gates")).to_be_visible()
