"""The map of ASEAN, drawn by the task worker (``core.drawings``; ``manage.py db_worker``).

A page asks ``map_svg(cities, view=...)``: the SVG stored under a digest of everything it
depends on (the cities, their public project counts, the country shapes) in the active
language. While the task worker draws a changed map, the page shows the last one drawn for
the same view in that language; only a map never drawn leaves the page with its city list
and a "the map is being drawn" note (docs/operations.md). A web worker asks for the home
page's map in every language when it starts (``config/wsgi.py``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import translation

from ascn.core.drawings import drawn
from ascn.network import maps

KIND = "network.map"


def map_svg(
    cities: list[dict] | Callable[[], list[dict]], *, view: str, digest: str | None = None
) -> str:
    """The stored SVG of the map of these cities, or while it is drawn the last one drawn
    for ``view`` (the home page, a member state's, the dashboards' with their filters); its
    words (legends, titles, the description) in the active language, stored apart per
    language.

    ``digest``: ``maps.svg_digest(cities)`` when the caller kept it (the dashboards keep it
    with their figures); ``cities`` may then be a function that reads them, called only
    when the map must be drawn (the home page keeps only the digest).
    """
    if digest is None:
        rows = cities() if callable(cities) else cities
        digest, cities = maps.svg_digest(rows), rows
    read = cities
    language = translation.get_language()
    return drawn(
        KIND,
        f"v2-{digest}-{language}",  # v2: legends readable on a phone
        lambda: {
            "cities": maps.clean_cities(read() if callable(read) else read),
            "language": language,
        },
        lasting=f"{view}-{language}",
    )
