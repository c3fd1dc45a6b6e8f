"""Bulk import of projects from CSV and XLSX (SPEC C4, issue 4 item 8).

Row by row, all-or-nothing, with an error report a person can act on; large files run in
the background with progress.
"""

from __future__ import annotations

import csv
import html as html_lib
import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import translation

from ascn.core.errors import InvalidInput
from ascn.core.models import AuditEntry
from ascn.network.models import City, MemberState
from ascn.opendata import imports, services
from ascn.opendata.models import ImportJob
from ascn.plans import services as plan_services
from ascn.plans.models import Project
from tests import factories
from tests.core.test_unmarked_strings import THAI, thai_catalogue  # noqa: F401 - a fixture
from tests.roles import assert_matrix, everyone, members, sign_in_redirect

pytest_plugins = ["tests.roles"]

IMPORT_URL = "/projects/import/"
HEADER = imports.COLUMN_NAMES


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def row(**values) -> dict[str, str]:
    """A complete, valid row for Phuket; ``values`` override cells."""
    base = {
        "city": "phuket",
        "title": "Smart flood drainage",
        "description": "Sensors and pumps for the old town's drains.",
        "focus_areas": "quality-environment;built-infrastructure",
        "status": "preparation",
        "budget_amount": "2500000",
        "budget_currency": "THB",
        "funding_secured": "500000.50",
        "outcomes": "sustainable-environment",
        "sdg_targets": "11.5;11.b",
        "project_type": "construction",
        "sectors": "waterAndWaste;naturalResources.floodProtection",
        "financing_sought": "grant;technical_assistance",
        "period_start": "2026-01-01",
        "period_end": "2028-12-31",
        "location_description": "Old town",
        "lat": "7.8804",
        "lon": "98.3923",
    }
    return base | values


def csv_file(rows: list[dict[str, str]], *, header=HEADER, name="projects.csv", delimiter=","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    for values in rows:
        writer.writerow([values.get(column, "") for column in header])
    return SimpleUploadedFile(name, buffer.getvalue().encode(), content_type="text/csv")


def upload(client, file):
    return client.post(IMPORT_URL, {"file": file})


def error_rows(response) -> list[tuple[str, str, str]]:
    """The error table of a page, as (row, column, message)."""

    html = response.content.decode()
    section = html[html.index('class="import-errors"') :]
    body = section[section.index("<tbody>") : section.index("</tbody>")]
    cells = re.findall(
        r"<tr><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td></tr>", body, re.S
    )
    clean = [tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in c) for c in cells]

    return [tuple(html_lib.unescape(cell) for cell in c) for c in clean]


# --- the template -------------------------------------------------------------------------


def test_the_csv_template_has_the_header_and_one_example_row(phuket_client):
    # when
    response = phuket_client.get("/projects/import/template.csv")

    # then
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="project-import-template.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert len(rows) == 2
    assert rows[1][0] == "phuket"  # the officer's own city


def test_a_cscos_template_is_of_her_own_city_and_in_her_language(roles):
    """The walk of 8 Dec: Hanoi's template placed its example project at Phuket's coordinates,
    and the import page gave its example title in English on a Vietnamese page."""
    hanoi = City.objects.get(slug="hanoi")
    csco = roles.session("cso_hanoi")
    rows = list(
        csv.reader(
            io.StringIO(csco.get("/projects/import/template.csv").content.decode("utf-8-sig"))
        )
    )
    example = dict(zip(rows[0], rows[1], strict=True))
    assert example["city"] == "hanoi"
    assert (example["lat"], example["lon"]) == (str(hanoi.latitude), str(hanoi.longitude))
    with translation.override("vi"):
        said = str(imports.examples()["title"])
    assert said != "Smart flood drainage"
    page = html_lib.unescape(csco.get("/vi/projects/import/").content.decode())
    assert f"<code>{said}</code>" in page and "<code>Smart flood drainage</code>" not in page


