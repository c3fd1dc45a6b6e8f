"""The real city partnerships (issue 17): loaded once, public, each with its published
sources shown as people cite them."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from ascn.cooperation.management.commands.load_cooperation import load_partnerships
from ascn.cooperation.models import CityPartnership
from ascn.core.sources import validate_sources
from tests.roles import AuditMark

pytestmark = pytest.mark.django_db


def _run(command: str) -> str:
    out = io.StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def test_the_water_pairings_load_once_with_their_sources(network, client):
    # when the partnerships are loaded twice
    mark = AuditMark()
    assert load_partnerships() == 5
    assert load_partnerships() == 0
    assert "0 created" in _run("load_cooperation")
    # then each is on record once, audited, public, with at least one valid source
    partnerships = list(CityPartnership.objects.select_related("city"))
    assert len(partnerships) == 5
    partnership_actions = [a for a in mark.actions() if a.startswith("cooperation.partnership")]
    assert partnership_actions == ["cooperation.partnership.created"] * 5
    assert {p.city.slug for p in partnerships} == {
        "johor-bahru",
        "phuket",
        "ho-chi-minh-city",
        "vientiane",
        "cebu-city",
    }
    for partnership in partnerships:
        assert partnership.visibility == "public" and partnership.sources
        validate_sources(partnership.sources)
        assert partnership.start_date is None  # no source gives a date per pairing
    # and the public page lists them with linked, readable sources
    page = client.get("/cooperation/").content.decode()
    assert "Milwaukee, Wisconsin" in page
    assert 'href="https://www.usascp.org/program/water"' in page
    assert ".yaml" not in page
