"""The whole demo sample set (``make demo``): idempotent, flagged sample, never tied to a
real record, and filling the screens a newcomer opens."""

from __future__ import annotations

from collections import Counter

from django.apps import apps
from django.test import Client
from django.utils import timezone

from ascn.cooperation.models import CaseStudy, CityPartnership, Thread
from ascn.core.models import SearchEntry
from ascn.core.search import index as search
from ascn.dashboards import tallies
from ascn.deals.models import Engagement, EngagementStage
from ascn.funding.management.commands.load_partners import load_programmes
from ascn.funding.models import Application, Call, Programme
from ascn.matchmaking import terms
from ascn.matchmaking.models import ProjectTerms
from ascn.meetings.models import Meeting
from ascn.network.models import City
from ascn.partners.models import Organisation
from ascn.plans.models import ActionPlan, Project
from tests.demo_fixtures import run

pytest_plugins = ["tests.demo_fixtures"]

# The sample loaders in the order ``make demo`` runs them (after ``load_demo``).
SAMPLE_LOADERS = [
    "load_samples",
    "load_sample_partners",
    "load_sample_deals",
    "load_sample_programmes",
    "load_sample_meetings",
    "load_sample_cooperation",
]
SAMPLED = [
    Project,
    ActionPlan,
    Organisation,
    Engagement,
    Programme,
    Call,
    Application,
    Meeting,
    CityPartnership,
    CaseStudy,
    Thread,
]


def _load_all() -> None:
    for command in SAMPLE_LOADERS:
        run(command)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in SAMPLED}


def test_the_sample_set_is_idempotent_and_all_flagged(demo):
    # given the real partners and programmes, before any sample
    load_programmes()
    real = {model.__name__: set(model.objects.values_list("pk", flat=True)) for model in SAMPLED}
    # when the sample loaders run twice
    _load_all()
    first = _counts()
    _load_all()
    # then the second run wrote nothing
    assert _counts() == first
    # and every record they made is flagged sample
    for model in SAMPLED:
        made = model.objects.exclude(pk__in=real[model.__name__])
        assert made.exists(), model
        assert not made.filter(sample=False).exists(), model


def test_no_sample_record_references_a_real_one(demo):
    load_programmes()
    _load_all()
    # deals, applications and case-study providers join sample records only
    assert not Engagement.objects.filter(organisation__sample=False).exists()
    assert not Engagement.objects.filter(project__sample=False).exists()
    assert not Application.objects.filter(project__sample=False).exists()
    assert not Application.objects.filter(call__programme__sponsor__sample=False).exists()
    assert not CaseStudy.objects.filter(sample=True, provider__sample=False).exists()
    assert not Project.objects.filter(sample=True, plan__sample=False).exists()
    # and no real project or organisation gained a deal or an application
    assert not Engagement.objects.filter(sample=False).exists()
    assert not Application.objects.filter(sample=False).exists()


def test_the_samples_cover_every_stage_across_most_cities(demo):
    _load_all()
    projects = Project.objects.filter(sample=True)
    statuses = Counter(projects.values_list("status", flat=True))
    assert {"identification", "preparation", "implementation", "completion", "maintenance"} <= set(
        statuses
    )
    assert set(projects.values_list("readiness_level", flat=True)) == {
        "concept",
        "shaping",
        "investor-ready",
    }
    cities = projects.values("city").distinct().count()
    assert cities > City.objects.count() / 2
    assert set(Engagement.objects.values_list("stage", flat=True)) == set(EngagementStage.values)
    # the demo partner's own board too
    own = Engagement.objects.filter(organisation__slug="sample-mekong-resilience-investors")
    assert set(own.values_list("stage", flat=True)) == set(EngagementStage.values)
    meeting = Meeting.objects.get(sample=True)
    today = timezone.localdate()
    assert meeting.is_upcoming(today) and meeting.registration_window_open(today)


def test_no_page_greets_a_newcomer_empty(demo):
    _load_all()
    visitor = Client()
    empty_states = {
        "/meetings/": "No upcoming meeting is announced yet",
        "/cooperation/": "No case study is on record yet",
        "/projects/": "No project",
        "/programmes/": "No programme",
    }
    for url, empty in empty_states.items():
        response = visitor.get(url)
        assert response.status_code == 200, url
        assert empty not in response.content.decode(), url
    assert "(sample)" in visitor.get("/projects/").content.decode()
    assert "Hanoi" in visitor.get("/cities/hanoi/").content.decode()
    assert "No project of this city is published yet" not in (
        visitor.get("/cities/hanoi/").content.decode()
    )


def _derived() -> dict[str, list]:
    """What the platform derives from the records: the dashboards' tallies, the search
    entries (but the time each was written) and the projects' matchmaking rows."""
    tally_tables = apps.get_app_config("dashboards").get_models()  # every table: a tally
    derived = {
        model.__name__: sorted(model.objects.values_list(*_fields(model)), key=repr)
        for model in [*tally_tables, ProjectTerms]
    }
    entries = SearchEntry.objects.values_list(*_fields(SearchEntry, leave={"updated_at"}))
    derived["SearchEntry"] = sorted(entries, key=repr)
    return derived


def _fields(model, leave=frozenset()) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.attname not in {"id", *leave}]


def test_what_a_load_derives_at_its_end_equals_a_rebuild(demo):
    # given the sample loaders, each of which holds what follows its writes to its end
    # (core.events.batch): a city's tallies, a record's search entry, a project's
    # matchmaking row done once, not after each write
    load_programmes()
    _load_all()
    loaded = _derived()
    assert len(loaded) == 9
    assert loaded["ProjectTally"] and loaded["SearchEntry"] and loaded["ProjectTerms"]
    # when everything derived is rebuilt from the records
    tallies.rebuild()
    search.rebuild()
    rewritten = terms.refresh()
    # then nothing differs from what the loads left
    assert rewritten == 0
    assert _derived() == loaded
