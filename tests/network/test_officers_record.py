"""The Secretariat keeps the officers' record from the site (issue 16 item 3): appointments of
CSCOs and National Representatives with start and end dates; a successor ends the
predecessors' appointments and the history stays; the founding officers are "on record from
2018", not current once a successor is recorded."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ascn.core.models import AuditEntry
from ascn.network.models import Appointment, Person
from tests.roles import CSO_PHUKET, NR_TH, SECRETARIAT

pytest_plugins = ["tests.roles"]

pytestmark = pytest.mark.django_db


def _phuket_officers():
    return Appointment.objects.filter(city__slug="phuket", role="cso")


def test_the_founding_officers_are_on_record_from_2018_as_the_founding_document_lists_them(
    roles,
):
    founders = list(_phuket_officers())
    assert founders
    assert {(a.start_date, a.start_date_precision) for a in founders} == {
        (dt.date(2018, 1, 1), "year")
    }
    page = roles.session("anonymous").get("/cities/phuket/").content.decode()
    assert 'In office since <time datetime="2018">2018</time>' in page


def test_a_successor_ends_the_founders_appointments_and_the_history_stays(roles):
    founders = [a.person.full_name for a in _phuket_officers()]
    client = roles.session(SECRETARIAT)
    assert client.get("/cities/phuket/officers/").status_code == 200
    # when
    response = client.post(
        "/cities/phuket/officers/",
        {
            "full_name": "Nanthawan Sukjai",
            "email": "cso@phuket.example",
            "designation": "Director, Phuket Smart City Office",
            "start_date": "2026-01-15",
            "succeeds": "on",
            "source": "Phuket City Municipality, appointment order 12/2026",
        },
    )
    # then
    assert response.status_code == 302
    current = list(Appointment.objects.current().filter(city__slug="phuket", role="cso"))
    assert [a.person.full_name for a in current] == ["Nanthawan Sukjai"]
    ended = _phuket_officers().exclude(person__full_name="Nanthawan Sukjai")
    assert sorted(a.person.full_name for a in ended) == sorted(founders)
    assert {a.end_date for a in ended} == {dt.date(2026, 1, 15)}
    assert AuditEntry.objects.filter(action="network.appointment.ended").count() == len(founders)
    page = roles.session("anonymous").get("/cities/phuket/").content.decode()
    assert "Nanthawan Sukjai" in page
    officers_section = page.split("Former officers")[0]
    assert all(name not in officers_section for name in founders)
    assert all(name in page for name in founders)  # in the history


def test_an_officer_added_beside_the_others_ends_nobody(roles):
    before = _phuket_officers().filter(end_date__isnull=True).count()
    roles.session(SECRETARIAT).post(
        "/cities/phuket/officers/",
        {"full_name": "Second Officer", "start_date": "2026-02-01", "source": "Letter"},
    )
    assert _phuket_officers().filter(end_date__isnull=True).count() == before + 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"full_name": ""}, "This field is required."),
        ({"source": ""}, "This field is required."),
        ({"start_date": ""}, "Give the date the successor takes office"),
        ({"start_date": "2017-06-01"}, "took office after that date"),
    ],
)
def test_a_wrong_appointment_is_refused_and_nothing_is_written(roles, fields, message):
    entries = AuditEntry.objects.count()
    people = Person.objects.count()
    data = {
        "full_name": "Someone New",
        "start_date": "2026-01-15",
        "succeeds": "on",
        "source": "Letter",
        **fields,
    }
    response = roles.session(SECRETARIAT).post("/cities/phuket/officers/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert AuditEntry.objects.count() == entries
    assert Person.objects.count() == people
    assert _phuket_officers().filter(end_date__isnull=False).count() == 0


@pytest.mark.parametrize("who", [CSO_PHUKET, NR_TH])
def test_only_the_secretariat_keeps_the_officers_record(roles, who):
    client = roles.session(who)
    assert client.get("/cities/phuket/officers/").status_code == 403
    founder = _phuket_officers().first()
    response = client.post(f"/appointments/{founder.pk}/end/", {"end_date": "2026-01-01"})
    assert response.status_code == 403
    founder.refresh_from_db()
    assert founder.end_date is None
    assert "officers/" not in client.get("/cities/phuket/").content.decode()


def test_ending_an_appointment_keeps_it_and_ending_it_twice_is_refused(roles):
    founder = _phuket_officers().first()
    client = roles.session(SECRETARIAT)
    ended = client.post(f"/appointments/{founder.pk}/end/", {"end_date": "2025-12-31"})
    assert ended.status_code == 302
    founder.refresh_from_db()
    assert founder.end_date == dt.date(2025, 12, 31)
    again = client.post(f"/appointments/{founder.pk}/end/", {"end_date": "2026-01-31"}, follow=True)
    assert "already ended" in again.content.decode()
    founder.refresh_from_db()
    assert founder.end_date == dt.date(2025, 12, 31)


def test_the_api_records_a_national_representative_who_succeeds_and_ends_appointments(roles):
    client = roles.bearer(SECRETARIAT)

    def post(path, body):
        return client.post(path, json.dumps(body), content_type="application/json")

    first = post(
        "/api/v1/appointments",
        {
            "full_name": "First Rep",
            "role": "national_representative",
            "member_state": "th",
            "start_date": "2024-01-01",
            "source": "Ministry letter",
        },
    )
    assert first.status_code == 201, first.content
    second = post(
        "/api/v1/appointments",
        {
            "full_name": "Second Rep",
            "role": "national_representative",
            "member_state": "TH",
            "start_date": "2026-03-01",
            "succeeds": True,
            "source": "Ministry letter 2",
        },
    )
    assert second.status_code == 201
    reps = Appointment.objects.filter(member_state__code="TH", role="national_representative")
    assert {(a.person.full_name, a.end_date) for a in reps} >= {
        ("First Rep", dt.date(2026, 3, 1)),
        ("Second Rep", None),
    }
    ended = post(f"/api/v1/appointments/{second.json()['id']}/end", {"end_date": "2026-06-30"})
    assert ended.status_code == 200
    assert ended.json()["end_date"] == "2026-06-30"
    # refused: a CSCO without a city, an unknown state, a city of another state, a CSCO's token
    cso = roles.bearer(CSO_PHUKET)  # (creating its token is audited: before counting)
    entries = AuditEntry.objects.count()
    for body in (
        {"full_name": "X", "role": "cso", "member_state": "TH", "source": "s"},
        {"full_name": "X", "role": "cso", "member_state": "ZZ", "city": "phuket", "source": "s"},
        {"full_name": "X", "role": "cso", "member_state": "VN", "city": "phuket", "source": "s"},
    ):
        assert post("/api/v1/appointments", body).status_code == 422
    refused = cso.post(
        "/api/v1/appointments",
        json.dumps(
            {"full_name": "X", "role": "cso", "member_state": "TH", "city": "phuket", "source": "s"}
        ),
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert AuditEntry.objects.count() == entries
