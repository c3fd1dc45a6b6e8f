"""A picture the task worker has not drawn yet appears on the open page once it is drawn: the
reader does not have to reload (core.templatetags.links.redraw_poll)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect

from ascn.core import drawings
from ascn.plans.services import progress_add
from tests import factories

pytestmark = pytest.mark.e2e

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def public_project_with_progress(title: str, dates_and_physical_pct):
    """A public project whose progress updates are the given (date, physical %) pairs, the
    financial % half the physical."""
    secretariat = factories.secretariat(f"sec-{len(title)}@e2e-drawings.test")
    project = factories.project(secretariat, title=title, visibility="public")
    for date, physical in dates_and_physical_pct:
        progress_add(
            actor=secretariat,
            project=project,
            physical_pct=physical,
            financial_pct=physical // 2,
            date=date,
        )
    return project


def test_the_progress_chart_appears_on_the_open_page_once_drawn(live_network, page, url):
    # given a public project with two progress updates, and a task worker that has not run
    project = public_project_with_progress(
        "Patong smart drainage", [(dt.date(2026, 1, 1), 10), (dt.date(2026, 2, 1), 35)]
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


PHONE = {"width": 390, "height": 844}

# The drawn chart's box against its own proportions: a height that does not follow the width
# leaves the picture small in the middle of a tall white box.
PROPORTIONS = """(selector) => {
  const svg = document.querySelector(selector);
  const [, , width, height] = svg.getAttribute("viewBox").split(" ").map(Number);
  const box = svg.getBoundingClientRect();
  return {shown: box.height / box.width, drawn: height / width, width: box.width};
}"""


# The font size on screen of the smallest word of a drawing: its size in the drawing times
# the scale the page draws it at.
SMALLEST_WORD = """(selector) => {
  const svg = document.querySelector(selector);
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return Math.min(...[...svg.querySelectorAll("text")].map(
    (t) => parseFloat(getComputedStyle(t).fontSize) * scale));
}"""


@pytest.mark.rendering
def test_the_progress_charts_keep_their_proportions_on_a_phone(live_network, browser, url):
    # given a public project with three progress updates (the immediate task backend draws
    # its charts as soon as a page asks)
    updates = [(dt.date(2025, month, 1), pct) for month, pct in ((1, 10), (4, 35), (9, 60))]
    project = public_project_with_progress("Patong flood gauges", updates)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        # when a reader opens the project and the M&E report on a phone
        for path, selector in (
            (project.get_absolute_url(), "figure#progress-drawing svg"),
            ("/reports/me/", "figure#report-chart-drawing svg"),
        ):
            page.goto(url(path))
            page.goto(url(path))  # the first visit queued the drawing
            # then each chart fits the screen and is as tall as its width asks, no more
            box = page.evaluate(PROPORTIONS, selector)
            assert box["width"] <= PHONE["width"], path
            assert box["shown"] == pytest.approx(box["drawn"], rel=0.03), path
            # and its smallest words still read (its 12 px words came out at 6.6 px, its
            # 14 px words drawn 560 px wide at 7.5 px)
            assert page.evaluate(SMALLEST_WORD, selector) >= 9.5, path
        # and the report's caption gives its dates as the site writes them
        caption = page.locator("figure#report-chart-drawing figcaption").inner_text()
        assert re.search(r"From \d{1,2} [A-Z][a-z]{2} 20\d\d to \d{1,2} [A-Z][a-z]{2} 20", caption)
        assert "2025-" not in caption, caption
    finally:
        context.close()


# The height on screen of the smallest word of the map's legends.
SMALLEST_LEGEND_WORD = """() => Math.min(...[...document.querySelectorAll(
  "#asean-map-drawing svg .role-legend text")].map((t) => t.getBoundingClientRect().height))"""


@pytest.mark.rendering
def test_the_maps_legends_can_be_read_on_a_phone(live_network, browser, url):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        for path in ("/", "/dashboards/"):
            page.goto(url(path))
            page.goto(url(path))  # the first visit queued the drawing
            assert page.locator("#asean-map-drawing svg .role-legend text").count() >= 3
            # Vega's 10 px words, drawn at half size on a phone, were 5 px tall
            assert page.evaluate(SMALLEST_LEGEND_WORD) >= 7, path
            # the map as wide as the screen (the dashboards' kept a figure's 40 px margins)
            width = page.evaluate(
                "document.querySelector('#asean-map-drawing svg').getBoundingClientRect().width"
            )
            assert width >= 0.9 * PHONE["width"], (path, width)
    finally:
        context.close()


# Each legend of the map: its title's box, its own white box and the drawing's, on screen.
LEGEND_BOXES = """() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.right]; };
  const svg = document.querySelector("#asean-map-drawing svg");
  return [...svg.querySelectorAll("g.role-legend")].map((legend) => ({
    title: legend.querySelector(".role-legend-title text").textContent,
    text: box(legend.querySelector(".role-legend-title text")),
    background: box(legend.querySelector(".background")),
    drawing: box(svg),
  }));
}"""


@pytest.mark.rendering
@pytest.mark.parametrize("language", ["th", "km", "lo", "my"])
def test_the_maps_legend_titles_stay_in_the_drawing_in_every_script(
    live_network, browser, url, language
):
    # The size legend's title ran off the drawing's right edge in Thai and Khmer: vl-convert
    # measured their words without their fonts, shorter than the browser draws them
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(url(f"/{language}/dashboards/"))
        page.goto(url(f"/{language}/dashboards/"))  # the first visit queued the drawing
        legends = page.evaluate(LEGEND_BOXES)
        assert len(legends) == 2, legends
        for legend in legends:
            (left, right), (box_left, box_right), (edge_left, edge_right) = (
                legend["text"],
                legend["background"],
                legend["drawing"],
            )
            # every title whole inside the drawing
            assert edge_left - 1 <= left and right <= edge_right + 1, legend
            # measured with the script's font, it fits its white box, give or take the box's
            # padding (8 of the drawing's 720 units, 4 px here: Khmer's stacked consonants
            # come out a little wider than measured); Burmese, which vl-convert does not
            # shape, runs onto the map
            if language != "my":
                assert box_left - 4 <= left and right <= box_right + 1, legend
    finally:
        context.close()
