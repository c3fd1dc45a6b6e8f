"""Background tasks of the open-data app (django-tasks; ``manage.py db_worker`` runs them)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_project_import(job_id: int) -> dict:
    """Run an uploaded project import (see ``services.import_job_run``)."""
    from ascn.opendata.services import import_job_run

    job = import_job_run(job_id=job_id)
    return {"status": job.status, "created": job.created_count, "errors": len(job.errors)}
