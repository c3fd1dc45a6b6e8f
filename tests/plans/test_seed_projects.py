"""The network's real projects (issue 17): loaded once from ``plans/seed/projects.yaml``,
public, never samples, each with its published sources — and money only where a source gives
it. They work with the project list, the city page, the API, search and the sample-deal rule
like any other project."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import yaml
from django.core.management import call_command

from ascn.core.errors import InvalidInput
from ascn.core.sources import validate_sources
from ascn.network.models import City
from ascn.plans.management.commands.load_projects import SEED, load_projects
from ascn.plans.models import Project
from ascn.plans.services import project_upsert_seed
from tests.roles import AuditMark

pytestmark = pytest.mark.django_db

ENTRIES = yaml.safe_load(SEED.read_text(encoding="utf-8"))


def _run(command: str) -> str:
    out = io.StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


@pytest.fixture
def real_projects(network):
    load_projects()
    return Project.objects.filter(sample=False)


def test_loading_twice_changes_nothing(network):
    # when the real projects are loaded twice
    mark = AuditMark()
    assert load_projects() == len(ENTRIES)
    versions = dict(Project.objects.values_list("pk", "version"))
    assert load_projects() == 0
    assert "(0 created or changed)" in _run("load_projects")
    # then each is on record once, created once, and nothing was written the second time
    assert Project.objects.count() == len(ENTRIES)
    assert mark.actions() == ["plans.project.created"] * len(ENTRIES)
    assert dict(Project.objects.values_list("pk", "version")) == versions


def test_there_are_dozens_in_several_member_states(real_projects):
    assert real_projects.count() >= 25
    states = set(real_projects.values_list("city__member_state__code", flat=True))
    assert len(states) >= 5


def test_every_real_project_is_public_and_cites_a_dated_source(real_projects):
    for project in real_projects:
        assert project.visibility == "public" and not project.sample
        validate_sources(project.sources)
        cited = [
            s for s in project.sources if all(s.get(k) for k in ("title", "publisher", "date"))
        ]
        assert cited, f"{project.title}: no source with title, publisher and date"
        assert all(s["url"].startswith(("http://", "https://")) for s in project.sources)
        assert project.focus_areas.exists()


def test_no_real_project_has_money_without_a_source_that_gives_it(real_projects):
    for project in real_projects:
        if project.budget_amount is None:
            assert project.budget_currency == "" and project.funding_secured == 0
            continue
        assert any("budget_amount" in s.get("fields", []) for s in project.sources), (
            f"{project.title}: a budget no source gives"
        )
    # and the seed file gives a budget only beside a source that says it gives one
    for entry in ENTRIES:
        if entry.get("budget"):
            assert any("budget_amount" in s.get("fields", []) for s in entry["sources"])


def test_every_city_is_an_ascn_city_on_record(network):
    slugs = set(City.objects.values_list("slug", flat=True))
    assert {entry["city"] for entry in ENTRIES} <= slugs


def test_a_changed_entry_is_rewritten_and_audited_once(network, tmp_path):
    # given a project loaded from a file
    city = City.objects.get(slug="phuket")
    source = {
        "title": "A report",
        "publisher": "A publisher",
        "date": "2024",
        "url": "https://example.org/report",
    }
    values = {
        "title": "Harbour sensors",
        "description": "Sensors in the harbour.",
        "focus_areas": ["safety-security"],
        "status": "identification",
        "sources": [source],
    }
    project, created = project_upsert_seed(city=city, values=values)
    assert created and project.version == 1 and project.budget_amount is None
    # when the file later gives a status and a budget with the source that states it
    mark = AuditMark()
    sourced = {**source, "fields": ["budget_amount"]}
    changed = {
        **values,
        "status": "preparation",
        "budget": ["1500000", "THB"],
        "sources": [sourced],
    }
    project, written = project_upsert_seed(city=city, values=changed)
    # then the project is edited in place, once, with its money
    assert written and project.version == 2
    assert project.status == "preparation"
    assert project.budget_amount == Decimal("1500000.00") and project.budget_currency == "THB"
    assert mark.actions() == ["plans.project.updated"]
    assert Project.objects.filter(city=city, title="Harbour sensors").count() == 1
    assert project_upsert_seed(city=city, values=changed)[1] is False


def test_a_source_without_a_link_is_refused(network):
    city = City.objects.get(slug="phuket")
    with pytest.raises(InvalidInput):
        project_upsert_seed(
            city=city,
            values={
                "title": "Unsourced",
                "description": "No link.",
                "focus_areas": ["safety-security"],
                "status": "identification",
                "sources": [{"title": "A report", "publisher": "A publisher", "url": ""}],
            },
        )
    assert not Project.objects.filter(title="Unsourced").exists()


# --- with everything else ------------------------------------------------------------------


def test_the_project_page_shows_its_sources_and_says_the_budget_is_not_published(
    real_projects, client
):
    project = real_projects.get(title="Converged Command and Control Center")
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'href="https://www.pna.gov.ph/articles/1152236"' in page
    assert "Philippine News Agency" in page and "2021-09-01" in page
    assert "not published" in page
    assert ".yaml" not in page and "sample data" not in page.lower()


def test_the_project_list_and_the_city_page_show_real_projects(real_projects, client):
    listing = client.get("/projects/?q=Bus+Rapid+Transit").content.decode()
    assert "Bus Rapid Transit System" in listing
    city = City.objects.get(slug="siem-reap")
    page = client.get(city.get_absolute_url()).content.decode()
    assert "Improving waste collection" in page


def test_the_api_gives_the_sources_and_no_money_where_none_is_published(real_projects, client):
    project = real_projects.get(title="Smart City & Safe City")
    body = client.get(f"/api/v1/projects/{project.pk}").json()
    assert body["sample"] is False
    assert body["budget"] is None and body["funding_gap"] is None
    assert body["sources"][0]["publisher"] == "The Phuket News (from the Bangkok Post)"
    assert body["sources"][0]["date"] == "2019-10-06"


def test_search_finds_a_real_project(real_projects, client):
    body = client.get("/api/v1/search", {"q": "Lorong Wisata"}).json()
    assert any(hit["title"] == "Lorong Wisata (tourism alleys)" for hit in body["items"])
