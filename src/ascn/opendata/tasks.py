"""Background tasks of the open-data app (django-tasks; ``manage.py db_worker`` runs them).

The import task is defined with the service it runs (``services.run_project_import``);
this module keeps the path under which tasks queued before that move were stored.
"""

from ascn.opendata.services import run_project_import

__all__ = ["run_project_import"]
