"""The OC4IDS export (SPEC C4, §3 ``GET /api/v1/exports/oc4ids``; issue 4 item 9, issue 20
item 6).

The package is validated against the OC4IDS 0.9.5 project package schema kept in the
project (``plans/data``); the schema's ``$ref`` to the project schema is resolved to the
local copy, so the test never touches the network. The OC4IDS data review library
(libcoveoc4ids) reviews it too, on the same committed schema and codelists
(``tests/opendata/oc4ids_review.py``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import runpy
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests
from django.core import checks
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from ascn.network.models import City, FocusArea, Outcome
from ascn.plans import codelists
from ascn.plans.management.commands.load_projects import load_projects
from ascn.plans.models import Project
from ascn.plans.services import document_upload, milestone_save, project_update
from tests import factories
from tests.opendata.oc4ids_review import review, summary
from tests.roles import assert_matrix, everyone

pytest_plugins = ["tests.roles"]

URL = "/api/v1/exports/oc4ids"
ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "src" / "ascn" / "plans" / "data"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

# --- the validator -------------------------------------------------------------------------

formats = FormatChecker(formats=())


@formats.checks("date-time")
def is_rfc3339(value) -> bool:
    if not isinstance(value, str):
        return True
    if not RFC3339.match(value):
        return False
    dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


@formats.checks("uri")
def is_absolute_uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlparse(value)
    return bool(parts.scheme and parts.netloc)


def package_validator() -> Draft4Validator:
    project_schema = json.loads((DATA / "project-schema.json").read_text(encoding="utf-8"))
    package_schema = json.loads((DATA / "project-package-schema.json").read_text(encoding="utf-8"))
    registry = Registry().with_resource(
        project_schema["id"], Resource.from_contents(project_schema, default_specification=DRAFT4)
    )
    return Draft4Validator(package_schema, registry=registry, format_checker=formats)


VALIDATOR = package_validator()


def schema_errors(package) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in VALIDATOR.iter_errors(package)
    ]


# --- data ----------------------------------------------------------------------------------


@pytest.fixture
def projects(secretariat, tmp_path, settings):
    """A public project with every field, a public minimal one, a sample, a draft and a network one."""
    settings.MEDIA_ROOT = tmp_path
    full = factories.project(
        secretariat,
        title="Smart flood drainage",
        description="Sensors and automated pumps for the old town's drainage network.",
        focus_areas=["quality-environment", "built-infrastructure"],
        outcomes=["sustainable-environment"],
        status="implementation",
        budget="2500000.50",
        currency="THB",
        secured="1000000",
        project_type="construction",
        sectors=["waterAndWaste", "transport.urban"],
        sdg_targets=["11.5", "11.b"],
        financing_sought=["grant"],
        start=dt.date(2026, 1, 1),
        end=dt.date(2028, 12, 31),
        locations=[
            {"description": "Old town", "lat": 7.8804, "lon": 98.3923},
            {"description": "Patong catchment"},
        ],
    )
    milestone_save(
        actor=secretariat,
        project=full,
        title="Feasibility study approved",
        milestone_type="approval",
        status="met",
        due_date=dt.date(2026, 3, 1),
        date_met=dt.date(2026, 2, 20),
    )
    milestone_save(
        actor=secretariat,
        project=full,
        title="Financial close",
        code="financialClose",
        milestone_type="procurement",
        status="scheduled",
        due_date=dt.date(2026, 9, 30),
    )
    milestone_save(
        actor=secretariat,
        project=full,
        title="Pilot area",
        status="notMet",
        due_date=dt.date(2026, 6, 30),
    )
    document_upload(
        actor=secretariat,
        project=full,
        title="Feasibility study",
        document_type="feasibilityStudy",
        file=SimpleUploadedFile("study.pdf", factories.pdf_bytes()),
    )
    full = Project.objects.get(pk=full.pk)  # its version moved on with the documents
    full = project_update(
        actor=secretariat, project=full, version=full.version, visibility="public"
    )

    minimal = factories.project(
        secretariat,
        city="hanoi",
        title="Open data portal",
        description="A city data portal.",
        focus_areas=["civic-social"],
        status="identification",
        budget="150000",
        currency="USD",
        start=None,  # minimal: no period
        end=None,
        visibility="public",
    )
    sample = factories.project(
        secretariat,
        city="hanoi",
        title="Sample e-bus line",
        description="Illustrative.",
        focus_areas=["built-infrastructure"],
        budget="1",
        currency="USD",
        sample=True,
        visibility="public",
    )
    draft = factories.project(secretariat, title="Secret draft")
    network_only = factories.project(secretariat, title="Members only", visibility="network")
    return {
        "full": full,
        "minimal": minimal,
        "sample": sample,
        "draft": draft,
        "network": network_only,
    }


def by_title(package) -> dict[str, dict]:
    return {project["title"]: project for project in package["projects"]}


# --- tests ---------------------------------------------------------------------------------


def test_the_validator_resolves_the_project_schema_locally_and_catches_errors():
    # a package without projects, and one whose project has a bad status, are both invalid
    base = {
        "uri": "https://example.org/p",
        "publishedDate": "2026-01-01T00:00:00Z",
        "publisher": {"name": "X"},
        "version": "0.9",
    }
    assert any("projects" in e for e in schema_errors({**base, "projects": []}))
    bad = {**base, "projects": [{"id": "x-1", "status": "dreaming"}]}
    assert any("dreaming" in e for e in schema_errors(bad))
    assert any(
        "date-time" in e
        for e in schema_errors({**base, "publishedDate": "2026-01-01", "projects": [{"id": "x"}]})
    )


def test_the_export_is_a_valid_oc4ids_0_9_5_package(client, projects):
    # when
    response = client.get(URL)

    # then
    assert response.status_code == 200
    package = response.json()
    assert schema_errors(package) == []
    assert package["version"] == "0.9"
    assert package["publisher"]["name"] == "ASEAN Smart Cities Network"
    assert package["uri"] == "http://testserver/api/v1/exports/oc4ids"
    assert "license" not in package  # no licence is claimed until one is configured
    # opened from the open-data page, it is saved as a file, as the other downloads are
    assert response["Content-Disposition"] == 'attachment; filename="ascn-oc4ids.json"'


def test_a_configured_licence_is_published(client, projects, settings):
    settings.ASCN_OPEN_DATA_LICENSE = "https://creativecommons.org/licenses/by/4.0/"

    package = client.get(URL).json()

    assert package["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert schema_errors(package) == []


def test_only_public_projects_are_exported_even_to_the_secretariat(client, projects, secretariat):
    # given
    signed_in = Client()
    signed_in.force_login(secretariat)

    # when
    anonymous = client.get(URL).json()
    member = signed_in.get(URL).json()

    # then
    titles = set(by_title(anonymous))
    assert titles == {"Smart flood drainage", "Open data portal", "Sample e-bus line"}
    assert set(by_title(member)) == titles
    assert "Secret draft" not in json.dumps(member) and "Members only" not in json.dumps(member)


def test_every_field_is_mapped(client, projects):
    # when
    package = client.get(URL).json()
    full = by_title(package)["Smart flood drainage"]
    pk = projects["full"].pk

    # then
    assert full["id"] == f"ascn-{pk}"
    assert full["identifiers"] == [{"id": str(pk), "scheme": "ASCN Platform"}]
    assert full["description"].startswith("Sensors and automated pumps")
    assert full["status"] == "implementation"
    assert full["type"] == "construction"
    assert full["sector"] == ["waterAndWaste", "transport", "transport.urban"]
    assert full["budget"] == {"amount": {"amount": 2500000.5, "currency": "THB"}}
    assert full["period"] == {
        "startDate": "2026-01-01T00:00:00Z",
        "endDate": "2028-12-31T23:59:59Z",
    }
    assert full["locations"][0] == {
        "id": "1",
        "description": "Old town",
        "geometry": {"type": "Point", "coordinates": [98.3923, 7.8804]},
        "address": {"locality": "Phuket", "countryName": "Thailand"},
    }
    assert "geometry" not in full["locations"][1]
    party_id = "ascn-city-phuket"
    assert full["publicAuthority"] == {"id": party_id, "name": "Phuket"}
    assert full["parties"] == [
        {
            "id": party_id,
            "name": "Phuket",
            "roles": ["publicAuthority"],
            "address": {"locality": "Phuket", "countryName": "Thailand"},
        }
    ]
    classifications = {(c["scheme"], c["id"]) for c in full["additionalClassifications"]}
    assert classifications == {
        ("ASCF", "quality-environment"),
        ("ASCF", "built-infrastructure"),
        ("ASCF-outcome", "sustainable-environment"),
        ("sdgTarget", "11.5"),
        ("sdgTarget", "11.b"),
    }
    milestones = {m["title"]: m for m in full["milestones"]}
    assert milestones["Feasibility study approved"]["status"] == "met"
    assert milestones["Feasibility study approved"]["dateMet"] == "2026-02-20T00:00:00Z"
    assert milestones["Feasibility study approved"]["dueDate"] == "2026-03-01T00:00:00Z"
    assert milestones["Financial close"]["code"] == "financialClose"
    assert milestones["Financial close"]["status"] == "scheduled"
    assert milestones["Pilot area"]["status"] == "notMet"
    assert "dateMet" not in milestones["Pilot area"]
    document = projects["full"].documents.get()
    assert full["documents"] == [
        {
            "id": str(document.pk),
            "documentType": "feasibilityStudy",
            "title": "Feasibility study",
            "url": f"http://testserver/projects/{pk}/documents/{document.pk}/",
            "format": "application/pdf",
            "datePublished": full["documents"][0]["datePublished"],
        }
    ]
    assert RFC3339.match(full["updated"])


def test_empty_fields_are_left_out_not_null(client, projects):
    package = client.get(URL).json()
    minimal = by_title(package)["Open data portal"]

    assert "null" not in json.dumps(package)
    for absent in ("type", "sector", "period", "milestones", "documents"):
        assert absent not in minimal
    # a project without locations is located in its city
    assert minimal["locations"] == [
        {
            "id": "1",
            "description": "Hanoi, Viet Nam",
            "address": {"locality": "Hanoi", "countryName": "Viet Nam"},
        }
    ]
    assert minimal["budget"] == {"amount": {"amount": 150000, "currency": "USD"}}


def test_sample_projects_say_so(client, projects):
    sample = by_title(client.get(URL).json())["Sample e-bus line"]

    assert sample["description"].startswith(
        "[Sample data: an illustrative project, not a real one]"
    )


def test_each_project_declares_the_language_it_is_written_in(client, projects, secretariat):
    # given a public project of Hanoi written in Vietnamese, beside English ones
    factories.project(
        secretariat,
        city="hanoi",
        title="Cổng dữ liệu mở của thành phố",
        description="Một cổng dữ liệu mở.",
        language="vi",
        visibility="public",
    )
    # when the export is read
    package = client.get(URL).json()
    # then OC4IDS's "language" is each project's own, not English for all
    languages = {project["title"]: project["language"] for project in package["projects"]}
    assert languages["Cổng dữ liệu mở của thành phố"] == "vi"
    assert languages["Smart flood drainage"] == "en"
    assert schema_errors(package) == []


def test_the_published_date_is_the_latest_change(client, projects, secretariat):
    # given: a later edit of a public project
    before = client.get(URL).json()["publishedDate"]
    minimal = Project.objects.get(pk=projects["minimal"].pk)
    minimal = project_update(
        actor=secretariat,
        project=minimal,
        version=minimal.version,
        description="A city data portal, now with an API.",
    )

    # when
    package = client.get(URL).json()

    # then
    expected = minimal.updated_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert package["publishedDate"] == expected >= before
    assert by_title(package)["Open data portal"]["updated"] == expected


def test_without_a_public_project_the_answer_is_404_with_a_reason(client, secretariat):
    # given: only a draft
    factories.project(secretariat, title="Draft")

    # when
    response = client.get(URL)

    # then
    assert response.status_code == 404
    assert "No project is public yet" in response.json()["detail"]


def test_the_export_reads_in_a_bounded_number_of_queries(
    client, projects, secretariat, django_assert_max_num_queries
):
    # given: more public projects do not mean more queries
    for n in range(5):
        factories.project(secretariat, title=f"More {n}", visibility="public")

    # when / then
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert response.status_code == 200
    assert len(response.json()["projects"]) == 8


def test_the_operation_is_documented(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/exports/oc4ids"]["get"]

    assert operation["operationId"] == "exports_oc4ids"
    assert {"200", "404"} <= set(operation["responses"])


def test_the_role_matrix_of_the_export(roles, projects):
    # every principal, by session or by token, gets the same public package
    by_session = assert_matrix(roles.session, "GET", URL, everyone(200))
    by_token = assert_matrix(roles.bearer, "GET", URL, everyone(200))
    packages = [r.json()["projects"] for r in [*by_session.values(), *by_token.values()]]
    assert all(projects == packages[0] for projects in packages)


# --- project ids: the OC4IDS_PREFIX setting, stable ----------------------------------------

REGISTERED = "oc4ids-test00"  # the form the OC4IDS Helpdesk assigns (oc4ids- and six)


def test_project_ids_are_the_prefix_a_hyphen_and_the_project_id(client, projects, settings):
    pk = projects["full"].pk

    # by default: ascn, which is not registered
    full = by_title(client.get(URL).json())["Smart flood drainage"]
    assert full["id"] == f"ascn-{pk}"

    # with the prefix the Helpdesk assigns, written with or without its final hyphen
    for written in (REGISTERED, f"{REGISTERED}-", f" {REGISTERED} "):
        settings.OC4IDS_PREFIX = written
        package = client.get(URL).json()
        full = by_title(package)["Smart flood drainage"]
        assert full["id"] == f"oc4ids-test00-{pk}"
        assert full["identifiers"] == [{"id": str(pk), "scheme": "ASCN Platform"}]
        party_id = "oc4ids-test00-city-phuket"
        assert full["publicAuthority"]["id"] == party_id
        assert [party["id"] for party in full["parties"]] == [party_id]
        assert schema_errors(package) == []


def ids_by_record(package) -> dict[str, dict]:
    """Every id in the package, keyed by the platform's own record it stands for."""
    out = {}
    for project in package["projects"]:
        out[project["identifiers"][0]["id"]] = {
            "id": project["id"],
            "parties": [party["id"] for party in project["parties"]],
            "locations": [location["id"] for location in project["locations"]],
            "milestones": {m["title"]: m["id"] for m in project.get("milestones", [])},
            "documents": {d["title"]: d["id"] for d in project.get("documents", [])},
        }
    return out


