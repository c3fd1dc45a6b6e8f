"""The workspace of a partner organisation's member and the deals part of a CSCO's workspace.

A partner member opens /workspace/ and sees their organisation: the projects that fit it
(only those they may see), its deals by stage, and the programmes it runs with the
applications waiting for a decision. A CSCO sees the deals on their city's projects.
"""

from __future__ import annotations

import re

import pytest

from ascn.funding.services import (
    application_create,
    application_transition,
)
from ascn.partners.services import organisation_update
from tests import factories
from tests.conftest import page_text

pytest_plugins = ["tests.roles", "tests.pipeline_fixtures"]


def _publish_adb_mandate(deals) -> None:
    """ADB publishes a focus area and a country that the Phuket project shares."""
    organisation_update(
        actor=deals.roles.user("secretariat"),
        organisation=deals.adb,
        version=deals.adb.version,
        focus_areas=["safety-security"],
        countries=["TH"],
    )


def test_a_partner_member_sees_fitting_projects_and_their_deals(deals):
    # given ADB publishes what it finances (a match rests on a published fact)
    _publish_adb_mandate(deals)
    adb = deals.roles.session("partner_adb")
    # given no deal yet
    text = page_text(adb.get("/workspace/"))
    # then the workspace shows the organisation and the public project that fits it
    assert "Asian Development Bank" in text and "your organisation" in text
    assert "Projects that fit" in text
    assert "Phuket flood sensors" in text
    # but never the draft it may not see
    assert "Hanoi traffic signals" not in text
    assert "No deal yet" in text
    # when ADB expresses interest
    deals.interest()
    # then the deal shows by stage, with the board one click away
    text = page_text(adb.get("/workspace/"))
    assert "Interest: 1" in text
    assert "/engagements/?organisation=" in adb.get("/workspace/").content.decode()
    assert "Your account holds none of these roles" not in text


def test_the_workspace_and_the_matches_page_give_a_match_the_same_score(deals):
    # given ADB publishes a focus area and a country the Phuket project shares
    _publish_adb_mandate(deals)
    adb = deals.roles.session("partner_adb")
    # when its member reads the workspace and the organisation's matches
    workspace = page_text(adb.get("/workspace/"))
    matches = page_text(adb.get(f"/organisations/{deals.adb.slug}/matches/"))
    # then the project's score is the same whole number on both
    shown = re.search(r"score (\d+(?:\.\d+)?)/100", workspace)
    assert shown is not None and "." not in shown.group(1)
    assert f"Score {shown.group(1)} / 100" in matches
    assert re.search(r"Score \d+\.\d+ / 100", matches) is None


def test_the_csco_sees_the_deals_on_the_city_projects(deals):
    csco = deals.roles.session("cso_phuket")
    assert "No partner has expressed interest" in page_text(csco.get("/workspace/"))
    deals.interest()
    text = page_text(csco.get("/workspace/"))
    assert "Deals with partners" in text and "Interest: 1" in text
    assert "/engagements/?city=phuket" in csco.get("/workspace/").content.decode()


def test_a_programme_manager_sees_the_applications_waiting_for_a_decision(deals):
    roles = deals.roles
    secretariat, csco = roles.user("secretariat"), roles.user("cso_phuket")
    # given a programme of ADB with an open call, and Phuket's draft application to it
    fund = factories.programme(
        secretariat,
        slug="test-resilience-fund",
        name="Test resilience fund",
        sponsor=deals.adb,
        total="500000",
    )
    application = application_create(
        actor=csco,
        call=factories.call(secretariat, programme=fund, title="Round 1"),
        project=deals.phuket_project,
        amount_requested="100000",
        statement="Sensors.",
    )
    adb = roles.session("partner_adb")
    # then a draft is not waiting for ADB
    assert "waiting for a decision" not in page_text(adb.get("/workspace/"))
    # when the city submits it
    application_transition(actor=csco, application=application, version=1, action="submit")
    # then ADB's workspace counts it as waiting for a decision
    text = page_text(adb.get("/workspace/"))
    assert "Test resilience fund — 1 application waiting for a decision" in text


@pytest.mark.django_db
def test_someone_with_no_role_is_told_what_the_workspace_is_for(client):
    client.force_login(factories.user("reader@example.org"))
    text = page_text(client.get("/workspace/"))
    assert "Your account holds none of these roles" in text


def test_the_reasons_name_the_member_state_in_the_readers_language(deals):
    # given ADB publishes that it works in Thailand, where the Phuket project is
    _publish_adb_mandate(deals)
    adb = deals.roles.session("partner_adb")
    # when its member reads the workspace in Thai
    thai = page_text(adb.get("/th/workspace/"))
    # then the reason names Thailand in Thai, as the card beside it does, never in English
    assert "ดำเนินงานในไทย" in thai
    assert "Thailand" not in thai
