"""The dashboards' world: three projects with their money, an award and deals (the table in
``test_dashboards.py``), shared by the figures and the tallies tests."""

from __future__ import annotations

import datetime as dt

import pytest

from ascn.plans.services import exchange_rate_set
from tests import factories


@pytest.fixture
def data(secretariat):
    exchange_rate_set(
        actor=None,
        currency="THB",
        date=dt.date.today() - dt.timedelta(days=10),
        usd_per_unit="0.03",
        source="test",
    )

    def make(city, title, area, status, budget, currency, secured="0", visibility="public"):
        """A row of the table in ``test_dashboards.py``, running 2025–2026."""
        return factories.project(
            secretariat,
            city=city,
            title=title,
            description=f"{title}.",
            focus_areas=[area],
            status=status,
            budget=budget,
            currency=currency,
            secured=secured,
            start=dt.date(2025, 1, 1),
            end=dt.date(2026, 12, 31),
            visibility=visibility,
        )

    p1 = make("phuket", "P1", "quality-environment", "implementation", "1000000", "THB", "400000")
    p2 = make("hanoi", "P2", "civic-social", "preparation", "50000", "USD")
    p3 = make("hanoi", "P3", "civic-social", "identification", "10000", "USD", visibility="draft")
    bank = factories.organisation(secretariat, slug="bank", name="A Bank", kind="investor")
    hidden = factories.organisation(
        secretariat, slug="hidden", name="Hidden Co", kind="solution_provider", visibility="draft"
    )
    fund = factories.programme(secretariat, slug="fund", name="City Fund", sponsor=bank)
    hanoi_csco = factories.user("cso@hanoi.test", role="cso", scope=p2.city)
    # the whole of what P2 still has to find (an application may not ask for more)
    factories.award(secretariat, programme=fund, project=p2, amount="50000", applicant=hanoi_csco)
    factories.engagement(
        None, project=p1, organisation=bank, stage="discussion", advanced_by=secretariat
    )
    factories.engagement(None, project=p3, organisation=bank)
    factories.engagement(None, project=p2, organisation=hidden, side="partner")
    return {"p1": p1, "p2": p2, "p3": p3, "secretariat": secretariat}
