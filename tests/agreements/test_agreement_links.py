"""An agreement on the pages of the records it names (its parties' cities, member states and
organisations, the projects it covers), on its meeting's page as signed there or still in
negotiation, and in the open data with its parties and projects."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from ascn.agreements.services import agreement_create
from ascn.meetings.services import meeting_create
from ascn.network.models import City, MemberState
from tests import factories
from tests.roles import CSO_PHUKET, SECRETARIAT

pytest_plugins = ["tests.roles"]


@pytest.fixture
def linked(roles, adb):
    """A public signed memorandum between Phuket, ADB and Thailand covering two projects,
    one of them a draft; and a draft agreement, seen by the Secretariat only."""
    secretariat = roles.user(SECRETARIAT)
    phuket = City.objects.get(slug="phuket")
    public = factories.project(roles.user(CSO_PHUKET), title="Flood sensors", visibility="public")
    draft = factories.project(roles.user(CSO_PHUKET), title="Hidden draft")
    signed = agreement_create(
        actor=secretariat,
        title="Phuket resilience memorandum",
        kind="mou",
        status="signed",
        signed_date=dt.date(2024, 3, 1),
        parties=[
            {"name": "City of Phuket", "city": phuket},
            {"name": "Asian Development Bank", "organisation": adb},
            {"name": "Kingdom of Thailand", "member_state": MemberState.objects.get(code="TH")},
        ],
        projects=[public, draft],
        visibility="public",
    )
    unsigned = agreement_create(
        actor=secretariat,
        title="Phuket data-sharing draft",
        parties=[{"name": "City of Phuket", "city": phuket}, {"name": "A utility"}],
        visibility="draft",
    )
    return {"signed": signed, "unsigned": unsigned, "public": public, "draft": draft}


def test_the_records_an_agreement_names_list_it_on_their_pages(roles, linked, text):
    pages = (
        "/cities/phuket/",
        "/member-states/th/",
        "/organisations/asian-development-bank/",
        f"/projects/{linked['public'].pk}/",
    )
    for path in pages:
        shown = text(roles.session("anonymous").get(path))
        assert "Phuket resilience memorandum" in shown, path
        assert "Parties: City of Phuket; Asian Development Bank; Kingdom of Thailand" in shown
        # a draft agreement is the Secretariat's alone
        assert "data-sharing draft" not in shown, path
    assert "Phuket data-sharing draft" in text(roles.session(SECRETARIAT).get("/cities/phuket/"))
    # a page no agreement names has no such section
    assert "memorandum" not in text(roles.session("anonymous").get("/cities/hanoi/"))


def test_an_agreement_still_in_negotiation_is_not_listed_as_signed_at_its_meeting(roles, text):
    secretariat = roles.user(SECRETARIAT)
    start = dt.date.today() + dt.timedelta(days=30)
    meeting = meeting_create(
        actor=secretariat,
        slug="next-workshop",
        values={
            "title": "Next workshop",
            "kind": "workshop",
            "start_date": start,
            "end_date": start,
            "host_member_state": MemberState.objects.get(code="TH"),
        },
    )
    draft = agreement_create(
        actor=secretariat,
        title="Tourist safety memorandum",
        parties=[{"name": "Alpha"}, {"name": "Beta"}],
        meeting=meeting,
        visibility="public",
    )
    shown = text(roles.session("anonymous").get(meeting.get_absolute_url()))
    signed_part = shown.split("Agreements signed at this meeting")[1].split("In negotiation")[0]
    assert "Tourist safety memorandum" not in signed_part and "none recorded" in signed_part
    assert "In negotiation, to be signed at this meeting Tourist safety memorandum" in shown
    # its own page says it is not signed yet, rather than that its date is not published
    page = text(roles.session("anonymous").get(draft.get_absolute_url()))
    assert "Signed not yet: in negotiation" in page


def test_the_open_data_names_an_agreements_parties_and_its_public_projects(client, linked):
    rows = list(
        csv.DictReader(io.StringIO(client.get("/data/agreements.csv").content.decode("utf-8-sig")))
    )
    row = next(r for r in rows if r["title"] == "Phuket resilience memorandum")
    assert row["parties"] == "City of Phuket;Asian Development Bank;Kingdom of Thailand"
    # the draft project is not public: its id is left out
    assert row["projects"] == str(linked["public"].pk)
    assert not any(r["title"] == "Phuket data-sharing draft" for r in rows)
