"""The funding tests' world: the real partners and programmes, an open call of the AASCTF and
a project of Phuket that may apply to it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ascn.funding.management.commands.load_partners import load_partners, load_programmes
from ascn.funding.models import Programme
from tests import factories

AASCTF = "asean-australia-smart-cities-trust-fund"


@pytest.fixture
def world(roles):
    """The seed, an open call of the AASCTF, and a project of Phuket."""
    load_partners()
    load_programmes()
    fund = Programme.objects.get(slug=AASCTF)
    today = timezone.localdate()
    call = factories.call(
        roles.user("secretariat"),
        programme=fund,
        title="Digital solutions 2026",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
    )
    project = factories.project(
        roles.user("cso_phuket"),
        title="Patong smart drainage",
        focus_areas=["quality-environment"],
        status="preparation",
    )
    return {"roles": roles, "fund": fund, "call": call, "project": project}