def test_the_xlsx_template_filled_in_imports_every_row(phuket_client, cso_phuket):
    # given the template, its example row replaced by two projects
    response = phuket_client.get("/projects/import/template.xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["projects", "codes"]
    sheet = workbook["projects"]
    assert [cell.value for cell in sheet[1]] == HEADER
    sheet.delete_rows(2)
    sheet.append(
        [
            "phuket",
            "Smart buses",
            "Electric buses on two routes.",
            "built-infrastructure",
            "implementation",
            1200000,
            "USD",
            300000,
            None,
            11.2,
            None,
            "transport.urban",
            "loan",
            None,
            None,
            None,
            None,
            None,
        ]
    )
    sheet.append(
        [
            "phuket",
            "Air quality sensors",
            "A network of 50 sensors.",
            "quality-environment;health-wellbeing",
            "identification",
            80000.5,
            "usd",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)

    # when
    response = upload(phuket_client, SimpleUploadedFile("filled.xlsx", buffer.getvalue()))

    # then
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/projects/import/{job.pk}/"
    assert (job.status, job.file_format, job.total_rows, job.created_count) == (
        "succeeded",
        "xlsx",
        2,
        2,
    )
    buses = Project.objects.get(title="Smart buses")
    assert buses.budget_amount == 1200000 and buses.budget_currency == "USD"
    assert buses.funding_secured == 300000
    assert buses.sdg_targets == ["11.2"]
    assert buses.sectors == ["transport.urban"]
    assert buses.financing_sought == ["loan"]
    assert buses.created_by == cso_phuket and buses.visibility == "draft"
    sensors = Project.objects.get(title="Air quality sensors")
    assert str(sensors.budget_amount) == "80000.50" and sensors.budget_currency == "USD"
    assert set(sensors.focus_areas.values_list("code", flat=True)) == {
        "quality-environment",
        "health-wellbeing",
    }
    page = phuket_client.get(response["Location"]).content.decode()
    assert "2 projects imported" in page and "Smart buses" in page


# --- the happy path -----------------------------------------------------------------------


def test_a_csv_creates_every_project_with_every_column(phuket_client, cso_phuket):
    # given
    file = csv_file(
        [row(), row(title="Smart street lights", lat="", lon="", location_description="")]
    )

    # when
    response = upload(phuket_client, file)

    # then
    assert response.status_code == 302
    drainage = Project.objects.get(title="Smart flood drainage")
    assert drainage.city.slug == "phuket"
    assert drainage.description == "Sensors and pumps for the old town's drains."
    assert sorted(drainage.focus_areas.values_list("code", flat=True)) == [
        "built-infrastructure",
        "quality-environment",
    ]
    assert list(drainage.outcomes.values_list("code", flat=True)) == ["sustainable-environment"]
    assert drainage.status == "preparation" and drainage.project_type == "construction"
    assert str(drainage.budget_amount) == "2500000.00" and drainage.budget_currency == "THB"
    assert str(drainage.funding_secured) == "500000.50"
    assert drainage.sdg_targets == ["11.5", "11.b"]
    assert drainage.sectors == ["waterAndWaste", "naturalResources.floodProtection"]
    assert drainage.financing_sought == ["grant", "technical_assistance"]
    assert (str(drainage.period_start), str(drainage.period_end)) == ("2026-01-01", "2028-12-31")
    assert drainage.locations == [{"description": "Old town", "lat": 7.8804, "lon": 98.3923}]
    lights = Project.objects.get(title="Smart street lights")
    assert lights.locations == []
    # audited: each project, and the import
    job = ImportJob.objects.get()
    assert AuditEntry.objects.filter(action="plans.project.created").count() == 2
    completed = AuditEntry.objects.get(action="opendata.import.completed", object_id=str(job.pk))
    assert completed.actor == cso_phuket
    assert completed.changes["created"]["after"] == 2
    assert completed.changes["status"]["after"] == "succeeded"


def test_a_semicolon_separated_csv_with_names_instead_of_codes_imports(phuket_client):
    # given: a spreadsheet in a locale that separates fields with ";" and a person who
    # wrote the names they see rather than the codes
    file = csv_file(
        [
            row(
                focus_areas="Quality Environment",
                status="Implementation",
                sectors="",
                financing_sought="PPP",
                budget_amount="1,250,000.75",
            )
        ],
        delimiter=";",
    )

    # when
    response = upload(phuket_client, file)

    # then
    assert response.status_code == 302
    project = Project.objects.get()
    assert list(project.focus_areas.values_list("code", flat=True)) == ["quality-environment"]
    assert project.status == "implementation"
    assert project.financing_sought == ["ppp"]
    assert str(project.budget_amount) == "1250000.75"


# --- row errors ---------------------------------------------------------------------------


def test_row_errors_name_row_column_and_problem_and_nothing_is_created(phuket_client):
    # given: row 2 is fine, row 3 is blank, rows 4 to 6 have problems
    file = csv_file(
        [
            row(title="Fine project"),
            {column: "" for column in HEADER},
            row(title="Bad budget", budget_amount="about two million"),
            row(
                title="Bad codes", focus_areas="quality-environment;flying-cars", status="planning"
            ),
            row(title="Bad dates and place", period_start="31/12/2026", lat="7.9", lon=""),
        ]
    )

    # when
    response = upload(phuket_client, file)

    # then
    assert response.status_code == 422
    assert Project.objects.count() == 0
    errors = error_rows(response)
    assert ("4", "budget_amount", "Not a number") in errors
    assert any(e[:2] == ("5", "focus_areas") and "flying-cars" in e[2] for e in errors)
    assert any(e[:2] == ("5", "status") and "planning" in e[2] for e in errors)
    assert ("6", "period_start", "Not a date: write it as YYYY-MM-DD, e.g. 2026-03-31") in errors
    assert ("6", "lon", "Give both lat and lon, or neither") in errors
    assert not any(e[0] in {"2", "3"} for e in errors)
    job = ImportJob.objects.get()
    assert job.status == "failed" and job.created_count == 0
    assert {"row": 4, "column": "budget_amount", "message": "Not a number"} in job.errors
    assert "Nothing was imported" in response.content.decode()


def test_the_error_report_downloads_as_csv(phuket_client):
    # given
    upload(
        phuket_client,
        csv_file([row(budget_amount="12abc"), row(title="Other", budget_currency="XYZ")]),
    )
    job = ImportJob.objects.get()

    # when
    response = phuket_client.get(f"/projects/import/{job.pk}/errors.csv")

    # then
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        {"row": "2", "column": "budget_amount", "message": "Not a number"},
        {"row": "3", "column": "budget_currency", "message": "Unknown currency “XYZ”"},
    ]


def test_a_title_repeated_in_the_file_or_already_taken_is_an_error(phuket_client, cso_phuket):
    # given
    upload(phuket_client, csv_file([row(title="Existing one")]))
    assert Project.objects.count() == 1

    # when
    response = upload(
        phuket_client,
        csv_file([row(title="New one"), row(title="new ONE"), row(title="Existing one")]),
    )

    # then
    assert response.status_code == 422
    errors = error_rows(response)
    assert ("3", "title", "Same city and title as row 2") in errors
    assert ("4", "title", "Phuket already has a project with this title") in errors
    assert Project.objects.count() == 1


def test_a_title_taken_in_another_case_is_found_among_the_citys_projects(phuket_client):
    # given: the city holds several projects, one of them with a Vietnamese title
    upload(
        phuket_client,
        csv_file([row(title=f"Drainage phase {n}") for n in range(5)] + [row(title="Đường Thủy")]),
    )
    assert Project.objects.count() == 6

    # when: the file repeats it in capitals, next to titles that are new
    response = upload(
        phuket_client, csv_file([row(title="Drainage phase 9"), row(title="ĐƯỜNG THỦY")])
    )

    # then
    assert response.status_code == 422
    assert error_rows(response) == [("3", "title", "Phuket already has a project with this title")]
    assert Project.objects.count() == 6


def test_a_csco_cannot_import_into_another_citys_rows(phuket_client):
    # given: one row for Phuket (allowed) and one for Hanoi (not the officer's city)
    file = csv_file([row(), row(city="hanoi", title="Hanoi metro data"), row(city="atlantis")])

    # when
    response = upload(phuket_client, file)

    # then
    assert response.status_code == 422
    errors = error_rows(response)
    assert (
        "3",
        "city",
        "You may not add projects for Hanoi: only for cities you are an officer of",
    ) in errors
    assert ("4", "city", "Unknown city code “atlantis”") in errors
    assert Project.objects.count() == 0


def test_the_secretariat_imports_into_any_city(network, client, settings):
    # given
    settings.ASCN_SECRETARIAT_REQUIRES_2FA = False
    secretariat = factories.secretariat("sec@import.test")
    client.force_login(secretariat)

    # when
    response = upload(
        client, csv_file([row(), row(city="hanoi", title="Hanoi", budget_currency="VND")])
    )

    # then
    assert response.status_code == 302
    assert sorted(Project.objects.values_list("city__slug", flat=True)) == ["hanoi", "phuket"]


def test_an_error_while_saving_rolls_back_the_rows_already_saved(phuket_client, monkeypatch):
    # given: the service refuses the second row only when saving (after every check passed)

    real = plan_services.project_create

    def refusing(**kwargs):
        if kwargs["title"] == "Second":
            raise InvalidInput("Budget frozen by the ministry.", field="budget_amount")
        return real(**kwargs)

    monkeypatch.setattr(services, "project_create", refusing)

    # when
    response = upload(phuket_client, csv_file([row(title="First"), row(title="Second")]))

    # then
    assert response.status_code == 422
    assert error_rows(response) == [("3", "budget_amount", "Budget frozen by the ministry.")]
    assert Project.objects.count() == 0
    assert not AuditEntry.objects.filter(action="plans.project.created").exists()
    assert AuditEntry.objects.filter(action="opendata.import.completed").count() == 1


# --- files that are refused -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "projects.csv", "This is a PDF file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "projects.xlsx", "This is a PNG file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "old.xls", "Excel 97–2003 (.xls)"),
        (b"city,title\x00\x01\x02binary", "projects.csv", "neither CSV nor XLSX"),
        (b"caf\xe9,title\n", "latin1.csv", "not a UTF-8 CSV"),
    ],
)
def test_a_file_that_is_neither_csv_nor_xlsx_is_refused(phuket_client, content, name, message):
    # when
    response = upload(phuket_client, SimpleUploadedFile(name, content))

    # then
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_zip_that_is_not_a_workbook_is_refused(phuket_client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")

    response = upload(phuket_client, SimpleUploadedFile("projects.xlsx", buffer.getvalue()))

    assert response.status_code == 422
    assert "not an Excel workbook" in response.content.decode()


def test_a_missing_required_column_is_named(phuket_client):
    header = [c for c in HEADER if c not in {"budget_currency"}]

    response = upload(phuket_client, csv_file([row()], header=header))

    assert response.status_code == 422
    assert "A required column is missing: budget_currency." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_unknown_column_is_named(phuket_client):
    response = upload(phuket_client, csv_file([row()], header=[*HEADER, "budget_usd"]))

    assert response.status_code == 422
    assert "Unknown column “budget_usd”" in response.content.decode()


def test_a_file_above_the_size_limit_is_refused(phuket_client, settings):
    settings.ASCN_IMPORT_MAX_BYTES = 1024 * 1024

    response = upload(phuket_client, csv_file([row(description="x" * (1024 * 1024))]))

    assert response.status_code == 422
    assert "larger than 1 MB" in response.content.decode()


def test_more_rows_than_the_limit_are_refused(phuket_client, settings):
    settings.ASCN_IMPORT_MAX_ROWS = 3

    response = upload(phuket_client, csv_file([row(title=f"P{n}") for n in range(4)]))

    assert response.status_code == 422
    assert "more than 3 project rows" in response.content.decode()


def test_the_default_limits_are_5_mb_and_a_row_limit_fit_for_the_database():
    # SQLite holds its single write lock for the whole save, so it takes fewer rows.
    assert imports.max_bytes() == 5 * 1024 * 1024
    assert imports.max_rows() == (2_000 if connection.vendor == "sqlite" else 10_000)


# --- large files in the background -----------------------------------------------------------


def test_a_large_file_runs_as_a_background_task_with_progress_to_100(
    phuket_client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    # given: more rows than the background threshold
    settings.ASCN_IMPORT_BACKGROUND_ROWS = 5
    seen = []
    real_save = services._save_progress

    def recording(job, **fields):
        if "processed_rows" in fields:
            seen.append(fields["processed_rows"])
        real_save(job, **fields)

    monkeypatch.setattr(services, "_save_progress", recording)
    saved = []
    real_report = services._report_saved
    monkeypatch.setattr(
        services, "_report_saved", lambda job, n: (saved.append(n), real_report(job, n))
    )
    file = csv_file([row(title=f"Project {n:02d}") for n in range(12)])

    # when: the task is enqueued when the upload commits (ImmediateBackend runs it then)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(phuket_client, file)

    # then
    job = ImportJob.objects.get()
    assert len(callbacks) == 1
    assert response.status_code == 302 and response["Location"] == f"/projects/import/{job.pk}/"
    assert job.in_background
    assert (job.status, job.total_rows, job.processed_rows, job.created_count) == (
        "succeeded",
        12,
        12,
        12,
    )
    assert job.percent == 100
    assert seen == sorted(seen) and seen[-1] == 12 and len(seen) > 2  # checked, in steps
    assert saved == sorted(saved) and saved[-1] == 12 and len(saved) > 2  # saved, in steps
    assert services.saving_progress(job) is None  # forgotten once finished
    page = phuket_client.get(response["Location"]).content.decode()
    assert "12 projects imported" in page
    assert 'data-hx-trigger="every 1s"' not in page  # finished: no more polling


def test_a_running_import_page_polls_and_shows_its_progress(phuket_client, cso_phuket):
    # given: an import half checked
    # (the ORM: a job caught mid-run, a state the import service passes but never stops at)
    job = ImportJob.objects.create(
        created_by=cso_phuket,
        original_name="big.csv",
        file_format="csv",
        size=1000,
        in_background=True,
        status="running",
        phase="checking",
        total_rows=400,
        processed_rows=100,
    )

    # when
    page = phuket_client.get(f"/projects/import/{job.pk}/")
    fragment = phuket_client.get(f"/projects/import/{job.pk}/", headers={"HX-Request": "true"})

    # then
    html = page.content.decode()
    assert 'data-hx-trigger="every 1s"' in html
    assert '<progress max="400" value="100"' in html
    assert "100 of 400 rows checked (25%)" in html
    assert '<meta http-equiv="refresh" content="2">' in html  # without JavaScript
    assert fragment.content.decode().lstrip().startswith('<div id="import-progress"')
    assert "<html" not in fragment.content.decode()


def test_running_a_job_twice_runs_it_once(phuket_client):
    upload(phuket_client, csv_file([row()]))
    job = ImportJob.objects.get()

    again = services.import_job_run(job_id=job.pk)

    assert again.status == "succeeded"
    assert Project.objects.count() == 1


# --- who may import --------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, network):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/?next=")


@pytest.mark.parametrize("role", ["national_representative", "none"])
def test_members_who_are_not_officers_cannot_import(client, network, role):
    # given
    user = factories.user(
        f"{role}@import.test",
        role=None if role == "none" else role,
        scope=MemberState.objects.get(code="TH"),
    )
    client.force_login(user)

    # when
    page = client.get(IMPORT_URL)
    post = upload(client, csv_file([row()]))

    # then
    assert page.status_code == 403 and post.status_code == 403
    assert Project.objects.count() == 0 and not ImportJob.objects.exists()


def test_an_import_is_seen_only_by_whoever_uploaded_it(phuket_client, network, client):
    # given
    upload(phuket_client, csv_file([row(budget_amount="x")]))
    job = ImportJob.objects.get()
    other = factories.user(
        "cso.hanoi@import.test", role="cso", scope=City.objects.get(slug="hanoi")
    )

    hanoi = Client()
    hanoi.force_login(other)

    # then
    assert hanoi.get(f"/projects/import/{job.pk}/").status_code == 404
    assert hanoi.get(f"/projects/import/{job.pk}/errors.csv").status_code == 404
    assert phuket_client.get(f"/projects/import/{job.pk}/").status_code == 200


def test_a_saving_import_shows_how_many_projects_are_saved(phuket_client, cso_phuket):
    # given: every row checked, half of the projects saved (the count lives in the cache)
    # (the ORM: a job caught mid-run, a state the import service passes but never stops at)
    job = ImportJob.objects.create(
        created_by=cso_phuket,
        original_name="big.csv",
        file_format="csv",
        size=1000,
        in_background=True,
        status="running",
        phase="saving",
        total_rows=400,
        processed_rows=400,
    )
    services._report_saved(job, 200)

    # when
    html = phuket_client.get(f"/projects/import/{job.pk}/").content.decode()

    # then
    assert '<progress max="400" value="200"' in html
    assert "200 of 400 projects saved (50%)" in html
    assert 'data-hx-trigger="every 1s"' in html


def test_spreadsheet_float_noise_is_not_an_error_but_a_third_decimal_is(phuket_client):
    # given: a computed cell (=100000*1.1) as Excel stores it, and a typed third decimal
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER[:7])
    sheet.append(
        ["phuket", "Computed", "d", "civic-social", "preparation", 110000.00000000001, "USD"]
    )
    sheet.append(["phuket", "Too precise", "d", "civic-social", "preparation", 10.005, "USD"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    # when
    response = upload(phuket_client, SimpleUploadedFile("p.xlsx", buffer.getvalue()))

    # then
    assert error_rows(response) == [("3", "budget_amount", "At most two decimal places")]


def test_titles_compare_without_case_in_every_script(phuket_client):
    # given: SQLite's LOWER() folds ASCII only; a Vietnamese title differs only by case
    upload(phuket_client, csv_file([row(title="Đường phố thông minh")]))

    # when
    response = upload(phuket_client, csv_file([row(title="đường PHỐ thông minh")]))

    # then
    assert error_rows(response) == [("2", "title", "Phuket already has a project with this title")]


def test_the_role_matrix_of_the_import_pages(roles):
    # given: an import by the officer of Phuket
    phuket = roles.session("cso_phuket")
    upload(phuket, csv_file([row(budget_amount="x")]))
    job = ImportJob.objects.get()

    # then
    assert_matrix(
        roles.session,
        "GET",
        IMPORT_URL,
        members(
            403,
            anonymous=sign_in_redirect(IMPORT_URL),
            secretariat=200,
            cso_phuket=200,
            cso_hanoi=200,
        ),
    )
    for url in (f"/projects/import/{job.pk}/", f"/projects/import/{job.pk}/errors.csv"):
        assert_matrix(
            roles.session,
            "GET",
            url,
            members(404, anonymous=sign_in_redirect(url), secretariat=200, cso_phuket=200),
        )
    assert_matrix(roles.session, "GET", "/projects/import/template.csv", everyone(200))
    assert_matrix(roles.session, "GET", "/projects/import/template.xlsx", everyone(200))


@pytest.mark.usefixtures("thai_catalogue")
def test_a_background_import_writes_its_messages_in_the_uploaders_language(
    phuket_client, settings, django_capture_on_commit_callbacks
):
    # given: a file large enough for the task worker, uploaded from the Thai pages
    settings.ASCN_IMPORT_BACKGROUND_ROWS = 1
    file = csv_file([row(title="Fine project"), row(title="Bad budget", budget_amount="lots")])
    with django_capture_on_commit_callbacks() as callbacks:
        phuket_client.post(f"/th{IMPORT_URL}", {"file": file})

    # when: the worker runs it, in no request's language
    translation.activate("en")
    for callback in callbacks:
        callback()

    # then: the uploader reads the rows' messages in Thai
    job = ImportJob.objects.get()
    assert job.in_background and job.status == "failed"
    assert {"row": 3, "column": "budget_amount", "message": THAI["Not a number"]} in job.errors
