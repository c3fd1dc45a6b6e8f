"""Connections under load (issue 21, item 4): on PostgreSQL each web worker keeps a bounded
pool of connections, its threads sized to it, so 64 concurrent clients get answers — no 5xx —
and the server never holds more connections than workers × pool; a request that waits too
long for a connection is told to retry (503 with Retry-After), never a 500.

The server is `make serve` (granian, 2 workers) on this test's PostgreSQL database: its schema
is migrated, and the public reads it serves need no rows."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg_pool
import pytest
from django.db import OperationalError, connection

from ascn.core import busy
from bench.server import free_port

ROOT = Path(__file__).resolve().parents[2]
READS = ["/api/v1/projects?page_size=50", "/projects/", "/api/v1/cities", "/data/"]

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the connection pool is PostgreSQL's; SQLite keeps one connection per thread",
)


def _database_url() -> str:
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


def _up(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/api/v1/health")
        return conn.getresponse().status == 200
    except OSError:
        return False


@contextmanager
def _served(tmp_path: Path, threads: int, pool: int, pool_timeout: float) -> Iterator[int]:
    """`make serve` on this test's database, its port yielded; stopped on the way out."""
    port = free_port()
    env = {
        **os.environ,
        "SECRET_KEY": "connections-test-" + "k" * 50,
        "HTTPS": "0",
        "ASCN_VAR_DIR": str(tmp_path),
        "ASCN_WARM_UP_MAP": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _database_url(),
        "DATABASE_POOL_SIZE": str(pool),
        "DATABASE_POOL_TIMEOUT": str(pool_timeout),
        # pages name their static files; this server has not run collectstatic
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        # the limits are tested on their own; here every client comes from 127.0.0.1
        "ASCN_API_RATE_ANONYMOUS": "1000000/60",
    }
    process = subprocess.Popen(  # noqa: S603 - the README's own command
        [  # noqa: S607
            "make",
            "--no-print-directory",
            "serve",
            f"PORT={port}",
            "WEB_WORKERS=2",
            f"WEB_THREADS={threads}",
            f"DATABASE_POOL_SIZE={pool}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not _up(port):
            assert time.monotonic() < deadline and process.poll() is None, (
                "make serve did not come up"
            )
            time.sleep(0.25)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _server_connections() -> int:
    """Connections to this database other than the test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def _load(port: int, clients: int, rounds: int) -> tuple[Counter, int]:
    """``clients`` threads, each with its own keep-alive connection, each asking every read
    ``rounds`` times; the statuses, and the most server connections seen meanwhile."""
    statuses: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        start.wait()
        for _ in range(rounds):
            for path in READS:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                with lock:
                    statuses[response.status] += 1
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    most = 0
    while any(thread.is_alive() for thread in threads):
        most = max(most, _server_connections())
        time.sleep(0.05)
    return statuses, most


@pytest.mark.django_db
def test_64_clients_get_answers_and_the_connections_stay_bounded(tmp_path):
    with _served(tmp_path, threads=4, pool=4, pool_timeout=10) as port:
        statuses, most = _load(port, clients=64, rounds=2)
    assert sum(statuses.values()) == 64 * 2 * len(READS)
    assert set(statuses) == {200}, statuses
    # two workers, four pooled connections each (the pool opens them as threads need them)
    assert 1 <= most <= 2 * 4


@pytest.mark.django_db
def test_a_request_that_waits_too_long_for_a_connection_is_told_to_retry(tmp_path):
    # given more request threads than connections (a misconfigured server), and a short wait
    with _served(tmp_path, threads=8, pool=1, pool_timeout=0.05) as port:
        statuses, most = _load(port, clients=32, rounds=2)
    # then the connections still stay within the pool, and a request that found none is a 503
    # (retry later), never a 500
    assert most <= 2 * 1
    assert 500 not in statuses
    assert set(statuses) <= {200, 503}, statuses
    assert statuses[503] > 0, "the load never exhausted a one-connection pool"


def test_a_pool_timeout_wrapped_by_django_is_a_busy_database_and_nothing_else_is():
    # (the pool's module is loaded by a worker with a PostgreSQL pool; ours does not import it)
    def wrapped() -> OperationalError:
        try:
            try:
                raise psycopg_pool.PoolTimeout("couldn't get a connection after 2.00 sec")
            except psycopg_pool.PoolTimeout as timeout:
                raise OperationalError("couldn't get a connection") from timeout
        except OperationalError as exc:
            return exc

    assert busy.database_busy(wrapped())
    assert not busy.database_busy(OperationalError("database is locked"))
    assert not busy.database_busy(None)
