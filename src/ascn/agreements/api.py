"""API of agreements: read what you may see (writes go through the back office for now)."""

from django.http import Http404
from ninja import Query, Router
from ninja.pagination import paginate

from ascn.agreements import queries
from ascn.agreements.models import Agreement
from ascn.agreements.schemas import AgreementDetailOut, AgreementFilters, AgreementOut
from ascn.core.api import ERRORS_LIST, ERRORS_READ, PageNumber, ShapedRows
from ascn.plans.permissions import project_policy

router = Router(tags=["agreements"])


def agreement_out(agreement: Agreement) -> dict:
    return {
        "slug": agreement.slug,
        "title": agreement.title,
        "kind": agreement.kind or None,
        "status": agreement.status,
        "signed_date": agreement.signed_date,
        "signed_date_precision": agreement.signed_date_precision,
        "signed_place": agreement.signed_place or None,
        "meeting": (
            {"slug": agreement.meeting.slug, "title": agreement.meeting.title}
            if agreement.meeting
            else None
        ),
        "parties": [
            {
                "position": party.position,
                "name": party.name,
                "organisation": party.organisation.slug if party.organisation else None,
                "city": party.city.slug if party.city else None,
                "member_state": party.member_state.code if party.member_state else None,
                "signatory": party.signatory or None,
                "signatory_title": party.signatory_title or None,
            }
            for party in agreement.parties.all()
        ],
        "visibility": agreement.visibility,
        "source": agreement.source or None,
        "url": agreement.get_absolute_url(),
    }


@router.get(
    "/agreements",
    response={200: list[AgreementOut], **ERRORS_LIST},
    operation_id="agreements_list",
    summary="Agreements you may see, most recently signed first",
)
@paginate(PageNumber)
def agreements_list(request, filters: Query[AgreementFilters]):
    return ShapedRows(queries.agreements_for(request.user, **filters.dict()), agreement_out)


@router.get(
    "/agreements/{slug}",
    response={200: AgreementDetailOut, **ERRORS_READ},
    operation_id="agreements_read",
    summary="One agreement, with its parties",
)
def agreements_read(request, slug: str):
    agreement = queries.agreement_for(request.user, slug)
    if agreement is None:
        raise Http404
    return {
        **agreement_out(agreement),
        "version": agreement.version,
        "description": agreement.description,
        "projects": list(
            project_policy.visible(request.user, agreement.projects.all()).values_list(
                "pk", flat=True
            )
        ),
        "document_url": (f"/agreements/{agreement.slug}/document/" if agreement.document else None),
    }
