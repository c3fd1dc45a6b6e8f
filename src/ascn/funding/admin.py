"""Funding programmes in the back office: programmes and calls are edited through the audited
admin; applications, awards and disbursements are shown only: money rows move only through the
services (locks, balance checks, audit), so a programme's balance stays the sum of its awards."""

from django.contrib import admin

from ascn.core.admin import AuditedAdmin, ReadOnly, ReadOnlyAdmin
from ascn.funding.models import Application, Award, Call, Disbursement, Programme


class CallInline(ReadOnly, admin.TabularInline):
    model = Call
    extra = 0
    fields = ["title", "opens_on", "closes_on", "sample"]
    show_change_link = True  # calls are added and edited on their own page, audited


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ["name", "sponsor", "total_amount", "awarded_amount", "currency", "visibility"]
    list_filter = ["currency", "visibility", "sample"]
    search_fields = ["name", "slug", "sponsor__name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["awarded_amount", "disbursed_amount", "version"]
    inlines = [CallInline]

    def has_delete_permission(self, request, obj=None):
        return False  # awards refer to it; hide it (visibility) instead


@admin.register(Call)
class CallAdmin(AuditedAdmin):
    list_display = ["title", "programme", "opens_on", "closes_on"]
    list_filter = ["programme"]
    readonly_fields = ["version"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["project", "call", "status", "amount_requested", "submitted_at"]
    list_filter = ["status", "call__programme"]


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ["application", "programme", "amount", "disbursed_amount", "awarded_on"]
    list_filter = ["programme"]


@admin.register(Disbursement)
class DisbursementAdmin(ReadOnlyAdmin):
    list_display = ["award", "amount", "paid_on", "reference"]
