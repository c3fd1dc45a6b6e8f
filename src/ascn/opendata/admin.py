from django.contrib import admin

from ascn.opendata.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Imports are read in the back office, never edited: they are a record of what happened."""

    list_display = [
        "id",
        "original_name",
        "created_by",
        "status",
        "total_rows",
        "created_count",
        "created_at",
    ]
    list_filter = ["status", "file_format", "in_background"]
    search_fields = ["original_name", "created_by__email"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
