"""Keeping a web worker's long-lived objects out of the garbage collector's way.

What a worker keeps for its life is built at start-up and on its first requests: the code,
URL patterns and API schemas, then the compiled templates, the translation catalogues, the
figure and snippet caches. Every full collection walked all of them: at start-up ~300,000
objects (~80 ms), and after the first requests of each kind of page ~100,000 more (40–70
ms, once every few dozen requests: the dashboards' median of 25 ms had a p95 of 80–110 ms;
docs/benchmarks.md).

So a worker freezes (``gc.freeze``) what start-up made (``config/wsgi.py``), and then, each
time a full collection takes longer than ``ASCN_GC_FREEZE_MS`` (10 ms), what survived it:
objects that outlived a full collection are the worker's long-lived ones. The next
collections walk only what requests made since. No collection is added: the freeze follows
one that ran anyway. An object frozen and later freed by its reference count is freed as
before; only a cycle that dies after being frozen stays until the worker ends, which is why
the freezes stop after ``MAX_FREEZES``.

This is the web worker's behaviour (``config/wsgi.py``, the benchmark's in-process run); the
tests and the task worker keep Python's defaults."""

from __future__ import annotations

import gc
import time
from typing import Any

# After this many freezes following slow collections, a worker collects as Python does.
MAX_FREEZES = 50


def freeze() -> None:
    """Collect what is garbage now, then move everything still alive out of the collector's
    way."""
    gc.collect()
    gc.freeze()


class _FreezeAfterSlow:
    """A ``gc.callbacks`` entry: after a full collection slower than ``slow_ms``, freeze
    what survived it (at most ``MAX_FREEZES`` times)."""

    def __init__(self, slow_ms: float):
        self.slow_s = slow_ms / 1000
        self.started = 0.0
        self.freezes = 0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self.started = time.perf_counter()
        elif time.perf_counter() - self.started > self.slow_s and self.freezes < MAX_FREEZES:
            self.freezes += 1
            gc.freeze()


def freeze_after_slow_collections(slow_ms: float) -> None:
    """From now on, freeze what survives a full collection slower than ``slow_ms`` (0: never).
    Installed once a process."""
    if slow_ms <= 0 or any(isinstance(cb, _FreezeAfterSlow) for cb in gc.callbacks):
        return
    gc.callbacks.append(_FreezeAfterSlow(slow_ms))
