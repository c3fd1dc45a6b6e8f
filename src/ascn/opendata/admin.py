from django.contrib import admin

from ascn.core.admin import ReadOnlyAdmin
from ascn.opendata.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    """Imports are read in the back office, never edited: they are a record of what happened."""

    list_display = [
        "id",
        "original_name",
        "created_by",
        "status",
        "attempts",
        "total_rows",
        "created_count",
        "created_at",
    ]
    list_filter = ["status", "file_format", "in_background"]
    search_fields = ["original_name", "created_by__email"]
    date_hierarchy = "created_at"
