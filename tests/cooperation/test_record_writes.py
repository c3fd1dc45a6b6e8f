"""Case studies and city partnerships kept from the site: pages and the write API (issue 16
items 3 and 4). Case studies are the Secretariat's; a city's partnerships are also its
officers' and its member state's representatives'. Every write is audited; a stale or wrong
one changes nothing."""

from __future__ import annotations

import json

import pytest

from ascn.cooperation.models import CaseStudy, CityPartnership
from ascn.cooperation.services import (
    case_study_create,
    case_study_update,
    partnership_create,
    partnership_update,
)
from ascn.core.models import AuditEntry
from ascn.network.models import City, FocusArea
from tests import factories
from tests.roles import ANONYMOUS, CSO_HANOI, CSO_PHUKET, NR_TH, PARTNER_ADB, SECRETARIAT

pytest_plugins = ["tests.roles"]

pytestmark = pytest.mark.django_db


def _study(**extra) -> CaseStudy:
    values = {
        "title": "Flood warnings by text message",
        "problem": "Floods arrived before the warnings.",
        "solution": "River gauges text the residents downstream.",
        "focus_area": FocusArea.objects.get(code="built-infrastructure"),
        "visibility": "public",
        **extra,
    }
    return case_study_create(actor=None, **values)


def _partnership(city: str = "phuket", **extra) -> CityPartnership:
    return partnership_create(
        actor=None,
        city=City.objects.get(slug=city),
        partner_name="Yokohama",
        purpose="Smart port know-how",
        visibility="public",
        **extra,
    )


def _json(client, method: str, path: str, body: dict):
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


def _audit(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


CASE_FORM = {
    "title": "Smart street lighting",
    "focus_area": "quality-environment",
    "city": "phuket",
    "provider": "Asian Development Bank",
    "provider_name": "",
    "problem": "Street lights burned all night.\n\nThe bill grew every year.",
    "solution": "Lights dim when nobody passes.",
    "results": "",
    "source": "",
    "visibility": "network",
}


# --- case studies: pages ----------------------------------------------------------------


def test_the_secretariat_adds_a_case_study_from_the_cooperation_page(roles, adb):
    client = roles.session(SECRETARIAT)
    index = client.get("/cooperation/").content.decode()
    assert "/cooperation/case-studies/new/" in index
    assert "/cooperation/case-studies/new/" in client.get("/workspace/").content.decode()
    assert client.get("/cooperation/case-studies/new/").status_code == 200
    # when
    response = client.post("/cooperation/case-studies/new/", CASE_FORM)
    # then
    study = CaseStudy.objects.get()
    assert response.status_code == 302
    assert response["Location"] == "/cooperation/case-studies/smart-street-lighting/"
    assert (study.city.slug, study.provider, study.provider_name) == ("phuket", adb, adb.name)
    assert study.focus_area.code == "quality-environment"
    assert _audit("cooperation.casestudy.created") == 1
    page = client.get(response["Location"]).content.decode()
    assert "The case study is added to the knowledge bank." in page
    assert "/cooperation/case-studies/smart-street-lighting/edit/" in page
    # the same title again gets its own address
    client.post("/cooperation/case-studies/new/", CASE_FORM)
    assert CaseStudy.objects.filter(slug="smart-street-lighting-2").exists()


@pytest.mark.parametrize("who", [CSO_PHUKET, NR_TH, PARTNER_ADB, ANONYMOUS])
def test_only_the_secretariat_adds_or_edits_case_studies(roles, who):
    study = _study()
    client = roles.session(who)
    assert "/cooperation/case-studies/new/" not in client.get("/cooperation/").content.decode()
    assert "/edit/" not in client.get(study.get_absolute_url()).content.decode()
    # when
    created = client.post("/cooperation/case-studies/new/", CASE_FORM)
    edited = client.post(
        f"/cooperation/case-studies/{study.slug}/edit/",
        {**CASE_FORM, "version": study.version},
    )
    # then
    expected = 302 if who == ANONYMOUS else 403  # anonymous: sent to sign in
    assert (created.status_code, edited.status_code) == (expected, expected)
    assert CaseStudy.objects.count() == 1
    assert CaseStudy.objects.get().title == "Flood warnings by text message"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"problem": "  "}, "This field is required."),
        ({"focus_area": "astrology"}, "Select a valid choice."),
        ({"city": "atlantis"}, "Select a valid choice."),
        ({"provider": "Atlantis Holdings"}, "No organisation is called"),
        ({"visibility": "secret"}, "Select a valid choice."),
    ],
)
def test_a_wrong_case_study_is_refused_with_the_reason_and_nothing_is_saved(
    roles, adb, fields, message
):
    client = roles.session(SECRETARIAT)
    entries = AuditEntry.objects.count()
    # when
    response = client.post("/cooperation/case-studies/new/", {**CASE_FORM, **fields})
    # then
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not CaseStudy.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_a_stale_case_study_edit_shows_both_versions_and_can_then_be_saved(roles, adb):
    study = _study()
    client = roles.session(SECRETARIAT)
    form = client.get(f"/cooperation/case-studies/{study.slug}/edit/")
    assert form.status_code == 200
    assert "Floods arrived before the warnings." in form.content.decode()
    data = {
        **CASE_FORM,
        "title": "Flood warnings (revised)",
        "focus_area": "built-infrastructure",
        "provider": "",
        "version": str(study.version),
    }
    # someone else saves first
    case_study_update(
        actor=roles.user(SECRETARIAT),
        study=CaseStudy.objects.get(pk=study.pk),
        version=study.version,
        title="Flood warnings 2026",
    )
    # when
    response = client.post(f"/cooperation/case-studies/{study.slug}/edit/", data)
    # then
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this" in body
    assert "Flood warnings 2026" in body and "Flood warnings (revised)" in body
    assert CaseStudy.objects.get(pk=study.pk).title == "Flood warnings 2026"
    # saving the form as shown again is a deliberate choice, and it saves
    data["version"] = str(study.version + 1)
    again = client.post(f"/cooperation/case-studies/{study.slug}/edit/", data)
    assert again.status_code == 302
    saved = CaseStudy.objects.get(pk=study.pk)
    assert (saved.title, saved.slug, saved.visibility) == (
        "Flood warnings (revised)",
        study.slug,
        "network",
    )
    assert _audit("cooperation.casestudy.updated") == 2


