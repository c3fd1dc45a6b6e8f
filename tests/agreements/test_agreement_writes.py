"""The Secretariat keeps the record of agreements from the site: pages and the write API
(SPEC C6, issue 16 items 3 and 4). Every write is the Secretariat's, audited, and a stale
or wrong one changes nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ascn.agreements.models import Agreement
from ascn.agreements.services import agreement_create, agreement_transition, agreement_update
from ascn.core.errors import InvalidInput
from ascn.core.models import AuditEntry
from ascn.meetings.services import meeting_create
from tests import factories
from tests.roles import CSO_PHUKET, PARTNER_ADB, SECRETARIAT

pytest_plugins = ["tests.roles"]

pytestmark = pytest.mark.django_db

ROWS = 6


def _page_data(**fields) -> dict[str, str]:
    """The new-agreement form as a browser sends it: the record, then six party rows."""
    data = {
        "title": "Smart mobility memorandum",
        "kind": "mou",
        "status": "draft",
        "signed_date": "",
        "signed_date_precision": "day",
        "signed_place": "",
        "meeting": "",
        "description": "Cooperation on traffic data.",
        "projects": "",
        "source": "",
        "visibility": "public",
        "parties-TOTAL_FORMS": str(ROWS),
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": str(ROWS),
        "parties-MAX_NUM_FORMS": str(ROWS),
    }
    for i in range(ROWS):
        for key in ("name", "record", "signatory", "signatory_title"):
            data[f"parties-{i}-{key}"] = ""
    data.update(
        {
            "parties-0-name": "City of Phuket",
            "parties-0-record": "Phuket",
            "parties-1-record": "asian-development-bank",
            "parties-1-signatory": "A. Director",
        }
    )
    data.update(fields)
    return data


def _agreement(actor, **extra) -> Agreement:
    return agreement_create(
        actor=actor,
        title="Water twinning",
        parties=[{"name": "City of Alpha"}, {"name": "Beta Utilities"}],
        visibility="public",
        **extra,
    )


# --- pages ---------------------------------------------------------------------------------


def test_the_secretariat_records_an_agreement_whose_parties_link_to_the_network(roles, adb):
    client = roles.session(SECRETARIAT)
    assert client.get("/agreements/").content.decode().count("/agreements/new/") == 1
    form = client.get("/agreements/new/")
    assert form.status_code == 200
    # when
    response = client.post("/agreements/new/", _page_data())
    # then
    agreement = Agreement.objects.get(title="Smart mobility memorandum")
    assert response.status_code == 302
    assert response["Location"] == f"/agreements/{agreement.slug}/"
    parties = list(agreement.parties.all())
    assert [p.name for p in parties] == ["City of Phuket", adb.name]
    assert parties[0].city.slug == "phuket"
    assert parties[1].organisation == adb
    assert parties[1].signatory == "A. Director"
    assert AuditEntry.objects.filter(
        action="agreements.agreement.created", object_id=str(agreement.pk)
    ).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Smart mobility memorandum" in page and "The agreement is recorded." in page


def test_the_form_names_the_projects_its_numbers_stand_for(roles, adb, text):
    # given two projects, one of them Hanoi's draft
    phuket = factories.project(roles.user(CSO_PHUKET), title="Phuket flood sensors")
    hanoi = factories.project(roles.user("cso_hanoi"), city="hanoi", title="Hanoi signals")
    client = roles.session(SECRETARIAT)
    # when the Secretariat sends the form with a wrong number among them
    response = client.post(
        "/agreements/new/",
        _page_data(projects=f"{phuket.pk}, /projects/{hanoi.pk}/, 999999, {phuket.pk}"),
    )
    # then the form comes back saying what each number names, the wrong one included
    shown = text(response)
    assert response.status_code == 422
    assert f"{phuket.pk} — Phuket flood sensors (Phuket)" in shown
    assert f"{hanoi.pk} — Hanoi signals (Hanoi)" in shown
    assert "999999: no project has this number." in shown
    assert shown.count("Phuket flood sensors") == 1
    # and once saved, the edit form names the agreement's projects under the box
    client.post("/agreements/new/", _page_data(projects=f"{phuket.pk} {hanoi.pk}"))
    agreement = Agreement.objects.get()
    edit = text(client.get(f"/agreements/{agreement.slug}/edit/"))
    assert f"{phuket.pk} — Phuket flood sensors" in edit and f"{hanoi.pk} — Hanoi signals" in edit


@pytest.mark.parametrize("who", [CSO_PHUKET, PARTNER_ADB, "anonymous"])
def test_only_the_secretariat_records_agreements(roles, who):
    client = roles.session(who)
    assert "/agreements/new/" not in client.get("/agreements/").content.decode()
    # when
    response = client.post("/agreements/new/", _page_data())
    # then
    assert response.status_code in (302, 403)  # anonymous: sent to sign in
    if who != "anonymous":
        assert response.status_code == 403
    assert not Agreement.objects.filter(title="Smart mobility memorandum").exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"parties-1-record": ""}, "Name each party."),
        ({"parties-1-record": "", "parties-1-signatory": ""}, "at least two parties"),
        ({"parties-1-record": "Atlantis Holdings"}, "No organisation, ASCN city or member state"),
        ({"status": "signed"}, "A signed agreement has a signing date."),
        ({"projects": "12, twelve"}, "is not a project number"),
        ({"projects": "999999"}, "No project with the id 999999."),
    ],
)
def test_a_wrong_agreement_is_refused_with_the_reason_and_nothing_is_saved(
    roles, adb, fields, message
):
    client = roles.session(SECRETARIAT)
    entries = AuditEntry.objects.count()
    # when
    response = client.post("/agreements/new/", _page_data(**fields))
    # then
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Agreement.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_every_mistake_of_an_agreement_is_said_in_one_answer(roles, adb):
    """The form said one mistake a send: the title, then the signing date, then the party."""
    client = roles.session(SECRETARIAT)
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    # a missing title (the form's) with a signed agreement without its date (a rule's)
    response = client.post("/agreements/new/", _page_data(title="", status="signed"))
    assert response.status_code == 422
    page = response.content.decode()
    assert "This field is required." in page
    assert "A signed agreement has a signing date." in page
    # the rules' own mistakes together: a date to come and a party without a name
    response = client.post(
        "/agreements/new/",
        _page_data(signed_date=future, **{"parties-1-record": "", "parties-1-signatory": "X"}),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "A signing date cannot be in the future." in page and "Name each party." in page
    assert not Agreement.objects.exists()


def test_the_service_refuses_every_problem_of_an_agreement_at_once(roles):
    with pytest.raises(InvalidInput) as refused:
        agreement_create(
            actor=roles.user(SECRETARIAT),
            title=" ",
            parties=[{"name": "City of Phuket"}],
            status="signed",
        )
    assert [p.field for p in refused.value.problems] == ["title", "parties", "signed_date"]
    assert not Agreement.objects.exists()


def test_a_partys_mistake_alone_is_said_at_the_top_linked_to_its_field(roles, adb, text):
    """A party naming no record of the network came back with no error summary: the page
    looked unchanged at the top, the error a screen below in the party's row."""
    response = roles.session(SECRETARIAT).post(
        "/agreements/new/", _page_data(**{"parties-1-record": "Luang Prabang City"})
    )
    assert response.status_code == 422
    page = response.content.decode()
    summary = page[
        page.index('class="error-summary"') : page.index(
            "</ul>", page.index('class="error-summary"')
        )
    ]
    assert 'href="#id_parties-1-record"' in summary
    assert "Party 2 · " in summary and "Luang Prabang City" in summary
    assert not Agreement.objects.exists()


