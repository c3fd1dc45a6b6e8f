"""``load_sample_deals``: a few illustrative deals, in demo mode only, through the services."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from ascn.deals.models import Engagement
from ascn.plans.models import Project
from tests.demo_fixtures import run

pytest_plugins = ["tests.demo_fixtures"]


def test_sample_deals_are_refused_outside_demo_mode(settings, network):
    settings.ASCN_DEMO = False
    with pytest.raises(CommandError, match="ASCN_DEMO=1"):
        call_command("load_sample_deals")


def test_sample_deals_load_once_through_the_services(demo):
    # given the demo accounts and the sample projects
    run("load_samples")
    flood = Project.objects.get(title="Flood early-warning sensor network (sample)")
    secured = flood.funding_secured
    # when the sample deals are loaded
    assert "3 created" in run("load_sample_deals")
    # then they are flagged, at their stages, and the committed one counts as funding secured
    deals = {(e.organisation.slug, e.project.title): e for e in Engagement.objects.all()}
    assert all(e.sample for e in deals.values())
    assert sorted(e.stage for e in deals.values()) == ["committed", "discussion", "interest"]
    flood.refresh_from_db()
    assert flood.funding_secured == secured + Decimal("300000")
    # and a second run changes nothing
    assert "0 created" in run("load_sample_deals")
    assert Engagement.objects.count() == 3
