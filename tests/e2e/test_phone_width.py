"""Every page fits a phone (issue 19): at 390×844 no page scrolls sideways.

The demo database (the network, partners, meetings, agreements, the sample plans, projects
and deals) is loaded once for the module and served by a live server of the module's own:
pytest-django's ``live_server`` would flush the database after each test. Each role walks
its pages in one browser context, in one test; a page that is wider than the screen fails
the test with the widest element named, so that a person knows what to fix. The pages are
SPEC.md's list and the signed-in ones (workspaces, plan edit and comparison, project edit,
import, audit, invitations, tokens…).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation
from playwright.sync_api import Browser, Page, expect

from ascn.accounts.models import User
from ascn.accounts.services import invitation_create, token_create
from ascn.agreements.management.commands.load_agreements import load_agreements
from ascn.agreements.models import Agreement
from ascn.cooperation.management.commands.load_cooperation import load_partnerships
from ascn.cooperation.models import CityPartnership
from ascn.deals.models import Engagement
from ascn.funding.management.commands.load_partners import load_partners, load_programmes
from ascn.funding.models import Programme
from ascn.indicators.management.commands.load_indicators import load_indicators
from ascn.indicators.models import IndicatorValue
from ascn.meetings.management.commands.load_meetings import load_meetings
from ascn.meetings.models import Meeting
from ascn.network.management.commands.load_network import load_network
from ascn.network.models import City
from ascn.plans.management.commands.load_exchange_rates import load_exchange_rates
from ascn.plans.models import ActionPlan, Project
from tests.demo_fixtures import run
from tests.e2e.axe import violations
from tests.e2e.conftest import _open_page, served

# ``django_db`` so that the test database is set up (pytest-django sets up only what the
# collected tests ask for); each test only reads what the module's fixture committed.
pytestmark = [pytest.mark.e2e, pytest.mark.rendering, pytest.mark.django_db]

PHONE = {"width": 390, "height": 844}
SECRETARIAT = "secretariat@example.org"
NR_TH = "nr-th@example.org"
CSO_PHUKET = "cso-phuket@example.org"
PARTNER = "partner@example.org"

# The widest element of the page that is not inside a box scrolling on its own, described
# as tag#id.classes and the start of its text.
WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  let widest = null, right = width;
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= right + 0.5) continue;
    let parent = el.parentElement, scrolls = false;
    for (; parent && parent !== document.body; parent = parent.parentElement) {
      if (getComputedStyle(parent).overflowX !== "visible") { scrolls = true; break; }
    }
    if (!scrolls) { widest = el; right = box.right; }
  }
  if (!widest) return `the document is ${document.documentElement.scrollWidth} px wide`;
  const name = widest.tagName.toLowerCase() + (widest.id ? "#" + widest.id : "") +
    [...widest.classList].map((c) => "." + c).join("");
  const text = (widest.textContent || "").replace(/\\s+/g, " ").trim().slice(0, 50);
  return `${name} reaches ${Math.round(right)} px ("${text}")`;
}"""


@dataclass
class Site:
    url: str
    pages: dict[str | None, list[str]] = field(default_factory=dict)
    # The key pages of each role, also checked with axe-core at 390 px (WCAG 2.2 AA): the
    # collapsed menu, the stacked tables and the narrow charts are what a phone reader gets.
    key_pages: dict[str | None, set[str]] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)


def _key_pages(pages: dict[str | None, list[str]]) -> dict[str | None, set[str]]:
    """A handful of each role's pages, by their place in ``_pages``'s lists: the home page,
    the projects, a project and a plan; each signed-in role's workspace or main tool."""
    return {
        None: {"/", "/projects/", pages[None][9], pages[None][7]},
        CSO_PHUKET: {"/workspace/", pages[CSO_PHUKET][1], pages[CSO_PHUKET][6]},
        NR_TH: {"/workspace/", "/plans/queue/"},
        PARTNER: {"/workspace/", "/engagements/"},
        SECRETARIAT: {
            "/accounts/invitations/",
            "/workspace/",
            "/meetings/new/",
            pages[SECRETARIAT][-5],  # the meeting's desk
            pages[SECRETARIAT][-3],  # its registrations
        },
    }


