"""On a phone a stacked table's cell shows its column's name beside (or above) its value: in
every language the name stays inside its cell, however many lines it takes, and the value
never sits under it.

In Vietnamese at 390 px, "Mức độ sẵn sàng" (Readiness) took two lines and ran over the next
cell's "Khoản thiếu hụt vốn" (Funding gap) on the workspace and "Ngân sách" (Budget) on the
projects page: the label was placed absolutely, so a cell was as tall as its value alone.

The demo's accounts and sample projects are loaded once for the module and served by a live
server of the module's own (as in ``test_phone_width.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import Browser, Page

from ascn.accounts.models import User
from ascn.funding.management.commands.load_partners import load_partners
from ascn.indicators.management.commands.load_indicators import load_indicators
from ascn.indicators.models import Indicator
from ascn.indicators.services import project_indicator_set
from ascn.network.management.commands.load_network import load_network
from ascn.plans.management.commands.load_exchange_rates import load_exchange_rates
from ascn.plans.models import Project
from tests.demo_fixtures import run
from tests.e2e.conftest import _open_page, served

pytestmark = [pytest.mark.e2e, pytest.mark.rendering, pytest.mark.django_db]

PHONE = {"width": 390, "height": 844}
CSO_PHUKET = "cso-phuket@example.org"
NR_TH = "nr-th@example.org"
LANGUAGES = [code for code, _name in settings.LANGUAGES]

# The labelled cells of the stacked tables whose label (drawn by ::before, not measurable
# itself) runs out of its cell — the cell's content is taller than the cell, so the label
# covers what follows — or whose value starts under the label instead of beside or below it.
OVERLAPS = """() => [...document.querySelectorAll("main .table.stack-phone td[data-label]")]
  .filter((td) => td.getClientRects().length > 0)
  .flatMap((td) => {
    const problems = [];
    if (td.scrollHeight > td.clientHeight + 1) {
      problems.push(`"${td.dataset.label}" runs ${td.scrollHeight - td.clientHeight} px out of its cell`);
    }
    const label = getComputedStyle(td, "::before");
    const cell = td.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(td);
    const value = [...range.getClientRects()].find((r) => r.width > 0);
    const width = parseFloat(label.width) || 0, height = parseFloat(label.height) || 0;
    const beside = value && value.left >= cell.left + width - 1;
    const below = value && value.top >= cell.top + height - 1;
    if (value && !beside && !below) {
      problems.push(`the value of "${td.dataset.label}" sits under its label`);
    }
    return problems;
  })"""


@dataclass
class Site:
    url: str = ""
    sessions: dict[str, str] = field(default_factory=dict)
    targets: str = ""  # a Phuket project's indicator targets page, with a target on it


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker) -> Iterator[Site]:
    """The demo's accounts and sample projects, committed, and a live server over them;
    emptied again afterwards."""
    demo = override_settings(
        ASCN_DEMO=True, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), demo:
        try:
            load_network()
            load_partners()
            load_exchange_rates()
            run("load_demo")
            run("load_samples")
            load_indicators()
            project = Project.objects.filter(city__slug="phuket", visibility="public").first()
            assert project is not None
            project_indicator_set(
                actor=User.objects.get(email=CSO_PHUKET),
                project=project,
                indicator=Indicator.objects.get(code="11.6.2"),
                baseline="25",
                baseline_year=2023,
                target="15",
                target_year=2030,
            )
            with served(
                Site(targets=f"/projects/{project.pk}/indicators/"), (CSO_PHUKET, NR_TH)
            ) as site:
                yield site
        finally:
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    yield from _open_page(browser, viewport=PHONE)


def overlaps(page: Page, site: Site, path: str, who: str | None = None) -> list[str]:
    if who is not None:
        page.context.add_cookies(
            [{"name": "sessionid", "value": site.sessions[who], "url": site.url}]
        )
    response = page.goto(site.url + path)
    assert response is not None and response.ok, f"{path}: {response and response.status}"
    assert page.locator("main .table.stack-phone td[data-label]").count() > 0, path
    return page.evaluate(OVERLAPS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_stacked_tables_labels_never_run_over_the_next_cell(phone, site, language):
    prefix = "" if language == "en" else f"/{language}"
    # the projects' cards, anyone's
    assert overlaps(phone, site, f"{prefix}/projects/") == []
    # the workspace's cards: a city's projects (its officer), a member state's cities (its NR)
    assert overlaps(phone, site, f"{prefix}/workspace/", CSO_PHUKET) == []
    assert overlaps(phone, site, f"{prefix}/workspace/", NR_TH) == []
    # a project's indicator targets, one card each, its Change and Remove buttons on screen
    # (the table scrolled them out of sight on the right)
    assert overlaps(phone, site, prefix + site.targets, CSO_PHUKET) == []
    for button in (phone.locator("main td a.button"), phone.locator("main td button")):
        box = button.first.bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"], box
