"""API of cooperation: read the partnerships and case studies you may see."""

from ninja import Query

from ascn.cooperation import queries
from ascn.cooperation.models import CaseStudy, CityPartnership
from ascn.cooperation.schemas import (
    CaseStudyDetailOut,
    CaseStudyFilters,
    CaseStudyOut,
    PartnershipFilters,
    PartnershipOut,
)
from ascn.core.api import AppRouter, ShapedRows
from ascn.core.queries import found

router = AppRouter(tags=["cooperation"])


def _city(city) -> dict | None:
    if city is None:
        return None
    return {"slug": city.slug, "name": city.name, "country": city.member_state.code}


def partnership_out(p: CityPartnership) -> dict:
    return {
        "id": p.pk,
        "city": _city(p.city),
        "partner_name": p.partner_name,
        "partner_country": p.partner_country or None,
        "partner_city": _city(p.partner_city),
        "purpose": p.purpose,
        "start_date": p.start_date,
        "end_date": p.end_date,
        "outcomes": p.outcomes or None,
        "source": p.source or None,
        "visibility": p.visibility,
    }


def case_study_out(s: CaseStudy) -> dict:
    return {
        "slug": s.slug,
        "title": s.title,
        "focus_area": s.focus_area.code,
        "city": _city(s.city),
        "provider_name": s.provider_name or None,
        "provider": s.provider.slug if s.provider else None,
        "visibility": s.visibility,
        "url": s.get_absolute_url(),
    }


@router.page("/partnerships", PartnershipOut, "City partnerships (twinning) you may see")
def partnerships_list(request, filters: Query[PartnershipFilters]):
    """City partnerships (twinning and similar) you may see, with the partner city or
    organisation and the partnership's purpose and dates. Public records for everyone;
    `network` records for signed-in members; drafts for their owners, their National
    Representative and the Secretariat."""
    return ShapedRows(queries.partnerships_for(request.user, **filters.dict()), partnership_out)


@router.read("/partnerships/{partnership_id}", PartnershipOut, "One city partnership")
def partnerships_read(request, partnership_id: int):
    """One city partnership. 404 when it is out of your sight."""
    partnership = found(queries.partnerships_for(request.user).filter(pk=partnership_id).first())
    return partnership_out(partnership)


@router.page("/case-studies", CaseStudyOut, "Case studies of the knowledge bank you may see")
def case_studies_list(request, filters: Query[CaseStudyFilters]):
    """Case studies of the knowledge bank you may see, filtered by focus area, city or
    provider. Public records for everyone; `network` records for signed-in members; drafts
    for their owners, their National Representative and the Secretariat."""
    return ShapedRows(queries.case_studies_for(request.user, **filters.dict()), case_study_out)


@router.read("/case-studies/{slug}", CaseStudyDetailOut, "One case study")
def case_studies_read(request, slug: str):
    """One case study: the problem, the solution and its results, with its city and
    provider."""
    study = found(queries.case_studies_for(request.user).filter(slug=slug).first())
    return {
        **case_study_out(study),
        "problem": study.problem,
        "solution": study.solution,
        "results": study.results or None,
        "source": study.source or None,
    }
