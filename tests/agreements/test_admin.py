"""The Secretariat's back office for agreements and discussions: same rules as the services."""

from __future__ import annotations

from ascn.agreements.models import Agreement
from ascn.cooperation.models import Thread
from ascn.cooperation.services import thread_create
from ascn.network.models import FocusArea

pytest_plugins = ["tests.roles"]

BASE = "/admin/agreements/agreement/"


def _form(parties: list[str]) -> dict:
    data = {
        "slug": "admin-made",
        "title": "Admin made",
        "kind": "mou",
        "signed_date_precision": "day",
        "visibility": "draft",
        "parties-TOTAL_FORMS": str(len(parties)),
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "2",
        "parties-MAX_NUM_FORMS": "1000",
    }
    for index, name in enumerate(parties):
        data[f"parties-{index}-name"] = name
        data[f"parties-{index}-position"] = str(index + 1)
    return data


def test_the_back_office_refuses_an_agreement_with_one_party(roles):
    # given
    client = roles.session("secretariat")
    assert client.get(BASE).status_code == 200
    # when
    response = client.post(f"{BASE}add/", _form(["Only party"]))
    # then
    assert response.status_code == 200  # the form again, with the error
    assert not Agreement.objects.exists()
    # when two parties
    response = client.post(f"{BASE}add/", _form(["First", "Second"]))
    # then
    assert response.status_code == 302
    agreement = Agreement.objects.get(slug="admin-made")
    assert [p.name for p in agreement.parties.all()] == ["First", "Second"]


def test_the_back_office_moderates_threads_through_the_services(roles):
    # given
    thread = thread_create(
        actor=roles.user("cso_phuket"),
        focus_area=FocusArea.objects.get(code="civic-social"),
        title="Open data",
        body="Which portals?",
    )
    client = roles.session("secretariat")
    # when
    response = client.post(
        "/admin/cooperation/thread/", {"action": "lock", "_selected_action": [thread.pk]}
    )
    # then
    assert response.status_code == 302
    assert Thread.objects.get(pk=thread.pk).locked
