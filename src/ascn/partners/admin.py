from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from ascn.core.admin import AuditedAdmin
from ascn.partners.models import Organisation
from ascn.partners.services import organisation_verify


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "headquarters_country", "verified", "visibility"]
    list_filter = ["kind", "verified", "visibility"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["verified", "version"]
    actions = ["verify", "unverify"]

    @admin.action(description=_("Mark as verified by the Secretariat"))
    def verify(self, request, queryset):
        for organisation in queryset:
            organisation_verify(actor=request.user, organisation=organisation, verified=True)
        messages.success(request, _("Verified."))

    @admin.action(description=_("Remove the verification"))
    def unverify(self, request, queryset):
        for organisation in queryset:
            organisation_verify(actor=request.user, organisation=organisation, verified=False)


# --- funding programmes (issue 5 part 2) -----------------------------------------------------

from ascn.partners.models import Application, Award, Call, Disbursement, Programme  # noqa: E402


class CallInline(admin.TabularInline):
    model = Call
    extra = 0
    fields = ["title", "opens_on", "closes_on", "sample"]
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # calls are added and edited on their own page, audited

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Money rows move only through the services (locks, balance checks, audit): shown here,
    never edited, so the programme's balance stays the sum of its awards."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
