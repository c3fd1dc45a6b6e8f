"""Counters every worker shares: the rate limits' requests per client and window, and the
one-time claims of ``ratelimit.once_per``.

Two stores, chosen by the shared cache (``settings.CACHES["default"]``):

- **the cache itself** when it has atomic operations of its own: Redis (``REDIS_URL``: one
  ``INCR`` or ``SET NX``, every app server counting together) or the in-process cache of the
  tests;
- **a small SQLite file beside the file cache** (``<cache directory>/counters.sqlite3``) on the
  embedded default, one machine without Redis. The file cache's ``add`` and ``incr`` read a
  file and then write it, so they are not atomic across workers; a lock around them made
  every API request of the machine wait in line behind the one holding it, and a thread
  holding it waited for its process's interpreter lock (the GIL) as well. Here a count is one
  SQL statement (an upsert that returns the new value), so SQLite's own lock is held only
  inside that statement: in C, for some microseconds, never across Python code. In WAL mode
  with ``synchronous=NORMAL`` a commit is not synced to disk (only checkpoints are): a power
  cut may lose the last counts, never the file.

The file is opened by each worker process after it has started (granian starts its workers
as new processes): SQLite does not support a connection carried across ``fork()``, and its
record of the locks a process holds would be the parent's in a forked child.

Measured with the bench's real server (2 workers × 4 threads, SQLite, 2026-12-06): an
anonymous visitor's cached project list at 27 % of health's req/s with the lock, 33 % with
``diskcache``'s Django cache (atomic, but its ``incr`` holds SQLite's lock across several
statements of Python), 55 % with this file (docs/operations.md, "Rate limits").
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.filebased import FileBasedCache

T = TypeVar("T")

FILE_NAME = "counters.sqlite3"
# Expired counters are deleted at most this often, by whichever worker counts next.
PURGE_EVERY = 60.0
BUSY_WAIT = 0.0002  # seconds between tries when another worker holds the file's lock
BUSY_SECONDS = 30.0  # then the error is raised

# One value that never expired is kept until its time; an expired one starts again (its key
# names its window, so that only happens when a clock goes back or a claim's period ends).
_COUNT = """
INSERT INTO counter (key, value, expires) VALUES (:key, 1, :expires)
ON CONFLICT (key) DO UPDATE SET
    value = CASE WHEN counter.expires <= :now THEN 1 ELSE counter.value + 1 END,
    expires = CASE WHEN counter.expires <= :now THEN excluded.expires ELSE counter.expires END
RETURNING value
"""
# A claim is taken when there is none or the last one has expired; a row comes back then only.
_CLAIM = """
INSERT INTO counter (key, value, expires) VALUES (:key, 1, :expires)
ON CONFLICT (key) DO UPDATE SET value = 1, expires = excluded.expires
    WHERE counter.expires <= :now
RETURNING value
"""
_SCHEMA = """
CREATE TABLE IF NOT EXISTS counter (
    key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires REAL NOT NULL
) WITHOUT ROWID
"""


_inherited: list[sqlite3.Connection] = []


class _SQLiteFile:
    """The counters' file: a connection per thread (and per process: a forked worker opens its
    own), in autocommit, so each statement is its own transaction.

    A statement that finds the file locked by another worker is tried again after 0.2 ms, for
    up to ``BUSY_SECONDS``. SQLite's own busy handler would sleep 1, 2, 5, 10 ms… between
    tries, far longer than the microseconds a count holds the lock: with it the bench's p99 of
    the cached list was 30 ms, with the short waits 10–15 ms (health's: 6)."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._purged = 0.0

    def _connection(self, path: Path) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "key", None) != (os.getpid(), path):
            if getattr(local, "key", (os.getpid(),))[0] != os.getpid():
                # A connection a forked process inherited is not used there, nor closed:
                # closing its file would drop the POSIX locks of this process's own
                # connection (SQLite, "How To Corrupt An SQLite Database File", 2.6).
                _inherited.append(local.conn)
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, timeout=0, isolation_level=None)

            def prepare() -> None:  # each step may be repeated
                for sql in ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", _SCHEMA):
                    conn.execute(sql).fetchall()

            _when_free(prepare)
            local.key, local.conn = (os.getpid(), path), conn
        return local.conn

    def run(self, path: Path, sql: str, key: str, expires: float, now: float) -> int | None:
        conn = self._connection(path)
        if now - self._purged > PURGE_EVERY:
            self._purged = now
            _when_free(lambda: conn.execute("DELETE FROM counter WHERE expires <= ?", (now,)))
        params = {"key": key, "expires": expires, "now": now}
        # fetchall: the statement runs to its end, so its transaction is over when it returns
        rows = _when_free(lambda: conn.execute(sql, params).fetchall())
        return rows[0][0] if rows else None


def _when_free(statement: Callable[[], T]) -> T:
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            return statement()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
        time.sleep(BUSY_WAIT)


_file = _SQLiteFile()


def _sqlite_path() -> Path | None:
    """The counters' file when the shared cache is the file cache, else None."""
    if not isinstance(caches["default"], FileBasedCache):
        return None
    return Path(settings.CACHES["default"]["LOCATION"]) / FILE_NAME


def count(key: str, expires: float, now: float | None = None) -> int:
    """Add one to ``key`` and return its new value, 1 for a new counter (or one that expired);
    the counter lasts until ``expires`` (a Unix time). Atomic across threads and workers."""
    now = time.time() if now is None else now
    path = _sqlite_path()
    if path is not None:
        value = _file.run(path, _COUNT, key, expires, now)
        assert value is not None  # an upsert always returns its row
        return value
    timeout = max(1, int(expires - now + 0.999))
    try:
        return cache.incr(key)
    except ValueError:  # the window's first request (or its counter just expired)
        return 1 if cache.add(key, 1, timeout=timeout) else cache.incr(key)


def claim(key: str, seconds: int, now: float | None = None) -> bool:
    """True for the first caller in ``seconds`` (which starts the period), False for any other
    until it ends. Atomic across threads and workers."""
    now = time.time() if now is None else now
    path = _sqlite_path()
    if path is not None:
        return _file.run(path, _CLAIM, key, now + seconds, now) is not None
    return bool(cache.add(key, 1, timeout=seconds))
