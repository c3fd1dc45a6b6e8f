"""Organisations under /api/v1/ (SPEC C5, §3).

Thin: validate, call a service or a query, shape the answer. Ticket sizes are money in US
dollars: ``{"amount": "<decimal string>", "currency": "USD"}``.
"""

import datetime as dt
from typing import Literal

from django.http import Http404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from ascn.core.api import (
    ERRORS_AUTH,
    ERRORS_EDIT,
    ERRORS_LIST,
    ERRORS_READ,
    ERRORS_WRITE,
    InputSchema,
    PageNumber,
    ShapedRows,
    member_auth,
)
from ascn.core.errors import InvalidInput
from ascn.partners import queries
from ascn.partners.models import Organisation
from ascn.partners.services import organisation_create, organisation_update
from ascn.plans import money
from ascn.plans.schemas import FocusAreaCode, MoneyIn, MoneyOut, StatusCode, VisibilityCode

router = Router(tags=["partners"])

KindCode = Literal[
    "solution_provider",
    "investor",
    "development_partner",
    "external_government",
    "academia_ngo",
    "asean_body",
]
InstrumentCode = Literal["grant", "loan", "equity", "ppp", "guarantee", "technical_assistance"]


# --- schemas -----------------------------------------------------------------------------


class MemberOut(Schema):
    name: str


class OrganisationOut(Schema):
    slug: str
    version: int
    name: str
    kind: KindCode
    headquarters_country: str = Field(..., description="ISO 3166-1 alpha-2, or empty")
    countries: list[str] = Field(..., description="ASEAN countries of operation (empty: any)")
    focus_areas: list[str]
    instruments: list[str]
    stages: list[str] = Field(..., description="OC4IDS project statuses (empty: any)")
    ticket_min: MoneyOut | None
    ticket_max: MoneyOut | None
    capability_statement: str
    description: str
    website: str
    verified: bool
    visibility: VisibilityCode
    sample: bool
    source: str
    url: str
    updated_at: dt.datetime


class OrganisationDetailOut(OrganisationOut):
    members: list[MemberOut] | None = Field(
        None, description="The organisation's people (signed-in members only)."
    )


class UsdIn(MoneyIn):
    currency: Literal["USD"] = "USD"


class OrganisationFields(InputSchema):
    headquarters_country: str | None = Field(None, pattern=r"^([A-Za-z]{2})?$")
    countries: list[str] | None = Field(None, max_length=20)
    focus_areas: list[FocusAreaCode] | None = None
    instruments: list[InstrumentCode] | None = None
    stages: list[StatusCode] | None = None
    ticket_min: UsdIn | None = None
    ticket_max: UsdIn | None = None
    capability_statement: str | None = Field(None, max_length=10_000)
    description: str | None = Field(None, max_length=10_000)
    website: str | None = Field(None, max_length=200)
    visibility: VisibilityCode | None = None
    source: str | None = Field(None, max_length=300)


class OrganisationIn(OrganisationFields):
    name: str = Field(..., min_length=1, max_length=200)
    kind: KindCode
    slug: str | None = Field(None, max_length=100, pattern=r"^[-a-z0-9]*$")


class OrganisationPatch(OrganisationFields):
    version: int = Field(..., ge=1)
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: KindCode | None = None


class OrganisationFilters(InputSchema):
    kind: KindCode | None = None
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$")
    focus_area: FocusAreaCode | None = None
    verified: bool | None = None
    q: str | None = Field(None, max_length=200)


# --- shaping -----------------------------------------------------------------------------


def _usd(amount) -> dict | None:
    return None if amount is None else money.money(amount, "USD")


def organisation_out(org: Organisation) -> dict:
    return {
        "slug": org.slug,
        "version": org.version,
        "name": org.name,
        "kind": org.kind,
        "headquarters_country": org.headquarters_country,
        "countries": org.countries,
        "focus_areas": org.focus_areas,
        "instruments": org.instruments,
        "stages": org.stages,
        "ticket_min": _usd(org.ticket_min_usd),
        "ticket_max": _usd(org.ticket_max_usd),
        "capability_statement": org.capability_statement,
        "description": org.description,
        "website": org.website,
        "verified": org.verified,
        "visibility": org.visibility,
        "sample": org.sample,
        "source": org.source,
        "url": org.get_absolute_url(),
        "updated_at": org.updated_at,
    }


def organisation_detail_out(org: Organisation, request) -> dict:
    members = None
    if request.user.is_authenticated:
        members = [
            {"name": m.user.get_full_name() or m.user.email}
            for m in org.memberships.active().select_related("user").order_by("user__full_name")
        ]
    return {**organisation_out(org), "members": members}


def _organisation_or_404(request, slug: str) -> Organisation:
    org = queries.organisation_for(request.user, slug)
    if org is None:
        raise Http404
    return org


def _values(data: dict) -> dict:
    """Schema fields → service fields (ticket money → USD amounts)."""
    for key in ("ticket_min", "ticket_max"):
        if key in data:
            value = data.pop(key)
            data[f"{key}_usd"] = value["amount"] if value else None
    for key in ("name", "kind"):
        if key in data and data[key] is None:
            raise InvalidInput("This field cannot be empty.", field=key)
    return data


# --- organisations -------------------------------------------------------------------------


@router.get(
    "/organisations",
    response={200: list[OrganisationOut], **ERRORS_LIST},
    operation_id="organisations_list",
    summary="Partner organisations you may see, by name",
)
@paginate(PageNumber)
def organisations_list(request, filters: Query[OrganisationFilters]):
    return ShapedRows(queries.organisations_for(request.user, **filters.dict()), organisation_out)


@router.post(
    "/organisations",
    response={201: OrganisationDetailOut, **ERRORS_WRITE, **ERRORS_AUTH},
    auth=member_auth,
    operation_id="organisations_create",
    summary="Add an organisation (Secretariat)",
)
def organisations_create(request, payload: OrganisationIn):
    data = _values(payload.dict(exclude_unset=True))
    org = organisation_create(
        actor=request.user,
        name=data.pop("name"),
        kind=data.pop("kind"),
        slug=data.pop("slug", None) or "",
        **data,
    )
    return Status(201, organisation_detail_out(org, request))


@router.get(
    "/organisations/{slug}",
    response={200: OrganisationDetailOut, **ERRORS_READ},
    operation_id="organisations_read",
    summary="One organisation's profile",
)
def organisations_read(request, slug: str):
    return organisation_detail_out(_organisation_or_404(request, slug), request)


@router.patch(
    "/organisations/{slug}",
    response={200: OrganisationDetailOut, **ERRORS_EDIT},
    auth=member_auth,
    operation_id="organisations_update",
    summary="Edit a profile (its members or the Secretariat); send the version you edited",
)
def organisations_update(request, slug: str, payload: OrganisationPatch):
    org = _organisation_or_404(request, slug)
    data = _values(payload.dict(exclude_unset=True))
    version = data.pop("version")
    org = organisation_update(actor=request.user, organisation=org, version=version, **data)
    return organisation_detail_out(org, request)
