"""Figures that take longer to compute than a request may: computed once, kept in the shared
cache, and refreshed by the task worker while pages go on serving the kept ones.

The dashboards' figures and the M&E report sum every project: at 100,000 projects that is
0.2–0.4 s (the dashboards, from their tallies) and 1–3 s (the report, over the projects and
their progress updates) of a worker's time. A page asks
``kept(kind, key, args, compute, seconds)``:

- figures kept under ``key`` and younger than ``seconds`` are returned as they are;
- older ones are returned too, and their refresh is queued once (``refresh``, run by the
  task worker: the kind's registered function called with ``args``, under the page's
  language), so no visitor waits for a recomputation; the pages show when their figures
  were computed;
- when none are kept, or the kept ones are older than ``STALE_LIMIT`` times ``seconds`` (a
  task worker that is down), they are computed in the request: one thread of a worker at a
  time, the others waiting for it and reading what it stored (four computations at once
  would cost a worker four times the memory).

``seconds`` 0 computes every time (the tests' default). Each app registers what it prepares
with ``@preparer(kind)`` in its ``prepared.py`` (found at start-up, like ``drawings.py``): the
function takes ``args`` (JSON: the task queue stores them) and returns what ``compute``
returns, which must pickle (the cache stores it). See docs/operations.md.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.utils import translation
from django_tasks import task

from ascn.core.drawings import queue_once

Args = dict[str, Any]
PREPARERS: dict[str, Callable[..., Any]] = {}


class Outdated(Exception):
    """Raised by a preparer when ``args`` no longer give the figures its key names (e.g. the
    reader's rights changed since the page queued the refresh): nothing is stored, and the
    next page view queues a refresh from its own reader."""


# Kept figures older than this many times their freshness are not served: computed anew.
STALE_LIMIT = 15
# A worker's threads wait for each other only when they compute the same figures (the same
# key, or one hashed to the same of these locks): a fixed number, whatever the keys.
_LOCKS = [threading.Lock() for _ in range(16)]


def preparer(kind: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``function(**args)`` as the way the task worker computes figures of ``kind``."""

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        PREPARERS[kind] = function
        return function

    return register


def _cache_key(kind: str, key: str) -> str:
    return f"prepared:{kind}:{key}"


def _pending_key(kind: str, key: str) -> str:
    return _cache_key(kind, key) + ":pending"


def _store(kind: str, key: str, value: Any, seconds: int) -> None:
    cache.set(_cache_key(kind, key), (time.time(), value), seconds * STALE_LIMIT)


@task()
def refresh(kind: str, key: str, args: Args, language: str, seconds: int) -> dict:
    """Compute one set of figures and keep it (run by the task worker). A preparer that
    fails leaves the pending mark to expire: the refresh is queued again after
    ``drawings.PENDING_TIMEOUT``, not on every page view."""
    try:
        with translation.override(language):
            value = PREPARERS[kind](**args)
    except Outdated:
        cache.delete(_pending_key(kind, key))
        return {"kind": kind, "key": key, "stored": False}
    _store(kind, key, value, seconds)
    cache.delete(_pending_key(kind, key))
    return {"kind": kind, "key": key, "stored": True}


def _lock(kind: str, key: str) -> threading.Lock:
    return _LOCKS[hash((kind, key)) % len(_LOCKS)]


def _queue_refresh(kind: str, key: str, args: Args, seconds: int) -> None:
    language = translation.get_language() or ""
    queue_once(
        _pending_key(kind, key),
        lambda: refresh.enqueue(kind, key, args, language, seconds),
        f"the refresh of {kind}",
    )


def kept(kind: str, key: str, args: Args, compute: Callable[[], Any], seconds: int) -> Any:
    """The figures of ``kind`` kept under ``key`` (computed by ``compute()`` in this request
    only when none usable are kept); a refresh is queued when they are older than
    ``seconds``. ``args``: what the kind's registered preparer takes to compute them again."""
    if not seconds:
        return compute()
    found = cache.get(_cache_key(kind, key))
    if found is not None:
        computed_at, value = found
        age = time.time() - computed_at
        if age < seconds * STALE_LIMIT:
            if age >= seconds:
                _queue_refresh(kind, key, args, seconds)
            return value
    with _lock(kind, key):
        found = cache.get(_cache_key(kind, key))  # stored by the thread this one waited for
        if found is not None and time.time() - found[0] < seconds:
            return found[1]
        value = compute()
        _store(kind, key, value, seconds)
        return value


def forget(kind: str, keys: list[str]) -> None:
    """Drop the figures kept under ``keys`` (the benchmark's cold case)."""
    cache.delete_many([_cache_key(kind, key) for key in keys])
