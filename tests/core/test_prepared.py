"""Figures computed ahead (core.prepared): kept between requests, refreshed by the task
worker while pages serve the kept ones, computed in the request only when none usable are
kept. The dashboards' figures are the example (their tests cover their numbers)."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from ascn.core import prepared
from ascn.dashboards import views
from tests import factories

pytestmark = pytest.mark.usefixtures("empty_cache")

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
URL = "/dashboards/"


def public_projects(client) -> int:
    """The figure of public projects the dashboard's overview shows."""
    return client.get(URL).context["overview"].projects


@pytest.mark.django_db(transaction=True)
def test_without_a_task_worker_a_stale_page_is_served_and_its_refresh_queued_once(
    network, secretariat, client, settings
):
    # given: figures kept for a second, and a task queue that nobody works
    settings.ASCN_DASHBOARD_CACHE_SECONDS = 1
    cache.clear()
    with override_settings(TASKS=DB_TASKS):
        before = public_projects(client)
        factories.project(secretariat, title="Kept apart", visibility="public")

        # when: the figures are older than their freshness, and two visitors come
        time.sleep(1.1)
        first, second = public_projects(client), public_projects(client)

        # then: both get the kept figures at once, and one refresh is queued, not two
        assert first == second == before
        queued = DBTaskResult.objects.filter(task_path="ascn.core.prepared.refresh")
        assert queued.count() == 1
        kind, _key, args, language, seconds = queued.get().args_kwargs["args"]
        assert (kind, args, language, seconds) == (
            views.FIGURES,
            {"member_state": None, "focus_area": None, "year": None},
            "en",
            1,
        )

        # when: the task worker runs it
        job = queued.get()
        prepared.refresh.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])

        # then: the next visitor has the new project
        assert public_projects(client) == before + 1


@pytest.mark.django_db(transaction=True)
def test_figures_too_old_to_serve_are_computed_in_the_request(
    network, secretariat, client, settings, monkeypatch
):
    # given: kept figures, then a task worker that is down for longer than the stale limit
    settings.ASCN_DASHBOARD_CACHE_SECONDS = 1
    monkeypatch.setattr(prepared, "STALE_LIMIT", 2)
    cache.clear()
    with override_settings(TASKS=DB_TASKS):
        before = public_projects(client)
        factories.project(secretariat, title="Kept apart", visibility="public")
        time.sleep(2.1)

        # when
        after = public_projects(client)

    # then: computed anew rather than served two freshness periods late
    assert after == before + 1


def test_with_no_freshness_figures_are_computed_every_time(settings):
    settings.ASCN_DASHBOARD_CACHE_SECONDS = 0
    computed = []

    def compute():
        computed.append(1)
        return len(computed)

    values = [prepared.kept("test.kind", "k", {}, compute, 0) for _ in range(3)]

    assert values == [1, 2, 3]
