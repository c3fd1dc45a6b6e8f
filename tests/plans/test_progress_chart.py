"""A project's progress chart is drawn by the task worker (core.drawings), never in the web
worker: the page shows the table and a note until the picture is stored."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings
from django_tasks_db.models import DBTaskResult

from ascn.core import drawings
from ascn.plans.services import progress_add
from tests import factories

pytestmark = pytest.mark.usefixtures("empty_cache")

pytest_plugins = ["tests.roles"]

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
PENDING_NOTE = "The chart is being drawn"


def reported_project(roles):
    csco = roles.user("cso_phuket")
    project = factories.project(csco, title="Patong smart drainage", visibility="public")
    for month, (physical, financial) in enumerate([(10, 5), (35, 20)], start=1):
        progress_add(
            actor=csco,
            project=project,
            physical_pct=physical,
            financial_pct=financial,
            date=dt.date(2026, month, 1),
        )
    return project


@pytest.mark.django_db(transaction=True)
def test_without_a_task_worker_the_page_shows_the_table_then_the_drawn_chart(roles, client):
    project = reported_project(roles)
    with override_settings(TASKS=DB_TASKS):
        # when nobody has drawn the chart yet
        first = client.get(f"/projects/{project.pk}/").content.decode()
        again = client.get(f"/projects/{project.pk}/").content.decode()
        # then the page says so and has the values; the drawing is queued once
        assert PENDING_NOTE in first and PENDING_NOTE in again
        assert 'class="progress-chart"' not in first
        assert "35" in first
        queued = DBTaskResult.objects.filter(task_path="ascn.core.drawings.draw")
        assert queued.count() == 1
        assert queued.get().args_kwargs["args"][0] == "plans.progress"

        # when the task worker runs it
        job = queued.get()
        drawings.draw.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])

        # then the page serves the stored chart, named for assistive technology
        page = client.get(f"/projects/{project.pk}/").content.decode()
        assert PENDING_NOTE not in page
        start = page.index("<svg", page.index('id="progress"'))
        svg = page[start : page.index(">", start)]
        assert 'class="progress-chart"' in svg and 'role="img"' in svg
        assert "Progress of “Patong smart drainage”" in page[start : page.index("</svg>", start)]


@pytest.mark.django_db(transaction=True)
def test_the_note_asks_for_the_chart_again_until_it_is_drawn_for_a_minute(roles, client):
    project = reported_project(roles)
    url = f"/projects/{project.pk}/"
    with override_settings(TASKS=DB_TASKS):
        # when a reader opens the page before the chart is drawn
        page = client.get(url).content.decode()
        # then the note asks the page again by itself (htmx), and takes its own place from it
        note = page[page.index('id="progress-drawing"') - 40 : page.index(PENDING_NOTE)]
        assert f'data-hx-get="{url}?redraw=1"' in note
        assert 'data-hx-select="#progress-drawing"' in note
        # and each ask counts, up to a minute: then the note says to reload, and asks no more
        again = client.get(url, {"redraw": "7"}, headers={"HX-Request": "true"}).content.decode()
        assert f"{url}?redraw=8" in again
        last = client.get(url, {"redraw": "20"}, headers={"HX-Request": "true"}).content.decode()
        assert PENDING_NOTE in last and "redraw=21" not in last
        assert "reload the page" in last

        # when the task worker has drawn it, the next ask gets the chart in the note's place
        job = DBTaskResult.objects.get(task_path="ascn.core.drawings.draw")
        drawings.draw.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])
        drawn = client.get(url, {"redraw": "9"}, headers={"HX-Request": "true"}).content.decode()
        figure = drawn[drawn.index('<figure class="chart" id="progress-drawing">') :]
        figure = figure[: figure.index("</figure>")]
        assert "<svg" in figure and "data-hx-get" not in figure
        assert PENDING_NOTE not in drawn


def test_a_new_update_is_a_new_chart_never_a_stale_one(roles, client):
    # (tests run tasks at once: each view shows the chart of the updates it has)
    project = reported_project(roles)
    first = client.get(f"/projects/{project.pk}/").content.decode()
    assert "from 1 Jan 2026 to 1 Feb 2026" in first
    progress_add(
        actor=roles.user("cso_phuket"),
        project=project,
        physical_pct=60,
        financial_pct=40,
        date=dt.date(2026, 3, 1),
    )
    second = client.get(f"/projects/{project.pk}/").content.decode()
    assert "from 1 Jan 2026 to 1 Mar 2026" in second


@pytest.mark.parametrize(
    ("language", "month", "english"), [("vi", "Thg 1", "Jan"), ("th", "ม.ค.", "Jan")]
)
def test_the_charts_dates_are_written_in_the_pages_language(
    roles, client, language, month, english
):
    # given a project with updates on 1 January and 1 February 2026
    project = reported_project(roles)
    # when its page is read in Vietnamese or Thai (tests draw at once)
    page = client.get(f"/{language}/projects/{project.pk}/").content.decode()
    start = page.index("<svg", page.index('id="progress"'))
    svg = page[start : page.index("</svg>", start)]
    # then the axis names the months as the site's dates do, not in English
    assert month in svg
    assert f"{english} 2026" not in svg
    # and the English page keeps its own
    english_page = Client().get(f"/projects/{project.pk}/").content.decode()
    assert f"{english} 2026" in english_page[english_page.index('id="progress"') :]
