"""The stored disclosure completeness (``Project.disclosure_points`` and the per-stage counts)
stays what the rules of ``disclosure.POINTS`` give after every kind of write, is filled by the
migration and ``refresh_disclosure``, and is what the pages, the API, the open data and the
dashboards read — without computing the rules per request."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ascn.core.errors import PermissionDenied
from ascn.core.services import back_office_delete
from ascn.dashboards import queries as dashboard_queries
from ascn.network.models import Outcome
from ascn.opendata import imports
from ascn.plans import disclosure
from ascn.plans.models import Project, ProjectDocument
from ascn.plans.services import document_delete, document_upload, milestone_save, project_update
from tests import factories
from tests.plans.test_disclosure import full_project

pytest_plugins = ["tests.roles"]

PDF = factories.pdf_bytes()
# A literal only the rules' own conditions put in SQL: a request that computes them shows it.
RULE_MARK = "environmentalImpact"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def stored(project: Project) -> tuple[dict[str, list[str]], dict[str, int]]:
    row = Project.objects.values(*disclosure.STORED_FIELDS).get(pk=project.pk)
    found = disclosure.decode(row["disclosure_points"])
    missing = {s.stage: [p.code for p in s.missing] for s in found.stages}
    counts = {stage: row[column] for stage, column in disclosure.STORED_COUNTS.items()}
    return missing, counts


def assert_current(project: Project) -> dict[str, list[str]]:
    """The stored value equals a fresh computation from the rules; returns what is missing."""
    fresh = disclosure.computed_disclosure_of(project)
    missing, counts = stored(project)
    assert missing == {s.stage: [p.code for p in s.missing] for s in fresh.stages}
    assert counts == {s.stage: s.held for s in fresh.stages}
    assert not disclosure.stale(Project.objects.filter(pk=project.pk)).exists()
    return missing


def upload(actor, project, document_type: str) -> ProjectDocument:
    return document_upload(
        actor=actor,
        project=project,
        title=f"{document_type} report",
        file=SimpleUploadedFile("r.pdf", PDF, content_type="application/pdf"),
        document_type=document_type,
    )


# --- every kind of write keeps it current ----------------------------------------------------


def test_a_new_project_is_stored_with_what_it_holds(roles):
    project = factories.project(roles.user("cso_phuket"), sectors=["transport.urban"])

    assert assert_current(project) == {
        "identification": ["projectLocation", "purpose"],
        "preparation": [
            "projectScope",
            "environmentalImpact",
            "landAndSettlementImpact",
            "contactDetails",
            "fundingSources",
            "projectBudgetApprovalDate",
        ],
    }


def test_adding_and_deleting_a_counted_document(roles):
    actor = roles.user("cso_phuket")
    project = factories.project(actor)
    assert "environmentalImpact" in assert_current(project)["preparation"]

    document = upload(actor, project, "environmentalImpact")
    assert "environmentalImpact" not in assert_current(project)["preparation"]
    # a second of the same type, then the first goes: still held
    second = upload(actor, project, "environmentalImpact")
    document_delete(actor=actor, project=project, document=document)
    assert "environmentalImpact" not in assert_current(project)["preparation"]
    document_delete(actor=actor, project=project, document=second)
    assert "environmentalImpact" in assert_current(project)["preparation"]
    assert not ProjectDocument.objects.filter(project=project).exists()


def test_deleting_a_document_is_for_those_who_upload(roles):
    actor = roles.user("cso_phuket")
    project = factories.project(actor, visibility="public")
    document = upload(actor, project, "projectScope")

    with pytest.raises(PermissionDenied):
        document_delete(actor=roles.user("cso_hanoi"), project=project, document=document)

    assert ProjectDocument.objects.filter(pk=document.pk).exists()
    assert "projectScope" not in assert_current(project)["preparation"]


def test_a_milestone_set_met_counts_the_approval(roles):
    actor = roles.user("cso_phuket")
    project = factories.project(actor)
    milestone = milestone_save(
        actor=actor, project=project, title="Council vote", milestone_type="approval"
    )
    assert "projectBudgetApprovalDate" in assert_current(project)["preparation"]

    milestone_save(
        actor=actor,
        project=project,
        milestone=milestone,
        title="Council vote",
        milestone_type="approval",
        status="met",
        date_met=dt.date(2025, 3, 1),
    )

    assert "projectBudgetApprovalDate" not in assert_current(project)["preparation"]


def test_changing_sectors_outcomes_locations_and_contacts(roles):
    actor = roles.user("cso_phuket")
    project = factories.project(actor, sectors=["transport"])
    assert assert_current(project)["identification"][:1] == ["subsector"]

    project = project_update(
        actor=actor,
        project=project,
        version=project.version,
        sectors=["transport", "transport.urban"],
        outcomes=["high-quality-of-life"],
        locations=[{"description": "Old town", "lat": 7.9, "lon": 98.3}],
        contacts=[{"name": "Somchai", "role": "PM", "email": "s@phuket.test"}],
    )
    assert assert_current(project)["identification"] == []
    assert "contactDetails" not in assert_current(project)["preparation"]

    project = project_update(actor=actor, project=project, version=project.version, sectors=[])
    assert assert_current(project)["identification"] == ["sector", "subsector"]


def test_an_outcome_deleted_in_the_back_office_takes_the_purpose_with_it(roles):
    project = factories.project(roles.user("cso_phuket"), outcomes=["high-quality-of-life"])
    assert "purpose" not in assert_current(project)["identification"]

    back_office_delete(
        actor=roles.user("secretariat"), obj=Outcome.objects.get(code="high-quality-of-life")
    )

    assert "purpose" in assert_current(project)["identification"]


def test_an_edit_through_the_api(roles):
    project = factories.project(roles.user("cso_phuket"), visibility="public")

    response = roles.bearer("cso_phuket").patch(
        f"/api/v1/projects/{project.pk}",
        {"version": project.version, "sectors": ["energy", "transport.urban"]},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert assert_current(project)["identification"] == ["projectLocation", "purpose"]
    assert response.json()["disclosure"]["identification"]["held"] == 5


def test_a_project_imported_from_csv(roles):
    client = Client()
    client.force_login(roles.user("cso_phuket"))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(imports.COLUMN_NAMES)
    values = {
        "city": "phuket",
        "title": "Imported drainage",
        "description": "Sensors and pumps.",
        "focus_areas": "quality-environment",
        "status": "preparation",
        "budget_amount": "2500000",
        "budget_currency": "THB",
        "sdg_targets": "11.5",
        "sectors": "waterAndWaste;naturalResources.floodProtection",
        "location_description": "Old town",
        "lat": "7.88",
        "lon": "98.39",
    }
    writer.writerow([values.get(column, "") for column in imports.COLUMN_NAMES])
    file = SimpleUploadedFile("p.csv", buffer.getvalue().encode(), content_type="text/csv")

    assert client.post("/projects/import/", {"file": file}).status_code == 302

    project = Project.objects.get(title="Imported drainage")
    assert assert_current(project)["identification"] == []


# --- bulk: the migration and the command fill it -----------------------------------------


def _forget(*projects: Project) -> None:
    Project.objects.filter(pk__in=[p.pk for p in projects]).update(
        disclosure_points=0, disclosed_identification=0, disclosed_preparation=0
    )


def test_refresh_disclosure_fills_every_project_and_check_tells_stale_ones(roles):
    actor = roles.user("cso_phuket")
    projects = [full_project(actor, title="Full"), factories.project(actor, title="Bare")]
    _forget(*projects)
    assert disclosure.stale(Project.objects.all()).count() == 2
    with pytest.raises(CommandError, match="2 projects"):
        call_command("refresh_disclosure", "--check", stdout=io.StringIO())

    call_command("refresh_disclosure", stdout=io.StringIO())

    full, bare = (assert_current(p) for p in projects)
    assert full == {"identification": [], "preparation": []}
    assert bare["identification"] == ["sector", "subsector", "projectLocation", "purpose"]
    call_command("refresh_disclosure", "--check", stdout=io.StringIO())


def test_the_data_migration_fills_existing_projects(roles):
    project = full_project(roles.user("cso_phuket"), without="projectScope")
    _forget(project)
    migration = importlib.import_module("ascn.plans.migrations.0005_fill_disclosure")

    migration.fill(None, SimpleNamespace(connection=connection))

    assert assert_current(project)["preparation"] == ["projectScope"]


# --- readers use the stored value --------------------------------------------------------


def test_the_dashboards_table_is_a_query_or_two_whatever_the_number_of_projects(
    roles, django_assert_num_queries
):
    phuket, hanoi = roles.user("cso_phuket"), roles.user("cso_hanoi")
    for i in range(3):
        full_project(phuket, title=f"P{i}", without="projectScope" if i else "")
    full_project(hanoi, city="hanoi", title="H")
    factories.project(hanoi, city="hanoi", title="Hidden draft", visibility="draft")

    every = dashboard_queries.Filters()
    with django_assert_num_queries(1) as tallied:  # the sums kept in the cities' counts
        cities = dashboard_queries.disclosure_by_city(every)
    with django_assert_num_queries(2) as direct:  # the sums per city, the cities' names
        summed = dashboard_queries.disclosure_by_city(every, direct=True)

    for captured in (tallied, direct):
        assert not any(RULE_MARK in q["sql"] for q in captured.captured_queries)
    assert summed == cities
    assert [(c.city, c.projects, round(c.mean_held["preparation"], 2)) for c in cities] == [
        ("Phuket", 3, 6.33),
        ("Hanoi", 1, 7.0),
    ]


def test_page_api_open_data_and_dashboards_do_not_compute_the_rules(roles):
    project = full_project(roles.user("cso_phuket"), without="landAndSettlementImpact")
    client = Client()
    for url in (
        f"/projects/{project.pk}/",
        f"/api/v1/projects/{project.pk}",
        "/data/project-disclosure.csv",
        "/dashboards/",
    ):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        assert not any(RULE_MARK in q["sql"] for q in captured.captured_queries), url
    body = client.get(f"/api/v1/projects/{project.pk}").json()
    assert body["disclosure"]["preparation"]["missing"] == ["landAndSettlementImpact"]
