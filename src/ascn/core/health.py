"""Is this web worker ready for traffic? The checks an orchestrator's readiness probe asks
(``GET /api/v1/health/ready``); ``/api/v1/health`` stays the liveness probe (the database).

Each check returns ``None`` when it holds, or a sentence an operator can act on.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

# A task ready this long and not started means no task worker is taking the queue.
TASK_QUEUE_STALE_AFTER = dt.timedelta(minutes=5)
DATABASE_TASK_BACKEND = "django_tasks_db.DatabaseBackend"


def database_problem() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ready"
        return f"the database does not answer ({exc.__class__.__name__})"
    return None


def cache_problem() -> str | None:
    key, token = "ascn:health:ready", secrets.token_hex(8)
    try:
        cache.set(key, token, 10)
        if cache.get(key) != token:
            return "the cache does not keep what is written to it"
    except Exception as exc:  # a cache server that is down raises its client's error
        return f"the cache does not answer ({exc.__class__.__name__})"
    return None


def task_queue_problem() -> str | None:
    """With the database task backend, tasks waiting over five minutes mean no ``db_worker``
    is running (imports and the map would never finish). Other backends are not checked."""
    if settings.TASKS["default"]["BACKEND"] != DATABASE_TASK_BACKEND:
        return None
    cutoff = timezone.now() - TASK_QUEUE_STALE_AFTER
    try:
        waiting = DBTaskResult.objects.ready().filter(enqueued_at__lt=cutoff).count()
    except Exception as exc:
        return f"the task queue cannot be read ({exc.__class__.__name__})"
    if waiting:
        return (
            f"{waiting} task(s) waiting for over {TASK_QUEUE_STALE_AFTER.seconds // 60} minutes: "
            "is the task worker (manage.py db_worker) running?"
        )
    return None


CHECKS = {"database": database_problem, "cache": cache_problem, "task_queue": task_queue_problem}


def readiness() -> dict[str, str]:
    """Every check's answer: ``"ok"`` or what is wrong."""
    return {name: check() or "ok" for name, check in CHECKS.items()}
