"""The map of ASEAN, drawn by the task worker (``core.drawings``; ``manage.py db_worker``).

A page asks ``map_svg(cities)``: the SVG stored under a digest of everything it depends on
(the cities, their public project counts, the country shapes), or "" while the task worker
draws it — the page then shows the city list with a "the map is being drawn" note
(docs/operations.md).
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import translation

from ascn.core.drawings import drawn
from ascn.network import maps

KIND = "network.map"


def map_svg(cities: list[dict] | Callable[[], list[dict]], *, digest: str | None = None) -> str:
    """The stored SVG of the map of these cities, or "" after queueing its drawing; its
    words (legends, titles, the description) in the active language, stored apart per language.

    ``digest``: ``maps.svg_digest(cities)`` when the caller kept it (the dashboards keep it
    with their figures); ``cities`` may then be a function that reads them, called only
    when the map must be drawn (the home page keeps only the digest).
    """
    language = translation.get_language()
    if callable(cities):
        if digest is None:
            cities = cities()
        else:
            read = cities
            return drawn(
                KIND,
                f"{digest}-{language}",
                lambda: {"cities": maps.clean_cities(read()), "language": language},
            )
    rows = cities
    return drawn(
        KIND,
        f"{digest or maps.svg_digest(rows)}-{language}",
        lambda: {"cities": maps.clean_cities(rows), "language": language},
    )
