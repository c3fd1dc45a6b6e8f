"""The map of ASEAN, drawn by the task worker (``core.drawings``; ``manage.py db_worker``).

A page asks ``map_svg(cities)``: the SVG stored under a digest of everything it depends on
(the cities, their public project counts, the country shapes), or "" while the task worker
draws it — the page then shows the city list with a "the map is being drawn" note
(docs/operations.md).
"""

from __future__ import annotations

from ascn.core.drawings import drawn
from ascn.network import maps

KIND = "network.map"


def map_svg(cities: list[dict], *, digest: str | None = None) -> str:
    """The stored SVG of the map of these cities, or "" after queueing its drawing.

    ``digest``: ``maps.svg_digest(cities)`` when the caller kept it (the dashboards keep it
    with their figures).
    """
    return drawn(
        KIND, digest or maps.svg_digest(cities), lambda: {"cities": maps.clean_cities(cities)}
    )
