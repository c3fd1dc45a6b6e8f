"""The organisations' world, shared by the profile tests (``tests/partners``) and the
matchmaking tests (``tests/matchmaking``): ADB with a full profile, a draft investor, flood
drainage projects in Hanoi, Bangkok, Phuket and Singapore, and ADB's fund.

Loaded with ``pytest_plugins = ["tests.roles", "tests.organisation_fixtures"]``.
PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import pytest

from ascn.funding.services import programme_upsert_seed
from ascn.partners.models import Organisation
from ascn.partners.services import organisation_update
from tests import factories

# What the world's projects share (``factories.project`` values): a US$5m flood drainage
# project in preparation, whose words match ADB's capability statement.
FLOOD_DRAINAGE = {
    "description": "Flood drainage sensors.",
    "focus_areas": ["quality-environment"],
    "status": "preparation",
    "budget": "5000000",
    "currency": "USD",
}


@pytest.fixture
def adb_profile(roles, adb) -> Organisation:
    """ADB's member publishes a full profile."""
    return publish_adb_profile(roles, adb)


def publish_adb_profile(roles, adb: Organisation) -> Organisation:
    return organisation_update(
        actor=roles.user("partner_adb"),
        organisation=adb,
        version=adb.version,
        countries=["VN", "TH"],
        focus_areas=["quality-environment", "built-infrastructure"],
        instruments=["loan", "grant"],
        stages=["preparation", "implementation"],
        ticket_min_usd="1000000",
        ticket_max_usd="50000000",
        capability_statement="We finance flood protection, drainage and urban resilience.",
    )


@pytest.fixture
def world(roles, adb_profile):
    """Projects in Hanoi (public), Bangkok (network), Phuket (draft) and Singapore (public,
    outside ADB's countries); a draft organisation; a public programme."""
    return build_world(roles, adb_profile)


def build_world(roles, adb_profile: Organisation) -> dict:
    secretariat = roles.user("secretariat")
    draft_org = factories.organisation(
        secretariat,
        slug="quiet-capital",
        name="Quiet Capital",
        kind="investor",
        countries=["VN"],
        focus_areas=["quality-environment"],
        visibility="draft",
    )
    fund, _ = programme_upsert_seed(
        slug="resilience-fund",
        sponsor=adb_profile,
        values={
            "name": "Resilience Fund",
            "total_amount": "3000000",
            "currency": "USD",
            "max_award_amount": "1000000",
            "eligible_countries": ["VN"],
            "eligible_focus_areas": ["quality-environment"],
            "description": "Grants for flood drainage.",
            "visibility": "public",
        },
    )
    projects = {
        # key: (who adds it, city, title, visibility)
        "hanoi": ("cso_hanoi", "hanoi", "Hanoi smart drainage", "public"),
        "bangkok": ("secretariat", "bangkok", "Bangkok canal sensors", "network"),
        "phuket": ("cso_phuket", "phuket", "Phuket flood draft", "draft"),
        "singapore": ("secretariat", "singapore", "Singapore flood gates", "public"),
    }
    return {
        **{
            key: factories.project(
                roles.user(who), city=city, title=title, visibility=visibility, **FLOOD_DRAINAGE
            )
            for key, (who, city, title, visibility) in projects.items()
        },
        "draft_org": draft_org,
        "fund": fund,
    }
