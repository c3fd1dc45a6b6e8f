"""Organisations under /api/v1/ (SPEC C5, §3).

Thin: validate, call a service or a query, shape the answer. Ticket sizes are money in US
dollars: ``{"amount": "<decimal string>", "currency": "USD"}``.
"""

from ninja import Query, Status

from ascn.core.api import (
    AppRouter,
    ShapedRows,
    fields_of,
    sent_as,
)
from ascn.core.queries import found
from ascn.network.queries import refuse_unknown_places
from ascn.partners import queries
from ascn.partners.models import Organisation
from ascn.partners.schemas import (
    OrganisationDetailOut,
    OrganisationFilters,
    OrganisationIn,
    OrganisationOut,
    OrganisationPatch,
)
from ascn.partners.services import organisation_create, organisation_update
from ascn.plans import money

router = AppRouter(tags=["partners"])


def _usd(amount) -> dict | None:
    return None if amount is None else money.money(amount, "USD")


def organisation_out(org: Organisation) -> dict:
    return {
        **fields_of(
            org,
            "slug version name alt_names kind headquarters_country countries focus_areas "
            "instruments stages",
        ),
        "ticket_min": _usd(org.ticket_min_usd),
        "ticket_max": _usd(org.ticket_max_usd),
        **fields_of(
            org, "capability_statement description website verified visibility sample source"
        ),
        "sources": org.sources or [],
        "url": org.get_absolute_url(),
        "updated_at": org.updated_at,
    }


def organisation_detail_out(org: Organisation, request) -> dict:
    members = None
    if request.user.is_authenticated:
        members = [
            {"name": m.user.get_full_name()}
            for m in org.memberships.active().select_related("user").order_by("user__full_name")
        ]
    return {**organisation_out(org), "members": members}


def _organisation_or_404(request, slug: str) -> Organisation:
    return found(queries.organisation_for(request.user, slug))


# The ticket sizes the body sends as money, which the service keeps as ``<key>_usd`` amounts;
# a refusal of one is located where the body sends it, for a 422's ``loc``.
TICKETS = ("ticket_min", "ticket_max")
TICKETS_SENT_AS = {f"{key}_usd": (key, "amount") for key in TICKETS}


def _values(data: dict) -> dict:
    """Schema fields → service fields (ticket money → USD amounts)."""
    for key in TICKETS:
        if key in data:
            value = data.pop(key)
            data[f"{key}_usd"] = value["amount"] if value else None
    return data


@router.page("/organisations", OrganisationOut, "Partner organisations you may see, by name")
def organisations_list(request, filters: Query[OrganisationFilters]):
    """Partner organisations you may see, by name: kind, countries, focus areas, financing
    instruments and ticket sizes (US dollars). Public records for everyone; `network`
    records for signed-in members; drafts for their owners, their National Representative
    and the Secretariat."""
    refuse_unknown_places(country=filters.country)
    return ShapedRows(queries.organisations_for(request.user, **filters.dict()), organisation_out)


@router.create("/organisations", OrganisationDetailOut, "Add an organisation (Secretariat)")
def organisations_create(request, payload: OrganisationIn):
    """The Secretariat adds an organisation's profile, with its `visibility`; the slug is
    made from the name unless given. Ticket sizes are US dollars."""
    data = _values(payload.dict(exclude_unset=True))
    with sent_as(TICKETS_SENT_AS):
        org = organisation_create(
            actor=request.user,
            name=data.pop("name"),
            kind=data.pop("kind"),
            slug=data.pop("slug", None) or "",
            **data,
        )
    return Status(201, organisation_detail_out(org, request))


@router.read("/organisations/{slug}", OrganisationDetailOut, "One organisation's profile")
def organisations_read(request, slug: str):
    """One organisation's profile; signed-in members also see who belongs to it."""
    return organisation_detail_out(_organisation_or_404(request, slug), request)


@router.write(
    "PATCH",
    "/organisations/{slug}",
    OrganisationDetailOut,
    "Edit a profile (its members or the Secretariat); send the version you edited",
)
def organisations_update(request, slug: str, payload: OrganisationPatch):
    """Edit a profile (its members or the Secretariat). Send the `version` you read (409
    when stale); fields left out are kept."""
    org = _organisation_or_404(request, slug)
    data = _values(payload.dict(exclude_unset=True))
    version = data.pop("version")
    with sent_as(TICKETS_SENT_AS):
        org = organisation_update(actor=request.user, organisation=org, version=version, **data)
    return organisation_detail_out(org, request)
