"""Organisation pages (list, profile, edit, verification). Every read starts from what the user may see;
writes go through ``services``. ``StaleEdit`` gives the form back (409) with what the other
person saved next to this person's version; ``InvalidInput`` an error on its field (422).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ascn.core import sources
from ascn.core.errors import NotFound, PermissionDenied
from ascn.core.queries import found
from ascn.core.views import edit_page, filtered_page, render_results
from ascn.network.queries import focus_area_labels, member_state_labels
from ascn.partners import queries
from ascn.partners.forms import OrganisationFilterForm, OrganisationForm
from ascn.partners.models import Organisation
from ascn.partners.permissions import organisation_policy
from ascn.partners.services import organisation_update, organisation_verify
from ascn.plans import codelists
from ascn.plans.models import FinancingInstrument


def _organisation_or_404(request, slug: str) -> Organisation:
    return found(queries.organisation_for(request.user, slug), _("Organisation not found."))


@require_GET
def organisation_list(request):
    form = OrganisationFilterForm(request.GET or None)
    page, status = filtered_page(request, form, queries.organisations_for)
    context = {
        "form": form,
        "page": page,
        "filtered": form.is_bound and any(form.data.get(k) for k in form.fields),
    }
    return render_results(request, "partners/organisation_list.html", context, status=status)


def _profile_context(request, org: Organisation) -> dict:
    # each named in the reader's language, as the matches' reasons name them
    states = member_state_labels()
    areas = focus_area_labels()
    instruments = dict(FinancingInstrument.choices)
    stages = codelists.labels(codelists.PROJECT_STATUS)
    members = []
    if request.user.is_authenticated:
        members = list(
            org.memberships.active().select_related("user").order_by("user__full_name", "user_id")
        )
    return {
        "organisation": org,
        "countries": [states.get(c, c) for c in org.countries],
        "focus_areas": [areas.get(c, c) for c in org.focus_areas],
        "instruments": [instruments.get(c, c) for c in org.instruments],
        "stages": [stages.get(c, c) for c in org.stages],
        "members": members,
        "sources": sources.shown(org.sources, Organisation),
        "can_change": organisation_policy.can(request.user, "change", org),
        "can_verify": organisation_policy.can(request.user, "verify", org),
    }


@require_GET
def organisation_detail(request, slug: str):
    org = _organisation_or_404(request, slug)
    return render(request, "partners/organisation_detail.html", _profile_context(request, org))


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, slug: str):
    org = _organisation_or_404(request, slug)
    if not organisation_policy.can(request.user, "change", org):
        raise PermissionDenied(
            _("Only the organisation's members and the Secretariat edit this profile.")
        )

    def save(version, values):
        try:
            organisation_update(actor=request.user, organisation=org, version=version, **values)
        except NotFound as exc:  # seen, but not theirs to edit: say so (403)
            raise PermissionDenied(exc.message) from exc

    return edit_page(
        request,
        org,
        OrganisationForm,
        save,
        template="partners/organisation_form.html",
        saved_message=_("The profile is saved."),
        next_url=org.get_absolute_url(),
    )


@login_required
@require_POST
def organisation_verify_toggle(request, slug: str):
    org = _organisation_or_404(request, slug)
    organisation_verify(
        actor=request.user, organisation=org, verified=request.POST.get("verified") == "1"
    )
    messages.success(request, _("Verification updated."))
    return redirect(org)
