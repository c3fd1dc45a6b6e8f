"""Organisation pages. Every read starts from what the user may see."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ascn.partners.models import Organisation
from ascn.partners.permissions import organisation_policy


@require_GET
def organisation_list(request):
    organisations = organisation_policy.visible(request.user, Organisation.objects.all())
    return render(request, "partners/organisation_list.html", {"organisations": organisations})


@require_GET
def organisation_detail(request, slug: str):
    organisation = (
        organisation_policy.visible(request.user, Organisation.objects.all())
        .filter(slug=slug)
        .first()
    )
    if organisation is None:
        raise Http404
    members = (
        organisation.memberships.active().select_related("user")
        if request.user.is_authenticated
        else []
    )
    return render(
        request,
        "partners/organisation_detail.html",
        {
            "organisation": organisation,
            "members": members,
            "can_change": organisation_policy.can(request.user, "change", organisation),
        },
    )
