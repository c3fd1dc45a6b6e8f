"""Services of plans and projects (SPEC C4; issue 4 items 5, 7): progress, milestones and
documents — each validated, permission-checked, kept and audited (DESIGN convention 1).

Progress is a physical and a financial percentage (0–100) with a date that is not in the
future, each update kept and listed oldest first. Milestones use the OC4IDS codelists (a
``met`` milestone needs the date it was met). Documents are PDFs, checked by content rather
than by name, and at most 10 MB.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from ascn.core.documents import MAX_DOCUMENT_BYTES
from ascn.core.errors import IllegalTransition, InvalidInput, NotFound, PermissionDenied, StaleEdit
from ascn.plans.models import Milestone, ProgressUpdate, Project, ProjectDocument
from ascn.plans.services import (
    document_upload,
    milestone_save,
    plan_attach_document,
    plan_transition,
    progress_add,
)
from tests import factories
from tests.days import DaysAhead, dated, today
from tests.roles import AuditMark

pytest_plugins = ["tests.roles"]

# A real PDF (one blank page): uploads must parse as PDF.
PDF = factories.pdf_bytes()
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded files go to a directory of this test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def csco(roles):
    return roles.user("cso_phuket")


@pytest.fixture
def project(csco) -> Project:
    return factories.project(csco, title="Patong smart drainage", status="implementation")


def pdf(name: str = "feasibility-study.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- progress ----------------------------------------------------------------------------------


def test_a_progress_update_is_kept_with_its_date_and_note_and_audited(csco, project):
    mark = AuditMark()
    update = progress_add(
        actor=csco,
        project=project,
        physical_pct="25.5",
        financial_pct=20,
        date=dt.date(2025, 6, 30),
        note="  Gates installed on two canals.  ",
    )
    update.refresh_from_db()
    assert (update.physical_pct, update.financial_pct) == (Decimal("25.50"), Decimal("20.00"))
    assert (update.date, update.note) == (dt.date(2025, 6, 30), "Gates installed on two canals.")
    assert update.created_by == csco
    entry = mark.only("plans.progress.added")
    assert entry.actor == csco
    assert (entry.object_type, entry.object_id) == ("plans.project", str(project.pk))
    assert entry.changes == {
        "date": {"before": None, "after": "2025-06-30"},
        "physical_pct": {"before": None, "after": "25.50"},
        "financial_pct": {"before": None, "after": "20.00"},
    }


def test_the_progress_tables_write_percentages_for_people(roles, csco, project, text):
    progress_add(
        actor=csco,
        project=project,
        physical_pct="25.5",
        financial_pct=20,
        date=dt.date(2025, 6, 30),
    )
    session = roles.session("cso_phuket")
    for url in (project.get_absolute_url(), f"/projects/{project.pk}/progress/"):
        assert "30 Jun 2025 25.5% 20%" in text(session.get(url))


def test_progress_without_a_date_is_as_of_today(csco, project):
    assert (
        progress_add(actor=csco, project=project, physical_pct=0, financial_pct=0).date == today()
    )


@pytest.mark.parametrize("bound", ["0", "100", "0.00", "100.00"])
def test_the_bounds_of_a_percentage_are_accepted(csco, project, bound):
    update = progress_add(actor=csco, project=project, physical_pct=bound, financial_pct=bound)
    assert update.physical_pct == Decimal(bound)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"physical_pct": 101}, "physical_pct"),
        ({"physical_pct": "100.01"}, "physical_pct"),
        ({"financial_pct": -1}, "financial_pct"),
        ({"financial_pct": "plenty"}, "financial_pct"),
        ({"physical_pct": "NaN"}, "physical_pct"),
        ({"date": DaysAhead(1)}, "date"),
    ],
)
def test_bad_progress_is_refused_naming_the_field(csco, project, values, field):
    mark = AuditMark()
    with pytest.raises(InvalidInput) as raised:
        progress_add(
            actor=csco,
            project=project,
            **({"physical_pct": 10, "financial_pct": 5} | dated(values)),
        )
    assert raised.value.field == field
    assert not ProgressUpdate.objects.exists()
    assert mark.actions() == []


@pytest.mark.parametrize(("who", "error"), [("nr_th", PermissionDenied), ("cso_hanoi", NotFound)])
def test_only_the_city_reports_progress(roles, project, who, error):
    with pytest.raises(error):
        progress_add(actor=roles.user(who), project=project, physical_pct=1, financial_pct=1)
    assert not ProgressUpdate.objects.exists()


def test_every_update_is_kept_and_listed_oldest_first(roles, csco, project):
    # given three reports, the oldest entered last
    for date, physical in (
        (dt.date(2025, 6, 30), 25),
        (dt.date(2025, 9, 30), 40),
        (dt.date(2025, 3, 31), 10),
    ):
        progress_add(
            actor=csco, project=project, date=date, physical_pct=physical, financial_pct=physical
        )
    # then all three are kept, and both the project and the API list them by date
    assert [u.physical_pct for u in project.progress_updates.all()] == [10, 25, 40]
    body = roles.bearer("cso_phuket").get(f"/api/v1/projects/{project.pk}/progress").json()
    assert body["count"] == 3  # a page, as every list of the API (SPEC §3)
    assert [(p["date"], p["physical_pct"]) for p in body["items"]] == [
        ("2025-03-31", "10.00"),
        ("2025-06-30", "25.00"),
        ("2025-09-30", "40.00"),
    ]


def test_progress_through_the_api(roles, project):
    client = roles.bearer("cso_phuket")
    url = f"/api/v1/projects/{project.pk}/progress"
    response = client.post(
        url,
        {"physical_pct": 33.3, "financial_pct": 12, "date": "2025-06-30", "note": "On track"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json() | {"id": 0} == {
        "id": 0,
        "date": "2025-06-30",
        "physical_pct": "33.30",
        "financial_pct": "12.00",
        "note": "On track",
    }
    detail = client.get(f"/api/v1/projects/{project.pk}").json()
    assert [p["physical_pct"] for p in detail["progress"]] == ["33.30"]


@pytest.mark.parametrize(
    "body",
    [
        {"physical_pct": 101, "financial_pct": 0},
        {"physical_pct": 50, "financial_pct": -0.5},
        {"physical_pct": "half", "financial_pct": 0},
        {"physical_pct": 50},
        {
            "physical_pct": 50,
            "financial_pct": 50,
            "date": DaysAhead(2),
        },
        {"physical_pct": 50, "financial_pct": 50, "date": "2025-02-30"},
    ],
)
def test_bad_progress_through_the_api_is_422_and_keeps_nothing(roles, project, body):
    client = roles.bearer("cso_phuket")
    response = client.post(
        f"/api/v1/projects/{project.pk}/progress",
        dated(body, iso=True),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert not ProgressUpdate.objects.exists()


# --- milestones --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["scheduled", "notMet", "partiallyMet"])
def test_a_milestone_takes_an_oc4ids_status(csco, project, status):
    milestone = milestone_save(
        actor=csco,
        project=project,
        title="Financial close",
        status=status,
        milestone_type="financing",
        code="financialClose",
        due_date=dt.date(2026, 3, 31),
    )
    milestone.refresh_from_db()
    assert (milestone.status, milestone.code, milestone.milestone_type) == (
        status,
        "financialClose",
        "financing",
    )


def test_a_met_milestone_needs_the_date_it_was_met(csco, project):
    mark = AuditMark()
    with pytest.raises(InvalidInput) as raised:
        milestone_save(actor=csco, project=project, title="Commencement", status="met")
    assert raised.value.field == "date_met"
    assert not Milestone.objects.exists()
    assert mark.actions() == []
    # and with the date it is saved
    milestone = milestone_save(
        actor=csco,
        project=project,
        title="Commencement",
        status="met",
        date_met=dt.date(2025, 1, 15),
    )
    assert milestone.date_met == dt.date(2025, 1, 15)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"status": "done"}, "status"),
        ({"status": "Met"}, "status"),  # codes are case-sensitive
        ({"code": "groundbreaking"}, "code"),
        ({"milestone_type": "party"}, "milestone_type"),
        ({"title": "   "}, "title"),
    ],
)
def test_a_milestone_outside_the_codelists_is_refused(csco, project, values, field):
    with pytest.raises(InvalidInput) as raised:
        milestone_save(actor=csco, project=project, **({"title": "Approval"} | values))
    assert raised.value.field == field
    assert not Milestone.objects.exists()


def test_editing_a_milestone_is_audited_before_and_after(csco, project):
    milestone = milestone_save(
        actor=csco, project=project, title="Commissioning", due_date=dt.date(2026, 6, 30)
    )
    mark = AuditMark()
    milestone_save(
        actor=csco,
        project=project,
        milestone=milestone,
        title="Commissioning",
        status="met",
        due_date=dt.date(2026, 6, 30),
        date_met=dt.date(2025, 5, 2),
    )
    assert Milestone.objects.count() == 1
    entry = mark.only("plans.milestone.saved")
    assert entry.actor == csco
    assert entry.changes == {
        "status": {"before": "scheduled", "after": "met"},
        "date_met": {"before": None, "after": "2025-05-02"},
    }


def test_a_milestone_of_another_project_is_not_found(roles, csco, project):
    other = factories.project(csco, title="Beach cameras")
    milestone = milestone_save(actor=csco, project=other, title="Approval")
    with pytest.raises(NotFound):
        milestone_save(actor=csco, project=project, milestone=milestone, title="Hijacked")
    milestone.refresh_from_db()
    assert (milestone.title, milestone.project_id) == ("Approval", other.pk)


def test_the_national_representative_does_not_edit_milestones(roles, project):
    with pytest.raises(PermissionDenied):
        milestone_save(actor=roles.user("nr_th"), project=project, title="Approval")
    assert not Milestone.objects.exists()


# --- documents ---------------------------------------------------------------------------------


def test_a_real_pdf_is_stored_and_audited(csco, project, media):
    mark = AuditMark()
    document = document_upload(
        actor=csco,
        project=project,
        title="Feasibility study",
        file=pdf(),
        document_type="technicalSpecifications",
    )
    document.refresh_from_db()
    assert (document.title, document.size, document.uploaded_by) == (
        "Feasibility study",
        len(PDF),
        csco,
    )
    assert document.file.name.endswith(".pdf")
    with default_storage.open(document.file.name, "rb") as handle:
        assert handle.read() == PDF
    assert stored_files(media)  # through Django's storage, under MEDIA_ROOT
    entry = mark.only("plans.document.uploaded")
    assert entry.actor == csco
    assert entry.changes == {
        "document": {"before": None, "after": "Feasibility study"},
        "size": {"before": None, "after": len(PDF)},
    }


def test_a_document_without_a_title_is_named_after_its_file(csco, project):
    document = document_upload(actor=csco, project=project, title="  ", file=pdf("esia-2025.pdf"))
    assert document.title == "esia-2025.pdf"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.pdf", PNG),  # a PNG renamed .pdf
        ("notes.pdf", b"These are my notes, not a PDF.\n"),  # text renamed .pdf
        ("empty.pdf", b""),
        ("almost.pdf", b"%PDF"),  # four of the five magic bytes
        ("script.pdf", b"<script>alert(1)</script>%PDF-1.4"),  # the magic not at the start
        ("magic.pdf", b"%PDF-1.7\n<script>alert(1)</script>"),  # the magic, then no PDF
        ("cut.pdf", PDF[: len(PDF) // 2]),  # a real PDF cut short in transfer
    ],
)
def test_a_file_that_is_not_a_pdf_is_refused_whatever_its_name(csco, project, media, name, content):
    mark = AuditMark()
    with pytest.raises(InvalidInput) as raised:
        document_upload(actor=csco, project=project, title="Study", file=pdf(name, content))
    assert raised.value.field == "file"
    assert "PDF" in raised.value.message
    assert not ProjectDocument.objects.exists()
    assert stored_files(media) == []
    assert mark.actions() == []


def test_a_pdf_over_10_mb_is_refused(csco, project, media):
    too_big = PDF + b"0" * (MAX_DOCUMENT_BYTES + 1 - len(PDF))
    with pytest.raises(InvalidInput) as raised:
        document_upload(actor=csco, project=project, title="Huge", file=pdf(content=too_big))
    assert raised.value.field == "file"
    assert "10 MB" in raised.value.message
    assert not ProjectDocument.objects.exists()
    assert stored_files(media) == []


def test_a_pdf_of_exactly_10_mb_is_accepted(csco, project):
    exactly = PDF + b"0" * (MAX_DOCUMENT_BYTES - len(PDF))
    document = document_upload(actor=csco, project=project, title="Big", file=pdf(content=exactly))
    assert document.size == MAX_DOCUMENT_BYTES == 10 * 1024 * 1024


def test_an_unknown_document_type_is_refused(csco, project, media):
    with pytest.raises(InvalidInput) as raised:
        document_upload(
            actor=csco, project=project, title="Study", file=pdf(), document_type="selfie"
        )
    assert raised.value.field == "document_type"
    assert stored_files(media) == []


def test_a_refused_document_leaves_no_file_behind(csco, project, media):
    with pytest.raises(InvalidInput):
        document_upload(actor=csco, project=project, title="x" * 201, file=pdf())
    assert not ProjectDocument.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(("who", "error"), [("nr_th", PermissionDenied), ("partner_adb", NotFound)])
def test_only_the_city_uploads_documents(roles, project, media, who, error):
    with pytest.raises(error):
        document_upload(actor=roles.user(who), project=project, title="Study", file=pdf())
    assert stored_files(media) == []


# --- a plan's document -------------------------------------------------------------------------


@pytest.fixture
def plan(csco):
    return factories.plan(csco, title="Phuket Smart City Action Plan")


def test_a_plan_document_is_attached_with_the_version_and_audited(csco, plan):
    mark = AuditMark()
    plan = plan_attach_document(actor=csco, plan=plan, version=1, file=pdf("plan.pdf"))
    assert plan.version == 2
    assert plan.document.name.endswith(".pdf")
    entry = mark.only("plans.plan.document_attached")
    assert entry.actor == csco
    assert entry.changes == {"document": {"before": "", "after": plan.document.name}}


def test_a_plan_document_is_checked_like_any_other(csco, plan, media):
    with pytest.raises(InvalidInput) as raised:
        plan_attach_document(actor=csco, plan=plan, version=1, file=pdf("plan.pdf", PNG))
    assert raised.value.field == "document"
    with pytest.raises(StaleEdit):
        plan_attach_document(actor=csco, plan=plan, version=5, file=pdf("plan.pdf"))
    plan.refresh_from_db()
    assert (plan.version, plan.document.name) == (1, "")
    assert stored_files(media) == []


@pytest.mark.parametrize(
    "path", [("submit",), ("submit", "endorse"), ("submit", "endorse", "publish")]
)
def test_the_document_of_a_plan_out_of_the_city_s_hands_cannot_be_replaced(roles, csco, plan, path):
    # given a plan attached to its document, then submitted (and endorsed, and published)
    plan = plan_attach_document(actor=csco, plan=plan, version=1, file=pdf("plan.pdf"))
    for action in path:
        actor = csco if action == "submit" else roles.user("nr_th")
        plan = plan_transition(actor=actor, plan=plan, action=action, version=plan.version)
    endorsed_document = plan.document.name
    # when its CSCO replaces the document
    with pytest.raises(IllegalTransition):
        plan_attach_document(
            actor=csco, plan=plan, version=plan.version, file=pdf("other.pdf", PDF + b"% changed\n")
        )
    # then the endorsed plan still says what was endorsed
    plan.refresh_from_db()
    assert plan.document.name == endorsed_document