# --- partnerships: pages ----------------------------------------------------------------

PARTNERSHIP_FORM = {
    "city": "phuket",
    "partner_city": "",
    "partner_name": "Kitakyushu",
    "partner_country": "Japan",
    "purpose": "Waste to energy",
    "start_date": "2019-05-01",
    "end_date": "",
    "outcomes": "",
    "source": "",
    "visibility": "public",
}


@pytest.mark.parametrize(
    ("who", "may"),
    [
        (SECRETARIAT, True),
        (NR_TH, True),
        (CSO_PHUKET, True),
        (CSO_HANOI, False),
        (PARTNER_ADB, False),
    ],
)
def test_a_partnership_is_edited_by_its_city_its_representative_and_the_secretariat(
    roles, who, may
):
    partnership = _partnership()
    client = roles.session(who)
    url = f"/cooperation/partnerships/{partnership.pk}/edit/"
    assert (url in client.get("/cooperation/").content.decode()) is may
    data = {**PARTNERSHIP_FORM, "version": partnership.version}
    # when
    response = client.post(url, data)
    # then
    assert response.status_code == (302 if may else 403)
    partnership.refresh_from_db()
    assert (partnership.partner_name == "Kitakyushu") is may
    assert _audit("cooperation.partnership.updated") == (1 if may else 0)
    if may:
        assert partnership.city.slug == "phuket"  # its ASCN city stays
        assert client.get(url).status_code == 200


def test_a_partnership_is_ended_and_stays_on_record(roles):
    partnership = _partnership(start_date="2019-05-01")
    client = roles.session(CSO_PHUKET)
    url = f"/cooperation/partnerships/{partnership.pk}/end/"
    # an end before the start, or in the future, is refused and changes nothing
    before = client.post(url, {"end-end_date": "2018-01-01", "end-version": partnership.version})
    future = client.post(url, {"end-end_date": "2999-01-01", "end-version": partnership.version})
    assert (before.status_code, future.status_code) == (422, 422)
    assert "The end cannot come before the start." in before.content.decode()
    assert CityPartnership.objects.get(pk=partnership.pk).end_date is None
    # when
    ended = client.post(url, {"end-end_date": "2024-12-31", "end-version": partnership.version})
    # then
    assert ended.status_code == 302
    partnership.refresh_from_db()
    assert str(partnership.end_date) == "2024-12-31"
    assert "2019–2024" in client.get("/cooperation/").content.decode()
    # the version read before the end is stale now
    stale = client.post(url, {"end-end_date": "2025-01-31", "end-version": partnership.version - 1})
    assert stale.status_code == 409
    assert str(CityPartnership.objects.get(pk=partnership.pk).end_date) == "2024-12-31"


