from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ascn.agreements.models import Agreement, AgreementParty
from ascn.agreements.services import agreement_transition
from ascn.core.admin import AuditedAdmin, service_action
from ascn.core.services import audit_and_announce


class PartyInline(admin.TabularInline):
    model = AgreementParty
    extra = 0
    min_num = 2  # an agreement has at least two parties

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("validate_min", True)
        return super().get_formset(request, obj, **kwargs)

    raw_id_fields = ["organisation", "city", "member_state"]


def _transition(description: str, to: str):
    return service_action(
        description,
        lambda actor, agreement: agreement_transition(
            actor=actor, agreement=agreement, to=to, version=agreement.version
        ),
    )


@admin.register(Agreement)
class AgreementAdmin(AuditedAdmin):
    list_display = ["title", "kind", "status", "signed_date", "visibility"]
    list_filter = ["kind", "status", "visibility"]
    search_fields = ["title", "slug", "parties__name"]
    prepopulated_fields = {"slug": ["title"]}
    # Status moves only along the transition table, through the actions below.
    readonly_fields = ["status", "version", "document"]
    raw_id_fields = ["meeting"]
    filter_horizontal = ["projects"]
    inlines = [PartyInline]
    actions = [f"mark_{status}" for status in ("signed", "active", "expired", "terminated")]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.has_changed():
            names = [party.name for party in form.instance.parties.all()]
            audit_and_announce(
                request.user,
                "agreements.agreement.parties_changed",
                form.instance,
                {"parties": {"after": names}},
            )

    mark_signed = _transition(_("Mark as signed"), "signed")
    mark_active = _transition(_("Mark as active"), "active")
    mark_expired = _transition(_("Mark as expired"), "expired")
    mark_terminated = _transition(_("Mark as terminated"), "terminated")
