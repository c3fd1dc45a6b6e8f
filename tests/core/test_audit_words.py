"""The audit trail in people's words (issue 16 item 6): kinds of record and the records a change
points to by their names, a filter by kind chosen from a list, by person (name or e-mail) and
by date range; the CSV as before."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ascn.meetings.services import meeting_create
from ascn.network.models import City, MemberState
from ascn.partners.services import organisation_create

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.roles"]


@pytest.fixture
def meeting(roles):
    return meeting_create(
        actor=roles.user("secretariat"),
        values={
            "title": "ASCN Workshop on Water",
            "kind": "workshop",
            "start_date": timezone.localdate() + dt.timedelta(days=30),
            "host_member_state": MemberState.objects.get(code="TH"),
            "host_city": City.objects.get(slug="phuket"),
        },
    )


def test_changes_name_the_records_they_point_to(roles, meeting):
    page = roles.session("secretariat").get("/audit/", {"object_type": "meetings.meeting"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "Meeting: <strong>ASCN Workshop on Water</strong>" in body
    assert "host city: — → Phuket" in body
    assert "host member state: — → Thailand" in body
    assert "kind: — → Workshop" in body  # a choice by its label
    assert "description: — → —" not in body  # nothing a person would see changed


def test_the_kind_of_record_is_chosen_from_a_list_and_a_wrong_one_is_refused(roles, meeting):
    client = roles.session("secretariat")
    form = client.get("/audit/").content.decode()
    assert '<option value="meetings.meeting">Meeting (meetings)</option>' in form
    refused = client.get("/audit/", {"object_type": "meetings.nothing"})
    assert refused.status_code == 400
    assert "Select a valid choice" in refused.content.decode()


def test_the_trail_is_filtered_by_person_name_and_date_range(roles, meeting):
    secretariat = roles.user("secretariat")
    secretariat.full_name = "Siti Rahman"
    secretariat.save(update_fields=["full_name"])
    organisation_create(actor=roles.user("secretariat"), name="Mekong Green Fund", kind="investor")
    client = roles.session("secretariat")
    today = timezone.localdate()
    by_name = client.get("/audit/", {"actor": "rahman", "since": today.isoformat()})
    body = by_name.content.decode()
    assert "Mekong Green Fund" in body and "ASCN Workshop on Water" in body
    assert (
        "ASCN Workshop on Water" not in client.get("/audit/", {"actor": "nobody"}).content.decode()
    )
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert "Mekong Green Fund" not in client.get("/audit/", {"since": tomorrow}).content.decode()
    backwards = client.get("/audit/", {"since": tomorrow, "until": today.isoformat()})
    assert backwards.status_code == 400
    assert "comes before its start" in backwards.content.decode()


def test_a_page_of_the_trail_reads_names_in_a_bounded_number_of_queries(
    roles, meeting, django_assert_max_num_queries
):
    client = roles.session("secretariat")
    client.get("/audit/")  # warm the session and the kinds of record
    with django_assert_max_num_queries(25):
        assert client.get("/audit/").status_code == 200
