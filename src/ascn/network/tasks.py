"""The map of ASEAN drawn in the background (django-tasks; ``manage.py db_worker`` runs it).

Drawing the map's SVG needs Altair and vl-convert (a V8 runtime): about 120 MB that a web
worker should not carry. A page asks ``map_svg(cities)``: the SVG stored in the shared cache
under a digest of everything it depends on (the cities, their public project counts, the
country shapes), or "" while the task worker draws it — the page then shows the city list
with a "the map is being drawn" note. A changed count is a new digest, so a stored SVG is
never stale; an old one simply stops being asked for (docs/operations.md).
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django_tasks import task

from ascn.network import maps

logger = logging.getLogger(__name__)

SVG_TIMEOUT = 7 * 24 * 3600
# While a drawing is queued, the same map is not queued again for this long; after it (a
# task worker that was down, a failed drawing) the next page view queues it once more.
PENDING_TIMEOUT = 120


def _svg_key(digest: str) -> str:
    return f"network:map-svg:{digest}"


def _pending_key(digest: str) -> str:
    return f"network:map-svg:{digest}:pending"


@task()
def draw_map(cities: list[dict]) -> dict:
    """Draw the map of these (cleaned) cities and store its SVG in the shared cache."""
    digest = maps.svg_digest(cities)
    svg = maps.asean_map_svg(cities)
    cache.set(_svg_key(digest), svg, SVG_TIMEOUT)
    cache.delete(_pending_key(digest))
    return {"digest": digest, "bytes": len(svg)}


def map_svg(cities: list[dict], *, digest: str | None = None) -> str:
    """The stored SVG of the map of these cities, or "" after queueing its drawing.

    ``digest``: ``maps.svg_digest(cities)`` when the caller kept it (the dashboards keep it
    with their figures). With the immediate task backend (tests) the drawing runs at once.
    """
    digest = digest or maps.svg_digest(cities)
    svg = cache.get(_svg_key(digest))
    if svg is not None:
        return svg
    if cache.add(_pending_key(digest), 1, PENDING_TIMEOUT):
        try:
            draw_map.enqueue(maps.clean_cities(cities))
        except Exception:  # a map that cannot be queued is a page without a map, not an error
            logger.exception("could not queue the drawing of the map")
            cache.delete(_pending_key(digest))
            return ""
        svg = cache.get(_svg_key(digest))
    return svg or ""
