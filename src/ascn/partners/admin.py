from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from ascn.core.admin import AuditedAdmin
from ascn.partners.models import Organisation
from ascn.partners.services import organisation_verify


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "headquarters_country", "verified", "visibility"]
    list_filter = ["kind", "verified", "visibility"]
    search_fields = ["name", "alt_names", "slug"]
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
