"""An import whose worker died is retried or failed, and its page says so (issue 15, item 8).

These tests stop a run the way a dying worker does, inside this process: a ``SystemExit``
raised while the projects are being saved (a ``BaseException``, which no ``except Exception``
catches). ``test_worker_kill.py`` kills a real ``manage.py db_worker`` with SIGKILL.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ascn.core.models import AuditEntry
from ascn.opendata import imports, services
from ascn.opendata.models import ImportJob
from ascn.plans import services as plan_services
from ascn.plans.models import Project
from tests.opendata.test_import import csv_file, row, upload

ROWS = 12
LATER = timedelta(minutes=10)  # well past ASCN_JOB_STALE_SECONDS (120 s)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ASCN_IMPORT_BACKGROUND_ROWS = 5


@pytest.fixture
def queued_job(phuket_client, django_capture_on_commit_callbacks) -> ImportJob:
    """A background import uploaded and queued; no worker has taken it yet."""
    with django_capture_on_commit_callbacks(execute=False):
        response = upload(phuket_client, csv_file([row(title=f"P {n:02d}") for n in range(ROWS)]))
    assert response.status_code == 302
    return ImportJob.objects.get()


def die_while_saving(monkeypatch, job: ImportJob, *, after: int = 5) -> None:
    """Run the job in a worker that dies after saving ``after`` projects."""
    real = plan_services.project_create
    calls = []

    def dying(**values):
        calls.append(values["title"])
        if len(calls) > after:
            raise SystemExit(1)
        return real(**values)

    monkeypatch.setattr(services, "project_create", dying)
    with pytest.raises(SystemExit):
        services.import_job_run(job_id=job.pk)
    monkeypatch.setattr(services, "project_create", real)
    assert len(calls) == after + 1


def page(client, job: ImportJob) -> str:
    return client.get(f"/projects/import/{job.pk}/").content.decode()


def test_a_worker_that_dies_while_saving_saves_nothing_and_its_job_is_retried_to_the_end(
    phuket_client, queued_job, monkeypatch, django_capture_on_commit_callbacks
):
    # given: the worker died after saving 5 of the 12 projects in the import's transaction
    die_while_saving(monkeypatch, queued_job)
    job = ImportJob.objects.get()
    assert (job.status, job.phase, job.attempts) == ("running", "saving", 1)
    assert Project.objects.count() == 0  # all or nothing: the 5 went with the worker
    assert not AuditEntry.objects.filter(action="plans.project.created").exists()
    assert "No news from the task worker" not in page(phuket_client, job)  # not silent yet

    # when: its page is read once it has been silent too long, then recovery runs
    late = timezone.now() + LATER
    assert services.import_job_silent(job, late)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        done = services.import_jobs_recover(now=late)

    # then: it is queued again, and its page says which attempt comes next
    assert (done.retried, done.failed) == ([job.pk], [])
    job.refresh_from_db()
    assert (job.status, job.attempts, job.interrupted_at) == ("pending", 1, late)
    html = page(phuket_client, job)
    assert "Waiting to start again" in html
    assert "The task worker running this import stopped; nothing was saved." in html
    assert "Retrying: attempt 2 of 3." in html
    entry = AuditEntry.objects.get(action="opendata.import.retried")
    assert entry.actor_label == "system"
    assert entry.changes["attempt"] == {"before": 1, "after": 2}

    # when: the queued task runs (the test settings' backend runs it at once)
    assert len(queued) == 1
    queued[0]()

    # then: every project exactly once, on the second attempt
    job.refresh_from_db()
    assert (job.status, job.attempts, job.created_count) == ("succeeded", 2, ROWS)
    assert Project.objects.count() == ROWS
    assert f"{ROWS} projects imported" in page(phuket_client, job)
    assert services.import_jobs_recover(now=timezone.now() + LATER).retried == []


def test_after_the_last_attempt_the_job_fails_with_a_message_the_user_sees(
    phuket_client, queued_job, monkeypatch, settings
):
    # given: one attempt allowed, and its worker died
    settings.ASCN_JOB_MAX_ATTEMPTS = 1
    die_while_saving(monkeypatch, queued_job)

    # when
    done = services.import_jobs_recover(now=timezone.now() + LATER)

    # then
    job = ImportJob.objects.get()
    assert (done.retried, done.failed) == ([], [job.pk])
    assert job.status == "failed" and job.finished
    assert job.errors == [{"row": None, "column": "", "message": str(services.WORKER_STOPPED)}]
    assert Project.objects.count() == 0
    html = page(phuket_client, job)
    assert "The import did not finish" in html
    assert (
        "The import stopped when its worker stopped; nothing was saved. Upload the file again."
        in html
    )
    assert 'data-hx-trigger="every 1s"' not in html  # finished: the page stops polling
    errors_csv = phuket_client.get(f"/projects/import/{job.pk}/errors.csv").content.decode()
    assert "nothing was saved" in errors_csv
    assert AuditEntry.objects.filter(action="opendata.import.abandoned").count() == 1


def test_a_job_that_still_beats_is_left_alone(phuket_client, queued_job, monkeypatch):
    # given: one job checking with a fresh heartbeat, one saving (its heartbeat in the cache)
    now = timezone.now()
    ImportJob.objects.filter(pk=queued_job.pk).update(
        status="running", phase="checking", attempts=1, started_at=now, heartbeat_at=now
    )
    saving = ImportJob.objects.create(
        created_by=queued_job.created_by,
        original_name="big.csv",
        file_format="csv",
        size=1000,
        total_rows=400,
        processed_rows=400,
        status="running",
        phase="saving",
        attempts=1,
        started_at=now - LATER,
        heartbeat_at=now - LATER,
    )
    services._report_saved(saving, 100)

    # when
    done = services.import_jobs_recover()

    # then
    assert (done.retried, done.failed) == ([], [])
    assert set(ImportJob.objects.values_list("status", flat=True)) == {"running"}
    assert "No news from the task worker" not in page(phuket_client, saving)


def test_the_page_of_a_silent_job_says_its_worker_may_have_stopped(phuket_client, cso_phuket):
    # given: a job left running by a worker that died before any recovery ran
    # (the ORM: the state a killed worker leaves behind)
    job = ImportJob.objects.create(
        created_by=cso_phuket,
        original_name="big.csv",
        file_format="csv",
        size=1000,
        in_background=True,
        total_rows=400,
        processed_rows=100,
        status="running",
        phase="checking",
        attempts=1,
        started_at=timezone.now() - LATER,
        heartbeat_at=timezone.now() - LATER,
    )

    # when
    html = page(phuket_client, job)

    # then
    assert "No news from the task worker running this import for 10" in html
    assert "the import will be retried, or marked failed, as soon as a task worker runs" in html
    assert 'data-hx-trigger="every 1s"' in html  # still polling: recovery will change it


def test_a_run_whose_job_was_recovered_while_it_ran_stops_and_saves_nothing(
    phuket_client, queued_job, monkeypatch
):
    # given: a worker so slow (paused, swapping) that recovery took its job for dead and
    # queued it again while it was checking the rows
    real = imports.RowChecker.check
    checked = []

    def paused(checker, row_number, values):
        checked.append(row_number)
        if len(checked) == 3:
            assert services.import_jobs_recover(now=timezone.now() + LATER).retried
        return real(checker, row_number, values)

    monkeypatch.setattr(imports.RowChecker, "check", paused)

    # when: the slow run goes on
    job = services.import_job_run(job_id=queued_job.pk)

    # then: it stopped at its next write, leaving the job to the retry: no second import
    assert len(checked) == 3
    assert (job.status, job.attempts, job.processed_rows) == ("pending", 1, 0)
    assert Project.objects.count() == 0
    assert not AuditEntry.objects.filter(action="opendata.import.completed").exists()


def test_a_run_beats_every_few_seconds_not_every_row(phuket_client, queued_job, settings):
    # given: rows slower than the heartbeat, progress saved only once for the file
    settings.ASCN_JOB_STALE_SECONDS = 0.2  # a heartbeat every 0.05 s
    settings.ASCN_IMPORT_ROW_DELAY = 0.02
    rows = 30
    services.PROGRESS_BATCHES, saved_batches = 1, services.PROGRESS_BATCHES
    ImportJob.objects.filter(pk=queued_job.pk).update(total_rows=rows)
    queued_job.file.save(
        "more.csv", csv_file([row(title=f"Q {n:02d}") for n in range(rows)]), save=False
    )
    ImportJob.objects.filter(pk=queued_job.pk).update(file=queued_job.file.name)

    # when
    try:
        with CaptureQueriesContext(connection) as queries:
            job = services.import_job_run(job_id=queued_job.pk)
    finally:
        services.PROGRESS_BATCHES = saved_batches

    # then: the checking phase wrote its heartbeat several times, far fewer than once a row
    assert job.status == "succeeded" and job.created_count == rows
    beats = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('UPDATE "opendata_importjob"') and "processed_rows" in q["sql"]
    ]
    assert 5 <= len(beats) <= rows // 2, len(beats)
    assert all("heartbeat_at" in sql for sql in beats)


def test_a_long_file_is_checked_with_about_fifty_writes_of_its_job_not_one_a_row(
    phuket_client, queued_job
):
    # given: 1,000 rows checked fast (no heartbeat falls due between the progress batches);
    # the last row is wrong, so nothing is saved and only the checking is measured
    rows = 1000
    cells = [row(title=f"R {n:04d}") for n in range(rows - 1)] + [row(budget_amount="x")]
    ImportJob.objects.filter(pk=queued_job.pk).update(total_rows=rows)
    queued_job.file.save("big.csv", csv_file(cells), save=False)
    ImportJob.objects.filter(pk=queued_job.pk).update(file=queued_job.file.name)

    # when
    with CaptureQueriesContext(connection) as queries:
        job = services.import_job_run(job_id=queued_job.pk)

    # then
    assert job.status == "failed" and job.errors[0]["row"] == rows + 1
    writes = [
        q for q in queries.captured_queries if q["sql"].startswith('UPDATE "opendata_importjob"')
    ]
    assert len(writes) <= services.PROGRESS_BATCHES + 5, len(writes)
