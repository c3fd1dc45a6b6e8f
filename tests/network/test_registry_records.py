"""The Secretariat keeps the registry's records from the site (issue 16 item 3): a member
state's official name, membership date, note and source; a city's record; a city joining
the network. Pages and API alike: only the Secretariat, a stale edit is a 409 that shows
what differs, bad input changes nothing, every write is audited."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.utils import translation

from ascn.core.models import AuditEntry
from ascn.network.models import City, MemberState
from tests.roles import ANONYMOUS, CSO_PHUKET, NR_TH, PARTNER_ADB, SECRETARIAT

pytest_plugins = ["tests.roles"]

pytestmark = pytest.mark.django_db

NEW_CITY = {
    "member_state": "TH",
    "name": "Example Town",
    "alt_names": "Town of Example",
    "cohort": "2019",
    "cohort_source": "ASEAN Secretariat, ASCN cities list",
    "latitude": "16.43220",
    "longitude": "102.82360",
}


def _city_form(city: City, **changes) -> dict:
    data = {
        "version": city.version,
        "name": city.name,
        "alt_names": city.alt_names,
        "cohort": city.cohort,
        "cohort_source": city.cohort_source,
        "cohort_note": city.cohort_note,
        "population": city.population or "",
        "population_year": city.population_year or "",
        "population_source": city.population_source,
        "population_note": city.population_note,
        "latitude": city.latitude,
        "longitude": city.longitude,
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    ("who", "status"),
    [(ANONYMOUS, 302), (CSO_PHUKET, 403), (NR_TH, 403), (PARTNER_ADB, 403), (SECRETARIAT, 200)],
)
def test_only_the_secretariat_opens_the_registry_forms(roles, who, status):
    client = roles.session(who)
    for url in ("/member-states/th/edit/", "/cities/phuket/edit/", "/cities/new/"):
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize("who", [CSO_PHUKET, NR_TH, PARTNER_ADB])
def test_others_cannot_write_the_registry_and_nothing_changes(roles, who):
    phuket = City.objects.get(slug="phuket")
    client = roles.session(who)
    entries = AuditEntry.objects.count()
    assert client.post("/cities/phuket/edit/", _city_form(phuket, name="X")).status_code == 403
    assert client.post("/cities/new/", NEW_CITY).status_code == 403
    state = MemberState.objects.get(code="TH")
    edit = {"version": state.version, "official_name": "X", "note": "", "source": ""}
    assert client.post("/member-states/th/edit/", edit).status_code == 403
    api = roles.bearer(who)
    entries = AuditEntry.objects.count()  # (its token's creation is audited)
    patched = api.patch(
        "/api/v1/cities/phuket",
        json.dumps({"version": phuket.version, "name": "X"}),
        content_type="application/json",
    )
    assert patched.status_code == 403
    assert AuditEntry.objects.count() == entries
    assert City.objects.get(slug="phuket").name == "Phuket"
    assert not City.objects.filter(slug="example-town").exists()


def test_the_secretariat_edits_a_member_state_and_the_change_is_audited(roles):
    state = MemberState.objects.get(code="TH")
    client = roles.session(SECRETARIAT)
    response = client.post(
        "/member-states/th/edit/",
        {
            "version": state.version,
            "official_name": "Kingdom of Thailand",
            "asean_member_since": "1967-08-08",
            "note": "A founding member: the Bangkok Declaration.",
            "source": "ASEAN Secretariat, ASEAN Member States",
        },
    )
    assert response.status_code == 302
    state.refresh_from_db()
    assert state.note == "A founding member: the Bangkok Declaration."
    assert state.version == 2 or state.version > 1
    entry = AuditEntry.objects.filter(action="network.memberstate.updated").latest("pk")
    assert "note" in entry.changes


def test_a_member_states_record_is_named_in_the_pages_language(roles, text):
    with translation.override("th"):
        thailand = translation.gettext("Thailand")
    assert thailand != "Thailand"
    page = text(roles.session(SECRETARIAT).get("/th/member-states/th/edit/"))
    assert thailand in page and "Thailand" not in page


def test_a_stale_member_state_edit_is_a_409_showing_what_differs(roles, text):
    state = MemberState.objects.get(code="TH")
    seen = state.version
    client = roles.session(SECRETARIAT)
    form = {"version": seen, "official_name": state.official_name, "source": state.source}
    assert client.post("/member-states/th/edit/", {**form, "note": "First"}).status_code == 302
    stale = client.post("/member-states/th/edit/", {**form, "note": "Second"})
    assert stale.status_code == 409
    page = text(stale)
    assert "Someone else saved this record" in page
    assert "First" in page and "Second" in page
    state.refresh_from_db()
    assert state.note == "First"
    # saving again, on purpose, keeps the second version
    again = client.post(
        "/member-states/th/edit/", {**form, "version": state.version, "note": "Second"}
    )
    assert again.status_code == 302
    state.refresh_from_db()
    assert state.note == "Second"


def test_the_secretariat_edits_a_city_and_its_size_class_follows_the_population(roles, text):
    phuket = City.objects.get(slug="phuket")
    client = roles.session(SECRETARIAT)
    response = client.post(
        "/cities/phuket/edit/",
        _city_form(
            phuket,
            population="2500000",
            population_year="2024",
            population_source="Test source, 2024",
        ),
    )
    assert response.status_code == 302, text(response)
    phuket.refresh_from_db()
    assert phuket.size_class == "large"
    assert AuditEntry.objects.filter(
        action="network.city.updated", object_id=str(phuket.pk)
    ).exists()
    assert "Large (2 – 10 million)" in text(client.get("/cities/phuket/edit/"))


def test_a_city_edit_with_two_mistakes_names_both_at_once(roles, text):
    # given a population without its year or its source
    phuket = City.objects.get(slug="phuket")
    changes = {"population": "100000", "population_year": "", "population_source": ""}
    response = roles.session(SECRETARIAT).post(
        "/cities/phuket/edit/", _city_form(phuket, **changes)
    )
    # then both are named on the one refusal, not the second after the first is mended
    assert response.status_code == 422
    shown = text(response)
    assert "Give the year of the population figure." in shown
    assert "Give the source of the population figure." in shown


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"population": "100000", "population_year": "", "population_source": "x"}, "year"),
        ({"population": "100000", "population_year": "2020", "population_source": ""}, "source"),
        ({"latitude": "95"}, "90"),
        ({"cohort": "2017"}, "2018"),
        ({"version": "0"}, ""),
    ],
)
def test_a_wrong_city_edit_is_refused_and_nothing_is_written(roles, changes, message, text):
    phuket = City.objects.get(slug="phuket")
    entries = AuditEntry.objects.count()
    response = roles.session(SECRETARIAT).post(
        "/cities/phuket/edit/", _city_form(phuket, **changes)
    )
    assert response.status_code == 422
    assert message in text(response)
    assert AuditEntry.objects.count() == entries
    after = City.objects.get(slug="phuket")
    assert (after.name, after.population, after.latitude, after.version) == (
        phuket.name,
        phuket.population,
        phuket.latitude,
        phuket.version,
    )


def test_a_stale_city_edit_is_a_409_and_keeps_what_was_saved(roles, text):
    phuket = City.objects.get(slug="phuket")
    client = roles.session(SECRETARIAT)
    assert (
        client.post("/cities/phuket/edit/", _city_form(phuket, cohort_note="Mine")).status_code
        == 302
    )
    stale = client.post("/cities/phuket/edit/", _city_form(phuket, cohort_note="Theirs"))
    assert stale.status_code == 409
    assert "Mine" in text(stale) and "Theirs" in text(stale)
    assert City.objects.get(slug="phuket").cohort_note == "Mine"


def test_the_secretariat_adds_a_city_with_a_slug_from_its_name(roles, text):
    client = roles.session(SECRETARIAT)
    response = client.post("/cities/new/", NEW_CITY)
    assert response.status_code == 302, text(response)
    city = City.objects.get(slug="example-town")
    assert response["Location"] == city.get_absolute_url()
    assert (city.member_state.code, city.cohort, city.latitude) == ("TH", 2019, Decimal("16.43220"))
    assert city.population is None  # no source gives it here: it stays empty
    entry = AuditEntry.objects.get(action="network.city.created", object_id=str(city.pk))
    assert "name" in entry.changes
    # the same name again gets its own address
    client.post("/cities/new/", NEW_CITY)
    assert City.objects.filter(slug="example-town-2").exists()
    assert "Example Town" in text(client.get("/cities/?country=TH"))


def test_a_wrong_new_city_is_refused_and_nothing_is_written(roles):
    client = roles.session(SECRETARIAT)
    cities = City.objects.count()
    entries = AuditEntry.objects.count()
    for changes in ({"member_state": "ZZ"}, {"longitude": "200"}, {"population": "5000"}):
        assert client.post("/cities/new/", {**NEW_CITY, **changes}).status_code == 422
    assert (City.objects.count(), AuditEntry.objects.count()) == (cities, entries)


def test_a_refused_city_says_what_to_correct_at_the_top(roles, text):
    client = roles.session(SECRETARIAT)
    response = client.post("/cities/new/", {**NEW_CITY, "population": "5000"})
    shown = text(response)
    assert response.status_code == 422
    # the summary names each field's problem and links to it, as every form's does
    summary = shown.split("There is a problem — nothing was saved")[1].split("Member state")[0]
    assert "Year of the population figure: Give the year of the population figure." in summary
    assert 'href="#id_population_year"' in response.content.decode()


def _json(client, method, path, body):
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


def test_the_api_edits_a_member_state_with_versions(roles):
    client = roles.bearer(SECRETARIAT)
    state = MemberState.objects.get(code="VN")
    done = _json(
        client, "patch", "/api/v1/member-states/vn", {"version": state.version, "note": "N"}
    )
    assert done.status_code == 200, done.content
    assert done.json()["note"] == "N"
    assert done.json()["version"] == state.version + 1
    stale = _json(
        client, "patch", "/api/v1/member-states/VN", {"version": state.version, "note": "M"}
    )
    assert stale.status_code == 409
    future = _json(
        client,
        "patch",
        "/api/v1/member-states/VN",
        {"version": state.version + 1, "asean_member_since": "2999-01-01"},
    )
    assert future.status_code == 422
    assert _json(client, "patch", "/api/v1/member-states/ZZ", {"version": 1}).status_code == 404
    state.refresh_from_db()
    assert (
        state.note,
        state.asean_member_since is None or state.asean_member_since.year < 2999,
    ) == (
        "N",
        True,
    )


def test_the_api_adds_and_edits_a_city(roles):
    client = roles.bearer(SECRETARIAT)
    created = _json(
        client,
        "post",
        "/api/v1/cities",
        {
            "member_state": "th",
            "name": "Example Town",
            "cohort": 2019,
            "lat": 16.4322,
            "lon": 102.8236,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["slug"], body["country"], body["version"]) == ("example-town", "TH", 1)
    patched = _json(
        client,
        "patch",
        "/api/v1/cities/example-town",
        {
            "version": 1,
            "population": 120000,
            "population_year": 2020,
            "population_source": "Test census",
            "lat": 16.44,
        },
    )
    assert patched.status_code == 200, patched.content
    assert (patched.json()["size_class"], patched.json()["lat"]) == ("small", 16.44)
    entries = AuditEntry.objects.count()
    assert (
        _json(
            client, "patch", "/api/v1/cities/example-town", {"version": 1, "name": "Y"}
        ).status_code
        == 409
    )
    assert (
        _json(
            client, "patch", "/api/v1/cities/example-town", {"version": 2, "name": None}
        ).status_code
        == 422
    )
    assert (
        _json(
            client, "patch", "/api/v1/cities/example-town", {"version": 2, "population_year": None}
        ).status_code
        == 422
    )
    assert (
        _json(
            client,
            "post",
            "/api/v1/cities",
            {"member_state": "ZZ", "name": "Q", "cohort": 2019, "lat": 1, "lon": 1},
        ).status_code
        == 422
    )
    assert AuditEntry.objects.count() == entries
    assert City.objects.get(slug="example-town").name == "Example Town"