def _pages() -> dict[str | None, list[str]]:
    project = Project.objects.filter(visibility="public").order_by("pk").first()
    phuket_project = Project.objects.filter(city__slug="phuket").order_by("pk").first()
    phuket_plan = ActionPlan.objects.filter(city__slug="phuket").order_by("pk").first()
    draft_plan = ActionPlan.objects.filter(status="draft").order_by("pk").first()
    published = ActionPlan.objects.filter(status="published").order_by("pk").first()
    programme = Programme.objects.order_by("pk").first()
    meeting = Meeting.objects.order_by("-start_date").first()
    agreement = Agreement.objects.order_by("pk").first()
    engagement = Engagement.objects.order_by("pk").first()
    partnership = CityPartnership.objects.order_by("pk").first()
    phuket_value = IndicatorValue.objects.filter(
        city__slug="phuket", verification="pending"
    ).first()
    assert phuket_value
    assert project and phuket_project and phuket_plan and draft_plan and published
    assert programme and meeting and agreement and engagement and partnership
    return {
        None: [
            "/",
            "/member-states/",
            "/member-states/TH/",
            "/cities/",
            "/cities/phuket/",
            "/people/",
            "/plans/",
            f"/plans/{published.pk}/",
            "/projects/",
            project.get_absolute_url(),
            "/organisations/",
            "/organisations/asian-development-bank/",
            "/programmes/",
            f"/programmes/{programme.slug}/",
            "/agreements/",
            f"/agreements/{agreement.slug}/",
            "/meetings/",
            f"/meetings/{meeting.slug}/",
            "/cooperation/",
            "/timeline/",
            "/search/?q=flood",
            "/dashboards/",
            "/data/",
            "/data/releases/",
            "/reports/me/",
            "/accounts/sign-in/",
            "/cities/phuket/indicators/",
            "/cities/compare/?cities=bangkok,phuket,hanoi",
            "/indicators/",
            "/indicators/sdg-11-6-2/",
        ],
        CSO_PHUKET: [
            "/workspace/",
            phuket_project.get_absolute_url(),
            f"/projects/{phuket_project.pk}/edit/",
            "/projects/new/",
            f"/projects/{phuket_project.pk}/readiness/",
            f"/projects/{phuket_project.pk}/progress/",
            f"/plans/{phuket_plan.pk}/",
            f"/plans/{phuket_plan.pk}/compare/",
            "/projects/import/",
            "/engagements/",
            "/meetings/mine/",
            "/accounts/",
            "/accounts/notifications/",
            "/accounts/notifications/settings/",
            "/accounts/tokens/",
            "/accounts/two-factor/setup/",
            "/cities/phuket/indicators/new/",
            "/cooperation/partnerships/new/",
        ],
        NR_TH: [
            "/workspace/",
            "/plans/queue/",
            f"/plans/{phuket_plan.pk}/",
            "/projects/",
            f"/indicator-values/{phuket_value.pk}/verify/",
        ],
        PARTNER: [
            "/workspace/",
            "/organisations/sample-mekong-resilience-investors/edit/",
            f"/projects/{project.pk}/matches/",
            "/organisations/sample-mekong-resilience-investors/matches/",
            "/engagements/",
            f"/engagements/{engagement.pk}/",
        ],
        SECRETARIAT: [
            "/workspace/",
            f"/plans/{draft_plan.pk}/edit/",
            f"/plans/{published.pk}/compare/",
            "/audit/",
            "/projects/import/",
            "/accounts/invitations/",
            "/accounts/tokens/",
            f"/programmes/{programme.slug}/",
            "/programmes/new/",
            f"/programmes/{programme.slug}/edit/",
            f"/meetings/{meeting.slug}/",
            "/agreements/new/",
            "/agreements/undp-jetro-2018/",
            "/agreements/undp-jetro-2018/edit/",
            "/cooperation/case-studies/new/",
            f"/cooperation/partnerships/{partnership.pk}/edit/",
            "/cities/phuket/officers/",
            "/member-states/th/representatives/",
            "/member-states/th/edit/",
            "/cities/phuket/edit/",
            "/cities/new/",
            "/meetings/new/",
            f"/meetings/{meeting.slug}/manage/",
            f"/meetings/{meeting.slug}/edit/",
            f"/meetings/{meeting.slug}/registrations/",
            f"/meetings/{meeting.slug}/check-in/",
            f"/meetings/{meeting.slug}/minutes/",
        ],
    }


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker) -> Iterator[Site]:
    """The demo database, committed, and a live server over it; emptied again afterwards."""
    demo = override_settings(
        ASCN_DEMO=True,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    with django_db_blocker.unblock(), demo:
        try:
            load_network()
            load_partners()
            load_programmes()
            load_exchange_rates()
            load_meetings()
            load_agreements()
            load_partnerships()
            run("load_demo")
            run("load_samples")
            run("load_sample_partners")
            run("load_sample_deals")
            load_indicators()
            run("load_sample_indicators")
            # rows in the tables of tokens and invitations (a row is what overflowed)
            token_create(actor=User.objects.get(email=CSO_PHUKET), name="nightly export", days=30)
            invitation_create(
                actor=User.objects.get(email=NR_TH),
                email="new-officer-of-chiang-mai@example.org",
                role="cso",
                scope=City.objects.get(slug="chiang-mai"),
            )
            pages = _pages()
            site = Site(url="", pages=pages, key_pages=_key_pages(pages))
            with served(site, (SECRETARIAT, NR_TH, CSO_PHUKET, PARTNER)):
                yield site
        finally:
            call_command("flush", interactive=False, verbosity=0)


def _walk(browser: Browser, site: Site, who: str | None) -> Iterator[Page]:
    """A 390 px page of ``who``, which fails the test on a script error or a failed request."""
    for page in _open_page(browser, viewport=PHONE):
        if who is not None:
            page.context.add_cookies(
                [{"name": "sessionid", "value": site.sessions[who], "url": site.url}]
            )
        yield page


def assert_every_page_fits(page: Page, site: Site, who: str | None) -> None:
    too_wide, inaccessible = [], []
    for path in site.pages[who]:
        response = page.goto(site.url + path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        widest = page.evaluate(WIDEST)
        if widest is not None:
            too_wide.append(f"{path}: {widest}")
        if path in site.key_pages[who]:
            inaccessible += [f"{path}: {found}" for found in violations(page)]
    name = who or "anonymous"
    assert not too_wide, f"at 390 px, {name}'s pages scroll sideways:\n" + "\n".join(too_wide)
    assert not inaccessible, f"at 390 px, axe-core finds on {name}'s key pages:\n" + (
        "\n".join(inaccessible)
    )


def open_menu(page: Page) -> None:
    """The header's menu is collapsed on a phone; its summary opens it (no script needed)."""
    main_nav = page.get_by_role("navigation", name="Main")
    expect(main_nav).to_be_hidden()
    page.locator("summary", has_text="Menu").click()
    expect(main_nav).to_be_visible()


@pytest.fixture
def anonymous_page(browser, site) -> Iterator[Page]:
    yield from _walk(browser, site, None)


@pytest.fixture
def csco_page(browser, site) -> Iterator[Page]:
    yield from _walk(browser, site, CSO_PHUKET)


@pytest.fixture
def nr_page(browser, site) -> Iterator[Page]:
    yield from _walk(browser, site, NR_TH)


@pytest.fixture
def partner_page(browser, site) -> Iterator[Page]:
    yield from _walk(browser, site, PARTNER)


@pytest.fixture
def secretariat_page(browser, site) -> Iterator[Page]:
    yield from _walk(browser, site, SECRETARIAT)


def test_public_pages_fit_a_phone(anonymous_page, site):
    page = anonymous_page
    assert_every_page_fits(page, site, None)
    # the menu holds the timeline, and no tool of a signed-in user
    page.goto(site.url + "/")
    open_menu(page)
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Timeline")).to_be_visible()
    expect(menu.get_by_role("link", name="Audit trail")).to_have_count(0)


@pytest.mark.parametrize("language", ["id", "vi", "ms", "my"])
def test_the_sites_name_and_the_language_button_share_the_header_on_a_phone(
    anonymous_page, site, language
):
    page = anonymous_page
    page.goto(f"{site.url}/{language}/")
    brand = page.locator(".header-inner .brand").bounding_box()
    button = page.locator(".language-menu > summary").bounding_box()
    assert brand and button
    # side by side, not on top of each other: the name ends before the button begins
    assert brand["x"] + brand["width"] <= button["x"], (brand, button)
    # the button names the language for a screen reader, and shows its code
    summary = page.locator(".language-menu > summary")
    name = translation.get_language_info(language)["name_local"]
    expect(summary).to_have_accessible_name(re.compile(re.escape(name)))
    expect(summary.locator(".language-code")).to_have_text(language.upper())


# The Latin words in the page's tables that are broken across lines.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll("main table td, main table th")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const words = /[A-Za-z]{4,}/g;
      let word;
      while ((word = words.exec(node.data))) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(word[0]);
      }
    }
  }
  return broken.slice(0, 10);
}"""


@pytest.mark.parametrize("language", ["th", "km"])
def test_a_tables_words_stay_whole_on_a_phone_in_thai_and_khmer(anonymous_page, site, language):
    # Thai and Khmer text may wrap anywhere, but a table's names ("Cebu City") are not cut
    # into letters: the table scrolls sideways in its box instead
    page = anonymous_page
    for path in ("/cooperation/", "/meetings/"):
        page.goto(f"{site.url}/{language}{path}")
        assert page.locator("main table").count() > 0, path
        assert page.evaluate(BROKEN_WORDS) == [], path


# The cells of a table stacked on a phone whose value starts on its label's line (the label,
# drawn by ::before, is not measurable itself: where it stands beside the value, a long one
# runs over it).
BESIDE_LABEL = """() => [...document.querySelectorAll("main .table.stack-phone td[data-label]")]
  .filter((td) => {
    const range = document.createRange();
    range.selectNodeContents(td);
    const value = range.getClientRects()[0];
    const labelLine = parseFloat(getComputedStyle(td, "::before").lineHeight) || 16;
    return value && value.top - td.getBoundingClientRect().top < labelLine * 0.8;
  })
  .map((td) => td.dataset.label)"""


@pytest.mark.parametrize("language", ["km", "th"])
def test_a_stacked_tables_labels_stand_above_their_values_in_thai_and_khmer(
    anonymous_page, site, language
):
    page = anonymous_page
    page.goto(f"{site.url}/{language}/programmes/")
    assert page.locator("main .table.stack-phone td[data-label]").count() > 0
    # in Thai and Khmer a label stands above its value, whatever its length
    assert page.evaluate(BESIDE_LABEL) == []


def test_a_citys_indicator_values_are_cards_as_wide_as_the_phone(anonymous_page, site):
    # the table of five columns scrolled sideways in columns a word wide ("Sample / data /
    # for / the / demo"); on a phone each indicator is a card, each figure under its name
    page = anonymous_page
    page.goto(site.url + "/cities/phuket/indicators/")
    cells = page.locator("main table.indicator-values td[data-label]")
    assert cells.count() >= 4
    widths = cells.evaluate_all("(cells) => cells.map((td) => td.getBoundingClientRect().width)")
    assert min(widths) > PHONE["width"] * 0.7, widths
    sideways = "(t) => t.scrollWidth > t.parentElement.clientWidth + 1"
    assert page.locator("main table.indicator-values").evaluate(sideways) is False
    expect(cells.first).to_have_attribute("data-label", "Latest value (year)")


def test_a_chief_smart_city_officers_pages_fit_a_phone(csco_page, site):
    page = csco_page
    assert_every_page_fits(page, site, CSO_PHUKET)
    # the workspace's projects are cards: readiness and the funding gap are on screen
    page.goto(site.url + "/workspace/")
    card = page.locator("table.stack-phone tbody tr").first
    for label in ("Readiness", "Funding gap"):
        cell = card.locator(f'td[data-label="{label}"]')
        cell.scroll_into_view_if_needed()
        expect(cell).to_be_in_viewport(ratio=1)  # wholly on screen, not cut off at the right
    # the menu offers the import (a CSCO may import), not the audit trail
    open_menu(page)
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Import")).to_be_visible()
    expect(menu.get_by_role("link", name="Audit trail")).to_have_count(0)


def test_a_national_representatives_pages_fit_a_phone(nr_page, site):
    page = nr_page
    assert_every_page_fits(page, site, NR_TH)
    page.goto(site.url + "/workspace/")
    open_menu(page)
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Invitations")).to_be_visible()


def test_a_partner_members_pages_fit_a_phone(partner_page, site):
    page = partner_page
    assert_every_page_fits(page, site, PARTNER)
    page.goto(site.url + "/workspace/")
    open_menu(page)
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Workspace")).to_be_visible()
    for tool in ("Import", "Invitations", "Audit trail"):
        expect(menu.get_by_role("link", name=tool)).to_have_count(0)


def test_the_secretariats_pages_fit_a_phone(secretariat_page, site):
    page = secretariat_page
    assert_every_page_fits(page, site, SECRETARIAT)
    # the audit trail, the import and the invitations are in the menu, not behind the
    # e-mail link
    open_menu(page)
    menu = page.get_by_role("navigation", name="Main")
    for tool in ("Audit trail", "Import", "Invitations", "Timeline"):
        expect(menu.get_by_role("link", name=tool)).to_be_visible()


def test_the_api_documentation_is_laid_out_for_a_phone(browser, site):
    """The API's documentation (django-ninja's Swagger UI) had no viewport: a phone (mobile
    emulation, as a real phone lays out a page) drew it 980 px wide and shrank its text."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(site.url + "/api/v1/docs")
        # drawn by the page's script from the whole OpenAPI document: the 10 s the other
        # browser tests allow (``_open_page``), not expect's 5 s (a busy CI missed it)
        heading = page.get_by_role("heading", name="ASCN Platform API")
        expect(heading).to_be_visible(timeout=10_000)
        assert page.evaluate("window.innerWidth") == 390
        assert page.evaluate(WIDEST) is None
        # and it leads back to the site
        expect(page.get_by_role("link", name="ASCN Platform")).to_have_attribute("href", "/")
    finally:
        context.close()
