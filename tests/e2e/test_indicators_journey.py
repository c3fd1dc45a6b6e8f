"""The city-indicators journey in a real browser (issue 22): Phuket's Chief Smart City
Officer reports three indicators through the form, Thailand's National Representative
verifies them with a data-quality grade, and the public compares three cities — the chart
drawn, the table showing the year of each value — with no axe-core violation. Screenshots
land in ``screenshots/e2e/``."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from ascn.accounts.models import Role
from ascn.indicators.management.commands.load_indicators import load_indicators
from ascn.indicators.models import Indicator, IndicatorValue
from ascn.indicators.services import value_enter, value_verify
from ascn.network.models import City, MemberState
from tests import factories
from tests.e2e.axe import violations
from tests.e2e.test_plans_journey import PASSWORD, sign_in, sign_out

pytestmark = pytest.mark.e2e

CSCO_EMAIL = "csco@phuket.example.th"
NR_EMAIL = "nr@th.example.th"
REPORTED = [  # code, year, value, source
    ("11.6.2", "2023", "21.5", "Pollution Control Department, air quality report 2023"),
    ("11.6.1", "2023", "88", "Phuket City Municipality, waste statistics 2023"),
    ("EC: ICT: ICT: 1C", "2023", "79.4", "National Statistical Office, ICT household survey 2023"),
]


@pytest.fixture
def setting(live_network, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("build_vega_bundle")
    load_indicators()
    factories.user(
        CSCO_EMAIL,
        role=Role.CSO,
        scope=City.objects.get(slug="phuket"),
        password=PASSWORD,
        full_name="Phuket officer",
    )
    factories.user(
        NR_EMAIL,
        role=Role.NATIONAL_REPRESENTATIVE,
        scope=MemberState.objects.get(code="TH"),
        password=PASSWORD,
        full_name="Thailand representative",
    )
    # two other cities' published, verified figures to compare with
    for city, value, year in (("bangkok", "26.1", 2022), ("chonburi", "18.3", 2023)):
        record = value_enter(
            actor=None,
            city=City.objects.get(slug=city),
            indicator=Indicator.objects.get(code="11.6.2"),
            year=year,
            value=value,
            source="Test figure",
            visibility="public",
        )
        value_verify(actor=None, record=record, version=1, verified=True, grade="measured")


def test_a_csco_reports_the_representative_verifies_the_public_compares(
    page, url, setting, screenshot
):
    # the CSCO reports three indicators through the form, published to the public
    sign_in(page, url, CSCO_EMAIL)
    page.goto(url("/cities/phuket/indicators/"))
    for code, year, value, source in REPORTED:
        page.get_by_role("link", name="Enter a value").click()
        form = page.get_by_role("main")
        indicator = Indicator.objects.get(code=code)
        form.get_by_label("Indicator").select_option(str(indicator.pk))
        form.get_by_label("Year").fill(year)
        form.get_by_label("Value").fill(value)
        form.get_by_label("Source").fill(source)
        form.get_by_label("Who sees it").select_option("public")
        if code == REPORTED[0][0]:
            screenshot(page, "csco-entry-form")
        form.get_by_role("button", name="Record the value").click()
        expect(page.locator("ul.messages")).to_contain_text("waits for verification")
    expect(page.get_by_role("table")).to_contain_text("not verified")
    screenshot(page, "csco-reported")
    assert IndicatorValue.objects.filter(city__slug="phuket").count() == 3
    sign_out(page)

    # the representative verifies each with a grade
    sign_in(page, url, NR_EMAIL)
    page.goto(url("/cities/phuket/indicators/"))
    waiting = page.get_by_role("region", name="Waiting for your verification")
    for _ in REPORTED:
        page.get_by_role("link", name="Verify").first.click()
        form = page.get_by_role("main")
        form.get_by_label("Verified").check()
        form.get_by_label("Data-quality grade").select_option("measured")
        screenshot(page, "nr-verifies")
        form.get_by_role("button", name="Record my answer").click()
        expect(page.locator("ul.messages")).to_contain_text("Your answer is recorded")
    expect(waiting).to_have_count(0)
    assert set(IndicatorValue.objects.values_list("verification", flat=True)) == {"verified"}
    sign_out(page)

    # the public compares three cities: the chart is drawn, the table shows each year
    page.goto(url("/cities/compare/?cities=phuket,bangkok,chonburi"))
    expect(page.locator("#compare-chart.chart-ready")).to_have_count(1)
    table = page.get_by_role("table")
    expect(table).to_contain_text("21.5 (2023)")
    expect(table).to_contain_text("26.1 (2022)")
    expect(table).to_contain_text("not reported")
    screenshot(page, "public-compares")
    assert violations(page) == []
    page.goto(url("/cities/phuket/indicators/"))
    expect(page.get_by_role("table")).to_contain_text("verified")
    screenshot(page, "public-city-indicators")
    assert violations(page) == []
