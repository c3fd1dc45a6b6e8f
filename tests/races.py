"""Racing threads on PostgreSQL, for the concurrency tests (plans, programmes, pipeline).

``ON_POSTGRESQL`` marks a race to run on PostgreSQL only.

``race`` runs each attempt in its own thread and connection and releases them at the same
instant: the calling thread holds a lock on the row while they start, waits until PostgreSQL
shows every one of them waiting on a lock, then lets go.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from ascn.core.errors import DomainError

ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises every write transaction (one writer at a time, IMMEDIATE mode), "
    "so two threads cannot interleave inside a write; the race is run on PostgreSQL",
)


def race(row_model, pk: int, attempts: list) -> list:
    """Run each attempt in its own thread and connection, all released at the same instant.

    The main thread holds a lock on the row while the threads start, so that each reaches the
    row's ``SELECT … FOR UPDATE`` and waits there; then it lets go and they race. Returns the
    outcome of each attempt: ``"saved"`` or the ``DomainError`` it raised.
    """
    outcomes: list = [None] * len(attempts)

    def run(index: int, attempt) -> None:
        try:
            attempt()
            outcomes[index] = "saved"
        except DomainError as exc:
            outcomes[index] = exc
        except BaseException as exc:  # pragma: no cover - reported by the assertion below
            outcomes[index] = exc
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    with transaction.atomic():
        row_model.objects.select_for_update().get(pk=pk)
        for thread in threads:
            thread.start()
        wait_for_lock_waiters(len(attempts))
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread never finished"
    return outcomes


def wait_for_lock_waiters(count: int, timeout: float = 15.0) -> None:
    """Until ``count`` other sessions wait on a lock (PostgreSQL's own view of it)."""
    deadline = time.monotonic() + timeout
    waiting = 0
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock' "
                "AND pid <> pg_backend_pid()"
            )
            waiting = cursor.fetchone()[0]
            if waiting >= count:
                return
            time.sleep(0.02)
    raise AssertionError(f"only {waiting} of {count} threads reached the row lock")
