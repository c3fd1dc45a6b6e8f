"""Shared fixtures of the deal-pipeline tests: projects on both sides of the roles' scopes.

Loaded with ``pytest_plugins = ["tests.roles", "tests.pipeline_fixtures"]``.
PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from ascn.deals.models import Engagement
from ascn.deals.services import engagement_create
from ascn.network.models import City
from ascn.partners.models import Organisation
from ascn.plans.models import Project
from ascn.plans.services import project_create, project_update


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
        return engagement_create(
            actor=self.roles.user(by),
            project=self.phuket_project,
            organisation=self.adb,
            message=message,
        )

    def refresh(self, obj):
        obj.refresh_from_db()
        return obj


def make_project(secretariat, city_slug, title, *, visibility, budget="1000000", currency="THB"):
    project = project_create(
        actor=secretariat,
        city=City.objects.get(slug=city_slug),
        title=title,
        description=f"{title}: a test project.",
        focus_areas=["safety-security"],
        status="preparation",
        budget_amount=budget,
        budget_currency=currency,
        funding_secured="100000",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2028, 12, 31),
    )
    if visibility != project.visibility:
        project = project_update(
            actor=secretariat, project=project, version=project.version, visibility=visibility
        )
    return project


@pytest.fixture
def deals(roles, adb) -> Deals:
    secretariat = roles.user("secretariat")
    return Deals(
        roles=roles,
        adb=adb,
        phuket_project=make_project(
            secretariat, "phuket", "Phuket flood sensors", visibility="public"
        ),
        hanoi_draft=make_project(
            secretariat, "hanoi", "Hanoi traffic signals", visibility="draft", currency="VND"
        ),
    )


MILLION = Decimal("1000000")
