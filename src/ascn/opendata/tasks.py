"""Background tasks of the open-data app (django-tasks; ``manage.py db_worker`` runs them).

The import task is defined with the service it runs (``services.run_project_import``);
this module keeps the path under which tasks queued before that move were stored.
``snapshot_open_data`` takes today's release of the open data (``services.release_make``):
``manage.py snapshot_open_data --enqueue`` queues it for the worker.
"""

from django_tasks import task

from ascn.opendata.services import release_make, run_project_import

__all__ = ["run_project_import", "snapshot_open_data"]


@task()
def snapshot_open_data(replace: bool = False) -> dict:
    """Today's release, made by the system; what was done, for the task's result."""
    outcome = release_make(actor=None, replace=replace)
    return {"date": outcome.release.date.isoformat(), "action": outcome.action}
