"""The journeys a person takes through the public pages, in a real browser (SPEC §2b).

Each test reads as a visit: where the person goes, what they do, what they must see. The
screenshots of every step land in ``screenshots/e2e/`` (git-ignored).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = pytest.mark.e2e

# The map is SVG from Vega: its city links carry ``xlink:href``, which ``[href]`` misses.
MAP_CITY_LINKS = "svg.asean-map a[*|href^='/cities/']"

THREE_AIMS = (
    "Cooperate on smart city development among ASEAN cities.",
    "Catalyse bankable projects with the private sector.",
    "Secure funding and support from ASEAN's external partners.",
)


@contextmanager
def htmx_request(page: Page, query: str) -> Iterator[None]:
    """Expect the actions in the block to make htmx fetch a URL containing ``query``."""
    try:
        with page.expect_response(
            lambda r: query in r.url and r.request.headers.get("hx-request") == "true",
            timeout=5_000,
        ):
            yield
    except PlaywrightTimeout:
        pytest.fail(f"htmx sent no request with {query!r} (is the hx-trigger listening?)")


def results(page: Page):
    """The live-updated results region of a list page."""
    return page.locator("#results")


def test_a_newcomer_finds_phukets_officer_from_the_home_page(page, url, live_network, screenshot):
    # given: someone who has never heard of the ASCN opens the home page
    page.goto(url("/"))

    # then: it says what the network is, what it is for, how big it is, and where
    expect(page.get_by_role("heading", level=1)).to_have_text("ASEAN Smart Cities Network")
    aims = page.locator("ol.aims")
    for aim in THREE_AIMS:
        expect(aims).to_contain_text(aim)
    expect(page.locator(".stats")).to_contain_text(re.compile(r"ASCN cities\s*31"))
    city_dots = page.locator(MAP_CITY_LINKS)
    expect(city_dots).to_have_count(31)
    screenshot(page, "home")

    # when: they follow "Cities" in the main navigation
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cities").click()

    # then: the list of all cities
    expect(page).to_have_url(url("/cities/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("ASCN cities")
    expect(results(page)).to_contain_text("31 cities")
    expect(results(page)).to_contain_text("Hanoi")
    screenshot(page, "cities")

    # when: they choose Thailand; htmx replaces the results, the page is not reloaded
    page.evaluate("window.pageNotReloaded = true")
    with htmx_request(page, "country=TH"):
        page.get_by_label("Member state").select_option(label="Thailand")

    # then: only Thai cities are listed (in place of the old results, not inside them), and
    # the address can be shared
    expect(page.locator("[id=results]")).to_have_count(1)
    expect(results(page)).to_contain_text("Phuket")
    expect(results(page)).not_to_contain_text("Hanoi")
    expect(page).to_have_url(re.compile(r"[?&]country=TH\b"))
    assert page.evaluate("window.pageNotReloaded") is True
    screenshot(page, "cities-thailand")

    # when: they open Phuket
    results(page).get_by_role("link", name="Phuket", exact=True).click()

    # then: its Chief Smart City Officer, with the designation as published
    expect(page).to_have_url(url("/cities/phuket/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Phuket")
    officers = page.locator("section[aria-labelledby='officers-title']")
    expect(officers).to_contain_text("Passakon Prathombutr")
    expect(officers).to_contain_text(
        "Senior Executive Vice President, Digital Economy Promotion Agency"
    )
    # and no contact details, which are for signed-in members only
    expect(page.locator("a[href^='mailto:']")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("E-mail")
    expect(officers).to_contain_text("Contact details are shown to signed-in members")
    screenshot(page, "phuket")


def test_a_city_on_the_map_links_to_its_page(page, url, live_network, screenshot):
    # given
    page.goto(url("/"))
    yangon = page.locator("svg.asean-map a[*|href='/cities/yangon/']")
    expect(yangon).to_have_count(1)

    # when: they click Yangon's dot on the map
    yangon.click()

    # then: Yangon's page, with both lines of its officer's designation
    expect(page).to_have_url(url("/cities/yangon/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Yangon")
    officer = page.locator("li.person", has_text="Tin Tin Kyi")
    expect(officer).to_contain_text("Director of Urban Planning Division")
    expect(officer).to_contain_text("Representative, Yangon City Development Committee")
    screenshot(page, "yangon")


def test_the_directory_search_shows_results_while_typing(page, url, live_network, screenshot):
    # given
    page.goto(url("/people/"))
    expect(results(page)).to_contain_text("Passakon Prathombutr")
    page.evaluate("window.pageNotReloaded = true")

    # when: they type a city's name, without pressing Enter
    with htmx_request(page, "q=Kota"):
        page.get_by_label("Name, city or designation").press_sequentially("Kota", delay=30)

    # then: both of Kota Kinabalu's officers, and nobody else's
    expect(page.locator("[id=results]")).to_have_count(1)
    expect(results(page)).to_contain_text("Stanley Chong Hon Chung")
    expect(results(page)).to_contain_text("Tantinny Fung Chew Li")
    expect(results(page)).not_to_contain_text("Passakon Prathombutr")
    assert page.evaluate("window.pageNotReloaded") is True
    screenshot(page, "people-kota")


def test_home_and_the_city_filter_work_without_javascript(
    page_without_js, url, live_network, screenshot
):
    page = page_without_js

    # given: the home page, with scripts off
    page.goto(url("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("ASEAN Smart Cities Network")
    expect(page.locator("svg.asean-map a[*|href='/cities/phuket/']")).to_have_count(1)
    screenshot(page, "home")

    # when: they filter the cities by member state and press the button
    page.goto(url("/cities/"))
    page.get_by_label("Member state").select_option(label="Thailand")
    page.get_by_role("button", name="Filter").click()

    # then: the server answers with the filtered page
    expect(page).to_have_url(re.compile(r"/cities/\?.*country=TH\b"))
    expect(results(page)).to_contain_text("Phuket")
    expect(results(page)).not_to_contain_text("Hanoi")
    screenshot(page, "cities-thailand")


def test_the_first_tab_stop_is_skip_to_content(page, url, live_network):
    # given
    page.goto(url("/"))

    # when
    page.keyboard.press("Tab")

    # then: the skip link is focused (and visible), and it moves focus to the content
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
