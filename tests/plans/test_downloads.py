"""A downloaded document keeps the name people gave it: a project's documents and an action
plan's PDF are saved under their title as written — accents, spaces and any script — with an
ASCII name beside it for the clients that read only that (RFC 6266, RFC 5987)."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ascn.plans.models import ProjectDocument
from ascn.plans.services import plan_update
from tests import factories
from tests.plans.test_pages import the_form

pytest_plugins = ["tests.roles"]

PDF = factories.pdf_bytes()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def saved_as(response) -> str:
    """The name a browser saves the download under: ``filename*`` (UTF-8) where given, which
    it prefers to ``filename``."""
    header = response["Content-Disposition"]
    assert header.startswith("attachment; ")
    utf8 = re.search(r"filename\*=utf-8''([^;\s]+)", header)
    if utf8:
        return unquote(utf8.group(1))
    return re.search(r'filename="([^"]*)"', header).group(1)


def ascii_name(response) -> str:
    return re.search(r'filename="([^"]*)"', response["Content-Disposition"]).group(1)


def upload(client, project, name: str, title: str = "") -> ProjectDocument:
    """A PDF uploaded through the project's documents page (its title left empty: the file's
    name)."""
    page = client.get(f"/projects/{project.pk}/documents/")
    data = the_form(page, having="document_type").data(
        title=title, file=SimpleUploadedFile(name, PDF, content_type="application/pdf")
    )
    assert client.post(f"/projects/{project.pk}/documents/", data).status_code == 302
    return ProjectDocument.objects.filter(project=project).latest("pk")


def test_a_vietnamese_document_downloads_under_its_own_name(roles):
    # given Phuket's officer uploads "Báo cáo nghiên cứu khả thi.pdf", leaving the title empty
    project = factories.project(roles.user("cso_phuket"))
    csco = roles.session("cso_phuket")
    document = upload(csco, project, "Báo cáo nghiên cứu khả thi.pdf")
    # when it is downloaded
    download = csco.get(f"/projects/{project.pk}/documents/{document.pk}/")
    # then it is saved under the name it was uploaded with: accents, spaces and one ".pdf"
    assert download.status_code == 200
    assert saved_as(download) == "Báo cáo nghiên cứu khả thi.pdf"
    # and a client that reads only the ASCII name gets the same words without their accents
    assert ascii_name(download) == "Bao cao nghien cuu kha thi.pdf"
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(
    ("title", "name", "fallback"),
    [
        ("Feasibility study, final report", "Feasibility study, final report.pdf", None),
        ("Đề án đô thị thông minh", "Đề án đô thị thông minh.pdf", "De an do thi thong minh.pdf"),
        ("รายงานการศึกษาความเป็นไปได้", "รายงานการศึกษาความเป็นไปได้.pdf", "document.pdf"),
        ("Phase 1/2: budget", "Phase 1 2 budget.pdf", None),
        ("STUDY.PDF", "STUDY.pdf", None),
    ],
)
def test_a_documents_title_names_its_download(roles, title, name, fallback):
    # given a document with this title
    project = factories.project(roles.user("cso_phuket"))
    csco = roles.session("cso_phuket")
    document = upload(csco, project, "scan-0001.pdf", title=title)
    # when it is downloaded
    download = csco.get(f"/projects/{project.pk}/documents/{document.pk}/")
    # then it is saved under its title (what no file name may hold, "/" or ":", left out),
    # with an ASCII name beside it when the title is not plain ASCII
    assert saved_as(download) == name
    assert ascii_name(download) == (fallback or name)


def test_an_action_plans_pdf_downloads_under_the_plans_title(roles):
    # given a plan of Phuket with its PDF attached
    csco = roles.user("cso_phuket")
    plan = factories.plan(csco, title="Kế hoạch hành động đô thị thông minh 2025")
    plan_update(
        actor=csco,
        plan=plan,
        version=plan.version,
        document=SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf"),
    )
    # when its officer downloads it
    download = roles.session("cso_phuket").get(f"/plans/{plan.pk}/document/")
    # then it is saved under the plan's title
    assert download.status_code == 200
    assert saved_as(download) == "Kế hoạch hành động đô thị thông minh 2025.pdf"
    assert ascii_name(download) == "Ke hoach hanh dong do thi thong minh 2025.pdf"
