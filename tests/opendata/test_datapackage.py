"""The open data's data dictionary (issue 20, item 2): a Frictionless Data Package at
/data/datapackage.json describing every CSV — checked with the ``frictionless`` library, as a
reuser would check it — and the same dictionary on a sheet of every XLSX download."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import frictionless
import openpyxl
import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCTERMS as DCT

from ascn.agreements.management.commands.load_agreements import load_agreements
from ascn.cooperation.services import case_study_create, partnership_create
from ascn.funding.management.commands.load_partners import load_partners, load_programmes
from ascn.indicators.management.commands.load_indicators import load_indicators
from ascn.indicators.models import Indicator
from ascn.indicators.services import value_enter, value_verify
from ascn.meetings.management.commands.load_meetings import load_meetings
from ascn.meetings.models import Meeting
from ascn.network.models import City, FocusArea
from ascn.opendata import catalogue, dictionary
from ascn.plans import codelists
from ascn.plans.services import plan_transition
from tests import factories


@pytest.fixture
def published(secretariat):
    """Every dataset holds public records: the real seeds of meetings, agreements, partners and
    programmes, and through the services a full project, a published plan, a case study and a
    partnership between two ASCN cities."""
    load_meetings()
    load_agreements()
    load_partners()
    load_programmes()
    factories.project(
        secretariat,
        title="Smart drainage, phase 1",
        visibility="public",
        focus_areas=["quality-environment", "built-infrastructure"],
        outcomes=["sustainable-environment"],
        sdg_targets=["11.5", "11.b"],
        sectors=["waterAndWaste", "naturalResources.floodProtection"],
        project_type="construction",
        financing_sought=["grant", "loan"],
        locations=[{"description": "Old town", "lat": 7.8804, "lon": 98.3923}],
        budget="2500000.75",
        secured="500000.50",
    )
    factories.project(secretariat, title="Bare project", visibility="public", start=None, end=None)
    plan = factories.plan(secretariat, vision="A liveable Phuket.")
    for action in ("submit", "endorse", "publish"):
        plan = plan_transition(actor=secretariat, plan=plan, action=action, version=plan.version)
    phuket, danang = City.objects.get(slug="phuket"), City.objects.get(slug="da-nang")
    case_study_create(
        actor=secretariat,
        title="Flood sensors",
        problem="Floods.",
        solution="Sensors.",
        focus_area=FocusArea.objects.get(code="quality-environment"),
        city=phuket,
        visibility="public",
    )
    partnership_create(
        actor=secretariat,
        city=phuket,
        partner_city=danang,
        purpose="Share flood know-how.",
        start_date=dt.date(2024, 1, 1),
        visibility="public",
    )
    load_indicators()
    for grade, indicator in ((None, "11.6.2"), ("measured", "EC: ICT: ICT: 1C")):
        value = value_enter(
            actor=None,
            city=phuket,
            indicator=Indicator.objects.get(code=indicator),
            year=2023,
            value="21.5",
            source="Pollution Control Department 2023",
            visibility="public",
        )
        if grade:
            value_verify(actor=None, record=value, version=1, verified=True, grade=grade)


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _save_package(client, folder: Path) -> dict:
    """The package and every CSV it names, saved side by side as a reuser downloads them."""
    response = client.get("/data/datapackage.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    package = json.loads(response.content)
    (folder / "datapackage.json").write_bytes(response.content)
    for resource in package["resources"]:
        answer = client.get(f"/data/{resource['path']}")
        assert answer.status_code == 200
        (folder / resource["path"]).write_bytes(answer.content)
    return package


def _errors(report: frictionless.Report) -> list[tuple[str, str, str]]:
    return [
        (task.name, error.type, getattr(error, "field_name", "") or "")
        for task in report.tasks
        for error in task.errors
    ] + [("package", error.type, "") for error in report.errors]


def test_every_dataset_has_a_schema_and_its_files_have_exactly_its_columns(client, published):
    # given every dataset of the catalogue
    keys = [item.key for item in catalogue.datasets()]
    assert sorted(keys) == sorted(dictionary.SCHEMAS)
    for key in keys:
        names = dictionary.SCHEMAS[key].names
        # when its CSV, XLSX and JSON are downloaded
        rows = _csv_rows(client.get(f"/data/{key}.csv"))
        sheet = openpyxl.load_workbook(io.BytesIO(client.get(f"/data/{key}.xlsx").content))
        items = json.loads(client.get(f"/data/{key}.json").content)["items"]
        # then each has the schema's columns, in its order
        assert rows[0] == names, key
        assert [c.value for c in sheet.worksheets[0][1]] == names, key
        assert all(list(item) == names for item in items), key
        assert len(rows) > 1 and items, f"{key}: the test should publish records of it"


def test_the_datapackage_is_valid_under_frictionless_with_real_data(client, published, tmp_path):
    # given the package and its CSVs, downloaded into one folder
    package = _save_package(client, tmp_path)
    # when frictionless validates the package, its schemas, the data and the foreign keys
    report = frictionless.validate(tmp_path / "datapackage.json")
    # then there is not one error, over every dataset, each with rows
    assert _errors(report) == []
    assert report.valid
    assert {task.name for task in report.tasks} == {item.key for item in catalogue.datasets()}
    assert all(task.stats["rows"] > 0 for task in report.tasks)
    # and what a reuser needs is declared: keys between the resources, units, codes
    schemas = {r["name"]: r["schema"] for r in package["resources"]}
    assert schemas["cities"]["primaryKey"] == ["slug"]
    assert {"fields": ["city"], "reference": {"resource": "cities", "fields": ["slug"]}} in (
        schemas["projects"]["foreignKeys"]
    )
    assert {"fields": ["meeting"], "reference": {"resource": "meetings", "fields": ["slug"]}} in (
        schemas["agreements"]["foreignKeys"]
    )
    fields = {f["name"]: f for f in schemas["projects"]["fields"]}
    assert "budget_currency" in fields["budget_amount"]["unit"]
    assert fields["status"]["constraints"]["enum"] == list(
        codelists.codelist(codelists.PROJECT_STATUS)
    )
    assert all(f.get("description") for s in schemas.values() for f in s["fields"])
    assert package["licenses"][0]["path"] == catalogue.LICENCE_URL


def test_the_enums_are_the_platforms_own_codelists(client, published):
    package = json.loads(client.get("/data/datapackage.json").content)
    fields = {
        (r["name"], f["name"]): f for r in package["resources"] for f in r["schema"]["fields"]
    }
    assert fields["projects", "budget_currency"]["constraints"]["enum"] == list(
        codelists.codelist(codelists.CURRENCY)
    )
    assert fields["meetings", "kind"]["constraints"]["enum"] == list(Meeting.Kind.values)
    assert {"value": "preparation", "label": "Preparation"} in fields["projects", "status"][
        "categories"
    ]
    # a focus area added to the framework is allowed at once: the codes are read, not copied
    FocusArea.objects.create(code="new-area", name="New area", position=99)
    package = json.loads(client.get("/data/datapackage.json").content)
    projects = next(r for r in package["resources"] if r["name"] == "projects")
    areas = next(f for f in projects["schema"]["fields"] if f["name"] == "focus_areas")
    assert "new\\-area" in areas["constraints"]["pattern"]


def _replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8-sig")


@pytest.mark.parametrize(
    ("old", "new", "error", "field"),
    [
        (",preparation,", ",nonsense,", "constraint-error", "status"),  # one code: an enum
        ("waterAndWaste;", "waterWorks;", "constraint-error", "sectors"),  # several: a pattern
        (",THB,", ",XYZ,", "constraint-error", "budget_currency"),
        ("phuket,", "atlantis,", "foreign-key", ""),  # no such city
    ],
)
def test_frictionless_rejects_an_unknown_code(client, published, tmp_path, old, new, error, field):
    # given the downloaded package, and a projects.csv with a code the platform does not know
    _save_package(client, tmp_path)
    _replace_in(tmp_path / "projects.csv", old, new)
    # when frictionless validates it
    report = frictionless.validate(tmp_path / "datapackage.json")
    # then that cell is the one error
    assert not report.valid
    errors = _errors(report)
    assert [(e[0], e[1]) for e in errors] == [("projects", error)]
    if field:
        assert errors[0][2] == field


def test_every_xlsx_carries_the_data_dictionary_sheet(client, published):
    # when the projects workbook is downloaded
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/data/projects.xlsx").content))
    # then its second sheet is the data dictionary: one row per column of the first
    assert workbook.sheetnames == ["projects", "Data dictionary"]
    rows = [[c.value or "" for c in row] for row in workbook["Data dictionary"].iter_rows()]
    assert rows[0] == ["field", "type", "description", "unit", "allowed values"]
    assert [row[0] for row in rows[1:]] == dictionary.PROJECTS.names
    about = {row[0]: row for row in rows[1:]}
    assert (about["budget_amount"][1], about["period_start"][1]) == ("number", "date (YYYY-MM-DD)")
    assert "budget_currency" in about["budget_amount"][3]
    assert "preparation: Preparation" in about["status"][4].splitlines()
    assert "cities" in about["city"][4]  # a foreign key names the dataset it points into
    description = next(f for f in dictionary.PROJECTS.fields if f.name == "description")
    assert about["description"][2] == str(description.description)
    assert about["id"][1] == "integer"  # the project's number, first
    # and every other workbook has its own
    for item in catalogue.datasets():
        book = openpyxl.load_workbook(io.BytesIO(client.get(f"/data/{item.key}.xlsx").content))
        names = [row[0].value for row in book["Data dictionary"].iter_rows(min_row=2)]
        assert names == dictionary.SCHEMAS[item.key].names


def test_the_catalogue_page_links_the_datapackage(client, network):
    html = client.get("/data/").content.decode()
    assert 'href="/data/datapackage.json"' in html


def test_the_dcat_catalogue_says_each_csv_conforms_to_the_datapackage(client, network, settings):
    settings.SITE_URL = "https://ascn.example"
    graph = Graph().parse(data=client.get("/data/catalog.jsonld").content, format="json-ld")
    package = URIRef("https://ascn.example/data/datapackage.json")
    assert (package, RDF.type, DCT.Standard) in graph
    csv_type = URIRef("http://publications.europa.eu/resource/authority/file-type/CSV")
    csv_files = list(graph.subjects(DCT["format"], csv_type))
    assert len(csv_files) == len(catalogue.datasets())
    for csv_file in csv_files:
        assert graph.value(csv_file, DCT.conformsTo) == package
