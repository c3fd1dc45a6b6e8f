"""Writes of the open-data app: project imports, and the dated releases of the open data
(``release_make``, at the end).

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

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from ascn.core import audit, formats
from ascn.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from ascn.core.permissions import is_secretariat, scopes_of
from ascn.core.services import audit_and_announce, user_or_none
from ascn.opendata import imports, releases
from ascn.opendata.models import (
    ImportJob,
    ImportPhase,
    ImportStatus,
    Release,
    ReleaseContent,
    ReleaseFile,
)
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
        job_id, language = job.pk, translation.get_language()
        # the worker writes the rows' messages in the language of the person who uploaded
        transaction.on_commit(lambda: run_project_import.enqueue(job_id, language))
    return job


def _saved_key(job_id: int) -> str:
    return f"opendata:import:{job_id}:saved"


def _beat_key(job_id: int) -> str:
    return f"opendata:import:{job_id}:beat"


def saving_progress(job: ImportJob) -> int | None:
    """How many projects a running import has saved so far, when the cache knows it."""
    return cache.get(_saved_key(job.pk))


# --- a run's heartbeat and its fence --------------------------------------------------------


def stale_seconds() -> float:
    """A running job silent for longer than this has lost its worker."""
    return settings.ASCN_JOB_STALE_SECONDS


def heartbeat_seconds() -> float:
    """How often a running job says it is alive: every 5 s, or a quarter of the stale time."""
    return min(5.0, stale_seconds() / 4)


def max_attempts() -> int:
    return max(1, settings.ASCN_JOB_MAX_ATTEMPTS)


class JobTakenOver(Exception):
    """This run's job is no longer its own: the job was recovered (retried or failed) because
    it had been silent too long. The run stops without writing anything more."""


def _save_progress(job: ImportJob, **fields: Any) -> None:
    """Write a running job's fields and renew its heartbeat, only while this run still owns
    the job (same attempt, still running); else raise ``JobTakenOver``."""
    fields["heartbeat_at"] = timezone.now()
    owned = ImportJob.objects.filter(
        pk=job.pk, status=ImportStatus.RUNNING, attempts=job.attempts
    ).update(**fields)
    if not owned:
        raise JobTakenOver(job.pk)
    for key, value in fields.items():
        setattr(job, key, value)


def _row_delay() -> None:
    """Tests only (``ASCN_IMPORT_ROW_DELAY``): an import slow enough to be killed mid-run."""
    if settings.ASCN_IMPORT_ROW_DELAY:
        time.sleep(settings.ASCN_IMPORT_ROW_DELAY)


# --- running an import ----------------------------------------------------------------------


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a pending import (inline or from the task). Safe to call twice: it runs once.

    Claiming the job starts a new attempt; every later write of this run is fenced by it
    (``_save_progress``), so a run whose job was recovered meanwhile writes nothing more.
    """
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING,
        phase=ImportPhase.CHECKING,
        processed_rows=0,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
    )
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("Import not found."))
    if not claimed:
        return job
    try:
        _run(job)
    except JobTakenOver:
        logger.warning(
            "Project import %s: run %s stopped, the job was recovered while it ran",
            job.pk,
            job.attempts,
        )
        job.refresh_from_db()
    return job


def _run(job: ImportJob) -> None:
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
    except JobTakenOver:
        raise
    except InvalidInput as exc:  # the stored file no longer reads (it did at upload)
        errors = [imports.RowError(None, "", exc.message)]
    except Exception:
        logger.exception("Project import %s failed", job.pk)
        errors = [
            imports.RowError(
                None, "", _("The import stopped on an unexpected error; nothing was created.")
            )
        ]
    cache.delete_many([_saved_key(job.pk), _beat_key(job.pk)])
    if errors:  # a success was written with the projects, in their transaction
        _finish(job, [], errors)
    audit_and_announce(
        actor,
        "opendata.import.completed",
        job,
        {
            "status": {"before": ImportStatus.RUNNING, "after": job.status},
            "rows": {"before": None, "after": job.total_rows},
            "created": {"before": None, "after": len(created)},
            "errors": {"before": None, "after": len(errors)},
            "attempt": {"before": None, "after": job.attempts},
        },
    )


def _finish(job: ImportJob, created: list[int], errors: list[imports.RowError]) -> None:
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


