"""``manage.py db_worker``: django-tasks' database worker, which first and then periodically
recovers the imports whose worker died (``services.import_jobs_recover``).

It takes the name and every option of ``django_tasks_db``'s command (the ``Makefile``, the
systemd unit and the docs keep calling ``db_worker``): Django runs the command of the first
app in ``INSTALLED_APPS`` that has one, and ``ascn.opendata`` comes before
``django_tasks_db``. Recovery runs once before the first task is taken, so a job retried at
start-up is picked up at once, then every half stale time (``ASCN_JOB_STALE_SECONDS``) in a
thread of the worker, so a job whose worker died is found even while this worker is busy
with a long task, and even when this worker was started by systemd right after the old one
died (then the job is not yet silent long enough: the thread finds it a little later).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from django.db import DatabaseError, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from ascn.opendata import services

logger = logging.getLogger("ascn.opendata.recovery")


def recover_once() -> None:
    """One pass of recovery; a database that is busy or away is tried again next pass."""
    try:
        done = services.import_jobs_recover()
    except DatabaseError as exc:  # e.g. SQLite's write lock held by an import saving now
        logger.warning("Recovering stale import jobs failed, trying again later: %s", exc)
        return
    finally:
        connections.close_all()  # this thread's connections only
    if done.retried or done.failed:
        logger.warning(
            "Imports whose worker died: queued again %s, failed %s", done.retried, done.failed
        )


def recover_periodically() -> None:
    while True:
        time.sleep(max(0.5, services.stale_seconds() / 2))
        recover_once()


class Command(DatabaseWorkerCommand):
    help = (
        "Run a database background worker; it also retries or fails the imports whose "
        "worker died (ASCN_JOB_STALE_SECONDS, ASCN_JOB_MAX_ATTEMPTS)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # With --reload the first process only watches files and restarts the second, which
        # runs the tasks: only the one that runs tasks recovers.
        if not options.get("reload") or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            recover_once()
            threading.Thread(
                target=recover_periodically, name="import-recovery", daemon=True
            ).start()
        super().handle(*args, **options)
