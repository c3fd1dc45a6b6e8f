"""Illustrative sample plans and projects (SPEC §4; issue 4 item 12).

``load_samples`` loads them only in demo mode (``ASCN_DEMO=1``), after the demo accounts
(``load_demo``) and the exchange rates; it creates them through the services, by the demo
accounts, so they are permission-checked and audited; everything it creates is flagged
``"sample": true`` in the API and shown as sample data on the pages; running it twice
creates nothing more.
"""

from __future__ import annotations

import pytest
from django.core.management import CommandError

from ascn.accounts.models import User
from ascn.core.models import AuditEntry
from ascn.core.seed import read_yaml
from ascn.plans.management.commands.load_samples import SEED
from ascn.plans.models import ActionPlan, Project
from tests.demo_fixtures import bearer, run
from tests.roles import AuditMark

pytest_plugins = ["tests.demo_fixtures"]

SAMPLE_PLANS = {
    "Phuket Smart City Action Plan (sample)": "submitted",
    "Hanoi Smart City Action Plan (sample)": "draft",
    "Da Nang Smart City Action Plan (sample)": "published",
}
# Every sample project of the seed file, with the visibility it is published at (draft
# when the file names none).
SAMPLE_PROJECTS = {
    item["title"]: item.get("visibility", "draft") for item in read_yaml(SEED)["projects"]
}


def test_samples_are_refused_outside_demo_mode(demo):
    # given a database with the demo accounts, but demo mode off
    demo.ASCN_DEMO = False
    mark = AuditMark()
    # when the samples are loaded
    with pytest.raises(CommandError, match="demo mode"):
        run("load_samples")
    # then nothing is created
    assert not ActionPlan.objects.exists()
    assert not Project.objects.exists()
    assert mark.actions() == []


def test_samples_are_refused_outside_demo_mode_even_on_a_bare_database(settings, network):
    settings.ASCN_DEMO = False
    with pytest.raises(CommandError):
        run("load_samples")
    assert not Project.objects.exists()


def test_samples_are_loaded_in_demo_mode_all_flagged_as_samples(demo):
    # when the samples are loaded in demo mode
    mark = AuditMark()
    output = run("load_samples")
    # then the plans and projects exist, at their steps, all flagged as samples
    assert f"{len(SAMPLE_PLANS) + len(SAMPLE_PROJECTS)} new" in output
    assert len(SAMPLE_PROJECTS) > 20
    assert dict(ActionPlan.objects.values_list("title", "status")) == SAMPLE_PLANS
    assert dict(Project.objects.values_list("title", "visibility")) == SAMPLE_PROJECTS
    assert not ActionPlan.objects.filter(sample=False).exists()
    assert not Project.objects.filter(sample=False).exists()
    # and they were written through the services, by the demo accounts, and audited
    created = AuditEntry.objects.filter(pk__gt=mark.last_id, action="plans.project.created")
    assert created.count() == len(SAMPLE_PROJECTS)
    assert set(created.values_list("actor_label", flat=True)) == {
        "cso-phuket@example.org",
        "cso-hanoi@example.org",
        "secretariat@example.org",
    }
    # and together they are at every stage a project passes through, in seven cities
    stages = set(Project.objects.values_list("status", flat=True))
    assert {
        "identification",
        "preparation",
        "implementation",
        "completion",
        "maintenance",
    } <= stages
    assert Project.objects.values("city").distinct().count() >= 7
    assert "plans.plan.submitted" in mark.actions()
    assert "plans.project.assessed" in mark.actions()


def test_the_api_flags_every_sample_as_sample(demo):
    run("load_samples")
    # given the Secretariat, who sees everything
    client = bearer("secretariat@example.org")
    # then every plan and project the API lists says "sample": true
    projects = client.get("/api/v1/projects?page_size=200").json()
    plans = client.get("/api/v1/action-plans?page_size=200").json()
    assert projects["count"] == len(SAMPLE_PROJECTS)
    assert plans["count"] == 3
    assert all(item["sample"] is True for item in projects["items"] + plans["items"])
    for item in projects["items"]:
        detail = client.get(f"/api/v1/projects/{item['id']}").json()
        assert detail["sample"] is True
        # and every sample budget has its USD equivalent from the loaded rates
        assert detail["budget_usd"] is not None, item["title"]


def test_the_public_sees_only_the_public_samples_flagged_as_samples(demo, client, text):
    run("load_samples")
    projects = client.get("/api/v1/projects").json()
    public = {t for t, visibility in SAMPLE_PROJECTS.items() if visibility == "public"}
    assert {item["title"] for item in projects["items"]} == public
    assert all(item["sample"] is True for item in projects["items"])
    plans = client.get("/api/v1/action-plans").json()
    assert [(p["title"], p["sample"]) for p in plans["items"]] == [
        ("Da Nang Smart City Action Plan (sample)", True)
    ]
    # and the page says so in words
    project = Project.objects.get(title="Flood early-warning sensor network (sample)")
    assert "Sample data — illustrative, not real." in text(client.get(f"/projects/{project.pk}/"))


def test_the_samples_carry_their_readiness_and_progress(demo):
    run("load_samples")
    flood = Project.objects.get(title="Flood early-warning sensor network (sample)")
    # 9 of 12 items met, the revenue model (critical) among the missing: 75, shaping
    assert (flood.readiness_score, flood.readiness_level) == (75, "shaping")
    waste = Project.objects.get(title="Integrated waste collection routing (sample)")
    assert (waste.readiness_score, waste.readiness_level) == (100, "investor-ready")
    safety = Project.objects.get(title="Tourist safety and emergency response platform (sample)")
    assert [int(u.physical_pct) for u in safety.progress_updates.all()] == [10, 25, 40]
    assert safety.plan.title == "Phuket Smart City Action Plan (sample)"


def test_loading_the_samples_twice_creates_nothing_more(demo):
    # given the samples loaded once
    run("load_samples")
    counts = (ActionPlan.objects.count(), Project.objects.count())
    mark = AuditMark()
    # when they are loaded again
    output = run("load_samples")
    # then nothing new is created, changed or audited
    assert "0 new" in output
    assert (
        (ActionPlan.objects.count(), Project.objects.count()) == counts == (3, len(SAMPLE_PROJECTS))
    )
    assert mark.actions() == []


def test_a_sample_plan_was_submitted_with_its_projects(demo, client, text):
    # given the samples loaded
    run("load_samples")
    plan = ActionPlan.objects.get(title="Phuket Smart City Action Plan (sample)")
    projects = sorted(plan.projects.values_list("title", flat=True))
    assert projects
    # then the submission the National Representative received lists the plan's projects
    submitted = plan.versions.filter(status="submitted").latest("number")
    assert submitted.snapshot["projects"] == projects
    # and the comparison of that submission with the current text shows nothing changed
    client.force_login(User.objects.get(email="nr-th@example.org"))
    shown = text(client.get(f"/plans/{plan.pk}/compare/?a={submitted.number}&b=current"))
    assert "The two versions say the same thing." in shown
