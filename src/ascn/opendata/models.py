"""Bulk imports of projects (SPEC C4): one ``ImportJob`` per uploaded file.

Exports (OC4IDS, the M&E report) are computed from the plans app on request; they keep no
state of their own.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ascn.accounts.models import user_link
from ascn.core.models import HasPage


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
    created_projects = models.JSONField(_("created project ids"), default=list, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
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
            models.CheckConstraint(
                condition=models.Q(processed_rows__lte=models.F("total_rows")),
                name="import_processed_within_total",
            )
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
