"""The Secretariat's back office for the registry. Every save goes through the services."""

from django.contrib import admin

from ascn.core.admin import AuditedAdmin, ReadOnly
from ascn.network import models as registry


class AppointmentInline(ReadOnly, admin.TabularInline):
    model = registry.Appointment
    extra = 0
    fields = ["person", "role", "designation", "start_date", "end_date", "source"]
    autocomplete_fields = ["person"]
    show_change_link = True  # appointments are added on their own page, through the service


@admin.register(registry.MemberState)
class MemberStateAdmin(AuditedAdmin):
    list_display = ["name", "code", "asean_member_since"]
    search_fields = ["name", "code"]


@admin.register(registry.City)
class CityAdmin(AuditedAdmin):
    list_display = ["name", "member_state", "cohort", "population", "population_year"]
    list_filter = ["member_state", "cohort"]
    search_fields = ["name", "alt_names", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AppointmentInline]


@admin.register(registry.Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["full_name", "email", "user"]
    search_fields = ["full_name", "email"]
    raw_id_fields = ["user"]


@admin.register(registry.Appointment)
class AppointmentAdmin(AuditedAdmin):
    list_display = ["person", "role", "city", "member_state", "start_date", "end_date"]
    list_filter = ["role", "member_state"]
    search_fields = ["person__full_name", "designation", "city__name"]
    autocomplete_fields = ["person", "city", "member_state"]


@admin.register(registry.Outcome, registry.FocusArea)
class FrameworkAdmin(AuditedAdmin):
    list_display = ["name", "code", "position"]


@admin.register(registry.TimelineEvent)
class TimelineEventAdmin(AuditedAdmin):
    list_display = ["date", "title", "uncertain"]
    search_fields = ["title", "description"]


@admin.register(registry.KeyFact)
class KeyFactAdmin(AuditedAdmin):
    list_display = ["figure", "statement", "position"]