def test_a_stale_partnership_edit_shows_what_differs(roles):
    partnership = _partnership()
    client = roles.session(NR_TH)
    partnership_update(
        actor=None,
        partnership=CityPartnership.objects.get(pk=partnership.pk),
        version=partnership.version,
        purpose="Port logistics",
    )
    # when
    response = client.post(
        f"/cooperation/partnerships/{partnership.pk}/edit/",
        {**PARTNERSHIP_FORM, "version": partnership.version},
    )
    # then
    assert response.status_code == 409
    body = response.content.decode()
    assert "Port logistics" in body and "Waste to energy" in body
    assert CityPartnership.objects.get(pk=partnership.pk).partner_name == "Yokohama"


def test_a_partnership_with_an_ascn_city_takes_its_name_and_country(roles):
    client = roles.session(SECRETARIAT)
    data = {**PARTNERSHIP_FORM, "partner_city": "hanoi", "partner_name": "", "partner_country": ""}
    response = client.post("/cooperation/partnerships/new/", data)
    assert response.status_code == 302
    partnership = CityPartnership.objects.get()
    assert (partnership.partner_name, partnership.partner_country) == ("Hanoi", "Viet Nam")
    # with itself: refused
    itself = client.post("/cooperation/partnerships/new/", {**data, "partner_city": "phuket"})
    assert itself.status_code == 422
    assert CityPartnership.objects.count() == 1


# --- API --------------------------------------------------------------------------------

CASE_BODY = {
    "title": "Smart street lighting",
    "focus_area": "quality-environment",
    "city": "phuket",
    "provider": "asian-development-bank",
    "problem": "Street lights burned all night.",
    "solution": "Lights dim when nobody passes.",
    "visibility": "network",
}


def test_the_api_adds_and_edits_a_case_study_with_versions(roles, adb):
    client = roles.bearer(SECRETARIAT)
    # when
    created = _json(client, "post", "/api/v1/case-studies", CASE_BODY)
    # then
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["slug"], body["provider"], body["provider_name"], body["version"]) == (
        "smart-street-lighting",
        "asian-development-bank",
        adb.name,
        1,
    )
    path = "/api/v1/case-studies/smart-street-lighting"
    edited = _json(
        client, "patch", path, {"version": 1, "results": "Half the power.", "provider": None}
    )
    assert edited.status_code == 200, edited.content
    assert (edited.json()["results"], edited.json()["provider"]) == ("Half the power.", None)
    assert edited.json()["version"] == 2
    stale = _json(client, "patch", path, {"version": 1, "title": "Old"})
    assert stale.status_code == 409
    assert CaseStudy.objects.get().title == "Smart street lighting"
    assert _audit("cooperation.casestudy.created") == 1
    assert _audit("cooperation.casestudy.updated") == 1


@pytest.mark.parametrize(
    "change",
    [
        {"focus_area": "astrology"},
        {"city": "atlantis"},
        {"provider": "no-such-bank"},
        {"slug": "new"},
        {"title": ""},
        {"problem": None},
        {"visibility": "secret"},
    ],
)
def test_the_api_refuses_a_wrong_case_study_and_writes_nothing(roles, adb, change):
    client = roles.bearer(SECRETARIAT)
    entries = AuditEntry.objects.count()
    response = _json(client, "post", "/api/v1/case-studies", {**CASE_BODY, **change})
    assert response.status_code == 422, response.content
    assert "detail" in response.json()
    assert not CaseStudy.objects.exists()
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize("who", [CSO_PHUKET, NR_TH, PARTNER_ADB])
def test_only_the_secretariat_writes_case_studies_through_the_api(roles, adb, who):
    study = _study()
    client = roles.bearer(who)
    created = _json(client, "post", "/api/v1/case-studies", CASE_BODY)
    edited = _json(
        client, "patch", f"/api/v1/case-studies/{study.slug}", {"version": 1, "title": "X"}
    )
    assert (created.status_code, edited.status_code) == (403, 403)
    assert list(CaseStudy.objects.values_list("title", flat=True)) == [study.title]