def test_ids_are_stable_from_one_export_to_the_next(client, projects, secretariat, settings):
    # given: an export
    settings.OC4IDS_PREFIX = REGISTERED
    before = ids_by_record(client.get(URL).json())

    # when: the full project is edited and given a new milestone, the first public project
    # (by id) leaves the public package, and a new project is published
    full = Project.objects.get(pk=projects["full"].pk)
    full = project_update(actor=secretariat, project=full, version=full.version, title="Drainage")
    milestone_save(actor=secretariat, project=full, title="Handover", status="scheduled")
    first = Project.objects.filter(visibility="public").order_by("pk").first()
    assert first is not None
    gone = str(first.pk)
    project_update(actor=secretariat, project=first, version=first.version, visibility="network")
    new = factories.project(secretariat, title="New", visibility="public")
    after = ids_by_record(client.get(URL).json())

    # then: every record still published has the ids it had; the new one has its own
    assert gone not in after
    for record, ids in before.items():
        if record == gone:
            continue
        kept = after[record]
        assert kept["id"] == ids["id"] == f"oc4ids-test00-{record}"
        assert kept["parties"] == ids["parties"]
        assert kept["locations"] == ids["locations"]
        assert ids["milestones"].items() <= kept["milestones"].items()
        assert kept["documents"] == ids["documents"]
    assert after[str(new.pk)]["id"] == f"oc4ids-test00-{new.pk}"
    assert f"oc4ids-test00-{gone}" not in {ids["id"] for ids in after.values()}


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "ascn"),
        ({"OC4IDS_PREFIX": REGISTERED}, REGISTERED),
        ({"ASCN_OC4IDS_PREFIX": "ascn-"}, "ascn-"),  # the old name still works
        ({"OC4IDS_PREFIX": REGISTERED, "ASCN_OC4IDS_PREFIX": "ascn-"}, REGISTERED),
    ],
    ids=["default", "documented name", "old name", "documented name wins"],
)
def test_the_prefix_is_read_from_the_environment(monkeypatch, env, expected):
    for name in ("OC4IDS_PREFIX", "ASCN_OC4IDS_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    read = runpy.run_path(str(ROOT / "config" / "settings.py"))

    assert read["OC4IDS_PREFIX"] == expected


def test_the_deployment_check_asks_for_a_registered_prefix(settings):
    def warnings() -> list[str]:
        found = checks.run_checks(include_deployment_checks=True, tags=["compatibility"])
        return [f"{message.id}: {message.msg}" for message in found]

    assert "opendata.W001: OC4IDS_PREFIX is 'ascn', not a registered" in " ".join(warnings())
    settings.OC4IDS_PREFIX = f"{REGISTERED}-"
    assert not any(warning.startswith("opendata.W001") for warning in warnings())


# --- the OC4IDS data review (libcoveoc4ids) ------------------------------------------------

CURRENCIES = ["THB", "USD", "SGD", "IDR", "MYR", "PHP", "VND", "BND", "KHR", "LAK", "MMK", "EUR"]
BUDGETS = ["2500000.50", "150000", "0", "999.99"]
PERIODS = [
    (dt.date(2026, 1, 1), dt.date(2028, 12, 31)),
    (dt.date(2025, 7, 1), None),
    (None, dt.date(2030, 6, 30)),
    (None, None),
]
LOCATIONS = [
    [
        {"description": "Old town", "lat": 7.8804, "lon": 98.3923},
        {"description": "Catchment"},
        {"lat": -8.65, "lon": 115.2167},
    ],
    [{"description": "  ", "lat": 0, "lon": 0}],
    [],
]


def spread(values: list, n: int, i: int) -> list:
    """The i-th of n interleaved slices of ``values`` (together they use every value)."""
    return values[i::n]


@pytest.fixture
def everything(secretariat, tmp_path, settings):
    """Public projects that between them use every value the export can carry: every stage
    (projectStatus), project type, sector, ASCF focus area and outcome, SDG 11 target;
    money in several currencies (whole, decimal and zero amounts); periods whole, open at
    either end or absent; locations with and without a point or a description; a city in
    every member state; milestones of every status, type and code; documents of every
    document type; a sample project."""
    settings.MEDIA_ROOT = tmp_path
    statuses = list(codelists.codelist(codelists.PROJECT_STATUS))
    types = [*codelists.codelist(codelists.PROJECT_TYPE), ""]
    sectors = list(codelists.codelist(codelists.PROJECT_SECTOR))
    areas = list(FocusArea.objects.order_by("code").values_list("code", flat=True))
    outcomes = list(Outcome.objects.order_by("code").values_list("code", flat=True))
    targets = list(codelists.SDG11_TARGETS)
    one_city_a_state: dict[int, City] = {}
    for city in City.objects.order_by("member_state__name", "slug"):
        one_city_a_state.setdefault(city.member_state_id, city)
    cities = list(one_city_a_state.values())
    n = max(len(statuses), len(cities))
    made = []
    for i in range(n):
        made.append(
            factories.project(
                secretariat,
                city=cities[i % len(cities)],
                title=f"Project {i}",
                description=f"  Project {i}: what it does.\n",
                status=statuses[i % len(statuses)],
                project_type=types[i % len(types)],
                sectors=spread(sectors, n, i),
                focus_areas=spread(areas, n, i) or areas[:1],
                outcomes=spread(outcomes, n, i),
                sdg_targets=spread(targets, n, i),
                budget=BUDGETS[i % len(BUDGETS)],
                currency=CURRENCIES[i % len(CURRENCIES)],
                start=PERIODS[i % len(PERIODS)][0],
                end=PERIODS[i % len(PERIODS)][1],
                locations=LOCATIONS[i % len(LOCATIONS)],
                sample=i == n - 1,
                visibility="public",
            )
        )
    milestone_statuses = list(codelists.codelist(codelists.MILESTONE_STATUS))
    milestone_types = [*codelists.codelist(codelists.MILESTONE_TYPE), ""]
    milestone_codes = [*codelists.codelist(codelists.MILESTONE_CODE), ""]
    count = max(len(milestone_statuses), len(milestone_types), len(milestone_codes))
    for k, (status, milestone_type, code) in enumerate(
        itertools.islice(
            zip(
                itertools.cycle(milestone_statuses),
                itertools.cycle(milestone_types),
                itertools.cycle(milestone_codes),
                strict=False,
            ),
            count,
        )
    ):
        milestone_save(
            actor=secretariat,
            project=made[k % 2],
            title=f"Milestone {k}",
            status=status,
            milestone_type=milestone_type,
            code=code,
            due_date=dt.date(2026, 1, 1) + dt.timedelta(days=30 * k) if k % 3 else None,
            date_met=dt.date(2025, 1, 1) + dt.timedelta(days=k)
            if status in {"met", "partiallyMet"}
            else None,
        )
    pdf = factories.pdf_bytes()
    for k, document_type in enumerate([*codelists.codelist(codelists.DOCUMENT_TYPE), ""]):
        document_upload(
            actor=secretariat,
            project=made[k % 3],
            title=f"Document {k}",
            document_type=document_type,
            file=SimpleUploadedFile(f"document-{k}.pdf", pdf),
        )
    return made


@pytest.fixture
def no_network(monkeypatch):
    """An HTTP request fails the test (libcove would swallow its error and skip a check)."""

    def refuse(_session, method, url, *args, **kwargs):
        raise AssertionError(f"the review asked the network: {method} {url}")

    monkeypatch.setattr(requests.Session, "request", refuse)


EXPORTED_FIELDS = {
    "id",
    "identifiers",
    "updated",
    "language",
    "title",
    "description",
    "status",
    "type",
    "sector",
    "publicAuthority",
    "budget",
    "period",
    "locations",
    "additionalClassifications",
    "parties",
    "milestones",
    "documents",
}


def test_the_oc4ids_data_review_finds_nothing_in_an_export_of_everything(
    client, everything, settings, no_network
):
    # given: a registered prefix and projects using every value the platform exports
    settings.OC4IDS_PREFIX = REGISTERED
    package = client.get(URL).json()
    projects = package["projects"]
    assert len(projects) == len(everything)

    # when: libcoveoc4ids reviews it (schema, codelists, additional and conformance checks)
    context = review(package)
    found = summary(context)

    # then: it found nothing to fix
    assert len(context["codelists_loaded"]) == 36  # every OC4IDS 0.9.5 codelist, from disk
    assert found["validation_errors"] == []
    assert found["additional_checks"] == []
    assert found["conformance_checks"] == []
    assert found["closed_codelist_additions"] == {}
    assert found["additional_fields"] == []
    assert found["deprecated_fields"] == {}
    assert found["structure_warnings"] == {}
    # the only codes outside OC4IDS' (open) codelists: the two documented ASCF schemes
    assert found["open_codelist_additions"] == {
        "projects/additionalClassifications/scheme": ["ASCF", "ASCF-outcome"]
    }
    assert schema_errors(package) == []

    # and the package did carry everything: every field, stage, code and scheme
    assert set().union(*projects) == EXPORTED_FIELDS

    def used(key, within=None):
        items = [x for p in projects for x in (p.get(within, []) if within else [p])]
        return {value for item in items for value in np_list(item.get(key))}

    assert used("status") == set(codelists.codelist(codelists.PROJECT_STATUS))
    assert used("type") == set(codelists.codelist(codelists.PROJECT_TYPE))
    assert used("sector") == set(codelists.codelist(codelists.PROJECT_SECTOR))
    assert used("status", "milestones") == set(codelists.codelist(codelists.MILESTONE_STATUS))
    assert used("type", "milestones") == set(codelists.codelist(codelists.MILESTONE_TYPE))
    assert used("code", "milestones") == set(codelists.codelist(codelists.MILESTONE_CODE))
    assert used("documentType", "documents") == set(codelists.codelist(codelists.DOCUMENT_TYPE))
    assert used("scheme", "additionalClassifications") == {"ASCF", "ASCF-outcome", "sdgTarget"}
    assert {p["budget"]["amount"]["currency"] for p in projects} >= set(CURRENCIES[:8])
    assert {p["parties"][0]["address"]["countryName"] for p in projects} == set(
        City.objects.values_list("member_state__name", flat=True)
    )
    assert any(p["description"].startswith("[Sample data") for p in projects)


def np_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def test_the_review_finds_what_is_wrong(client, projects, no_network):
    # given: the export, with the default (unregistered) prefix, then spoilt by hand
    package = client.get(URL).json()
    spoilt = by_title(package)["Smart flood drainage"]
    spoilt["status"] = "dreaming"  # not in the closed projectStatus codelist
    spoilt["title"] = " "  # an empty field
    del spoilt["budget"]["amount"]["currency"]  # money without a currency
    spoilt["publicAuthority"]["id"] = "nobody"  # a party that is not in parties
    spoilt["period"]["startDate"] = "2026-01-01"  # not a date-time
    spoilt["colour"] = "blue"  # not an OC4IDS field

    # when
    found = summary(review(package))

    # then: each kind of problem is reported where it is
    assert [error[1][0]["path"] for error in found["validation_errors"]] == [
        f"projects/{package['projects'].index(spoilt)}/period/startDate"
    ]
    assert {check["check_id"] for check in found["additional_checks"]} == {
        "missing-values",
        "missing-currency",
        "missing-org-refs",
    }
    assert found["closed_codelist_additions"] == {"projects/status": ["dreaming"]}
    assert [field[1] for field in found["additional_fields"]] == ["colour"]
    # ascn-<id> is no registered prefix: the conformance check names every project id
    (prefix_check,) = found["conformance_checks"]
    assert prefix_check["check_id"] == "invalid-project-ids"
    assert {item["value"] for item in prefix_check["path_values"]} == {
        project["id"] for project in package["projects"]
    }


def test_the_real_projects_export_valid_without_a_budget_no_source_gives(
    client, network, settings, no_network
):
    # given: the network's real projects, none with a published budget
    load_projects()
    settings.OC4IDS_PREFIX = REGISTERED

    # when
    package = client.get(URL).json()

    # then: every one is exported, none invents money, and the review finds nothing to fix
    projects = by_title(package)
    assert len(projects) == Project.objects.filter(sample=False, visibility="public").count()
    safe_city = projects["Smart City & Safe City"]
    assert "budget" not in safe_city
    assert not safe_city["description"].startswith("[Sample data")
    assert schema_errors(package) == []
    found = summary(review(package))
    assert found["validation_errors"] == []
    assert found["additional_checks"] == []
