"""Documents of meetings (SPEC C7 "documents") and the agreements signed at a meeting: the
Secretariat uploads PDFs (checked by content, at most 10 MB, audited) on the meeting page or
in the back office; everyone downloads them, since meetings are public records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from ascn.agreements.models import Agreement
from ascn.agreements.services import agreement_update
from ascn.core.documents import MAX_DOCUMENT_BYTES
from ascn.core.errors import InvalidInput, PermissionDenied
from ascn.meetings.models import Meeting, MeetingDocument
from ascn.meetings.services import (
    meeting_document_delete,
    meeting_document_upload,
)
from tests import factories
from tests.roles import AuditMark, assert_matrix, everyone

pytest_plugins = ["tests.roles"]

PDF = factories.pdf_bytes()
ZIP = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00word/document.xml"
INAUGURAL = "ascn-annual-meeting-2018"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def meeting(network) -> Meeting:
    call_command("load_meetings", verbosity=0)
    return Meeting.objects.get(slug=INAUGURAL)


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def pdf(name: str = "agenda.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- the services -------------------------------------------------------------------------


def test_the_secretariat_uploads_a_pdf_and_the_upload_is_audited(roles, meeting, media):
    # given
    secretariat = roles.user("secretariat")
    mark = AuditMark()
    # when
    document = meeting_document_upload(
        actor=secretariat, meeting=meeting, title=" Agenda ", kind="agenda", file=pdf()
    )
    # then
    document.refresh_from_db()
    assert (document.meeting, document.title, document.kind) == (meeting, "Agenda", "agenda")
    assert document.size == len(PDF)
    assert document.uploaded_by == secretariat
    assert document.file.name.endswith(".pdf")
    with document.file.open("rb") as handle:
        assert handle.read() == PDF
    entry = mark.only("meetings.document.uploaded")
    assert entry.actor == secretariat
    assert entry.object_type == "meetings.meetingdocument"
    assert entry.object_id == str(document.pk)
    assert entry.changes["title"] == {"before": None, "after": "Agenda"}
    assert entry.changes["size"] == {"before": None, "after": len(PDF)}
    assert entry.changes["meeting"]["after"] == INAUGURAL
    assert len(stored_files(media)) == 1


@pytest.mark.parametrize("who", ["cso_phuket", "nr_th", "partner_adb"])
def test_only_the_secretariat_uploads(roles, meeting, media, who):
    mark = AuditMark()
    with pytest.raises(PermissionDenied):
        meeting_document_upload(
            actor=roles.user(who), meeting=meeting, title="Agenda", kind="agenda", file=pdf()
        )
    assert not MeetingDocument.objects.exists()
    assert stored_files(media) == []
    assert mark.actions() == []


@pytest.mark.parametrize(
    ("name", "content"),
    [("agenda.pdf", ZIP), ("agenda.pdf", b""), ("photo.png", b"\x89PNG\r\n\x1a\n")],
)
def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_is_stored(
    roles, meeting, media, name, content
):
    mark = AuditMark()
    with pytest.raises(InvalidInput) as error:
        meeting_document_upload(
            actor=roles.user("secretariat"),
            meeting=meeting,
            title="Agenda",
            kind="agenda",
            file=pdf(name, content),
        )
    assert error.value.field == "file"
    assert "not a PDF" in error.value.message
    assert not MeetingDocument.objects.exists()
    assert stored_files(media) == []
    assert mark.actions() == []


def test_a_pdf_over_10_mb_is_refused_and_nothing_is_stored(roles, meeting, media):
    too_big = PDF + b"0" * (MAX_DOCUMENT_BYTES + 1 - len(PDF))
    with pytest.raises(InvalidInput) as error:
        meeting_document_upload(
            actor=roles.user("secretariat"),
            meeting=meeting,
            title="Report",
            kind="report",
            file=pdf("report.pdf", too_big),
        )
    assert error.value.message == "A document is at most 10 MB."
    assert not MeetingDocument.objects.exists()
    assert stored_files(media) == []
    # exactly 10 MB is accepted
    exactly = PDF + b"0" * (MAX_DOCUMENT_BYTES - len(PDF))
    document = meeting_document_upload(
        actor=roles.user("secretariat"),
        meeting=meeting,
        title="Report",
        kind="report",
        file=pdf("report.pdf", exactly),
    )
    assert document.size == MAX_DOCUMENT_BYTES


def test_an_unknown_kind_is_refused_and_nothing_is_stored(roles, meeting, media):
    with pytest.raises(InvalidInput) as error:
        meeting_document_upload(
            actor=roles.user("secretariat"), meeting=meeting, title="X", kind="poem", file=pdf()
        )
    assert error.value.field == "kind"
    assert stored_files(media) == []


def test_the_secretariat_deletes_a_document_audited(roles, meeting, media):
    secretariat = roles.user("secretariat")
    document = meeting_document_upload(
        actor=secretariat, meeting=meeting, title="Agenda", kind="agenda", file=pdf()
    )
    with pytest.raises(PermissionDenied):
        meeting_document_delete(actor=roles.user("cso_phuket"), document=document)
    mark = AuditMark()
    meeting_document_delete(actor=secretariat, document=document)
    assert not MeetingDocument.objects.exists()
    entry = mark.only("meetings.document.deleted")
    assert entry.changes["title"] == {"before": "Agenda", "after": None}


# --- the pages ------------------------------------------------------------------------------


def test_the_meeting_page_lists_the_document_and_everyone_downloads_it(roles, meeting, text):
    # given
    document = meeting_document_upload(
        actor=roles.user("secretariat"),
        meeting=meeting,
        title="Minutes of the inaugural meeting",
        kind="minutes",
        file=pdf("minutes.pdf"),
    )
    url = f"/meetings/{INAUGURAL}/documents/{document.pk}/"
    # when
    page = roles.session("anonymous").get(f"/meetings/{INAUGURAL}/")
    # then the page lists it with its kind and size and links to it
    assert page.status_code == 200
    shown = text(page)
    assert "Minutes of the inaugural meeting" in shown
    assert b"<td>Minutes</td>" in page.content  # its kind
    assert f"{len(PDF)} bytes" in shown  # its size
    assert f'href="{url}"'.encode() in page.content
    # when anyone follows the link
    download = roles.session("anonymous").get(url)
    # then the PDF itself, as an attachment named after its title
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        'attachment; filename="Minutes of the inaugural meeting.pdf"'
    )
    assert b"".join(download.streaming_content) == PDF
    assert_matrix(roles.session, "GET", url, everyone(200))
    # and not under another meeting's address, nor an unknown one
    assert (
        roles.session("anonymous")
        .get(f"/meetings/ascn-roundtable-2019/documents/{document.pk}/")
        .status_code
        == 404
    )
    assert (
        roles.session("anonymous")
        .get(f"/meetings/{INAUGURAL}/documents/{document.pk + 1}/")
        .status_code
        == 404
    )


def test_only_the_secretariat_sees_the_upload_form_and_uploads_through_it(
    roles, meeting, media, text
):
    page_url = f"/meetings/{INAUGURAL}/"
    add_url = f"/meetings/{INAUGURAL}/documents/"
    for who in ("anonymous", "cso_phuket", "nr_th", "partner_adb"):
        assert b'id="document-upload"' not in roles.session(who).get(page_url).content
    assert b'id="document-upload"' in roles.session("secretariat").get(page_url).content
    # others cannot post to it
    for who in ("cso_phuket", "nr_th", "partner_adb"):
        response = roles.session(who).post(
            add_url, {"title": "Agenda", "kind": "agenda", "file": pdf()}
        )
        assert response.status_code == 404, who
    assert roles.session("anonymous").post(add_url, {"kind": "agenda"}).status_code == 302
    assert not MeetingDocument.objects.exists()
    assert stored_files(media) == []
    # the Secretariat uploads a PDF through the page
    secretariat = roles.session("secretariat")
    response = secretariat.post(
        add_url, {"title": "Presentation", "kind": "presentation", "file": pdf("slides.pdf")}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{page_url}#documents"
    document = MeetingDocument.objects.get()
    assert (document.title, document.kind, document.uploaded_by) == (
        "Presentation",
        "presentation",
        roles.user("secretariat"),
    )
    # a non-PDF is refused with the reason, and nothing is stored
    response = secretariat.post(
        add_url, {"title": "Fake", "kind": "report", "file": pdf("fake.pdf", ZIP)}, follow=True
    )
    assert "Only PDF documents are accepted (this file is not a PDF)." in text(response)
    assert MeetingDocument.objects.count() == 1
    assert len(stored_files(media)) == 1
    # and deletes it from the page
    delete_url = f"/meetings/{INAUGURAL}/documents/{document.pk}/delete/"
    assert roles.session("cso_phuket").post(delete_url).status_code == 404
    assert secretariat.post(delete_url).status_code == 302
    assert not MeetingDocument.objects.exists()


def test_the_back_office_uploads_through_the_service(roles, meeting, media):
    client = roles.session("secretariat")
    url = f"/admin/meetings/meeting/{meeting.pk}/change/"
    assert client.get(url).status_code == 200
    mark = AuditMark()

    def form(file, title="Agenda of the day"):
        return {
            "slug": meeting.slug,
            "title": meeting.title,
            "kind": meeting.kind,
            "number": meeting.number or "",
            "start_date": meeting.start_date.isoformat(),
            "end_date": meeting.end_date.isoformat() if meeting.end_date else "",
            "date_precision": meeting.date_precision,
            "host_member_state": meeting.host_member_state_id or "",
            "host_city": meeting.host_city_id or "",
            "place": meeting.place,
            "format": meeting.format,
            "description": meeting.description,
            "uncertain": "on" if meeting.uncertain else "",
            "uncertainty_note": meeting.uncertainty_note,
            "source": meeting.source,
            "capacity": meeting.capacity or "",
            "minutes": meeting.minutes,
            "version": meeting.version,
            "documents-TOTAL_FORMS": "1",
            "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0",
            "documents-MAX_NUM_FORMS": "1000",
            "documents-0-title": title,
            "documents-0-kind": "agenda",
            "documents-0-file": file,
        }

    # a non-PDF: the form again, nothing stored
    response = client.post(url, form(pdf("agenda.pdf", ZIP)))
    assert response.status_code == 200
    assert "not a PDF" in response.content.decode()
    assert not MeetingDocument.objects.exists()
    assert stored_files(media) == []
    # a PDF: saved through the service, audited
    response = client.post(url, form(pdf("agenda.pdf")))
    assert response.status_code == 302, response.content.decode()[:2000]
    document = MeetingDocument.objects.get()
    assert (document.title, document.kind, document.size) == (
        "Agenda of the day",
        "agenda",
        len(PDF),
    )
    assert "meetings.document.uploaded" in mark.actions()
    # ticked for deletion on the meeting's page: deleted through the service
    mark = AuditMark()
    data = form("", title="")
    data.update(
        {
            "documents-TOTAL_FORMS": "1",
            "documents-INITIAL_FORMS": "1",
            "documents-0-id": str(document.pk),
            "documents-0-meeting": str(meeting.pk),
            "documents-0-DELETE": "on",
        }
    )
    for key in ("documents-0-title", "documents-0-kind", "documents-0-file"):
        data.pop(key)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not MeetingDocument.objects.exists()
    assert "meetings.document.deleted" in mark.actions()


# --- the agreements signed at a meeting -----------------------------------------------------


def test_the_inaugural_meeting_lists_the_two_agreements_signed_there(roles, meeting, text):
    # given
    call_command("load_agreements", verbosity=0)
    assert Agreement.objects.filter(meeting=meeting).count() == 2
    # when
    page = roles.session("anonymous").get(f"/meetings/{INAUGURAL}/")
    # then
    shown = text(page)
    assert "Agreements signed at this meeting" in shown
    for agreement in Agreement.objects.filter(meeting=meeting):
        assert agreement.title in shown
        assert agreement.get_absolute_url().encode() in page.content
    for party in (
        "United Nations Development Programme (UNDP)",
        "Japan External Trade Organization (JETRO)",
        "Amata Smart City Corporation Chonburi",
        "Yokohama Urban Solutions Alliance",
    ):
        assert party in shown


def test_an_agreement_the_person_may_not_see_is_not_listed(roles, meeting, text):
    # given one of the two is back to a draft (the Secretariat's only)
    call_command("load_agreements", verbosity=0)
    hidden = Agreement.objects.get(slug="amata-yokohama-2018")
    agreement_update(
        actor=roles.user("secretariat"),
        agreement=hidden,
        version=hidden.version,
        visibility="draft",
    )
    # then
    assert hidden.title not in text(roles.session("anonymous").get(f"/meetings/{INAUGURAL}/"))
    assert hidden.title not in text(roles.session("cso_phuket").get(f"/meetings/{INAUGURAL}/"))
    assert hidden.title in text(roles.session("secretariat").get(f"/meetings/{INAUGURAL}/"))


def test_the_back_office_deletes_through_the_service(roles, meeting, media):
    document = meeting_document_upload(
        actor=roles.user("secretariat"), meeting=meeting, title="Agenda", kind="agenda", file=pdf()
    )
    client = roles.session("secretariat")
    mark = AuditMark()
    # from the list of documents
    response = client.post(
        "/admin/meetings/meetingdocument/",
        {"action": "delete_selected", "_selected_action": [document.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not MeetingDocument.objects.exists()
    assert mark.actions() == ["meetings.document.deleted"]


def test_a_meeting_without_documents_says_why_to_each_reader(roles, meeting, text):
    # a past meeting: what was not uploaded here is "not published", as everywhere else
    past = text(roles.session("anonymous").get(meeting.get_absolute_url()))
    assert "Documents not published" in past
    # the Secretariat, who could upload, is told that nothing is uploaded yet
    runner = text(roles.session("secretariat").get(meeting.get_absolute_url()))
    assert "Documents No document uploaded yet." in runner
    # a meeting still to come has none yet
    meeting.start_date = meeting.end_date = dt.date.today() + dt.timedelta(days=30)
    meeting.save()
    coming = text(roles.session("anonymous").get(meeting.get_absolute_url()))
    assert "Documents None yet: the meeting's documents are published here" in coming
