"""A picture the task worker has not drawn yet appears on the open page once it is drawn: the
reader does not have to reload (core.templatetags.links.redraw_poll)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect

from ascn.core import drawings
from ascn.plans.services import progress_add
from tests import factories

pytestmark = pytest.mark.e2e

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_progress_chart_appears_on_the_open_page_once_drawn(live_network, page, url):
    # given a public project with two progress updates, and a task worker that has not run
    secretariat = factories.secretariat("sec@e2e-drawings.test")
    project = factories.project(secretariat, title="Patong smart drainage", visibility="public")
    for month, physical in ((1, 10), (2, 35)):
        progress_add(
            actor=secretariat,
            project=project,
            physical_pct=physical,
            financial_pct=physical // 2,
            date=dt.date(2026, month, 1),
        )
    with override_settings(TASKS=DB_TASKS):
        # when a visitor opens the project's page
        page.goto(url(project.get_absolute_url()))
        note = page.locator("#progress-drawing")
        expect(note).to_contain_text("The chart is being drawn")
        # and the task worker draws the chart meanwhile
        job = DBTaskResult.objects.get(task_path="ascn.core.drawings.draw")
        drawings.draw.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])
        # then the chart takes the note's place, without a reload
        expect(page.locator("figure#progress-drawing svg")).to_be_visible(timeout=15_000)
        expect(page.get_by_text("The chart is being drawn")).to_have_count(0)
        assert page.evaluate("() => performance.getEntriesByType('navigation').length") == 1
