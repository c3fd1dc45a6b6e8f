"""API of cooperation: read the partnerships and case studies you may see; the Secretariat
keeps the knowledge bank, a city's officers and representatives its partnerships."""

from django.utils.translation import gettext as _
from ninja import Query, Status

from ascn.cooperation import queries
from ascn.cooperation.models import CaseStudy, CityPartnership
from ascn.cooperation.schemas import (
    CaseStudyDetailOut,
    CaseStudyFilters,
    CaseStudyIn,
    CaseStudyOut,
    CaseStudyPatch,
    FlagIn,
    FlagOut,
    PartnershipFilters,
    PartnershipIn,
    PartnershipOut,
    PartnershipPatch,
    sources_in,
)
from ascn.cooperation.services import (
    case_study_create,
    case_study_update,
    partnership_create,
    partnership_update,
    post_flag,
)
from ascn.core.api import AppRouter, ShapedRows, fields_of, patch_values
from ascn.core.errors import InvalidInput
from ascn.core.queries import found
from ascn.network.models import City, FocusArea
from ascn.network.queries import refuse_unknown_places
from ascn.partners.models import Organisation
from ascn.partners.permissions import organisation_policy

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
        **fields_of(p, "purpose start_date end_date"),
        "outcomes": p.outcomes or None,
        "source": p.source or None,
        "sources": p.sources or [],
        **fields_of(p, "visibility sample version"),
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
        "sample": s.sample,
        **fields_of(s, "language translations"),
        "url": s.get_absolute_url(),
    }


@router.page("/partnerships", PartnershipOut, "City partnerships (twinning) you may see")
def partnerships_list(request, filters: Query[PartnershipFilters]):
    """City partnerships (twinning and similar) you may see, with the partner city or
    organisation and the partnership's purpose and dates. Public records for everyone;
    `network` records for signed-in members; drafts for their owners, their National
    Representative and the Secretariat."""
    refuse_unknown_places(city=filters.city)
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
    refuse_unknown_places(city=filters.city)
    return ShapedRows(queries.case_studies_for(request.user, **filters.dict()), case_study_out)


@router.read("/case-studies/{slug}", CaseStudyDetailOut, "One case study")
def case_studies_read(request, slug: str):
    """One case study: the problem, the solution and its results, with its city and
    provider."""
    return _case_study_detail(request, slug)


def _case_study_detail(request, slug: str) -> dict:
    study = found(queries.case_studies_for(request.user).filter(slug=slug).first())
    return {
        **case_study_out(study),
        **fields_of(study, "version problem solution"),
        "results": study.results or None,
        "source": study.source or None,
        "sources": study.sources or [],
    }


# --- writes ------------------------------------------------------------------------------


def _city_named(slug: str | None, field: str) -> City | None:
    if slug is None:
        return None
    city = City.objects.filter(slug=slug).select_related("member_state").first()
    if city is None:
        raise InvalidInput(_("No ASCN city “%(slug)s”.") % {"slug": slug}, field)
    return city


def _focus_area(code: str) -> FocusArea:
    focus_area = FocusArea.objects.filter(code=code).first()
    if focus_area is None:
        raise InvalidInput(_("No ASCF focus area “%(code)s”.") % {"code": code}, "focus_area")
    return focus_area


def _provider(request, slug: str | None) -> Organisation | None:
    if slug is None:
        return None
    organisation = (
        organisation_policy.visible(request.user, Organisation.objects.all())
        .filter(slug=slug)
        .first()
    )
    if organisation is None:
        raise InvalidInput(_("No organisation “%(slug)s”.") % {"slug": slug}, "provider")
    return organisation


