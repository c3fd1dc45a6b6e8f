from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ascn.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only, even for superusers."""

    list_display = ["at", "actor_label", "action", "object_type", "object_repr", "client_ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_repr", "object_id", "request_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.site_header = _("ASCN Platform — Secretariat")
admin.site.site_title = _("ASCN Secretariat")
