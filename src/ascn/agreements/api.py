"""API of agreements: read what you may see; the Secretariat records, edits and moves them."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Status

from ascn.agreements import queries
from ascn.agreements.models import Agreement
from ascn.agreements.schemas import (
    AgreementDetailOut,
    AgreementFilters,
    AgreementIn,
    AgreementOut,
    AgreementPatch,
    AgreementTransitionIn,
    PartyIn,
)
from ascn.agreements.services import agreement_create, agreement_transition, agreement_update
from ascn.core.api import AppRouter, ShapedRows, fields_of, patch_values
from ascn.core.errors import InvalidInput
from ascn.core.queries import found
from ascn.meetings.models import Meeting
from ascn.network.models import City, MemberState
from ascn.partners.models import Organisation
from ascn.partners.permissions import organisation_policy
from ascn.plans.permissions import project_policy

router = AppRouter(tags=["agreements"])


def agreement_out(agreement: Agreement) -> dict:
    return {
        "slug": agreement.slug,
        "title": agreement.title,
        "kind": agreement.kind or None,
        **fields_of(agreement, "status signed_date signed_date_precision"),
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


def _detail_out(request, agreement: Agreement) -> dict:
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


def _agreement_or_404(request, slug: str) -> Agreement:
    return found(queries.agreement_for(request.user, slug))


@router.read("/agreements/{slug}", AgreementDetailOut, "One agreement, with its parties")
def agreements_read(request, slug: str):
    """One agreement with its description, the projects it covers (those you may see) and a
    link to its document when one is held."""
    return _detail_out(request, _agreement_or_404(request, slug))


def _party(request, index: int, party: PartyIn) -> dict[str, Any]:
    """A party as the service takes it: the records it names looked up (422 when unknown)."""
    values: dict[str, Any] = party.dict()
    lookups = {
        "organisation": organisation_policy.visible(request.user, Organisation.objects.all())
        .filter(slug=party.organisation)
        .first,
        "city": City.objects.filter(slug=party.city).first,
        "member_state": MemberState.objects.filter(code=(party.member_state or "").upper()).first,
    }
    for key, lookup in lookups.items():
        if values[key] is None:
            continue
        values[key] = lookup()
        if values[key] is None:
            raise InvalidInput(
                str(NO_SUCH_PARTY[key]) % {"value": getattr(party, key)}, f"parties.{index}.{key}"
            )
    return values


NO_SUCH_PARTY = {
    "organisation": gettext_lazy("No organisation “%(value)s”."),
    "city": gettext_lazy("No city “%(value)s”."),
    "member_state": gettext_lazy("No member state “%(value)s”."),
}


def _meeting(slug: str | None) -> Meeting | None:
    if slug is None:
        return None
    meeting = Meeting.objects.filter(slug=slug).first()
    if meeting is None:
        raise InvalidInput(_("No meeting “%(slug)s”.") % {"slug": slug}, "meeting")

    return meeting


@router.add("/agreements", AgreementDetailOut, "Record an agreement (the Secretariat)")
def agreements_create(request, payload: AgreementIn):
    """Record an agreement with two or more parties (each may name its organisation, ASCN
    city or member state), as a draft or, with its `signed_date`, as signed. The Secretariat
    only."""
    data = payload.dict()
    data["parties"] = [_party(request, i, p) for i, p in enumerate(payload.parties)]
    data["meeting"] = _meeting(data["meeting"])
    data["slug"] = data["slug"] or ""
    data["kind"] = data["kind"] or ""
    agreement = agreement_create(actor=request.user, **data)
    return Status(201, _detail_out(request, agreement))


@router.write(
    "PATCH",
    "/agreements/{slug}",
    AgreementDetailOut,
    "Edit an agreement's record; send the version you read",
)
def agreements_update(request, slug: str, payload: AgreementPatch):
    """Edit an agreement (the Secretariat). Fields left out are kept; `parties` and `projects`,
    when sent, replace the lists. Send the `version` you read (409 when stale). The status
    moves through `/transition`."""
    agreement = _agreement_or_404(request, slug)
    version, data = patch_values(payload)
    if "parties" in data:
        data["parties"] = [_party(request, i, p) for i, p in enumerate(payload.parties)]
    if "meeting" in data:
        data["meeting"] = _meeting(data["meeting"])
    if "projects" in data and data["projects"] is None:
        data["projects"] = []
    for key in ("kind", "signed_place", "description", "source"):
        if key in data and data[key] is None:
            data[key] = ""
    agreement_update(actor=request.user, agreement=agreement, version=version, **data)
    return _detail_out(request, _agreement_or_404(request, slug))


@router.write(
    "POST",
    "/agreements/{slug}/transition",
    AgreementDetailOut,
    "Move an agreement's status (signed, active, expired, terminated)",
)
def agreements_transition(request, slug: str, payload: AgreementTransitionIn):
    """Move an agreement along its statuses: draft → signed → active → expired or
    terminated. A move the table does not allow is a 409 naming both statuses. The
    Secretariat only."""
    agreement = _agreement_or_404(request, slug)
    agreement_transition(actor=request.user, agreement=agreement, **payload.dict())
    return _detail_out(request, _agreement_or_404(request, slug))
