"""WCAG 2.2 AA on the key pages: axe-core (shipped by axe-playwright-python) finds no violation."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from ascn.accounts.services import membership_grant, user_create
from ascn.network.models import City
from ascn.plans.readiness import item_codes
from ascn.plans.services import project_create, project_update, readiness_assess

pytestmark = pytest.mark.e2e

AXE = Axe()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def violations(page) -> list[str]:
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


@pytest.fixture
def public_project(live_network):
    officer = user_create(actor=None, email="cso-danang@example.org", password=None)
    membership_grant(actor=None, user=officer, role="cso", scope=City.objects.get(slug="da-nang"))
    project = project_create(
        actor=officer,
        city=City.objects.get(slug="da-nang"),
        title="Flood early warning",
        description="Sensors in the drains warn residents before streets flood.",
        focus_areas=["safety-security"],
        status="preparation",
        budget_amount="2400000",
        budget_currency="USD",
        funding_secured="600000",
    )
    readiness_assess(
        actor=officer,
        project=project,
        answers={c: i % 2 == 0 for i, c in enumerate(sorted(item_codes()))},
    )
    return project_update(
        actor=officer, project=project, version=project.version, visibility="public"
    )


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
        "/accounts/sign-in/",
    ],
)
def test_key_pages_have_no_axe_violations(page, url, live_network, path):
    # given a page a newcomer opens
    page.goto(url(path))
    # then axe-core finds nothing against WCAG 2.2 AA
    assert violations(page) == []


def test_a_project_page_has_no_axe_violations(page, url, public_project):
    page.goto(url(public_project.get_absolute_url()))
    assert violations(page) == []
