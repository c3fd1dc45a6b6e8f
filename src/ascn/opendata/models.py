"""Bulk imports of projects (SPEC C4): one ``ImportJob`` per uploaded file; and the dated
releases of the open data (issue 20): a ``Release`` per date, a ``ReleaseFile`` per dataset in
it, whose CSV is a ``ReleaseContent`` stored once however many releases share it.

Exports (OC4IDS, the M&E report) are computed from the plans app on request; they keep no
state of their own.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ascn.accounts.models import user_link
from ascn.core.models import HasPage, at_most, list_field


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to start")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class ImportPhase(models.TextChoices):
    """What a running import is doing: reading every row first, then saving them all at once."""

    CHECKING = "checking", _("Checking the rows")
    SAVING = "saving", _("Saving the projects")


class ImportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ImportJob(HasPage, models.Model):
    """An uploaded file of projects and what became of it.

    ``errors`` is a list of ``{"row", "column", "message"}`` (row numbers as a spreadsheet
    shows them: the header is row 1). An import is all-or-nothing: a job with errors created
    nothing.

    A running job beats: ``heartbeat_at`` is renewed every few seconds while it checks rows
    (``services._save_progress``). A job that has not beaten for ``ASCN_JOB_STALE_SECONDS``
    lost its worker; ``services.import_jobs_recover`` runs it again (``attempts`` counts the
    runs started, up to ``ASCN_JOB_MAX_ATTEMPTS``) or fails it, and sets ``interrupted_at``.
    """

    page_url = "project-import-status"
    page_key = "pk"

    created_by = user_link(_("uploaded by"))
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=4, choices=ImportFormat.choices)
    size = models.PositiveIntegerField(_("size (bytes)"))
    in_background = models.BooleanField(_("runs in the background"), default=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ImportStatus.choices,
        default=ImportStatus.PENDING,
        db_index=True,
    )
    phase = models.CharField(_("phase"), max_length=10, choices=ImportPhase.choices, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    created_count = models.PositiveIntegerField(_("projects created"), default=0)
    created_projects = list_field(_("created project ids"))
    errors = list_field(_("errors"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("runs started"), default=0)
    interrupted_at = models.DateTimeField(
        _("worker found stopped"),
        null=True,
        blank=True,
        help_text=_("When a run of this import was found to have lost its task worker."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("project import")
        verbose_name_plural = _("project imports")
        constraints = [
            at_most("processed_rows", "total_rows", name="import_processed_within_total")
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in {ImportStatus.SUCCEEDED, ImportStatus.FAILED}

    @property
    def interrupted(self) -> bool:
        """A run of this import lost its worker (it is being retried, or it failed for it)."""
        return self.interrupted_at is not None

    @property
    def percent(self) -> int:
        """Rows checked as a whole percentage (100 once finished)."""
        if self.finished:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)


class ReleaseContent(models.Model):
    """A dataset's CSV as a release holds it, gzip-compressed, with the key of each row.

    Stored once: a dataset that did not change since the last release points at the same
    content (``digest`` covers the CSV and the keys). ``keys_gz`` is a gzip-compressed JSON
    list with one key per data row, in the CSV's order: what tells a changed row from one
    removed and another added (the projects are keyed by their id).
    """

    audited = False  # derived or kept by the platform itself: no kind of the audit trail

    digest = models.CharField(_("digest of the CSV and the keys"), max_length=64, unique=True)
    csv_sha256 = models.CharField(_("SHA-256 of the CSV"), max_length=64)
    csv_gz = models.BinaryField(_("CSV, gzip-compressed"))
    keys_gz = models.BinaryField(_("row keys, gzip-compressed JSON"))
    size = models.PositiveBigIntegerField(_("CSV size (bytes)"))
    rows = models.PositiveIntegerField(_("rows"))

    class Meta:
        verbose_name = _("release content")
        verbose_name_plural = _("release contents")

    def __str__(self) -> str:
        return f"{self.csv_sha256[:12]} ({self.rows} rows)"


class Release(models.Model):
    """The public datasets as they were on one date: made by ``services.release_make``
    (nightly, ``manage.py snapshot_open_data``), never edited afterwards."""

    date = models.DateField(_("date"), unique=True)
    made_at = models.DateTimeField(_("taken at"))
    previous = models.ForeignKey(
        "self",
        verbose_name=_("compared with"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-date"]
        verbose_name = _("open-data release")
        verbose_name_plural = _("open-data releases")

    def __str__(self) -> str:
        return _("Open data release %(date)s") % {"date": self.date.isoformat()}

    def get_absolute_url(self) -> str:
        return reverse("open-data-release", args=[self.date.isoformat()])


class ReleaseFile(models.Model):
    """One dataset in a release, and how it differs from the previous release's.

    ``notes`` (projects only): the progress notes the projects' owners wrote since the
    previous release, as ``{"project", "title", "date", "note"}``.
    """

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="files")
    dataset = models.CharField(_("dataset"), max_length=40)
    content = models.ForeignKey(ReleaseContent, on_delete=models.PROTECT, related_name="files")
    added = models.PositiveIntegerField(_("rows added"), default=0)
    changed = models.PositiveIntegerField(_("rows changed"), default=0)
    removed = models.PositiveIntegerField(_("rows removed"), default=0)
    notes = list_field(_("owners' notes"))

    class Meta:
        ordering = ["release", "id"]
        verbose_name = _("release file")
        verbose_name_plural = _("release files")
        constraints = [
            models.UniqueConstraint(fields=["release", "dataset"], name="release_dataset_once")
        ]

    def __str__(self) -> str:
        return f"{self.dataset} ({self.release.date.isoformat()})"