def test_a_record_named_by_a_title_several_records_share_asks_for_its_code(roles):
    factories.organisation(roles.user(SECRETARIAT), slug="phuket-holdings", name="Phuket")
    client = roles.session(SECRETARIAT)
    # when
    response = client.post("/agreements/new/", _page_data())
    # then
    assert response.status_code == 422
    assert "names more than one record" in response.content.decode()
    assert not Agreement.objects.exists()


def test_a_stale_edit_is_refused_shows_both_versions_and_can_then_be_saved(roles):
    agreement = _agreement(None)
    client = roles.session(SECRETARIAT)
    page = client.get(f"/agreements/{agreement.slug}/edit/")
    assert page.status_code == 200
    data = {
        **_page_data(title="Water twinning (revised)"),
        "version": str(agreement.version),
        "parties-0-name": "City of Alpha",
        "parties-0-record": "",
        "parties-1-name": "Beta Utilities",
        "parties-1-record": "",
        "parties-1-signatory": "",
    }
    data.pop("status")
    # someone else saves first
    factory_edit = Agreement.objects.get(pk=agreement.pk)
    agreement_update(
        actor=roles.user(SECRETARIAT),
        agreement=factory_edit,
        version=factory_edit.version,
        title="Water twinning 2026",
    )
    # when
    response = client.post(f"/agreements/{agreement.slug}/edit/", data)
    # then
    assert response.status_code == 409
    body = response.content.decode()
    assert "Water twinning 2026" in body and "Water twinning (revised)" in body
    assert Agreement.objects.get(pk=agreement.pk).title == "Water twinning 2026"
    # saving the form as shown again is a deliberate choice, and it saves
    data["version"] = str(agreement.version + 1)
    again = client.post(f"/agreements/{agreement.slug}/edit/", data)
    assert again.status_code == 302
    assert Agreement.objects.get(pk=agreement.pk).title == "Water twinning (revised)"


