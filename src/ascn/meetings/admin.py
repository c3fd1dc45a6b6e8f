"""The Secretariat's back office for meetings: meetings, agenda items and decisions are
saved through the audited back-office services. Registrations are read-only here: people
register themselves, and check-in has its own page (``/meetings/<slug>/check-in/``)."""

from django.contrib import admin

from ascn.core.admin import AuditedAdmin
from ascn.meetings.models import AgendaItem, Decision, Meeting, Registration


@admin.register(Meeting)
class MeetingAdmin(AuditedAdmin):
    list_display = ["title", "kind", "start_date", "date_precision", "place", "uncertain"]
    list_filter = ["kind", "uncertain", "registration_open"]
    search_fields = ["title", "slug", "place"]
    date_hierarchy = "start_date"
    raw_id_fields = ["host_member_state", "host_city"]


@admin.register(AgendaItem)
class AgendaItemAdmin(AuditedAdmin):
    list_display = ["meeting", "position", "time", "title"]
    list_filter = ["meeting"]


@admin.register(Decision)
class DecisionAdmin(AuditedAdmin):
    list_display = ["meeting", "title", "document_title"]
    list_filter = ["meeting"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["meeting", "user", "status", "queued_at", "checked_in_at"]
    list_filter = ["meeting", "status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