@router.add(
    "/partnerships",
    PartnershipOut,
    "Record a city partnership (the city's officers and representative, the Secretariat)",
)
def partnerships_create(request, payload: PartnershipIn):
    """Record a twinning of an ASCN city with another city (an ASCN city by `partner_city`,
    any other by `partner_name`). The city's Chief Smart City Officers, the National
    Representatives of its member state and the Secretariat; others get a 403."""
    data = payload.dict()
    data["sources"] = sources_in(data["sources"])
    city = _city_named(data.pop("city"), "city")
    data["partner_city"] = _city_named(data["partner_city"], "partner_city")
    partnership = partnership_create(actor=request.user, city=city, **data)
    return Status(201, partnership_out(partnership))


@router.write(
    "PATCH",
    "/partnerships/{partnership_id}",
    PartnershipOut,
    "Edit or end a city partnership; send the version you read",
)
def partnerships_update(request, partnership_id: int, payload: PartnershipPatch):
    """Edit a partnership, or end it by sending its `end_date` (the record stays). Fields left
    out are kept; `null` clears what may be cleared. Send the `version` you read (409 when
    stale). Its ASCN city stays. The same people as for recording it."""
    partnership = found(queries.partnerships_for(request.user).filter(pk=partnership_id).first())
    version, data = patch_values(payload)
    if "sources" in data:
        data["sources"] = sources_in(data["sources"])
    if "partner_city" in data:
        data["partner_city"] = _city_named(data["partner_city"], "partner_city")
    partnership_update(actor=request.user, partnership=partnership, version=version, **data)
    return partnership_out(
        found(queries.partnerships_for(request.user).filter(pk=partnership_id).first())
    )


@router.add(
    "/case-studies", CaseStudyDetailOut, "Add a case study to the knowledge bank (the Secretariat)"
)
def case_studies_create(request, payload: CaseStudyIn):
    """Add a case study: the problem, the solution and its results (plain text), its ASCF
    focus area, and optionally its city and provider organisation (by slug). Without a `slug`
    its address is made from the title. The Secretariat only."""
    data = payload.dict()
    data["focus_area"] = _focus_area(data["focus_area"])
    data["city"] = _city_named(data["city"], "city")
    data["provider"] = _provider(request, data["provider"])
    data["slug"] = data["slug"] or ""
    data["sources"] = sources_in(data["sources"])
    study = case_study_create(actor=request.user, **data)
    return Status(201, _case_study_detail(request, study.slug))


@router.write(
    "PATCH",
    "/case-studies/{slug}",
    CaseStudyDetailOut,
    "Edit a case study; send the version you read",
)
def case_studies_update(request, slug: str, payload: CaseStudyPatch):
    """Edit a case study (the Secretariat). Fields left out are kept; `null` clears what may
    be cleared. Send the `version` you read (409 when stale). Its address stays."""
    study = found(queries.case_studies_for(request.user).filter(slug=slug).first())
    version, data = patch_values(payload)
    if "sources" in data:
        data["sources"] = sources_in(data["sources"])
    if "focus_area" in data:
        data["focus_area"] = _focus_area(data["focus_area"])
    if "city" in data:
        data["city"] = _city_named(data["city"], "city")
    if "provider" in data:
        data["provider"] = _provider(request, data["provider"])
    case_study_update(actor=request.user, study=study, version=version, **data)
    return _case_study_detail(request, slug)


# --- members flag posts ------------------------------------------------------------------


@router.write(
    "POST",
    "/posts/{post_id}/flag",
    FlagOut,
    "Flag a discussion post for the Secretariat (members); again: change your flag",
)
def posts_flag(request, post_id: int, payload: FlagIn):
    """Report a post you may see to the Secretariat, with a reason and an optional note. One
    flag per member and post: sending again changes yours. Not your own post (403), nor a
    hidden one (422); a post out of your sight is a 404. A new flag tells the Secretariat."""
    post = found(queries.post_for(request.user, post_id), _("Post not found."))
    flag = post_flag(actor=request.user, post=post, **payload.dict())
    return {
        "post": flag.post_id,
        **fields_of(flag, "reason note created_at updated_at"),
    }