def test_the_status_moves_as_the_table_allows_and_signing_asks_for_the_date(roles):
    agreement = _agreement(None)
    client = roles.session(SECRETARIAT)
    url = f"/agreements/{agreement.slug}/status/"
    detail = client.get(f"/agreements/{agreement.slug}/").content.decode()
    assert 'action="/agreements/water-twinning/status/"' in detail
    # no date: refused, nothing changes
    refused = client.post(url, {"to": "signed", "version": agreement.version, "signed_date": ""})
    assert refused.status_code == 422
    assert "Give the signing date." in refused.content.decode()
    assert Agreement.objects.get(pk=agreement.pk).status == "draft"
    # a status the table does not offer from here
    skipped = client.post(url, {"to": "expired", "version": agreement.version})
    assert skipped.status_code == 422
    # signed with its date
    signed = client.post(
        url, {"to": "signed", "version": agreement.version, "signed_date": "2026-03-01"}
    )
    assert signed.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.status, agreement.signed_date) == ("signed", dt.date(2026, 3, 1))
    # the old version again: stale
    stale = client.post(url, {"to": "active", "version": agreement.version - 1})
    assert stale.status_code == 409
    assert Agreement.objects.get(pk=agreement.pk).status == "signed"


def test_the_secretariat_attaches_the_text_as_a_pdf_and_nothing_else(roles):
    agreement = _agreement(None)
    client = roles.session(SECRETARIAT)
    url = f"/agreements/{agreement.slug}/upload/"
    fake = SimpleUploadedFile("a.pdf", b"%PDF-1.4 not really", content_type="application/pdf")
    refused = client.post(url, {"file": fake})
    assert refused.status_code == 422
    assert not Agreement.objects.get(pk=agreement.pk).document
    real = SimpleUploadedFile("a.pdf", factories.pdf_bytes(), content_type="application/pdf")
    assert client.post(url, {"file": real}).status_code == 302
    download = roles.session("anonymous").get(f"/agreements/{agreement.slug}/document/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'inline; filename="{agreement.slug}.pdf"'
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # a file gone from storage is a 404, not a server error
    stored = Agreement.objects.get(pk=agreement.pk).document
    stored.storage.delete(stored.name)
    gone = roles.session("anonymous").get(f"/agreements/{agreement.slug}/document/")
    assert gone.status_code == 404


def test_a_cso_sees_no_tools_and_cannot_post_to_them(roles):
    agreement = _agreement(None)
    client = roles.session(CSO_PHUKET)
    page = client.get(f"/agreements/{agreement.slug}/").content.decode()
    assert "/edit/" not in page and "/status/" not in page
    assert client.get(f"/agreements/{agreement.slug}/edit/").status_code == 403
    moved = client.post(
        f"/agreements/{agreement.slug}/status/",
        {"to": "signed", "version": agreement.version, "signed_date": "2026-03-01"},
    )
    assert moved.status_code == 403
    assert Agreement.objects.get(pk=agreement.pk).status == "draft"


# --- API -----------------------------------------------------------------------------------


def _post(client, path: str, body: dict, method: str = "post"):
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


API_BODY = {
    "title": "Digital twin cooperation",
    "kind": "partnership",
    "parties": [
        {"city": "phuket", "signatory": "Mayor"},
        {"organisation": "asian-development-bank"},
        {"member_state": "th"},
    ],
    "visibility": "network",
}


def test_the_api_records_an_agreement_and_names_the_records(roles, adb):
    client = roles.bearer(SECRETARIAT)
    # when
    response = _post(client, "/api/v1/agreements", API_BODY)
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "digital-twin-cooperation"
    assert body["status"] == "draft"
    assert [(p["city"], p["organisation"], p["member_state"]) for p in body["parties"]] == [
        ("phuket", None, None),
        (None, "asian-development-bank", None),
        (None, None, "TH"),
    ]
    assert [p["name"] for p in body["parties"]][1] == adb.name
    # a second one with the same title gets its own address
    again = _post(client, "/api/v1/agreements", API_BODY)
    assert again.json()["slug"] == "digital-twin-cooperation-2"


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"parties": [{"city": "phuket"}]}, 422),
        ({"parties": [{"city": "phuket"}, {"organisation": "no-such-bank"}]}, 422),
        ({"parties": [{"city": "phuket", "organisation": "asian-development-bank"}, {}]}, 422),
        ({"status": "signed"}, 422),
        ({"signed_date": 20260101}, 422),
        ({"meeting": "no-such-meeting"}, 422),
        ({"projects": [424242]}, 422),
        ({"slug": "new"}, 422),
    ],
)
def test_the_api_refuses_a_wrong_agreement_and_writes_nothing(roles, adb, change, status):
    client = roles.bearer(SECRETARIAT)
    entries = AuditEntry.objects.count()
    # when
    response = _post(client, "/api/v1/agreements", {**API_BODY, **change})
    # then
    assert response.status_code == status, response.content
    assert "detail" in response.json()
    assert not Agreement.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_the_api_locates_a_partys_mistake_in_its_list(roles, adb):
    # a party named by two records is refused at its place in the list, as pydantic names a
    # list's item: ["body", "parties", 0], not ["body", "parties.0"]
    parties = [{"city": "phuket", "organisation": "asian-development-bank"}, {"city": "hanoi"}]
    response = _post(
        roles.bearer(SECRETARIAT), "/api/v1/agreements", {**API_BODY, "parties": parties}
    )
    assert response.status_code == 422
    assert [problem["loc"] for problem in response.json()["detail"]] == [["body", "parties", 0]]