def _check_rows(
    job: ImportJob, actor: Actor, table: imports.Table
) -> tuple[list[imports.RowError], list[imports.CheckedRow]]:
    """Check every row; progress (and the heartbeat) is written every ``batch`` rows and at
    least every ``heartbeat_seconds()``: some fifty writes for a file, not one a row."""
    checker = imports.RowChecker(actor, table)
    errors: list[imports.RowError] = []
    checked: list[imports.CheckedRow] = []
    batch = max(1, table.row_count // PROGRESS_BATCHES)
    next_beat = time.monotonic() + heartbeat_seconds()
    for index, (row, values) in enumerate(table.rows, start=1):
        _row_delay()
        result, row_errors = checker.check(row, values)
        errors.extend(row_errors)
        if result is not None:
            checked.append(result)
        if index < table.row_count and (index % batch == 0 or time.monotonic() >= next_beat):
            _save_progress(job, processed_rows=index)
            next_beat = time.monotonic() + heartbeat_seconds()
    _save_progress(job, processed_rows=table.row_count)
    return errors, checked


def _report_saved(job: ImportJob, count: int) -> None:
    """How far the saving has gone, and a heartbeat: both in the cache, since the database
    row cannot be written from outside the transaction that saves (``_create_projects``)."""
    cache.set_many(
        {_saved_key(job.pk): count, _beat_key(job.pk): timezone.now()}, timeout=24 * 3600
    )


def _create_projects(
    job: ImportJob, actor: Actor, checked: list[imports.CheckedRow]
) -> tuple[list[int], list[imports.RowError]]:
    """Create every checked row and mark the job succeeded in one transaction; any error rolls
    all of them back.

    The transaction's first write is the job's row (a heartbeat): PostgreSQL keeps that row
    locked until the commit, which tells recovery the job is alive (it skips locked rows);
    SQLite lets no other writer in at all until then. A worker killed here leaves no project.
    """
    created: list[int] = []
    errors: list[imports.RowError] = []
    batch = max(1, len(checked) // PROGRESS_BATCHES)
    next_beat = time.monotonic() + heartbeat_seconds()
    with transaction.atomic():
        _save_progress(job)
        for index, item in enumerate(checked, start=1):
            _row_delay()
            try:
                project = project_create(actor=actor, **item.values)
            except DomainError as exc:  # project_create's savepoint has been rolled back
                errors.append(imports.row_error(item.row, exc))
            else:
                created.append(project.pk)
            if index % batch == 0 or time.monotonic() >= next_beat:
                _report_saved(job, index)
                next_beat = time.monotonic() + heartbeat_seconds()
        if errors:
            transaction.set_rollback(True)
            return [], errors
        _finish(job, created, [])  # raises JobTakenOver (rolling everything back) if not ours
    return created, errors


# --- jobs whose worker died -----------------------------------------------------------------

WORKER_STOPPED = gettext_lazy(
    "The import stopped when its worker stopped; nothing was saved. Upload the file again."
)


@dataclass
class Recovery:
    """What ``import_jobs_recover`` did: the ids of the jobs queued again and of those failed."""

    retried: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def _silent_since(cutoff: datetime) -> Q:
    return Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)


def import_job_silent(job: ImportJob, now: datetime | None = None) -> bool:
    """A running job that has not beaten for ``stale_seconds()``: its worker has probably
    died, and the next recovery will retry or fail it."""
    if job.status != ImportStatus.RUNNING:
        return False
    last = _last_sign_of_life(job)
    now = now or timezone.now()
    return last is not None and (now - last).total_seconds() > stale_seconds()


def _last_sign_of_life(job: ImportJob) -> datetime | None:
    """The job's heartbeat: in its row, or in the cache while it saves."""
    signs = [job.heartbeat_at or job.started_at, cache.get(_beat_key(job.pk))]
    return max((sign for sign in signs if sign is not None), default=None)


def import_jobs_recover(*, now: datetime | None = None) -> Recovery:
    """Retry or fail every running import whose worker died (silent for ``stale_seconds()``).

    A system action (no actor, audited as "system"), run by ``manage.py db_worker`` when it
    starts and then periodically. A job with runs left is put back in the queue (its page
    says which attempt comes next); after ``max_attempts()`` runs it fails with
    ``WORKER_STOPPED``. Nothing needs undoing: a run saves its projects in one transaction
    with its success, so a dead run saved nothing.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=stale_seconds())
    silent = ImportJob.objects.filter(_silent_since(cutoff), status=ImportStatus.RUNNING)
    done = Recovery()
    for job in silent:
        if not import_job_silent(job, now):  # saving: its heartbeat is in the cache
            continue  # (checked before _recover's transaction, which waits for SQLite's lock)
        outcome = _recover(job.pk, cutoff, now)
        if outcome == ImportStatus.PENDING:
            done.retried.append(job.pk)
        elif outcome == ImportStatus.FAILED:
            done.failed.append(job.pk)
    return done


@transaction.atomic
def _recover(job_id: int, cutoff: datetime, now: datetime) -> str | None:
    job = (
        ImportJob.objects.select_for_update(skip_locked=True)  # a job saving now is locked
        .filter(_silent_since(cutoff), pk=job_id, status=ImportStatus.RUNNING)
        .first()
    )
    if job is None:  # it beat, finished or is saving since the list was read
        return None
    last = _last_sign_of_life(job)
    if last is not None and last >= cutoff:  # it is saving (the cache has its heartbeat)
        return None
    retry = job.attempts < max_attempts()
    fields: dict[str, Any] = {"phase": "", "interrupted_at": now, "heartbeat_at": None}
    if retry:
        fields |= {"status": ImportStatus.PENDING, "processed_rows": 0}
    else:
        fields |= {
            "status": ImportStatus.FAILED,
            "errors": [imports.RowError(None, "", str(WORKER_STOPPED)).as_dict()],
            "finished_at": now,
        }
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    for key, value in fields.items():
        setattr(job, key, value)
    cache.delete_many([_saved_key(job.pk), _beat_key(job.pk)])
    audit_and_announce(
        None,
        "opendata.import.retried" if retry else "opendata.import.abandoned",
        job,
        {
            "status": {"before": ImportStatus.RUNNING, "after": job.status},
            "attempt": {"before": job.attempts, "after": job.attempts + 1 if retry else None},
        },
    )
    logger.warning(
        "Project import %s lost its worker during run %s of %s: %s",
        job.pk,
        job.attempts,
        max_attempts(),
        "queued again" if retry else "failed",
    )
    if retry:
        transaction.on_commit(lambda: run_project_import.enqueue(job_id))
    return job.status


@task()
def run_project_import(job_id: int, language: str | None = None) -> dict:
    """The background task of a large import (``manage.py db_worker`` runs it): the service
    above, once the upload is committed. The rows' messages are written in ``language``, the
    uploader's at the upload (a retried import: the language saved on their account)."""
    if language is None:
        uploader = ImportJob.objects.filter(pk=job_id).values_list(
            "created_by__language", flat=True
        )
        language = next(iter(uploader), None) or settings.LANGUAGE_CODE
    with translation.override(language):
        job = import_job_run(job_id=job_id)

    return {"status": job.status, "created": job.created_count, "errors": len(job.errors)}


# --- dated releases of the open data ----------------------------------------------------------


@dataclass
class ReleaseOutcome:
    """What ``release_make`` did: ``"made"`` a new release, ``"replaced"`` the date's release
    (asked to), or ``"kept"`` the one that was there (not asked to replace it)."""

    release: Release
    action: str


@transaction.atomic
def release_make(
    *, actor: Actor, replace: bool = False, date: dt.date | None = None
) -> ReleaseOutcome:
    """Take today's release of the open data: every dataset's public CSV, compared with the
    previous release.

    One release per date. When the date has one, it is kept unchanged unless ``replace`` is
    asked (then it is taken again, the audit entry says so). Only the latest date can be made
    or replaced, so that a release is always compared with the one before it. The system
    (``actor=None``: the nightly command, the task worker) or the Secretariat may do it.
    ``date`` is today in the site's time zone; tests give another.
    """
    if actor is not None and not is_secretariat(actor):
        raise PermissionDenied(_("Only the system or the Secretariat makes open-data releases."))
    date = date or timezone.localdate()
    latest = Release.objects.order_by("-date").first()
    if latest is not None and latest.date > date:
        raise InvalidInput(
            _("A release can only be made after the latest one (%(date)s).")
            % {"date": formats.day(latest.date)},
            field="date",
        )
    existing = latest if latest is not None and latest.date == date else None
    if existing is not None and not replace:
        return ReleaseOutcome(existing, "kept")
    previous = Release.objects.filter(date__lt=date).order_by("-date").first()
    now = timezone.now()
    if existing is None:
        try:
            with transaction.atomic():
                release = Release.objects.create(date=date, made_at=now, previous=previous)
        except IntegrityError:  # another run made this date's release meanwhile
            return ReleaseOutcome(Release.objects.get(date=date), "kept")
    else:
        release = Release.objects.select_for_update().get(pk=existing.pk)
        release.made_at, release.previous = now, previous
        release.save(update_fields=["made_at", "previous"])
        release.files.all().delete()
    before = {f.dataset: f.content for f in ReleaseFile.objects.filter(release=previous)}
    totals = {"rows": 0, "added": 0, "changed": 0, "removed": 0}
    seen = set()
    for item in releases.snapshots():
        changes = releases.compare(item, before.get(item.dataset))
        content = releases.content_for(item)
        notes = []
        if item.dataset == releases.PROJECTS:
            notes = releases.project_notes(previous.made_at if previous else None)
        ReleaseFile.objects.create(
            release=release,
            dataset=item.dataset,
            content=content,
            added=changes.added,
            changed=changes.changed,
            removed=changes.removed,
            notes=notes,
        )
        seen.add(item.dataset)
        totals["rows"] += len(item.keys)
        totals["added"] += changes.added
        totals["changed"] += changes.changed
        totals["removed"] += changes.removed
    # A dataset gone from the catalogue since the previous release: every row removed.
    totals["removed"] += sum(c.rows for key, c in before.items() if key not in seen)
    ReleaseContent.objects.filter(files__isnull=True).delete()  # left by a replaced release
    audit_and_announce(
        actor,
        "opendata.release.replaced" if existing else "opendata.release.made",
        release,
        audit.diff(
            {},
            {
                "date": date,
                "previous": previous.date if previous else None,
                "datasets": len(seen),
            }
            | totals,
        ),
    )
    return ReleaseOutcome(release, "replaced" if existing else "made")
