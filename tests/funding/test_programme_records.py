"""Programmes and their calls kept from the site (issue 16 item 3): adding a programme (the
Secretariat, or a partner member for their own organisation; slug from the name), editing
it and its calls (a stale edit is a 409 with what differs), and ``POST /api/v1/programmes``
with the same rules. Bad input changes nothing; every write is audited."""

from __future__ import annotations

import json

import pytest

from ascn.core.models import AuditEntry
from ascn.funding.models import Call, Programme
from tests.roles import ADB_SLUG, ANONYMOUS, CSO_PHUKET, NR_TH, PARTNER_ADB, SECRETARIAT

pytest_plugins = ["tests.roles"]

pytestmark = pytest.mark.django_db

AASCTF = "asean-australia-smart-cities-trust-fund"

NEW = {
    "sponsor": ADB_SLUG,
    "name": "Example Urban Fund",
    "total_amount": "1000000",
    "currency": "USD",
    "visibility": "draft",
    "source": "Test source",
}


def _edit_form(programme: Programme, **changes) -> dict:
    data = {
        "version": programme.version,
        "name": programme.name,
        "implementer": programme.implementer.slug if programme.implementer_id else "",
        "description": programme.description,
        "total_amount": programme.total_amount,
        "max_award_amount": programme.max_award_amount or "",
        "period_start": programme.period_start or "",
        "period_end": programme.period_end or "",
        "period_label": programme.period_label,
        "eligible_countries": programme.eligible_countries,
        "eligible_focus_areas": programme.eligible_focus_areas,
        "eligible_stages": programme.eligible_stages,
        "instruments": programme.instruments,
        "website": programme.website,
        "visibility": programme.visibility,
        "source": programme.source,
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    ("who", "status"),
    [(ANONYMOUS, 302), (CSO_PHUKET, 403), (NR_TH, 403), (PARTNER_ADB, 200), (SECRETARIAT, 200)],
)
def test_who_may_open_the_new_programme_page(world, who, status):
    assert world["roles"].session(who).get("/programmes/new/").status_code == status


def test_a_partner_member_adds_a_programme_for_their_own_organisation_only(world, text):
    client = world["roles"].session(PARTNER_ADB)
    page = client.get("/programmes/new/").content.decode()
    sponsors = page.split('name="sponsor"')[1].split("</select>")[0]
    assert "Asian Development Bank" in sponsors
    assert "Department of Foreign Affairs and Trade" not in sponsors  # not theirs
    refused = client.post("/programmes/new/", {**NEW, "sponsor": "australia-dfat"})
    assert refused.status_code == 422
    assert not Programme.objects.filter(name="Example Urban Fund").exists()
    response = client.post("/programmes/new/", NEW)
    assert response.status_code == 302, text(response)
    programme = Programme.objects.get(slug="example-urban-fund")
    assert response["Location"] == programme.get_absolute_url()
    assert (programme.sponsor.slug, programme.visibility) == (ADB_SLUG, "draft")
    assert AuditEntry.objects.filter(
        action="partners.programme.created", object_id=str(programme.pk)
    ).exists()
    client.post("/programmes/new/", NEW)
    assert Programme.objects.filter(slug="example-urban-fund-2").exists()


@pytest.mark.parametrize(
    "changes", [{"name": ""}, {"total_amount": "-5"}, {"currency": "ZZZ"}, {"sponsor": ""}]
)
def test_a_wrong_new_programme_is_refused_and_nothing_is_written(world, changes):
    client = world["roles"].session(SECRETARIAT)
    count, entries = Programme.objects.count(), AuditEntry.objects.count()
    assert client.post("/programmes/new/", {**NEW, **changes}).status_code == 422
    assert (Programme.objects.count(), AuditEntry.objects.count()) == (count, entries)


@pytest.mark.parametrize(
    ("who", "status"), [(ANONYMOUS, 302), (CSO_PHUKET, 403), (NR_TH, 403), (PARTNER_ADB, 200)]
)
def test_who_may_edit_a_programme(world, who, status):
    # the AASCTF is implemented by the ADB: its members keep it
    assert world["roles"].session(who).get(f"/programmes/{AASCTF}/edit/").status_code == status