@pytest.mark.parametrize("who", [CSO_PHUKET, PARTNER_ADB])
def test_only_the_secretariat_writes_agreements_through_the_api(roles, adb, who):
    response = _post(roles.bearer(who), "/api/v1/agreements", API_BODY)
    assert response.status_code == 403
    assert not Agreement.objects.exists()


def test_the_api_edits_with_versions_and_replaces_parties_and_projects(roles, adb):
    project = factories.project(roles.user(CSO_PHUKET), title="Flood sensors", visibility="public")
    agreement = _agreement(None)
    client = roles.bearer(SECRETARIAT)
    path = f"/api/v1/agreements/{agreement.slug}"
    # when
    edited = _post(
        client,
        path,
        {
            "version": agreement.version,
            "description": "Twinning on water.",
            "parties": [{"name": "City of Alpha"}, {"organisation": "asian-development-bank"}],
            "projects": [project.pk],
        },
        "patch",
    )
    # then
    assert edited.status_code == 200, edited.content
    body = edited.json()
    assert body["version"] == agreement.version + 1
    assert body["description"] == "Twinning on water."
    assert body["title"] == "Water twinning"  # left out: kept
    assert [p["name"] for p in body["parties"]] == ["City of Alpha", adb.name]
    assert body["projects"] == [project.pk]
    # the version read before is stale now
    stale = _post(client, path, {"version": agreement.version, "title": "Lost"}, "patch")
    assert stale.status_code == 409
    assert Agreement.objects.get(pk=agreement.pk).title == "Water twinning"
    # null clears what may be cleared, and a title may not be cleared
    cleared = _post(
        client, path, {"version": body["version"], "projects": None, "description": None}, "patch"
    )
    assert cleared.status_code == 200
    assert cleared.json()["projects"] == [] and cleared.json()["description"] == ""
    refused = _post(client, path, {"version": body["version"] + 1, "title": None}, "patch")
    assert refused.status_code == 422


