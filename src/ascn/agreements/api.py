"""API of agreements: read what you may see (writes go through the back office for now)."""

from ninja import Query

from ascn.agreements import queries
from ascn.agreements.models import Agreement
from ascn.agreements.schemas import AgreementDetailOut, AgreementFilters, AgreementOut
from ascn.core.api import AppRouter, ShapedRows
from ascn.core.queries import found
from ascn.plans.permissions import project_policy

router = AppRouter(tags=["agreements"])


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


@router.page("/agreements", AgreementOut, "Agreements you may see, most recently signed first")
def agreements_list(request, filters: Query[AgreementFilters]):
    """Agreements and memoranda you may see, most recently signed first, with their parties.
    Public records for everyone; `network` records for signed-in members; drafts for their
    owners, their National Representative and the Secretariat."""
    return ShapedRows(queries.agreements_for(request.user, **filters.dict()), agreement_out)


@router.read("/agreements/{slug}", AgreementDetailOut, "One agreement, with its parties")
def agreements_read(request, slug: str):
    """One agreement with its description, the projects it covers (those you may see) and a
    link to its document when one is held."""
    agreement = found(queries.agreement_for(request.user, slug))
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
