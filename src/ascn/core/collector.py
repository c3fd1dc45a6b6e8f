"""Keeping a web worker's long-lived objects out of the garbage collector's way.

What a worker keeps for its life is built at start-up and on its first requests: the code,
URL patterns and API schemas, then the compiled templates, the translation catalogues, the
figure and snippet caches. Every full collection walked all of them: at start-up ~300,000
objects (~80 ms), and after the first requests of each kind of page ~100,000 more (40–70
ms, once every few dozen requests: the dashboards' median of 25 ms had a p95 of 80–110 ms;
docs/benchmarks.md).

So a worker freezes (``gc.freeze``) what start-up made (``config/wsgi.py``), and then, after
a full collection that took longer than ``ASCN_GC_FREEZE_MS`` (20 ms), what it holds at its
next idle moment — when a request starts with no other in flight: a full collection first,
then the freeze, before the request has made anything. The next collections walk only what
requests made since.

Only when idle: freezing while other requests are in flight froze their objects too, and
those of them in reference cycles were never freed (under load on the dashboards, workers
grew from ~180 to 330–410 MB). And at a request's start, not at the end of the one before:
an ending request still holds its request, response and page (a dashboard's figures), and
frozen with the rest they stayed for good, up to ``MAX_FREEZES`` of them (a worker served
the dashboards under load at 170–241 MB instead of ~140; docs/benchmarks.md). Starting
requests wait while it runs. An object frozen and later freed by its reference count is
freed as before. A worker that is never idle collects as Python does.

This is the web worker's behaviour (``config/wsgi.py``, the benchmark's in-process run); the
tests and the task worker keep Python's defaults."""

from __future__ import annotations

import gc
import threading
import time
from typing import Any

from django.core.signals import request_finished, request_started

# After this many freezes, a worker collects as Python does.
MAX_FREEZES = 20


def freeze() -> None:
    """Collect what is garbage now, then move everything still alive out of the collector's
    way."""
    gc.collect()
    gc.freeze()


class _Freezer:
    """Notes a slow full collection (a ``gc.callbacks`` entry) and freezes when the next
    request starts with none in flight (``request_started`` / ``request_finished``)."""

    def __init__(self, slow_ms: float):
        self.slow_s = slow_ms / 1000
        self.started = 0.0
        self.due = False
        self.freezes = 0
        self.in_flight = 0
        # reentrant: a finalizer the collection runs may start or end a request in this thread
        self.lock = threading.RLock()

    def collected(self, phase: str, info: dict[str, Any]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self.started = time.perf_counter()
        elif time.perf_counter() - self.started > self.slow_s:
            self.due = True

    def request_started(self, **_kwargs: Any) -> None:
        with self.lock:  # (a request starting meanwhile waits: nothing of it is frozen)
            if self.in_flight == 0 and self.due and self.freezes < MAX_FREEZES:
                self.freezes += 1
                self.due = False  # (a request a finalizer starts meanwhile does not freeze)
                freeze()
                self.due = False  # (the collection above was a slow one too)
            self.in_flight += 1

    def request_finished(self, **_kwargs: Any) -> None:
        with self.lock:
            self.in_flight = max(0, self.in_flight - 1)


_freezer: _Freezer | None = None


def keep_long_lived_frozen(slow_ms: float) -> None:
    """A web worker's start: freeze what start-up made now, and, after a full collection
    slower than ``slow_ms``, what the worker holds at its next idle moment."""
    freeze()
    freeze_when_idle_after_slow_collections(slow_ms)


def freeze_when_idle_after_slow_collections(slow_ms: float) -> None:
    """From now on, after a full collection slower than ``slow_ms`` (0: never), freeze when
    the next request starts with none other in flight. Installed once a process."""
    global _freezer  # one per process, like gc.callbacks itself
    if slow_ms <= 0 or _freezer is not None:
        return
    _freezer = _Freezer(slow_ms)
    gc.callbacks.append(_freezer.collected)
    request_started.connect(_freezer.request_started, dispatch_uid="ascn-gc-started")
    request_finished.connect(_freezer.request_finished, dispatch_uid="ascn-gc-finished")
