"""A document keeps its name from upload to download, in a real browser: Chromium saves the
file under the name the officer uploaded it with, accents and spaces included (it reads the
UTF-8 ``filename*`` of the download's Content-Disposition, RFC 6266)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ascn.accounts.models import Role
from ascn.network.models import City
from tests import factories

pytestmark = pytest.mark.e2e

PASSWORD = "monsoon-river-lanterns-2026"
EMAIL = "officer@phuket.example.th"
PDF = factories.pdf_bytes()


@pytest.fixture
def media(settings, tmp_path):
    """Uploads go to this test's own directory (the live server shares the settings)."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def officer(live_network, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return factories.user(
        EMAIL, role=Role.CSO, scope=City.objects.get(slug="phuket"), password=PASSWORD
    )


def test_an_uploaded_vietnamese_file_downloads_under_its_own_name(page: Page, url, media, officer):
    # given the officer of Phuket, signed in, on a project of her city
    project = factories.project(officer, title="Patong smart drainage")
    page.goto(url("/accounts/sign-in/"))
    form = page.get_by_role("main")
    form.get_by_label("E-mail address").fill(EMAIL)
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("banner")).to_contain_text(EMAIL)
    # when she uploads "Báo cáo nghiên cứu khả thi.pdf", leaving the title empty
    page.goto(url(f"/projects/{project.pk}/documents/"))
    page.get_by_label("PDF file").set_input_files(
        {"name": "Báo cáo nghiên cứu khả thi.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Upload").click()
    # and downloads it from the project's page
    documents = page.get_by_role("region", name="Documents")
    with page.expect_download() as download:
        documents.get_by_role("link", name="Báo cáo nghiên cứu khả thi").click()
    # then the browser saves it under that name, and it is the PDF she sent
    assert download.value.suggested_filename == "Báo cáo nghiên cứu khả thi.pdf"
    assert Path(download.value.path()).read_bytes() == PDF
