"""Writes of the open-data app: project imports.

An import is all-or-nothing. It runs in two phases:

1. *checking* — every row is read and checked (``imports.RowChecker``) without writing;
   progress is saved after each batch of rows, so the status page can show it;
2. *saving* — only if no row had an error: one transaction creates every project through
   ``plans.services.project_create`` (which validates again and audits each project). Any
   error there rolls the whole transaction back.

Progress of phase 2 cannot be saved in the database: the transaction that creates the
projects would hold it, invisible until it commits. It goes to the cache instead
(``saving_progress``), which the status page reads when the cache is shared between the
worker and the web processes (Redis in production); with a per-process cache the page shows
an indeterminate "saving" bar.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from ascn.core import audit
from ascn.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from ascn.core.permissions import scopes_of
from ascn.core.services import audit_and_announce, user_or_none
from ascn.opendata import imports
from ascn.opendata.models import ImportJob, ImportPhase, ImportStatus
from ascn.plans.services import project_create

if TYPE_CHECKING:
    from ascn.core.types import Actor

logger = logging.getLogger(__name__)

PROGRESS_BATCHES = 50  # progress is saved about this many times during the checking phase


def may_import(actor: Actor) -> bool:
    """Chief Smart City Officers (into their own cities' rows) and the Secretariat."""
    scopes = scopes_of(actor)
    return scopes.secretariat or bool(scopes.city_ids)


def import_job_visible(actor: Actor, job: ImportJob) -> bool:
    scopes = scopes_of(actor)
    return scopes.secretariat or (
        actor is not None and scopes.authenticated and job.created_by_id == actor.pk
    )


@transaction.atomic
def import_job_create(*, actor: Actor, file: UploadedFile) -> ImportJob:
    """Check an uploaded file's type, size and columns, store it and schedule it.

    A file of more than ``imports.background_rows()`` rows is run by a background task once
    this transaction commits; the caller runs a smaller one at once (``import_job_run``).
    """
    if not may_import(actor):
        raise PermissionDenied(
            _("Only Chief Smart City Officers and the Secretariat import projects.")
        )
    if file.size is not None and file.size > imports.max_bytes():
        raise InvalidInput(
            _("The file is larger than %(mb)s MB: split it into smaller files.")
            % {"mb": imports.max_bytes() // (1024 * 1024)},
            field="file",
        )
    file.seek(0)
    data = file.read(imports.max_bytes() + 1)
    table = imports.read_table(data)
    job = ImportJob(
        created_by=user_or_none(actor),  # the actor: may_import let only a signed-in user by
        original_name=(file.name or _("(unnamed file)"))[:255],
        file_format=table.file_format,
        size=len(data),
        total_rows=table.row_count,
        in_background=table.row_count > imports.background_rows(),
    )
    # The stored name is ours (the storage makes it unique); the person's name is kept apart.
    job.file.save(f"project-import.{table.file_format}", ContentFile(data), save=False)
    job.save()
    audit_and_announce(
        actor,
        "opendata.import.created",
        job,
        audit.diff(
            {},
            {
                "file": job.original_name,
                "format": job.file_format,
                "rows": job.total_rows,
                "in_background": job.in_background,
            },
        ),
    )
    if job.in_background:
        job_id = job.pk
        transaction.on_commit(lambda: run_project_import.enqueue(job_id))
    return job


def _saved_key(job_id: int) -> str:
    return f"opendata:import:{job_id}:saved"


def saving_progress(job: ImportJob) -> int | None:
    """How many projects a running import has saved so far, when the cache knows it."""
    return cache.get(_saved_key(job.pk))


def _save_progress(job: ImportJob, **fields: Any) -> None:
    for key, value in fields.items():
        setattr(job, key, value)
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a pending import (inline or from the task). Safe to call twice: it runs once."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING, phase=ImportPhase.CHECKING, started_at=timezone.now()
    )
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("Import not found."))
    if not claimed:
        return job
    actor = job.created_by
    errors: list[imports.RowError] = []
    created: list[int] = []
    try:
        with job.file.open("rb") as handle:
            table = imports.read_table(handle.read())
        errors, checked = _check_rows(job, actor, table)
        if not errors:
            _save_progress(job, phase=ImportPhase.SAVING)
            created, errors = _create_projects(job, actor, checked)
    except InvalidInput as exc:  # the stored file no longer reads (it did at upload)
        errors = [imports.RowError(None, "", exc.message)]
    except Exception:
        logger.exception("Project import %s failed", job_id)
        errors = [
            imports.RowError(
                None, "", _("The import stopped on an unexpected error; nothing was created.")
            )
        ]
    cache.delete(_saved_key(job.pk))
    _save_progress(
        job,
        status=ImportStatus.FAILED if errors else ImportStatus.SUCCEEDED,
        phase="",
        processed_rows=job.total_rows,
        created_count=len(created),
        created_projects=created,
        errors=[error.as_dict() for error in errors],
        finished_at=timezone.now(),
    )
    audit_and_announce(
        actor,
        "opendata.import.completed",
        job,
        {
            "status": {"before": ImportStatus.RUNNING, "after": job.status},
            "rows": {"before": None, "after": job.total_rows},
            "created": {"before": None, "after": len(created)},
            "errors": {"before": None, "after": len(errors)},
        },
    )
    return job


def _check_rows(
    job: ImportJob, actor: Actor, table: imports.Table
) -> tuple[list[imports.RowError], list[imports.CheckedRow]]:
    checker = imports.RowChecker(actor, table)
    errors: list[imports.RowError] = []
    checked: list[imports.CheckedRow] = []
    batch = max(1, table.row_count // PROGRESS_BATCHES)
    for index, (row, values) in enumerate(table.rows, start=1):
        result, row_errors = checker.check(row, values)
        errors.extend(row_errors)
        if result is not None:
            checked.append(result)
        if index % batch == 0 and index < table.row_count:
            _save_progress(job, processed_rows=index)
    _save_progress(job, processed_rows=table.row_count)
    return errors, checked


def _report_saved(job: ImportJob, count: int) -> None:
    cache.set(_saved_key(job.pk), count, timeout=24 * 3600)


def _create_projects(
    job: ImportJob, actor: Actor, checked: list[imports.CheckedRow]
) -> tuple[list[int], list[imports.RowError]]:
    """Create every checked row in one transaction; any error rolls all of them back."""
    created: list[int] = []
    errors: list[imports.RowError] = []
    batch = max(1, len(checked) // PROGRESS_BATCHES)
    with transaction.atomic():
        for index, item in enumerate(checked, start=1):
            try:
                project = project_create(actor=actor, **item.values)
            except DomainError as exc:  # project_create's savepoint has been rolled back
                errors.append(imports.row_error(item.row, exc))
            else:
                created.append(project.pk)
            if index % batch == 0:
                _report_saved(job, index)
        if errors:
            transaction.set_rollback(True)
            return [], errors
    return created, errors


@task()
def run_project_import(job_id: int) -> dict:
    """The background task of a large import (``manage.py db_worker`` runs it): the service
    above, once the upload is committed."""
    job = import_job_run(job_id=job_id)
    return {"status": job.status, "created": job.created_count, "errors": len(job.errors)}
