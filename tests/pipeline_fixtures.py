"""Shared fixtures of the deal-pipeline tests: projects on both sides of the roles' scopes.

Loaded with ``pytest_plugins = ["tests.roles", "tests.pipeline_fixtures"]``.
PYTEST_DONT_REWRITE
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from ascn.deals.models import Engagement
from ascn.deals.services import engagement_advance
from ascn.partners.models import Organisation
from ascn.plans.models import Project
from tests import factories

COMMITMENT = {
    "commitment_amount": "250000.00",
    "commitment_currency": "THB",
    "commitment_instrument": "loan",
}


@dataclass
class Deals:
    roles: object
    adb: Organisation
    phuket_project: Project  # public, Phuket (Thailand): 1,000,000 THB, 100,000 secured
    hanoi_draft: Project  # draft, Hanoi (Viet Nam)

    def interest(
        self, by: str = "partner_adb", message: str = "We would like to talk."
    ) -> Engagement:
        """ADB × the Phuket project, interest expressed by ``by``."""
        return factories.engagement(
            self.roles.user(by),
            project=self.phuket_project,
            organisation=self.adb,
            message=message,
        )

    def at_term_sheet(self) -> Engagement:
        """ADB × the Phuket project, expressed and moved on to the term sheet by ADB's member."""
        return factories.engagement(
            self.roles.user("partner_adb"),
            project=self.phuket_project,
            organisation=self.adb,
            message="We would like to talk.",
            stage="term_sheet",
        )

    def committed(
        self, engagement: Engagement | None = None, by: str = "partner_adb", **overrides
    ) -> Engagement:
        """``engagement`` (else a new one at the term sheet) committed by ``by``: 250,000 THB
        as a loan unless ``overrides`` say otherwise; it waits for the city's confirmation."""
        engagement = engagement or self.at_term_sheet()
        return engagement_advance(
            actor=self.roles.user(by),
            engagement=engagement,
            stage="committed",
            version=engagement.version,
            **{**COMMITMENT, **overrides},
        )

    def refresh(self, obj):
        obj.refresh_from_db()
        return obj


@pytest.fixture
def deals(roles, adb) -> Deals:
    secretariat = roles.user("secretariat")
    return Deals(
        roles=roles,
        adb=adb,
        phuket_project=factories.project(
            secretariat, title="Phuket flood sensors", secured="100000", visibility="public"
        ),
        hanoi_draft=factories.project(
            secretariat, city="hanoi", title="Hanoi traffic signals", currency="VND"
        ),
    )


MILLION = Decimal("1000000")
