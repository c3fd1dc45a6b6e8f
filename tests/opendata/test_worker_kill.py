"""Kill a real task worker (``manage.py db_worker``) with SIGKILL in the middle of an import:
it saved nothing, and the next worker retries the job to the end (issue 15, item 8).

The worker runs on a file database the test shares with it: on PostgreSQL the test database
itself (committed: a transactional test); on SQLite, whose test database lives in memory, a
copy of it in a temporary folder (SQLite's backup API), copied back at the end so the
job's page is read through Django. The import is slowed with ``ASCN_IMPORT_ROW_DELAY``.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.cache.backends.filebased import FileBasedCache
from django.db import connection

from ascn.core.models import AuditEntry
from ascn.network.models import City
from ascn.opendata.models import ImportJob
from ascn.plans.models import Project
from tests import factories
from tests.opendata.test_import import csv_file, row, upload

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
ROWS = 20
ROW_DELAY = "0.05"  # seconds a row, in the first worker only: ~1 s to check, ~1 s to save


class SharedDatabase:
    """The database as the worker processes see it."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.sqlite = connection.vendor == "sqlite"
        self.file = folder / "db.sqlite3"

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",  # the real settings: DB task queue
            "ASCN_VAR_DIR": str(self.folder),  # SQLite file, media and file cache in here
            "ASCN_WARM_UP_MAP": "0",
            "LOG_LEVEL": "WARNING",
            **extra,
        }
        env.pop("REDIS_URL", None)
        if self.sqlite:
            env.pop("DATABASE_URL", None)
        else:
            db = connection.settings_dict
            env["DATABASE_URL"] = (
                f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
                f"{db['NAME']}"
            )
        return env

    def share(self) -> None:
        """Make what the test wrote visible to the workers."""
        if self.sqlite:
            connection.ensure_connection()
            with sqlite3.connect(self.file) as target:
                connection.connection.backup(target)

    def take_back(self) -> None:
        """Make what the workers wrote visible to the test."""
        if self.sqlite:
            with sqlite3.connect(self.file) as source:
                source.backup(connection.connection)

    def job(self, pk: int) -> dict[str, Any]:
        if not self.sqlite:
            return ImportJob.objects.filter(pk=pk).values("status", "phase", "attempts").get()
        with sqlite3.connect(self.file) as db:
            status, phase, attempts = db.execute(
                "SELECT status, phase, attempts FROM opendata_importjob WHERE id = ?", [pk]
            ).fetchone()
        return {"status": status, "phase": phase, "attempts": attempts}

    def projects(self) -> int:
        if not self.sqlite:
            return Project.objects.count()
        with sqlite3.connect(self.file) as db:
            return db.execute("SELECT count(*) FROM plans_project").fetchone()[0]


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--queue-name",
            "default",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.2",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def wait_for(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def test_a_worker_killed_mid_import_saved_nothing_and_the_next_worker_finishes_the_job(
    network, client, settings, tmp_path
):
    # given: a slow background import queued in the database task queue
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"  # where the workers look (ASCN_VAR_DIR/media)
    settings.ASCN_IMPORT_BACKGROUND_ROWS = 5
    officer = factories.user("cso@kill.test", role="cso", scope=City.objects.get(slug="phuket"))
    client.force_login(officer)
    response = upload(client, csv_file([row(title=f"Project {n:02d}") for n in range(ROWS)]))
    assert response.status_code == 302
    job = ImportJob.objects.get()
    db = SharedDatabase(tmp_path)
    db.share()
    progress = FileBasedCache(str(tmp_path / "cache"), {})  # the workers' cache
    log = tmp_path / "worker.log"

    # when: the worker is killed while it saves, after it has created some projects
    first = start_worker(db.env(ASCN_IMPORT_ROW_DELAY=ROW_DELAY), log)
    try:
        saving = wait_for(lambda: (progress.get(f"opendata:import:{job.pk}:saved") or 0) >= 5)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        stop(first)
    assert saving, log.read_text()

    # then: nothing was saved, and the job says "running" although its worker is gone
    assert db.projects() == 0
    assert db.job(job.pk) == {"status": "running", "phase": "saving", "attempts": 1}

    # when: a task worker starts again (as systemd restarts it); the job goes silent
    second = start_worker(db.env(ASCN_JOB_STALE_SECONDS="1"), log)
    try:
        finished = wait_for(lambda: db.job(job.pk)["status"] in {"succeeded", "failed"})
    finally:
        stop(second)
    assert finished, log.read_text()

    # then: it was retried once and imported every row exactly once
    db.take_back()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.created_count) == ("succeeded", 2, ROWS), job.errors
    assert job.interrupted_at is not None
    assert Project.objects.count() == ROWS
    assert Project.objects.values("title").distinct().count() == ROWS
    assert AuditEntry.objects.filter(action="opendata.import.retried").count() == 1
    assert AuditEntry.objects.filter(action="plans.project.created").count() == ROWS
    html = client.get(f"/projects/import/{job.pk}/").content.decode()
    assert f"{ROWS} projects imported" in html