def test_the_api_moves_the_status_as_the_table_allows(roles):
    agreement = _agreement(None)
    client = roles.bearer(SECRETARIAT)
    path = f"/api/v1/agreements/{agreement.slug}/transition"
    illegal = _post(client, path, {"to": "active", "version": agreement.version})
    assert illegal.status_code == 409
    assert "draft" in illegal.json()["detail"] and "active" in illegal.json()["detail"]
    signed = _post(
        client, path, {"to": "signed", "version": agreement.version, "signed_date": "2026-02-02"}
    )
    assert signed.status_code == 200, signed.content
    assert signed.json()["status"] == "signed"
    assert signed.json()["signed_date"] == "2026-02-02"
    entry = AuditEntry.objects.filter(action="agreements.agreement.transitioned").get()
    assert entry.actor == roles.user(SECRETARIAT)


def test_an_agreement_signed_at_a_meeting_is_signed_on_one_of_its_days(roles):
    # given a two-day meeting known to the day
    secretariat = roles.user(SECRETARIAT)
    meeting = meeting_create(
        actor=secretariat,
        values={
            "title": "ASCN workshop",
            "kind": "workshop",
            "start_date": dt.date(2025, 3, 4),
            "end_date": dt.date(2025, 3, 5),
        },
    )
    # then a signing date before it is refused, and nothing is written
    with pytest.raises(InvalidInput) as refused:
        _agreement(secretariat, meeting=meeting, status="signed", signed_date=dt.date(2025, 3, 3))
    assert refused.value.field == "signed_date"
    assert "4–5 Mar 2025" in refused.value.message
    assert not Agreement.objects.filter(title="Water twinning").exists()
    # and its second day is accepted; moving the date after the meeting is refused too
    signed = _agreement(
        secretariat, meeting=meeting, status="signed", signed_date=dt.date(2025, 3, 5)
    )
    with pytest.raises(InvalidInput):
        agreement_update(
            actor=secretariat,
            agreement=signed,
            version=signed.version,
            signed_date=dt.date(2025, 3, 9),
        )
    # nor can signing a draft give it a date outside the meeting
    draft = _agreement(secretariat, meeting=meeting)
    with pytest.raises(InvalidInput):
        agreement_transition(
            actor=secretariat,
            agreement=draft,
            to="signed",
            version=draft.version,
            signed_date=dt.date(2024, 3, 4),
        )
    # a date known only to the month is not compared with the days
    monthly = _agreement(
        secretariat,
        meeting=meeting,
        status="signed",
        signed_date=dt.date(2025, 3, 1),
        signed_date_precision="month",
    )
    assert monthly.meeting == meeting
