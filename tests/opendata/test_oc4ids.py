"""The OC4IDS export (SPEC C4, §3 ``GET /api/v1/exports/oc4ids``; issue 4 item 9).

The package is validated against the OC4IDS 0.9.5 project package schema kept in the
project (``plans/data``); the schema's ``$ref`` to the project schema is resolved to the
local copy, so the test never touches the network.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from ascn.plans.models import Project
from ascn.plans.services import document_upload, milestone_save, project_update
from tests import factories
from tests.roles import assert_matrix, everyone

pytest_plugins = ["tests.roles"]

URL = "/api/v1/exports/oc4ids"
DATA = Path(__file__).resolve().parents[2] / "src" / "ascn" / "plans" / "data"
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
