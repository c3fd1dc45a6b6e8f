"""What grows in a web worker: the site's WSGI application with tracemalloc on, for finding
a leak under the soak's load (``SOAK_PROBE=1 make soak``; docs/operations.md). Never
served in production: granian is pointed at it only by the soak when asked.

Two extra paths, answered by the worker that gets them (run one worker to ask the same one):

- ``/_probe/mark``: take the baseline snapshot (and collect garbage first);
- ``/_probe/diff``: what was allocated since the mark and is still held, grouped by the
  line that allocated it (the top 40, with ``SOAK_PROBE_FRAMES`` frames of traceback each),
  the gc's object counts by type that grew, the process's resident memory, and glibc's
  malloc figures (``mallinfo2``): bytes in use by malloc versus bytes it holds free (a
  growing free part is fragmentation, not a leak), as JSON.

tracemalloc slows a worker down several times with many frames: the default is one frame.
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import sys
import threading
import time
import tracemalloc
from collections import Counter

from bench.server import rss_mb
from config.wsgi import application as site

FRAMES = int(os.environ.get("SOAK_PROBE_FRAMES", "1"))
tracemalloc.start(FRAMES)
# SOAK_PROBE_TRIM=<seconds>: a thread calls glibc's malloc_trim(0) that often, handing the
# free pages inside malloc's arenas back to the system (an experiment against the creep)
TRIM_SECONDS = float(os.environ.get("SOAK_PROBE_TRIM", "0"))


class _Mallinfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def _malloc() -> dict:
    """glibc's view: bytes handed out (``in_use``), held free in its arenas (``free``), and
    in mmapped blocks (``mmapped``), in MB."""
    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = _Mallinfo2
    info = libc.mallinfo2()
    return {
        "in_use_mb": round(info.uordblks / 2**20, 1),
        "free_mb": round(info.fordblks / 2**20, 1),
        "mmapped_mb": round(info.hblkhd / 2**20, 1),
        "arena_mb": round(info.arena / 2**20, 1),
        "python_blocks": sys.getallocatedblocks(),
    }


_lock = threading.Lock()
_baseline: dict = {}


def _type_counts() -> Counter[str]:
    return Counter(type(o).__qualname__ for o in gc.get_objects())


def _rss_mb() -> float:
    return rss_mb(os.getpid()) or 0.0


def _ignore(snapshot: tracemalloc.Snapshot) -> tracemalloc.Snapshot:
    return snapshot.filter_traces(
        [
            tracemalloc.Filter(False, tracemalloc.__file__),
            tracemalloc.Filter(False, __file__),
        ]
    )


def mark() -> dict:
    gc.collect()
    with _lock:
        _baseline["snapshot"] = _ignore(tracemalloc.take_snapshot())
        _baseline["types"] = _type_counts()
        _baseline["rss"] = _rss_mb()
    traced, _peak = tracemalloc.get_traced_memory()
    return {
        "rss_mb": round(_rss_mb(), 1),
        "traced_mb": round(traced / 2**20, 1),
        "malloc": _malloc(),
    }


def diff() -> dict:
    gc.collect()
    snapshot = _ignore(tracemalloc.take_snapshot())
    types = _type_counts()
    with _lock:
        before, before_types, before_rss = (
            _baseline["snapshot"],
            _baseline["types"],
            _baseline["rss"],
        )
    stats = snapshot.compare_to(before, "traceback")
    traced, _peak = tracemalloc.get_traced_memory()
    grown_types = Counter(types)
    grown_types.subtract(before_types)
    return {
        "rss_mb": round(_rss_mb(), 1),
        "rss_growth_mb": round(_rss_mb() - before_rss, 1),
        "traced_mb": round(traced / 2**20, 1),
        "traced_growth_mb": round(sum(s.size_diff for s in stats) / 2**20, 2),
        "malloc": _malloc(),
        "top": [
            {
                "kb": round(s.size_diff / 1024, 1),
                "count": s.count_diff,
                "where": [f"{f.filename}:{f.lineno}" for f in s.traceback][-FRAMES:],
            }
            for s in stats[:40]
        ],
        "types_grown": [(name, n) for name, n in grown_types.most_common(30) if n > 0],
    }


def _trim_now_and_then() -> None:
    libc = ctypes.CDLL(None)
    while True:
        time.sleep(TRIM_SECONDS)
        libc.malloc_trim(0)


if TRIM_SECONDS:
    threading.Thread(target=_trim_now_and_then, name="malloc-trim", daemon=True).start()


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path in ("/_probe/mark", "/_probe/diff"):
        body = json.dumps(mark() if path.endswith("mark") else diff(), indent=1).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]
    return site(environ, start_response)
