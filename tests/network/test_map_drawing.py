"""The home map is drawn by the task worker and served from the shared cache."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.test import Client, override_settings
from django_tasks_db.models import DBTaskResult

from ascn.core import drawings
from ascn.network import maps, tasks
from tests import factories

pytestmark = pytest.mark.usefixtures("empty_cache")

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
PENDING_NOTE = "The map of the ASCN cities is being drawn"


def test_home_shows_the_map_with_a_link_per_city(client, network):
    # (tests run tasks at once: the first view shows the map)
    page = client.get("/").content.decode()

    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'class="asean-map"' in svg
    assert 'href="/cities/bangkok/"' in svg
    assert PENDING_NOTE not in page


@pytest.mark.django_db(transaction=True)
def test_without_a_running_task_worker_the_page_says_the_map_is_coming_then_shows_it(
    client, network
):
    with override_settings(TASKS=DB_TASKS):
        # when: nobody has drawn the map yet
        first = client.get("/").content.decode()
        again = client.get("/").content.decode()

        # then: the page says so, lists the cities, and the drawing is queued once
        assert PENDING_NOTE in first and PENDING_NOTE in again
        assert 'class="asean-map"' not in first
        assert "/cities/" in first
        queued = DBTaskResult.objects.filter(task_path="ascn.core.drawings.draw")
        assert queued.count() == 1

        # when: the task worker runs the queued task
        job = queued.get()
        drawings.draw.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])

        # then: the next view serves the stored SVG
        page = client.get("/").content.decode()
        assert 'class="asean-map"' in page
        assert PENDING_NOTE not in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/", "/dashboards/"])
def test_the_map_note_asks_the_page_again_and_gets_the_map_in_its_place(client, network, path):
    with override_settings(TASKS=DB_TASKS):
        # given a page whose map is not drawn yet: its note asks the page again by itself
        first = client.get(path).content.decode()
        note = first[first.index('id="asean-map-drawing"') : first.index(PENDING_NOTE)]
        assert f'data-hx-get="{path}?redraw=1"' in note
        assert 'data-hx-select="#asean-map-drawing"' in note
        # when the task worker has drawn it and the note asks (as htmx does)
        job = DBTaskResult.objects.get(task_path="ascn.core.drawings.draw")
        drawings.draw.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])
        answer = client.get(path, {"redraw": "1"}, headers={"HX-Request": "true"})
        # then the answer holds the map in the note's place (on the dashboards, in the
        # results that their filters refresh)
        page = answer.content.decode()
        assert '<figure class="asean-map-figure" id="asean-map-drawing">' in page
        assert 'class="asean-map"' in page and PENDING_NOTE not in page


@pytest.mark.django_db(transaction=True)
def test_while_a_changed_map_is_drawn_the_last_one_of_the_page_is_shown(network):
    with override_settings(TASKS=DB_TASKS):
        # given the home page's map drawn by the task worker, in English and in Thai
        english, thai = Client(), Client()  # one visitor each: a language sticks to its browser
        english.get("/")
        thai.get("/th/")
        queued = DBTaskResult.objects.filter(task_path="ascn.core.drawings.draw")
        for job in queued:
            drawings.draw.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])
        queued.delete()
        assert "Bangkok, Thailand (joined 2018), 0 projects" in english.get("/").content.decode()

        # when a public project changes a city's dot, and nobody has drawn the new map yet
        secretariat = factories.secretariat()
        factories.project(secretariat, city="bangkok", visibility="public")
        page = english.get("/").content.decode()
        thai_page = thai.get("/th/").content.decode()

        # then each page shows its last map (in its own language) while the new one is queued
        assert 'class="asean-map"' in page and PENDING_NOTE not in page
        assert "Bangkok, Thailand (joined 2018), 0 projects" in page
        assert 'class="asean-map"' in thai_page and 'lang="th"' in thai_page
        assert queued.count() == 2

        # and once drawn, the new count shows
        for job in queued:
            drawings.draw.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])
        assert "Bangkok, Thailand (joined 2018), 1 project<" in english.get("/").content.decode()


@pytest.mark.db_independent
def test_a_changed_count_is_a_new_map_never_a_stale_one():
    cities = [
        {
            "name": "Hue",
            "slug": "hue",
            "country_name": "Viet Nam",
            "cohort": 2018,
            "lat": 16.46,
            "lon": 107.59,
            "url": "/cities/hue/",
            "projects": 1,
        },
    ]
    first = tasks.map_svg(cities, view="test")
    assert "1 project</title>" in first

    cities[0]["projects"] = 2
    second = tasks.map_svg(cities, view="test")
    assert "2 projects</title>" in second
    assert maps.svg_digest(cities) == maps.svg_digest(maps.clean_cities(cities))


@pytest.mark.db_independent
def test_the_busiest_cities_kept_alone_give_the_map_of_every_city(monkeypatch):
    """The dashboards keep only the cities the map draws, and its digest from them: both
    must be those of every city."""
    monkeypatch.setattr(maps, "MAP_CITIES", 2)
    cities = [
        {
            "name": name,
            "slug": name.lower(),
            "country_name": "Viet Nam",
            "cohort": 2018,
            "lat": 16.0 + i,
            "lon": 107.0,
            "url": f"/cities/{name.lower()}/",
            "projects": n,
        }
        for i, (name, n) in enumerate([("Hue", 1), ("Hanoi", 5), ("Da Nang", 3), ("Nowhere", 0)])
    ]
    cities.append({**cities[0], "name": "Unplaced", "lat": None})

    kept = maps.clean_cities(cities)

    assert [c["name"] for c in kept] == ["Hanoi", "Da Nang"]  # in their order, busiest two
    assert maps.svg_digest(kept) == maps.svg_digest(cities)
    assert maps.clean_cities(kept) == kept


@pytest.mark.db_independent
def test_the_web_code_does_not_import_altair_or_vl_convert():

    code = (
        "import django, sys; django.setup();"
        "import config.urls, ascn.network.views, ascn.dashboards.views, ascn.plans.views;"
        "print(sorted(m for m in ('altair', 'vl_convert') if m in sys.modules))"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    assert out.strip() == "[]"
