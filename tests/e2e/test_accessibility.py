"""WCAG 2.2 AA on the key pages: axe-core (shipped by axe-playwright-python) finds no violation."""

import pytest
from playwright.sync_api import expect

from ascn.network.models import City
from ascn.plans.readiness import item_codes
from ascn.plans.services import readiness_assess
from tests import factories
from tests.e2e.axe import violations

pytestmark = [pytest.mark.e2e, pytest.mark.rendering]


@pytest.fixture
def public_project(live_network):
    """A published project of Da Nang with money, a period and a readiness assessment."""
    officer = factories.user(
        "cso-danang@example.org", role="cso", scope=City.objects.get(slug="da-nang")
    )
    project = factories.project(
        officer,
        city="da-nang",
        title="Flood early warning",
        description="Sensors in the drains warn residents before streets flood.",
        budget="2400000",
        currency="USD",
        secured="600000",
        visibility="public",
    )
    readiness_assess(
        actor=officer,
        project=project,
        answers={c: i % 2 == 0 for i, c in enumerate(sorted(item_codes()))},
    )
    return project


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/member-states/",
        "/cities/",
        "/cities/yangon/",
        "/people/",
        "/projects/",
        "/plans/",
        "/reports/me/",
        "/indicators/",
        "/accounts/sign-in/",
    ],
)
def test_key_pages_have_no_axe_violations(page, url, live_network, path):
    # given a page a newcomer opens
    page.goto(url(path))
    # then axe-core finds nothing against WCAG 2.2 AA
    assert violations(page) == []


def test_a_project_page_has_no_axe_violations(page, url, public_project):
    # given a published project with its money and readiness
    page.goto(url(public_project.get_absolute_url()))
    expect(page.get_by_role("heading", level=1)).to_have_text("Flood early warning")
    # then axe-core finds nothing against WCAG 2.2 AA
    assert violations(page) == []


def test_the_language_menu_closes_as_a_menu_does(page, url, live_network):
    """The language menu stayed open after Escape, a click elsewhere or a Tab out of it, and
    then hid the projects' filters the keyboard had moved on to."""
    page.goto(url("/projects/"))
    menu = page.locator("details.language-menu")
    toggle = menu.locator("summary")
    # Escape closes it and gives the focus back to its toggle
    toggle.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(toggle).to_be_focused()
    # a click elsewhere closes it
    toggle.click()
    expect(menu).to_have_attribute("open", "")
    page.locator("main h1").click()
    expect(menu).not_to_have_attribute("open", "")
    # and the focus moving to a field of the page closes it, so it hides no field
    toggle.click()
    page.locator("main select, main input").first.focus()
    expect(menu).not_to_have_attribute("open", "")


def test_the_focus_ring_stands_out_on_a_light_page(page, url, live_network):
    """The ring was yellow alone: 1.9:1 on white, under WCAG 1.4.11's 3:1."""
    page.goto(url("/projects/"))
    field = page.locator("main input").first
    field.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focused from the keyboard: :focus-visible
    ring = field.evaluate("e => getComputedStyle(e).boxShadow")
    # a dark ring (the ink, #1b2430: 15:1 on white) around the yellow outline
    assert "rgb(27, 36, 48)" in ring