def test_anonymous_callers_write_nothing(roles):
    study, partnership = _study(), _partnership()
    client = roles.session(ANONYMOUS)
    answers = [
        _json(client, "post", "/api/v1/case-studies", CASE_BODY).status_code,
        _json(client, "patch", f"/api/v1/case-studies/{study.slug}", {"version": 1}).status_code,
        _json(client, "post", "/api/v1/partnerships", {"city": "phuket"}).status_code,
        _json(
            client, "patch", f"/api/v1/partnerships/{partnership.pk}", {"version": 1}
        ).status_code,
    ]
    assert answers == [401, 401, 401, 401]
    assert CaseStudy.objects.count() == CityPartnership.objects.count() == 1


PARTNERSHIP_BODY = {
    "city": "phuket",
    "partner_name": "Kitakyushu",
    "partner_country": "Japan",
    "purpose": "Waste to energy",
    "start_date": "2019-05-01",
    "visibility": "public",
}


@pytest.mark.parametrize(
    ("who", "status"),
    [(SECRETARIAT, 201), (NR_TH, 201), (CSO_PHUKET, 201), (CSO_HANOI, 403), (PARTNER_ADB, 403)],
)
def test_the_api_records_a_partnership_for_those_who_speak_for_the_city(roles, who, status):
    response = _json(roles.bearer(who), "post", "/api/v1/partnerships", PARTNERSHIP_BODY)
    assert response.status_code == status, response.content
    assert CityPartnership.objects.count() == (1 if status == 201 else 0)
    assert _audit("cooperation.partnership.created") == (1 if status == 201 else 0)
    if status == 201:
        assert response.json()["version"] == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [(SECRETARIAT, 200), (NR_TH, 200), (CSO_PHUKET, 200), (CSO_HANOI, 403), (PARTNER_ADB, 403)],
)
def test_the_api_ends_a_partnership_with_its_version(roles, who, status):
    partnership = _partnership(start_date="2019-05-01")
    path = f"/api/v1/partnerships/{partnership.pk}"
    # when
    response = _json(roles.bearer(who), "patch", path, {"version": 1, "end_date": "2024-12-31"})
    # then
    assert response.status_code == status, response.content
    partnership.refresh_from_db()
    assert (str(partnership.end_date) == "2024-12-31") is (status == 200)
    if status == 200:
        assert response.json()["end_date"] == "2024-12-31"
        assert response.json()["version"] == 2
        stale = _json(roles.bearer(who), "patch", path, {"version": 1, "outcomes": "X"})
        assert stale.status_code == 409
        assert CityPartnership.objects.get(pk=partnership.pk).outcomes == ""


@pytest.mark.parametrize(
    "change",
    [
        {"city": "atlantis"},
        {"partner_city": "phuket", "partner_name": ""},
        {"partner_name": ""},
        {"purpose": ""},
        {"start_date": "2020-01-01", "end_date": "2019-01-01"},
        {"start_date": "01/05/2019"},
    ],
)
def test_the_api_refuses_a_wrong_partnership_and_writes_nothing(roles, change):
    client = roles.bearer(SECRETARIAT)
    entries = AuditEntry.objects.count()
    response = _json(client, "post", "/api/v1/partnerships", {**PARTNERSHIP_BODY, **change})
    assert response.status_code == 422, response.content
    assert not CityPartnership.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_a_draft_partnership_of_another_city_is_not_found(roles):
    partnership = _partnership(city="hanoi")
    partnership_update(
        actor=None, partnership=partnership, version=partnership.version, visibility="draft"
    )
    client = roles.bearer(CSO_PHUKET)
    response = _json(client, "patch", f"/api/v1/partnerships/{partnership.pk}", {"version": 2})
    assert response.status_code == 404
    page = roles.session(CSO_PHUKET).get(f"/cooperation/partnerships/{partnership.pk}/edit/")
    assert page.status_code == 404


def test_another_provider_brings_its_name_unless_the_source_names_it(roles, adb):
    study = _study(provider=adb)
    assert study.provider_name == adb.name
    other = factories.organisation(roles.user(SECRETARIAT), slug="mekong-fund", name="Mekong Fund")
    # when the provider changes and the form sends the old name back as it showed it
    study = case_study_update(
        actor=None, study=study, version=study.version, provider=other, provider_name=adb.name
    )
    # then
    assert study.provider_name == "Mekong Fund"
    study = case_study_update(
        actor=None, study=study, version=study.version, provider=adb, provider_name="ADB (Manila)"
    )
    assert study.provider_name == "ADB (Manila)"
