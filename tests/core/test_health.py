"""Liveness and readiness probes an orchestrator uses before sending traffic to a worker."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

READY = "/api/v1/health/ready"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
    }
}


@pytest.mark.django_db
def test_a_worker_with_database_cache_and_queue_is_ready(client):
    with override_settings(TASKS=DATABASE_TASKS):
        response = client.get(READY)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "task_queue": "ok"},
    }


@pytest.mark.django_db
def test_a_cache_that_does_not_answer_makes_the_worker_not_ready(client):
    # given the shared cache (Redis) is down
    with override_settings(CACHES=DEAD_REDIS):
        response = client.get(READY)
    # then the orchestrator is told, and told which part failed
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"].startswith("the cache does not answer")
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_a_queue_nobody_works_makes_the_worker_not_ready(client):
    # given an import task enqueued ten minutes ago that no task worker has started
    task = DBTaskResult.objects.create(
        task_path="ascn.opendata.tasks.run_import",
        args_kwargs={"args": [], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        run_after=timezone.now() - dt.timedelta(minutes=10),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=10)
    )
    with override_settings(TASKS=DATABASE_TASKS):
        response = client.get(READY)
    assert response.status_code == 503
    assert (
        "is the task worker (manage.py db_worker) running?"
        in (response.json()["checks"]["task_queue"])
    )
    # and a task enqueued just now is simply waiting its turn
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now())
    with override_settings(TASKS=DATABASE_TASKS):
        assert client.get(READY).status_code == 200


@pytest.mark.django_db
def test_liveness_stays_the_database_alone(client):
    with override_settings(CACHES=DEAD_REDIS):
        response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
