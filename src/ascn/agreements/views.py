"""Agreement pages. Every read starts from what the user may see."""

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ascn.agreements import queries
from ascn.agreements.models import Agreement
from ascn.core.queries import found
from ascn.plans.permissions import project_policy


@require_GET
def agreement_list(request):
    status = request.GET.get("status") or None
    if status not in Agreement.Status.values:
        status = None
    agreements = queries.agreements_for(request.user, status=status)
    return render(
        request,
        "agreements/agreement_list.html",
        {"agreements": agreements, "statuses": Agreement.Status.choices, "status": status},
    )


@require_GET
def agreement_detail(request, slug: str):
    agreement = found(queries.agreement_for(request.user, slug))
    projects = project_policy.visible(request.user, agreement.projects.select_related("city"))
    return render(
        request,
        "agreements/agreement_detail.html",
        {"agreement": agreement, "projects": projects},
    )


@require_GET
def agreement_document(request, slug: str):
    agreement = queries.agreement_for(request.user, slug)
    if agreement is None or not agreement.document:
        raise Http404
    return FileResponse(
        agreement.document.open("rb"),
        content_type="application/pdf",
        filename=f"{agreement.slug}.pdf",
    )