def test_a_manager_edits_a_programme_and_a_stale_edit_is_a_409(world, text):
    fund = world["fund"]
    client = world["roles"].session(PARTNER_ADB)
    detail = text(client.get(f"/programmes/{AASCTF}/"))
    assert "Edit the programme" in detail
    saved = client.post(f"/programmes/{AASCTF}/edit/", _edit_form(fund, period_label="Mine"))
    assert saved.status_code == 302, text(saved)
    stale = client.post(f"/programmes/{AASCTF}/edit/", _edit_form(fund, period_label="Theirs"))
    assert stale.status_code == 409
    assert "Mine" in text(stale) and "Theirs" in text(stale)
    fund.refresh_from_db()
    assert fund.period_label == "Mine"
    wrong = client.post(
        f"/programmes/{AASCTF}/edit/",
        _edit_form(fund, period_start="2030-01-01", period_end="2020-01-01"),
    )
    assert wrong.status_code == 422
    fund.refresh_from_db()
    assert fund.period_label == "Mine"


def test_a_manager_edits_a_call_and_a_stale_edit_is_a_409(world, text):
    call = world["call"]
    client = world["roles"].session(PARTNER_ADB)
    url = f"/programmes/{AASCTF}/calls/{call.pk}/edit/"
    assert url in client.get(f"/programmes/{AASCTF}/").content.decode()
    assert world["roles"].session(CSO_PHUKET).get(url).status_code == 403
    form = {
        "version": call.version,
        "title": call.title,
        "description": "",
        "opens_on": call.opens_on,
        "closes_on": call.opens_on,
    }
    assert client.post(url, form).status_code == 302
    call.refresh_from_db()
    assert call.closes_on == call.opens_on  # closed early
    stale = client.post(url, {**form, "title": "Other"})
    assert stale.status_code == 409
    assert "Other" in text(stale)
    backwards = client.post(url, {**form, "version": call.version, "closes_on": "2000-01-01"})
    assert backwards.status_code == 422
    assert Call.objects.get(pk=call.pk).title == "Digital solutions 2026"


def test_the_api_adds_a_programme_with_the_same_rules(world):
    roles = world["roles"]
    body = {
        "sponsor": ADB_SLUG,
        "name": "Example Urban Fund",
        "total": {"amount": "500000", "currency": "USD"},
    }
    cso = roles.bearer(CSO_PHUKET)
    partner = roles.bearer(PARTNER_ADB)
    entries = AuditEntry.objects.count()

    def post(client, payload):
        return client.post(
            "/api/v1/programmes", json.dumps(payload), content_type="application/json"
        )

    assert post(cso, body).status_code == 403
    assert post(partner, {**body, "sponsor": "australia-dfat"}).status_code == 403
    assert post(partner, {**body, "total": {"amount": "-1", "currency": "USD"}}).status_code == 422
    assert AuditEntry.objects.count() == entries
    created = post(partner, body)
    assert created.status_code == 201, created.content
    assert (created.json()["slug"], created.json()["visibility"]) == ("example-urban-fund", "draft")
    assert post(partner, {**body, "slug": "example-urban-fund"}).status_code == 422


def test_a_programmes_sources_are_edited_as_rows_and_keep_what_each_gives(world, text):
    # given the seeded AASCTF, whose source says which of its fields it gives
    fund = Programme.objects.get(slug=AASCTF)
    cited = fund.sources[0]
    assert cited["fields"]
    client = world["roles"].session(SECRETARIAT)
    form = client.get(f"/programmes/{AASCTF}/edit/").content.decode()
    assert f'value="{cited["title"]}"' in form
    # when its date is corrected in its row
    data = _edit_form(fund, **{"sources-rows": "2"})
    for i, source in enumerate([{**cited, "date": "2022-06"}, {}]):
        for key in ("title", "publisher", "date", "url"):
            data[f"sources-{i}-{key}"] = source.get(key, "")
        data[f"sources-{i}-fields"] = ",".join(source.get("fields", []))
    assert client.post(f"/programmes/{AASCTF}/edit/", data).status_code == 302
    # then the source is saved with its new date and still says what it gives
    assert Programme.objects.get(slug=AASCTF).sources == [{**cited, "date": "2022-06"}]
    assert "Jun 2022" in text(client.get(f"/programmes/{AASCTF}/"))  # its date as known
