"""The open-data catalogue (SPEC C9): the page, its DCAT description, every download answering
with its declared media type, only public records, and projects that round-trip through the
importer ("what is exported can be read back")."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from decimal import Decimal
from urllib.parse import urlsplit

import openpyxl
import pytest
from django.core.cache import cache
from rdflib import RDF, Graph, Namespace, URIRef

from ascn.opendata import catalogue
from ascn.opendata.imports import COLUMN_NAMES, RowChecker, read_table
from ascn.plans.models import Project
from ascn.plans.services import project_update
from tests import factories

SITE = "https://ascn.example"
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def projects(secretariat):
    """A full public project of Phuket and a draft; a public and a draft organisation."""
    shared = {
        "description": "Sensors; pumps, and “quotes”.\nTwo lines.",
        "focus_areas": ["quality-environment", "built-infrastructure"],
        "status": "preparation",
        "budget": "2500000.75",
        "currency": "THB",
    }
    public = factories.project(
        secretariat,
        title="Smart drainage, phase 1",
        visibility="public",
        outcomes=["sustainable-environment"],
        sdg_targets=["11.5", "11.b"],
        financing_sought=["grant", "loan"],
        start=dt.date(2026, 1, 1),
        end=dt.date(2028, 12, 31),
        locations=[{"description": "Old town", "lat": 7.8804, "lon": 98.3923}],
        secured="500000.50",
        **shared,
    )
    draft = factories.project(secretariat, title="Secret plan", **shared)
    factories.organisation(secretariat, slug="pub", name="Public Partner")
    factories.organisation(secretariat, slug="hid", name="Hidden Partner", visibility="draft")
    return [public, draft]


def test_catalogue_page_lists_every_dataset_with_licence_formats_and_api(client, projects, text):
    response = client.get("/data/")
    assert response.status_code == 200
    page = text(response)
    html = response.content.decode()
    for item in catalogue.datasets():
        assert str(item.title) in page
        assert f'href="/data/{item.key}.csv"' in html
        assert f'href="/data/{item.key}.xlsx"' in html
    assert "CC BY 4.0" in page and "Apache License 2.0" in page
    assert 'href="/api/v1/exports/oc4ids"' in html
    assert 'href="/api/v1/meetings.ics"' in html
    assert 'href="/api/v1/docs"' in html and 'href="/api/v1/openapi.json"' in html
    assert 'href="/data/catalog.jsonld"' in html and 'href="/data/catalog.ttl"' in html


@pytest.mark.parametrize("language", ["en", "th", "vi"])
def test_each_dataset_links_its_page_on_the_site_in_the_pages_language(client, projects, language):
    prefix = "" if language == "en" else f"/{language}"
    html = client.get(f"{prefix}/data/").content.decode()
    pages = {item.page for item in catalogue.datasets() if item.page}
    assert len(pages) > 5
    for page in pages:
        assert f'href="{prefix}{page}"' in html, (language, page)
        assert client.get(f"{prefix}{page}").status_code == 200, page


def test_dcat_catalog_is_json_ld_with_the_required_keys(client, projects):
    response = client.get("/data/catalog.jsonld")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    doc = json.loads(response.content)
    assert {"dcat", "dct", "foaf"} <= set(doc["@context"])
    graph = Graph().parse(data=response.content, format="json-ld")
    (catalog,) = graph.subjects(RDF.type, DCAT.Catalog)
    datasets = list(graph.objects(catalog, DCAT.dataset))
    keys = {str(graph.value(d, DCT.identifier)) for d in datasets}
    assert {"cities", "projects", "meetings", "organisations", "programmes"} <= keys
    for dataset in datasets:
        for prop in (DCT.title, DCT.description, DCT.license, DCAT.distribution):
            assert graph.value(dataset, prop), prop
        for dist in graph.objects(dataset, DCAT.distribution):
            assert (dist, RDF.type, DCAT.Distribution) in graph
            assert graph.value(dist, DCAT.mediaType) and graph.value(dist, DCT["format"])
            assert str(graph.value(dist, DCAT.accessURL)).startswith(SITE + "/")
    projects_entry = URIRef(f"{SITE}/data/#projects")
    assert str(graph.value(projects_entry, DCT.modified)).startswith(str(dt.date.today().year))


def test_every_download_in_the_dcat_answers_with_its_media_type(client, projects):
    graph = Graph().parse(data=client.get("/data/catalog.jsonld").content, format="json-ld")
    checked = 0
    for dist in graph.subjects(RDF.type, DCAT.Distribution):
        url = str(graph.value(dist, DCAT.downloadURL) or graph.value(dist, DCAT.accessURL))
        media_type = str(graph.value(dist, DCAT.mediaType)).split("/media-types/", 1)[1]
        parts = urlsplit(url)
        response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        assert response.status_code == 200, url
        assert response["Content-Type"].split(";")[0] == media_type, url
        checked += 1
    assert checked >= 3 * len(list(graph.subjects(RDF.type, DCAT.Dataset)))


def test_downloads_hold_public_records_only(client, projects):
    body = client.get("/data/projects.csv").content.decode("utf-8-sig")
    assert "Smart drainage" in body and "Secret plan" not in body
    organisations = json.loads(client.get("/data/organisations.json").content)
    assert [o["name"] for o in organisations["items"]] == ["Public Partner"]
    officers = client.get("/data/officers.csv").content.decode("utf-8-sig")
    assert "@" not in officers  # no e-mail address
    header = next(csv.reader(io.StringIO(officers)))
    assert "email" not in header and "phone" not in header


def test_projects_csv_and_xlsx_read_back_by_the_importer(client, projects):
    public = projects[0]
    expected = {
        "city": "phuket",
        "title": "Smart drainage, phase 1",
        "description": "Sensors; pumps, and “quotes”.\nTwo lines.",
        "focus_areas": "built-infrastructure;quality-environment",
        "status": "preparation",
        "budget_amount": "2500000.75",
        "budget_currency": "THB",
        "funding_secured": "500000.50",
        "outcomes": "sustainable-environment",
        "sdg_targets": "11.5;11.b",
        "financing_sought": "grant;loan",
        "period_start": "2026-01-01",
        "period_end": "2028-12-31",
        "location_description": "Old town",
        "lat": "7.8804",
        "lon": "98.3923",
    }
    for fmt in ("csv", "xlsx"):
        table = read_table(client.get(f"/data/projects.{fmt}").content)
        assert table.header == COLUMN_NAMES
        assert len(table.rows) == 1
        _row, values = table.rows[0]
        got = {k: ("" if v is None else str(v)) for k, v in values.items()}
        got["focus_areas"] = ";".join(sorted(got["focus_areas"].split(";")))
        for key, value in expected.items():
            if fmt == "xlsx" and key in NUMBERS:  # a number cell: 500000.5 is 500000.50
                assert Decimal(got[key]) == Decimal(value), (fmt, key)
            else:
                assert got[key] == value, (fmt, key)
    assert public.title == expected["title"]


NUMBERS = {"budget_amount", "funding_secured", "lat", "lon"}


def test_projects_export_imports_again_into_another_city(client, projects, secretariat):
    """Export → the importer's own row checks accept every row as it stands (the title is
    taken in Phuket already, so the check runs against another city)."""

    data = client.get("/data/projects.csv").content.decode("utf-8-sig")
    assert data.startswith("id,city,")  # the id first, which the import reads past
    data = re.sub(r"\r\n(\d+),phuket,", r"\r\n\1,hanoi,", data).encode("utf-8-sig")
    table = read_table(data)
    checker = RowChecker(secretariat, table)
    checked, errors = checker.check(*table.rows[0])
    assert errors == []
    assert checked.values["budget_amount"] == projects[0].budget_amount
    assert sorted(checked.values["focus_areas"]) == ["built-infrastructure", "quality-environment"]


def test_xlsx_and_json_match_the_csv(client, projects):
    rows = list(csv.reader(io.StringIO(client.get("/data/cities.csv").content.decode("utf-8-sig"))))
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/data/cities.xlsx").content))
    sheet_rows = [
        [("" if c is None else str(c)) for c in r]
        for r in workbook.active.iter_rows(values_only=True)
    ]
    assert sheet_rows[0] == rows[0]
    assert len(sheet_rows) == len(rows) > 20
    items = json.loads(client.get("/data/cities.json").content)["items"]
    assert len(items) == len(rows) - 1
    assert {item["slug"] for item in items} >= {"phuket", "hanoi", "singapore"}


def test_a_project_without_a_budget_has_no_funding_secured_in_the_files(
    client, projects, secretariat
):
    # given a public project whose budget is not published, nothing secured either (as the
    # seed loads a real project its sources give no budget for)
    bare = factories.project(secretariat, title="Unbudgeted", visibility="public", secured="0")
    Project.objects.filter(pk=bare.pk).update(budget_amount=None, budget_currency="")

    # then the files leave its funding secured empty, as its budget: not a zero in no currency
    items = {item["title"]: item for item in client.get("/data/projects.json").json()["items"]}
    unbudgeted = items["Unbudgeted"]
    assert (unbudgeted["budget_amount"], unbudgeted["funding_secured"]) == (None, None)
    assert items["Smart drainage, phase 1"]["funding_secured"] == 500000.5


def test_the_xlsx_gives_numbers_as_numbers_a_spreadsheet_can_add_up(client, projects):
    # when a reuser opens the projects as a spreadsheet
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/data/projects.xlsx").content))
    header, *rows = list(workbook.active.iter_rows())
    column = {cell.value: i for i, cell in enumerate(header)}
    full = next(r for r in rows if r[column["title"]].value == "Smart drainage, phase 1")

    # then its money is numbers in cells of numbers (the data dictionary says "number"), shown
    # with two decimals as the CSV writes them, and the text stays text
    budget, secured = full[column["budget_amount"]], full[column["funding_secured"]]
    assert (budget.data_type, secured.data_type) == ("n", "n")
    assert (float(budget.value), float(secured.value)) == (2500000.75, 500000.5)
    assert budget.number_format == "0.00"
    assert full[column["title"]].data_type == "s"


def test_the_json_gives_numbers_as_numbers_and_what_is_missing_as_null(
    client, projects, secretariat
):
    # given a public project with every figure, and one without dates or a place
    factories.project(
        secretariat, title="Bare", visibility="public", start=None, end=None, secured="0"
    )

    # when a reuser downloads the projects as JSON
    items = {item["title"]: item for item in client.get("/data/projects.json").json()["items"]}

    # then money is a number, not text, and a missing date or coordinate is null, not ""
    full, bare = items["Smart drainage, phase 1"], items["Bare"]
    assert (full["budget_amount"], full["funding_secured"]) == (2500000.75, 500000.5)
    assert (full["lat"], full["lon"], full["period_start"]) == (7.8804, 98.3923, "2026-01-01")
    assert (bare["lat"], bare["lon"], bare["period_start"], bare["period_end"]) == (None,) * 4
    assert bare["budget_amount"] == 1000000 and isinstance(full["id"], int)
    # while text stays text, an empty text ""
    assert (bare["location_description"], bare["budget_currency"]) == ("", "THB")


def test_every_json_download_is_typed_as_its_data_package_says(client, projects):
    package = client.get("/data/datapackage.json").json()
    is_a = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "year": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "date": lambda v: isinstance(v, str) and dt.date.fromisoformat(v) is not None,
    }
    checked = 0
    for resource in package["resources"]:
        items = client.get(f"/data/{resource['name']}.json").json()["items"]
        for item in items:
            for field in resource["schema"]["fields"]:
                value = item[field["name"]]
                assert value is None or is_a[field["type"]](value), (resource["name"], field)
                checked += value is not None and field["type"] != "string"
    assert checked > 100


def test_unknown_dataset_is_not_found(client, network):
    assert client.get("/data/nothing.csv").status_code == 404
    assert client.get("/data/cities.pdf").status_code == 404


def test_catalogue_page_is_fast_in_queries(client, projects, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        assert client.get("/data/").status_code == 200


def test_cached_downloads_are_rebuilt_when_a_record_changes(
    client, projects, secretariat, settings
):
    settings.ASCN_OPEN_DATA_CACHE_SECONDS = 600

    cache.clear()
    first = client.get("/data/projects.csv")
    assert "Smart drainage, phase 1" in first.content.decode("utf-8-sig")
    assert first["Last-Modified"]
    project = projects[0]
    project.refresh_from_db()
    project_update(
        actor=secretariat, project=project, version=project.version, title="Smart drainage, phase 2"
    )
    body = client.get("/data/projects.csv").content.decode("utf-8-sig")
    assert "phase 2" in body and "phase 1" not in body
    cache.clear()


def test_a_kept_download_keeps_its_etag_and_a_rebuilt_one_gets_its_own(
    client, projects, secretariat, settings
):
    settings.ASCN_OPEN_DATA_CACHE_SECONDS = 600
    cache.clear()
    # the ETag is the body's, hashed once when the file is built, not at each download
    first = client.get("/data/projects.csv")
    assert first["ETag"] == f'"{hashlib.md5(first.content, usedforsecurity=False).hexdigest()}"'
    kept = client.get("/data/projects.csv", headers={"If-None-Match": first["ETag"]})
    assert kept.status_code == 304
    # a change rebuilds the file: the client's ETag no longer matches and it gets the new one
    project = projects[0]
    project.refresh_from_db()
    project_update(actor=secretariat, project=project, version=project.version, title="Phase 2")
    rebuilt = client.get("/data/projects.csv", headers={"If-None-Match": first["ETag"]})
    assert rebuilt.status_code == 200 and "Phase 2" in rebuilt.content.decode("utf-8-sig")
    assert (
        rebuilt["ETag"]
        == f'"{hashlib.md5(rebuilt.content, usedforsecurity=False).hexdigest()}"'
        != first["ETag"]
    )
    cache.clear()


def test_sample_data_is_flagged_per_dataset(client, projects, secretariat, text):
    # given no sample record
    assert "includes sample data" not in text(client.get("/data/"))
    # when a sample organisation is published
    factories.organisation(secretariat, slug="sample-partner", name="Sample Partner", sample=True)
    # then the organisations dataset says it includes sample data, the projects one does not
    page = client.get("/data/").content.decode()
    organisations = page.split('id="organisations"', 1)[1].split("</li>", 1)[0]
    assert "includes sample data" in organisations
    assert "includes sample data" not in page.split('id="projects"', 1)[1].split("</h3>", 1)[0]


def test_every_download_of_a_dataset_with_sample_records_marks_each_row(
    client, projects, secretariat
):
    # given a sample organisation beside the real ones
    factories.organisation(secretariat, slug="sample-partner", name="Sample Partner", sample=True)
    # then the CSV, the JSON and the data dictionary say which row is sample data
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/data/organisations.csv").content.decode("utf-8-sig"))
        )
    )
    assert {row["name"]: row["sample"] for row in rows}["Sample Partner"] == "True"
    assert all(row["sample"] == "False" for row in rows if row["name"] != "Sample Partner")
    items = client.get("/data/organisations.json").json()["items"]
    assert {item["name"]: item["sample"] for item in items}["Sample Partner"] is True
    # every dataset of records that can be sample data carries the column
    package = client.get("/data/datapackage.json").json()
    columns = {
        resource["name"]: {field["name"] for field in resource["schema"]["fields"]}
        for resource in package["resources"]
    }
    for name in ("projects", "action-plans", "meetings", "organisations", "programmes"):
        assert "sample" in columns[name], name
    assert "sample" in columns["case-studies"] and "sample" in columns["partnerships"]
    # and a real project's row says it is real
    projects_csv = client.get("/data/projects.csv").content.decode("utf-8-sig")
    assert [row["sample"] for row in csv.DictReader(io.StringIO(projects_csv))] == ["False"]


def test_a_project_row_names_its_project_so_the_datasets_join(client, projects):
    # given the public project (and a draft, which no file holds)
    public = projects[0]
    rows = list(
        csv.DictReader(io.StringIO(client.get("/data/projects.csv").content.decode("utf-8-sig")))
    )
    # then its row carries its id, which opens its page and joins the disclosure dataset
    assert [row["id"] for row in rows] == [str(public.pk)]
    assert client.get(f"/projects/{rows[0]['id']}/").status_code == 200
    disclosure = client.get("/data/project-disclosure.csv").content.decode("utf-8-sig")
    assert {row["project_id"] for row in csv.DictReader(io.StringIO(disclosure))} == {rows[0]["id"]}
    # and the JSON has it too
    assert [item["id"] for item in client.get("/data/projects.json").json()["items"]] == [public.pk]
