"""Pictures drawn by the task worker and served from the shared cache.

Drawing an SVG from a Vega-Lite spec needs Altair and vl-convert (a V8 runtime): about
120 MB that a web worker should not carry (SPEC §5: a worker stays within 200 MB). So a page
never draws. It asks ``drawn(kind, key, payload)``: the SVG stored in the shared cache under
``key`` (a digest of everything the picture depends on), or "" after queueing its drawing —
the page then shows its data table with a note that the picture is being drawn. A changed
input is a new key, so a stored picture is never stale; an old one simply stops being asked
for, except as the picture shown meanwhile under its lasting name (``drawn``'s ``lasting``). With the immediate task backend (tests) the drawing runs at once.

Each app registers what it draws in its ``drawings.py`` (found at start-up, like admin.py):
``@drawer("plans.progress")`` on a function from a JSON payload to an SVG string. The task
worker runs ``draw`` with that kind and payload (docs/operations.md).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django_tasks import task

logger = logging.getLogger(__name__)

Payload = dict[str, Any]
DRAWERS: dict[str, Callable[[Payload], str]] = {}

SVG_TIMEOUT = 7 * 24 * 3600
# While a drawing is queued, the same picture is not queued again for this long; after it (a
# task worker that was down, a failed drawing) the next page view queues it once more.
PENDING_TIMEOUT = 120


def drawer(kind: str) -> Callable[[Callable[[Payload], str]], Callable[[Payload], str]]:
    """Register ``function(payload) -> svg`` as the way to draw pictures of ``kind``."""

    def register(function: Callable[[Payload], str]) -> Callable[[Payload], str]:
        DRAWERS[kind] = function
        return function

    return register


def digest(*parts: Any) -> str:
    """A stable key for a picture's inputs (JSON-able parts; dates and decimals as text)."""
    text = json.dumps(parts, separators=(",", ":"), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def queue_once(pending: str, enqueue: Callable[[], object], what: str) -> bool:
    """Call ``enqueue()`` (a task's ``enqueue``) unless the cache key ``pending`` says it was
    queued less than ``PENDING_TIMEOUT`` ago; the task deletes ``pending`` once done. Whether
    it was queued now: a task that cannot be queued is logged (``what`` names it) and leaves
    no mark, so the next page view tries again. Used for the drawings and for the figures
    computed ahead (``core.prepared``)."""
    if not cache.add(pending, 1, PENDING_TIMEOUT):
        return False
    try:
        enqueue()
    except Exception:  # work that cannot be queued is a page without it, not an error
        logger.exception("could not queue %s", what)
        cache.delete(pending)
        return False
    return True


def _svg_key(kind: str, key: str) -> str:
    return f"drawing:{kind}:{key}"


def _pending_key(kind: str, key: str) -> str:
    return f"drawing:{kind}:{key}:pending"


def _lasting_key(kind: str, lasting: str) -> str:
    return f"drawing:{kind}:lasting:{lasting}"


@task()
def draw(kind: str, key: str, payload: Payload, lasting: str = "") -> dict:
    """Draw one picture and store its SVG in the shared cache (run by the task worker), and
    as the last one drawn under its ``lasting`` name when it has one."""
    svg = DRAWERS[kind](payload)
    cache.set(_svg_key(kind, key), svg, SVG_TIMEOUT)
    if lasting:
        cache.set(_lasting_key(kind, lasting), svg, SVG_TIMEOUT)
    cache.delete(_pending_key(kind, key))
    return {"kind": kind, "key": key, "bytes": len(svg)}


def drawn(kind: str, key: str, payload: Callable[[], Payload], *, lasting: str = "") -> str:
    """The stored SVG of this picture, or "" after queueing its drawing (once).

    ``payload`` is called only when the picture must be queued: what the drawer needs, as
    JSON (the task queue stores it). ``lasting`` names the picture across its inputs (the
    home page's map in Thai): while a changed one is drawn, the last one drawn under that
    name is shown — a map whose dots are a minute old says more than a note that it is
    being drawn. Without it (a chart beside its own table), "" until the new one is there.
    """
    svg = cache.get(_svg_key(kind, key))
    if svg is not None:
        return svg
    queued = queue_once(
        _pending_key(kind, key),
        lambda: draw.enqueue(kind, key, payload(), lasting),
        f"the drawing of {kind}",
    )
    if queued:  # drawn already by the immediate task backend (tests)
        svg = cache.get(_svg_key(kind, key))
    if svg is None and lasting:
        svg = cache.get(_lasting_key(kind, lasting))
    return svg or ""
