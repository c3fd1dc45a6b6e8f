"""Who sees and does what with plans and projects (SPEC C2 visibility, C3, C4; issue 4 item 13).

The role matrix of ``tests.roles`` extended to plans and projects: a ``draft`` is seen by its
city's CSCOs, its state's National Representative and the Secretariat; ``network`` by every
signed-in member; ``public`` by everyone. Out of scope is 404 — on the API, on the pages and
in the lists, whose counts never reveal a draft either.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ascn.plans.models import ActionPlan, Project
from ascn.plans.services import (
    document_upload,
    plan_transition,
)
from tests import factories
from tests.roles import AuditMark, assert_matrix, everyone, members

pytest_plugins = ["tests.roles"]

API = "/api/v1"
PDF = factories.pdf_bytes()


@pytest.fixture
def projects(roles) -> dict[str, Project]:
    """A draft in Phuket and in Hanoi, a network project in Bangkok, a public one in Hanoi."""
    phuket, hanoi = roles.user("cso_phuket"), roles.user("cso_hanoi")
    return {
        "phuket_draft": factories.project(phuket, title="Phuket drainage draft"),
        "hanoi_draft": factories.project(hanoi, city="hanoi", title="Hanoi traffic draft"),
        "bangkok_network": factories.project(
            roles.user("secretariat"),
            city="bangkok",
            title="Bangkok air network",
            visibility="network",
        ),
        "hanoi_public": factories.project(
            hanoi, city="hanoi", title="Hanoi lighting public", visibility="public"
        ),
    }


# Who reads each project (anything else is 404).
PHUKET_DRAFT = everyone(404, cso_phuket=200, nr_th=200, secretariat=200)
HANOI_DRAFT = everyone(404, cso_hanoi=200, secretariat=200)
NETWORK = members(200, anonymous=404)
PUBLIC = everyone(200)
READERS = {
    "phuket_draft": PHUKET_DRAFT,
    "hanoi_draft": HANOI_DRAFT,
    "bangkok_network": NETWORK,
    "hanoi_public": PUBLIC,
}


# --- reading one project -----------------------------------------------------------------


@pytest.mark.parametrize("which", READERS)
@pytest.mark.parametrize("auth", ["bearer", "session"])
def test_who_reads_a_project_through_the_api(roles, projects, which, auth):
    # given projects of each visibility
    # when each principal reads one through the API (by token, then by session)
    # then only those entitled get it; everyone else is told it does not exist
    assert_matrix(
        getattr(roles, auth), "GET", f"{API}/projects/{projects[which].pk}", READERS[which]
    )


@pytest.mark.parametrize("which", READERS)
def test_who_reads_a_project_page(roles, projects, which):
    assert_matrix(roles.session, "GET", f"/projects/{projects[which].pk}/", READERS[which])


def test_the_csco_of_phuket_gets_404_on_a_hanoi_draft_everywhere(roles, projects):
    # given a draft project of Hanoi
    pk = projects["hanoi_draft"].pk
    client = roles.session("cso_phuket")
    # when the CSCO of Phuket tries its page, its API record and its sub-resources
    # then each answers 404, the same as a project that does not exist
    for url in (
        f"/projects/{pk}/",
        f"{API}/projects/{pk}",
        f"{API}/projects/{pk}/readiness",
        f"{API}/projects/{pk}/progress",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(f"{API}/projects/{pk}").json() == client.get(f"{API}/projects/999999").json()


@pytest.mark.parametrize("sub", ["readiness", "progress"])
def test_a_project_s_readiness_and_progress_follow_its_visibility(roles, projects, sub):
    url = f"{API}/projects/{projects['hanoi_draft'].pk}/{sub}"
    assert_matrix(roles.bearer, "GET", url, HANOI_DRAFT)


# --- writing ---------------------------------------------------------------------------------


def test_who_edits_a_hanoi_draft(roles, projects):
    # given the draft of Hanoi at version 1
    project = projects["hanoi_draft"]
    mark = AuditMark()
    # when everyone but its owners tries to edit it
    assert_matrix(
        roles.bearer,
        "PATCH",
        f"{API}/projects/{project.pk}",
        {"anonymous": 401, "cso_phuket": 404, "nr_th": 404, "partner_adb": 404},
        {"version": 1, "title": "Taken over"},
    )
    # then nothing changed
    project.refresh_from_db()
    assert (project.version, project.title) == (1, "Hanoi traffic draft")
    assert [a for a in mark.actions() if not a.startswith("accounts.")] == []


def test_who_edits_a_phuket_draft(roles, projects):
    # the NR of Thailand sees it (403: she knows it exists) but edits nothing; Hanoi sees nothing
    project = projects["phuket_draft"]
    assert_matrix(
        roles.bearer,
        "PATCH",
        f"{API}/projects/{project.pk}",
        {"anonymous": 401, "nr_th": 403, "cso_hanoi": 404, "partner_adb": 404},
        {"version": 1, "title": "Taken over"},
    )
    project.refresh_from_db()
    assert (project.version, project.title) == (1, "Phuket drainage draft")


@pytest.mark.parametrize("who", ["cso_phuket", "secretariat"])
def test_the_city_s_csco_and_the_secretariat_edit_a_phuket_draft(roles, projects, who):
    project = projects["phuket_draft"]
    response = roles.bearer(who).patch(
        f"{API}/projects/{project.pk}",
        {"version": 1, "title": f"Edited by {who}"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["version"] == 2


def test_a_network_project_is_read_by_all_members_but_edited_only_by_its_owners(roles, projects):
    project = projects["bangkok_network"]  # version 2 (its visibility was changed once)
    assert_matrix(
        roles.bearer,
        "PATCH",
        f"{API}/projects/{project.pk}",
        {"anonymous": 401, "cso_phuket": 403, "cso_hanoi": 403, "nr_th": 403, "partner_adb": 403},
        {"version": project.version, "title": "Taken over"},
    )
    project.refresh_from_db()
    assert project.title == "Bangkok air network"


@pytest.mark.parametrize(
    ("sub", "body"),
    [
        ("readiness", {"answers": {"problem_definition": True}}),
        ("progress", {"physical_pct": 10, "financial_pct": 5}),
    ],
)
def test_who_assesses_and_reports_on_a_hanoi_draft(roles, projects, sub, body):
    project = projects["hanoi_draft"]
    assert_matrix(
        roles.bearer,
        "POST",
        f"{API}/projects/{project.pk}/{sub}",
        {"anonymous": 401, "cso_phuket": 404, "nr_th": 404, "partner_adb": 404},
        body,
    )
    assert not project.assessments.exists()
    assert not project.progress_updates.exists()


def test_a_document_is_downloaded_only_by_those_who_see_the_project(
    roles, projects, settings, tmp_path
):
    # given a feasibility study attached to the Hanoi draft
    settings.MEDIA_ROOT = tmp_path
    project = projects["hanoi_draft"]
    document = document_upload(
        actor=roles.user("cso_hanoi"),
        project=project,
        title="Feasibility study",
        file=SimpleUploadedFile("study.pdf", PDF, content_type="application/pdf"),
    )
    # when each principal follows its link
    responses = assert_matrix(
        roles.session, "GET", f"/projects/{project.pk}/documents/{document.pk}/", HANOI_DRAFT
    )
    # then the entitled get the PDF itself
    assert b"".join(responses["cso_hanoi"].streaming_content) == PDF


# --- lists never leak drafts ----------------------------------------------------------------


# The projects each principal finds in the list (titles), and so its count.
LISTED = {
    "anonymous": {"Hanoi lighting public"},
    "cso_phuket": {"Phuket drainage draft", "Bangkok air network", "Hanoi lighting public"},
    "nr_th": {"Phuket drainage draft", "Bangkok air network", "Hanoi lighting public"},
    "cso_hanoi": {"Hanoi traffic draft", "Bangkok air network", "Hanoi lighting public"},
    "partner_adb": {"Bangkok air network", "Hanoi lighting public"},
    "secretariat": {
        "Phuket drainage draft",
        "Hanoi traffic draft",
        "Bangkok air network",
        "Hanoi lighting public",
    },
}


@pytest.mark.parametrize("who", LISTED)
def test_the_project_list_shows_only_what_each_may_see_counts_included(roles, projects, who):
    client = roles.bearer(who)
    page = client.get(f"{API}/projects").json()
    assert {item["title"] for item in page["items"]} == LISTED[who]
    assert page["count"] == len(LISTED[who])
    # filtering for a hidden project's city, status or words does not reveal it either
    hanoi = client.get(f"{API}/projects?city=hanoi&q=traffic").json()
    expected = {"Hanoi traffic draft"} & LISTED[who]
    assert {item["title"] for item in hanoi["items"]} == expected
    assert hanoi["count"] == len(expected)


@pytest.mark.parametrize("who", LISTED)
def test_the_projects_page_shows_only_what_each_may_see(roles, projects, who, text):
    shown = text(roles.session(who).get("/projects/"))
    for title in LISTED["secretariat"]:
        assert (title in shown) == (title in LISTED[who]), title


# --- action plans ----------------------------------------------------------------------------


@pytest.fixture
def plans(roles) -> dict[str, ActionPlan]:
    secretariat = roles.user("secretariat")
    phuket = factories.plan(roles.user("cso_phuket"), title="Phuket plan")
    hanoi = factories.plan(roles.user("cso_hanoi"), city="hanoi", title="Hanoi plan")
    bangkok = factories.plan(secretariat, city="bangkok", title="Bangkok plan")
    for action in ("submit", "endorse", "publish"):
        bangkok = plan_transition(
            actor=secretariat, plan=bangkok, action=action, version=bangkok.version
        )
    return {"phuket": phuket, "hanoi": hanoi, "bangkok_published": bangkok}


PLAN_READERS = {
    "phuket": PHUKET_DRAFT,
    "hanoi": HANOI_DRAFT,
    "bangkok_published": PUBLIC,
}


@pytest.mark.parametrize("which", PLAN_READERS)
def test_who_reads_an_action_plan(roles, plans, which):
    pk = plans[which].pk
    assert_matrix(roles.bearer, "GET", f"{API}/action-plans/{pk}", PLAN_READERS[which])
    assert_matrix(roles.session, "GET", f"/plans/{pk}/", PLAN_READERS[which])


PLANS_LISTED = {
    "anonymous": {"Bangkok plan"},
    "cso_phuket": {"Phuket plan", "Bangkok plan"},
    "nr_th": {"Phuket plan", "Bangkok plan"},
    "cso_hanoi": {"Hanoi plan", "Bangkok plan"},
    "partner_adb": {"Bangkok plan"},
    "secretariat": {"Phuket plan", "Hanoi plan", "Bangkok plan"},
}


@pytest.mark.parametrize("who", PLANS_LISTED)
def test_the_plan_list_shows_only_what_each_may_see(roles, plans, who, text):
    page = roles.bearer(who).get(f"{API}/action-plans").json()
    assert {item["title"] for item in page["items"]} == PLANS_LISTED[who]
    assert page["count"] == len(PLANS_LISTED[who])
    shown = text(roles.session(who).get("/plans/"))
    for title in PLANS_LISTED["secretariat"]:
        assert (title in shown) == (title in PLANS_LISTED[who]), title


def test_who_submits_a_hanoi_draft_plan(roles, plans):
    # only Hanoi's CSCO (and the Secretariat) may; the others do not even see it
    plan = plans["hanoi"]
    assert_matrix(
        roles.bearer,
        "POST",
        f"{API}/action-plans/{plan.pk}/submit",
        {"anonymous": 401, "cso_phuket": 404, "nr_th": 404, "partner_adb": 404},
        {"version": 1},
    )
    plan.refresh_from_db()
    assert (plan.status, plan.version) == ("draft", 1)
    assert not plan.versions.exists()


def test_who_edits_a_phuket_draft_plan(roles, plans):
    plan = plans["phuket"]
    assert_matrix(
        roles.bearer,
        "PATCH",
        f"{API}/action-plans/{plan.pk}",
        {"anonymous": 401, "nr_th": 403, "cso_hanoi": 404, "partner_adb": 404},
        {"version": 1, "title": "Taken over"},
    )
    plan.refresh_from_db()
    assert (plan.title, plan.version) == ("Phuket plan", 1)


def test_a_published_plan_is_read_by_everyone_but_moved_by_no_one(roles, plans):
    # a published plan is at the end of its workflow: the owners get 409, the others 403/401
    plan = plans["bangkok_published"]
    assert_matrix(
        roles.bearer,
        "POST",
        f"{API}/action-plans/{plan.pk}/submit",
        {
            "anonymous": 401,
            "cso_phuket": 403,
            "cso_hanoi": 403,
            "nr_th": 403,
            "partner_adb": 403,
            "secretariat": 409,
        },
        {"version": plan.version},
    )
    plan.refresh_from_db()
    assert plan.status == "published"
