"""Disclosure completeness against the CoST Infrastructure Data Standard (issue 20, item 7):
the mapping table, the count for one project and for many, and where it is shown — the
project page, the API, the open data and the dashboards — to whom.

The full project below holds every point of both stages; each test of a missing point builds
the same project without the one thing that point asks for.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ascn.plans import codelists, disclosure
from ascn.plans.models import Project
from ascn.plans.services import document_upload, milestone_save, project_update
from tests import factories

pytest_plugins = ["tests.roles"]

PDF = factories.pdf_bytes()
DOCUMENT_POINTS = {
    "projectScope": "projectScope",
    "environmentalImpact": "environmentalImpact",
    "landAndSettlementImpact": "landAndSettlementImpact",
    "fundingSources": "financialAgreement",
}
# What each point needs, as the full project's parts (the three always-held points — owner,
# name and description — are required fields of every project).
FULL_FIELDS = {
    "sector": {"sectors": ["transport", "transport.urban"]},
    "subsector": {"sectors": ["transport", "transport.urban"]},
    "projectLocation": {"locations": [{"description": "Patong Beach", "lat": 7.9, "lon": 98.3}]},
    "purpose": {"outcomes": ["high-quality-of-life"], "sdg_targets": ["11.2"]},
    "contactDetails": {"contacts": [{"name": "Somchai", "role": "PM", "email": "s@phuket.test"}]},
}
WITHOUT = {
    "sector": {"sectors": []},
    "subsector": {"sectors": ["transport"]},
    "projectLocation": {"locations": []},
    "purpose": {"outcomes": [], "sdg_targets": []},
    "contactDetails": {"contacts": [{"name": "Somchai", "role": "PM", "email": ""}]},
    "projectBudget": {"budget": "0"},
}


def _resolve(path: str) -> None:
    model = Project
    for name in path.split("__"):
        field = model._meta.get_field(name)
        model = field.related_model or model


def full_project(
    actor,
    *,
    without: str = "",
    title: str = "Patong smart buses",
    visibility: str = "public",
    **values,
) -> Project:
    """A project holding every point of both stages, except the one named ``without``."""
    fields: dict = {}
    for part in FULL_FIELDS.values():
        fields.update(part)
    fields.update(WITHOUT.get(without, {}))
    fields.update(values)
    project = factories.project(actor, title=title, visibility=visibility, **fields)
    for code, document_type in DOCUMENT_POINTS.items():
        if code != without:
            document_upload(
                actor=actor,
                project=project,
                title=f"{code} report",
                file=SimpleUploadedFile("r.pdf", PDF, content_type="application/pdf"),
                document_type=document_type,
            )
    if without != "projectBudgetApprovalDate":
        milestone_save(
            actor=actor,
            project=project,
            title="Budget approved by the council",
            milestone_type="approval",
            status="met",
            date_met=dt.date(2025, 3, 1),
        )
    return Project.objects.get(pk=project.pk)


def missing_codes(project: Project) -> dict[str, list[str]]:
    found = disclosure.disclosure_of(project)
    return {s.stage: [p.code for p in s.missing] for s in found.stages}


# --- the table -------------------------------------------------------------------------------


def test_every_point_reads_fields_the_project_has():
    # given the table, then every field path a rule reads exists on the model (a renamed
    # field fails here, not silently at run time)
    for point in disclosure.POINTS:
        assert point.rule.paths, point.code
        for path in point.rule.paths:
            try:
                _resolve(path)
            except FieldDoesNotExist as error:  # pragma: no cover - the failure we test for
                pytest.fail(f"{point.code}: {path}: {error}")


def test_the_table_covers_both_stages_of_the_oc4ids_mapping_once_each():
    codes = [p.code for p in disclosure.POINTS]
    assert len(codes) == len(set(codes))
    assert [p.element for p in disclosure.points("identification")] == [
        "Project owner",
        "Sector",
        "Subsector",
        "Project name",
        "Project Location",
        "Purpose",
        "Project description",
    ]
    assert [p.element for p in disclosure.points("preparation")] == [
        "Project Scope (main output)",
        "Environmental impact",
        "Land and settlement impact",
        "Contact details",
        "Funding sources",
        "Project Budget",
        "Project budget approval date",
    ]


def test_the_codes_the_rules_ask_for_are_in_the_oc4ids_codelists():
    document_types = codelists.codelist(codelists.DOCUMENT_TYPE)
    for document_type in DOCUMENT_POINTS.values():
        assert document_type in document_types
    assert "budgetApproval" in document_types
    assert "approval" in codelists.codelist(codelists.MILESTONE_TYPE)
    assert "projectApproval" in codelists.codelist(codelists.MILESTONE_CODE)
    assert "transport.urban" in codelists.codelist(codelists.PROJECT_SECTOR)


# --- counting --------------------------------------------------------------------------------


def test_a_project_with_everything_holds_every_point(roles):
    project = full_project(roles.user("cso_phuket"))

    found = disclosure.disclosure_of(project)

    assert [(s.stage, s.held, s.total, s.share) for s in found.stages] == [
        ("identification", 7, 7, 100.0),
        ("preparation", 7, 7, 100.0),
    ]


@pytest.mark.parametrize(
    "code",
    [
        "sector",
        "subsector",
        "projectLocation",
        "purpose",
        "contactDetails",
        "projectBudget",
        *DOCUMENT_POINTS,
        "projectBudgetApprovalDate",
    ],
)
def test_leaving_one_thing_out_drops_exactly_its_point(roles, code):
    project = full_project(roles.user("cso_phuket"), without=code)

    missing = missing_codes(project)

    stage = disclosure.point(code).stage
    # no sector at all is no subsector either: the one case where two points go together
    expected = ["sector", "subsector"] if code == "sector" else [code]
    assert missing[stage] == expected
    assert all(not codes for name, codes in missing.items() if name != stage)


def test_either_an_outcome_or_an_sdg_target_states_the_purpose(roles):
    actor = roles.user("cso_phuket")
    only_target = full_project(actor, outcomes=[])
    assert missing_codes(only_target)["identification"] == []
    # when the target goes too, the purpose is missing
    project_update(actor=actor, project=only_target, version=only_target.version, sdg_targets=[])
    assert missing_codes(only_target)["identification"] == ["purpose"]


def test_a_budget_approval_document_stands_for_the_approval_milestone(roles):
    actor = roles.user("cso_phuket")
    project = full_project(actor, without="projectBudgetApprovalDate")
    # an approval milestone not yet met does not count
    milestone_save(actor=actor, project=project, title="Council vote", milestone_type="approval")
    assert missing_codes(project)["preparation"] == ["projectBudgetApprovalDate"]
    document_upload(
        actor=actor,
        project=project,
        title="Council resolution",
        file=SimpleUploadedFile("r.pdf", PDF, content_type="application/pdf"),
        document_type="budgetApproval",
    )
    assert missing_codes(project)["preparation"] == []


def test_many_projects_are_counted_in_one_query(roles, django_assert_num_queries):
    actor = roles.user("cso_phuket")
    full_project(actor, title="Full")
    full_project(actor, title="No impact study", without="environmentalImpact")
    factories.project(actor, title="Bare", visibility="public")

    with django_assert_num_queries(1):
        found = {row["title"]: d for row, d in disclosure.disclosures(Project.objects.all())}

    assert {title: [s.held for s in d.stages] for title, d in found.items()} == {
        "Full": [7, 7],
        "No impact study": [7, 6],
        "Bare": [3, 1],  # owner, name and description; the budget
    }


# --- where it is shown, and to whom ----------------------------------------------------------


def test_the_api_gives_each_stage_held_total_and_missing_codes(roles):
    project = full_project(roles.user("cso_phuket"), without="landAndSettlementImpact")

    body = roles.bearer("anonymous").get(f"/api/v1/projects/{project.pk}").json()

    assert body["disclosure"] == {
        "identification": {"held": 7, "total": 7, "share": 100.0, "missing": []},
        "preparation": {
            "held": 6,
            "total": 7,
            "share": 85.7,
            "missing": ["landAndSettlementImpact"],
        },
    }


def test_the_project_page_names_the_missing_points(roles, text):
    project = full_project(
        roles.user("cso_phuket"), without="environmentalImpact", sectors=["transport"]
    )

    page = text(Client().get(f"/projects/{project.pk}/"))

    section = page.split("Disclosure (CoST Infrastructure Data Standard)", 1)[1]
    section = section.split("Budget and funding", 1)[0]
    assert "Project identification 6 of 7 data points disclosed" in section
    assert "Missing: Subsector" in section
    assert "Project preparation 6 of 7 data points disclosed" in section
    assert "Environmental impact — A document of type “Environmental impact”." in section
    assert "Project scope" not in section


def test_a_drafts_completeness_shows_nowhere_public(roles, text):
    actor = roles.user("cso_phuket")
    draft = full_project(actor, title="Secret bus depot", visibility="draft")
    public = full_project(actor, title="Open bus lanes", without="projectScope")

    # the API and the page: not found for anonymous and for another city's officer
    for principal in ("anonymous", "cso_hanoi"):
        assert roles.bearer(principal).get(f"/api/v1/projects/{draft.pk}").status_code == 404
    assert Client().get(f"/projects/{draft.pk}/").status_code == 404
    # the open data: only the public project's rows
    download = Client().get("/data/project-disclosure.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(download)))
    assert {row["project_id"] for row in rows} == {str(public.pk)}
    # the dashboards: Phuket's mean is the public project's alone (preparation 6 of 7)
    dashboard = text(Client().get("/dashboards/"))
    assert "Phuket 1 100.0 85.7" in dashboard
    # while the city's own officer sees the draft's completeness on its page
    assert (
        roles.bearer("cso_phuket")
        .get(f"/api/v1/projects/{draft.pk}")
        .json()["disclosure"]["preparation"]["held"]
        == 7
    )


def test_the_open_data_has_a_row_per_project_and_stage(roles):
    project = full_project(roles.user("cso_phuket"), without="fundingSources")

    response = Client().get("/data/project-disclosure.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["project_id", "city", "country", "stage", "held", "total", "share", "missing"],
        [str(project.pk), "phuket", "TH", "identification", "7", "7", "100.0", ""],
        [str(project.pk), "phuket", "TH", "preparation", "6", "7", "85.7", "fundingSources"],
    ]


def test_the_dashboards_give_the_mean_per_city_and_member_state(roles, text):
    # given two public projects in Phuket (preparation 7 and 5 of 7), one in Bangkok (7)
    # and one in Hanoi (6)
    phuket = roles.user("cso_phuket")
    full_project(phuket, title="A")
    bare = full_project(phuket, title="B", without="projectScope")
    project_update(actor=phuket, project=bare, version=bare.version, contacts=[])
    full_project(roles.user("secretariat"), city="bangkok", title="C")
    full_project(roles.user("cso_hanoi"), city="hanoi", title="D", without="projectBudget")

    response = Client().get("/dashboards/disclosure.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Member state",
        "City",
        "Projects",
        "Identification %",
        "Preparation %",
    ]
    # Phuket (7 + 5) / 2 = 6 of 7; Thailand (7 + 5 + 7) / 3 = 19 of 21, each project counted
    # once; Viet Nam's mean is Hanoi's; the member state's row comes before its cities
    assert rows[1:] == [
        ["Thailand", "All cities", "3", "100.0", "90.5"],
        ["Thailand", "Bangkok", "1", "100.0", "100.0"],
        ["Thailand", "Phuket", "2", "100.0", "85.7"],
        ["Viet Nam", "All cities", "1", "100.0", "85.7"],
        ["Viet Nam", "Hanoi", "1", "100.0", "85.7"],
    ]
    # and the caption gives the network's mean: (7 + 5 + 7 + 6) / 4 = 25 of 28
    page = text(Client().get("/dashboards/"))
    assert (
        "Across the network: 100.0 % at identification, 89.3 % at preparation (4 projects)" in page
    )
    # filtered to Thailand, the caption gives Thailand's mean and does not call it the network's
    thai = text(Client().get("/dashboards/", {"member_state": "TH"}))
    assert "Across the network" not in thai
    assert "Over the projects shown: 100.0 % at identification, 90.5 % at preparation (3" in thai
