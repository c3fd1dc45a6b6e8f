"""API of cooperation: read the partnerships and case studies you may see."""

from django.http import Http404
from ninja import Query, Router
from ninja.pagination import paginate

from ascn.cooperation import queries
from ascn.cooperation.models import CaseStudy, CityPartnership
from ascn.cooperation.schemas import (
    CaseStudyDetailOut,
    CaseStudyFilters,
    CaseStudyOut,
    PartnershipFilters,
    PartnershipOut,
)
from ascn.core.api import ERRORS_LIST, ERRORS_READ, PageNumber, ShapedRows

router = Router(tags=["cooperation"])


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


@router.get(
    "/partnerships",
    response={200: list[PartnershipOut], **ERRORS_LIST},
    operation_id="partnerships_list",
    summary="City partnerships (twinning) you may see",
)
@paginate(PageNumber)
def partnerships_list(request, filters: Query[PartnershipFilters]):
    return ShapedRows(queries.partnerships_for(request.user, **filters.dict()), partnership_out)


@router.get(
    "/partnerships/{partnership_id}",
    response={200: PartnershipOut, **ERRORS_READ},
    operation_id="partnerships_read",
    summary="One city partnership",
)
def partnerships_read(request, partnership_id: int):
    partnership = queries.partnerships_for(request.user).filter(pk=partnership_id).first()
    if partnership is None:
        raise Http404
    return partnership_out(partnership)


@router.get(
    "/case-studies",
    response={200: list[CaseStudyOut], **ERRORS_LIST},
    operation_id="case_studies_list",
    summary="Case studies of the knowledge bank you may see",
)
@paginate(PageNumber)
def case_studies_list(request, filters: Query[CaseStudyFilters]):
    return ShapedRows(queries.case_studies_for(request.user, **filters.dict()), case_study_out)


@router.get(
    "/case-studies/{slug}",
    response={200: CaseStudyDetailOut, **ERRORS_READ},
    operation_id="case_studies_read",
    summary="One case study",
)
def case_studies_read(request, slug: str):
    study = queries.case_studies_for(request.user).filter(slug=slug).first()
    if study is None:
        raise Http404
    return {
        **case_study_out(study),
        "problem": study.problem,
        "solution": study.solution,
        "results": study.results or None,
        "source": study.source or None,
    }
