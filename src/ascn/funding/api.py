"""Funding programmes, calls, applications, awards and disbursements under /api/v1/.

Thin: validate the input, call a service, shape the answer. Money is
``{"amount": "<decimal string>", "currency": "<ISO 4217>"}`` in the programme's currency.
"""

from typing import Literal

from django.utils.text import slugify
from django.utils.translation import gettext as _
from ninja import Query, Status

from ascn.core.api import ERRORS_READ, AppRouter, ShapedRows, fields_of, patch_values, sent_as
from ascn.core.errors import InvalidInput
from ascn.core.queries import found
from ascn.core.services import free_slug
from ascn.funding import queries
from ascn.funding.models import Application, Award, Call, Programme
from ascn.funding.schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationRead,
    ApplicationTransitionIn,
    AwardIn,
    CallIn,
    CallOut,
    CallPatch,
    DisbursementIn,
    DisbursementOut,
    ProgrammeDetailOut,
    ProgrammeIn,
    ProgrammeOut,
    ProgrammePatch,
)
from ascn.funding.services import (
    allowed_actions,
    application_award,
    application_create,
    application_delete,
    application_transition,
    call_create,
    call_update,
    disbursement_create,
    programme_create,
    programme_update,
)
from ascn.funding.validation import call_is_open
from ascn.partners.models import Organisation
from ascn.partners.queries import organisations_for
from ascn.plans import money
from ascn.plans.models import Project
from ascn.plans.permissions import project_policy

router = AppRouter(tags=["programmes"])

# The application service's fields where the body sends them, for a 422's ``loc``.
APPLICATION_SENT_AS = {
    "amount_requested": ("amount_requested", "amount"),
    "currency": ("amount_requested", "currency"),
}
# A programme's money as the body sends it (the services name the model's fields).
PROGRAMME_SENT_AS = {
    "total_amount": ("total", "amount"),
    "currency": ("total", "currency"),
    "max_award_amount": ("max_award", "amount"),
}


def _org(organisation) -> dict | None:
    if organisation is None:
        return None
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "url": organisation.get_absolute_url(),
    }


def programme_out(programme: Programme) -> dict:
    currency = programme.currency
    return {
        **fields_of(programme, "slug version name"),
        "sponsor": _org(programme.sponsor),
        "implementer": _org(programme.implementer),
        "total": money.money(programme.total_amount, currency),
        "awarded": money.money(programme.awarded_amount, currency),
        "disbursed": money.money(programme.disbursed_amount, currency),
        "balance": money.money(programme.balance, currency),
        "max_award": (
            money.money(programme.max_award_amount, currency)
            if programme.max_award_amount is not None
            else None
        ),
        **fields_of(programme, "period_start period_end period_label"),
        "open_calls": getattr(programme, "open_calls", 0),
        **fields_of(programme, "visibility sample source"),
        "url": programme.get_absolute_url(),
    }


def call_out(call: Call) -> dict:
    return {
        "id": call.pk,
        **fields_of(call, "version title description opens_on closes_on"),
        "is_open": call_is_open(call),
        "sample": call.sample,
    }


def award_out(award: Award, currency: str) -> dict:
    application = award.application
    return {
        "id": award.pk,
        "application": application.pk,
        "project": application.project_id,
        "project_title": application.project.title,
        "city": application.project.city.slug,
        "amount": money.money(award.amount, currency),
        "disbursed": money.money(award.disbursed_amount, currency),
        "remaining": money.money(award.amount - award.disbursed_amount, currency),
        "awarded_on": award.awarded_on,
    }


def programme_detail_out(programme: Programme, user) -> dict:
    return {
        **programme_out(programme),
        "description": programme.description,
        "website": programme.website,
        "eligibility": {
            "countries": programme.eligible_countries,
            "focus_areas": programme.eligible_focus_areas,
            "stages": programme.eligible_stages,
            "instruments": programme.instruments,
        },
        "calls": [call_out(call) for call in programme.calls.all()],
        "awards": [
            award_out(award, programme.currency) for award in queries.awards_of(programme, user)
        ],
    }


def application_out(application: Application, user) -> dict:
    programme = application.call.programme
    award = getattr(application, "award", None) if application.status == "awarded" else None
    return {
        "id": application.pk,
        "version": application.version,
        "call": application.call_id,
        "call_title": application.call.title,
        "programme": programme.slug,
        "project": application.project_id,
        "project_title": application.project.title,
        "city": application.project.city.slug,
        "country": application.project.city.member_state.code,
        "status": application.status,
        "amount_requested": money.money(application.amount_requested, programme.currency),
        "statement": application.statement,
        "submitted_at": application.submitted_at,
        "award": award_out(award, programme.currency) if award else None,
        "actions": allowed_actions(user, application),
        "sample": application.sample,
    }


def _programme_or_404(request, slug: str) -> Programme:
    return found(queries.programmes_for(request.user).filter(slug=slug).first())


def _programme_detail(request, slug: str) -> dict:
    """The programme as the API shows it after reading or writing it."""
    return programme_detail_out(_programme_or_404(request, slug), request.user)


def _organisation(request, slug: str, field: str) -> Organisation:
    """An organisation named by its slug in the payload's ``field`` (422 when unknown)."""
    organisation = organisations_for(request.user).filter(slug=slug).first()
    if organisation is None:
        raise InvalidInput(_("No organisation with this slug."), field)
    return organisation


# A PATCH's null clears these fields to their empty value.
_CLEARED_BY_NULL = {
    **dict.fromkeys(
        ("eligible_countries", "eligible_focus_areas", "eligible_stages", "instruments"), list
    ),
    **dict.fromkeys(("description", "period_label", "website", "source"), str),
}


def _application_or_404(request, application_id: int) -> Application:
    return found(queries.applications_for(request.user).filter(pk=application_id).first())


def _amount_in(value: dict, currency: str, field: str) -> str:
    if value["currency"] != currency:
        raise InvalidInput(
            _("Give the amount in the programme's currency (%(currency)s).")
            % {"currency": currency},
            field,
        )

    return value["amount"]


@router.page(
    "/programmes", ProgrammeOut, "Funding programmes you may see, by name, with their balance"
)
def programmes_list(request):
    """Funding programmes you may see, by name, each with its total, awarded, disbursed and
    balance (money as decimal strings in the programme's currency) and its count of open
    calls."""
    return ShapedRows(queries.programmes_for(request.user), programme_out)


@router.read(
    "/programmes/{slug}",
    ProgrammeDetailOut,
    "One funding programme: eligibility, calls, awards and balance",
)
def programmes_read(request, slug: str):
    """One programme: eligibility (countries, focus areas, stages, instruments), its calls
    and its awards (those you may see)."""
    return _programme_detail(request, slug)


@router.add(
    "/programmes",
    ProgrammeDetailOut,
    "Add a funding programme (the sponsor's members, the Secretariat)",
)
def programmes_create(request, payload: ProgrammeIn):
    """Add a funding programme (members of the sponsor organisation, or the Secretariat). The
    slug is made from the name unless given; money in the programme's currency (`total`'s);
    a new programme is a draft unless `visibility` says otherwise."""
    data = payload.dict()
    sponsor = _organisation(request, data.pop("sponsor"), "sponsor")
    implementer_slug = data.pop("implementer")
    implementer = (
        _organisation(request, implementer_slug, "implementer") if implementer_slug else None
    )
    total = data.pop("total")
    currency = total["currency"]
    cap = data.pop("max_award")
    slug = data.pop("slug") or free_slug(Programme, slugify(data["name"])[:90] or "programme")
    with sent_as(PROGRAMME_SENT_AS):
        programme = programme_create(
            actor=request.user,
            slug=slug,
            sponsor=sponsor,
            implementer=implementer,
            total_amount=total["amount"],
            currency=currency,
            max_award_amount=None if cap is None else _amount_in(cap, currency, "max_award"),
            **data,
        )
    return Status(201, _programme_detail(request, programme.slug))


@router.write(
    "PATCH",
    "/programmes/{slug}",
    ProgrammeDetailOut,
    "Edit a programme (its sponsor's or implementer's members, the Secretariat)",
)
def programmes_update(request, slug: str, payload: ProgrammePatch):
    """Edit a programme (members of its sponsor or implementer, or the Secretariat). Money
    in the programme's currency; send the `version` you read (409 when stale)."""
    programme = _programme_or_404(request, slug)
    version, data = patch_values(payload)
    if "total" in data:
        data["total_amount"] = _amount_in(data.pop("total"), programme.currency, "total")
    if "max_award" in data:
        cap = data.pop("max_award")
        data["max_award_amount"] = (
            None if cap is None else _amount_in(cap, programme.currency, "max_award")
        )
    for key, empty in _CLEARED_BY_NULL.items():
        if key in data and data[key] is None:
            data[key] = empty()
    with sent_as(PROGRAMME_SENT_AS):
        programme_update(actor=request.user, programme=programme, version=version, **data)
    return _programme_detail(request, slug)


@router.page(
    "/programmes/{slug}/calls",
    CallOut,
    "The programme's calls for applications, latest first",
)
def programme_calls_list(request, slug: str):
    """The programme's calls for applications, latest first, each saying whether it is open
    today."""
    programme = _programme_or_404(request, slug)
    return ShapedRows(programme.calls.all(), call_out)


@router.add(
    "/programmes/{slug}/calls", CallOut, "Open a call for applications (the programme's managers)"
)
def programme_calls_create(request, slug: str, payload: CallIn):
    """Open a call for applications (the programme's managers or the Secretariat): title,
    description and the dates it opens and closes."""
    programme = _programme_or_404(request, slug)
    call = call_create(actor=request.user, programme=programme, **payload.dict())
    return Status(201, call_out(call))


@router.write(
    "PATCH",
    "/programmes/{slug}/calls/{call_id}",
    CallOut,
    "Edit a call; send the version you edited",
)
def programme_calls_update(request, slug: str, call_id: int, payload: CallPatch):
    """Edit a call (the programme's managers or the Secretariat); send the `version` you
    read (409 when stale)."""
    programme = _programme_or_404(request, slug)
    call = found(programme.calls.filter(pk=call_id).first())
    version, data = patch_values(payload)
    if "description" in data and data["description"] is None:
        data["description"] = ""
    call = call_update(actor=request.user, call=call, version=version, **data)
    return call_out(call)


@router.page(
    "/programmes/{slug}/applications",
    ApplicationOut,
    "Applications you may see: your city's, or all of a programme you manage",
    signed_in=True,
)
def programme_applications_list(request, slug: str):
    """Applications to this programme's calls: your city's, or all of them for the
    programme's managers and the Secretariat."""
    programme = _programme_or_404(request, slug)
    rows = queries.applications_for(request.user).filter(call__programme=programme)
    return ShapedRows(rows, lambda a: application_out(a, request.user))


@router.add(
    "/programmes/{slug}/applications",
    ApplicationOut,
    "Apply to a call with one of your city's projects (a draft)",
)
def programme_applications_create(request, slug: str, payload: ApplicationIn):
    """A city's CSCO applies to one of the programme's calls with one of the city's
    projects, the amount in the programme's currency. The application starts as a draft:
    submit it with `POST /api/v1/applications/{application_id}/submit` while the call is
    open."""
    programme = _programme_or_404(request, slug)
    call = programme.calls.filter(pk=payload.call).first()
    if call is None:
        raise InvalidInput(_("Unknown call of this programme."), field="call")
    project = (
        project_policy.visible(request.user, Project.objects.all())
        .select_related("city__member_state")
        .filter(pk=payload.project)
        .first()
    )
    if project is None:
        raise InvalidInput(_("Unknown project."), field="project")
    with sent_as(APPLICATION_SENT_AS):
        application = application_create(
            actor=request.user,
            call=call,
            project=project,
            amount_requested=payload.amount_requested.amount,
            currency=payload.amount_requested.currency,
            statement=payload.statement,
        )
    return Status(201, application_out(_application_or_404(request, application.pk), request.user))


@router.read(
    "/applications/{application_id}",
    ApplicationOut,
    "One application, with the transitions you may take",
    errors=ERRORS_READ,
    signed_in=True,
)
def applications_read(request, application_id: int):
    """One application to a programme's call, with its award when awarded and `actions`: the
    transitions you may take now. Seen by the applying city's members and the programme's
    managers."""
    return application_out(_application_or_404(request, application_id), request.user)


@router.write(
    "DELETE",
    "/applications/{application_id}",
    None,
    "Delete a draft application (the applying city)",
    status=204,
)
def applications_delete(request, application_id: int, read: Query[ApplicationRead]):
    """The applying city deletes its `draft` application (a wrong amount, project or call),
    which frees the project to apply to that call again. With the `version` read: 409 when
    it changed since, or when the application is no longer a draft (a submitted one stays
    with the programme)."""
    application = _application_or_404(request, application_id)
    application_delete(actor=request.user, application=application, version=read.version)
    return Status(204, None)


@router.add(
    "/applications/{application_id}/award",
    ApplicationOut,
    "Award a shortlisted application (at most the balance and the largest award)",
)
def applications_award(request, application_id: int, payload: AwardIn):
    """The programme's managers award a `shortlisted` application: `amount` in the
    programme's currency, at most the programme's balance and its largest award. Answers the
    application with its award (201); 409 on a stale `version` or another status."""
    application = _application_or_404(request, application_id)
    currency = application.call.programme.currency
    application_award(
        actor=request.user,
        application=application,
        amount=_amount_in(payload.amount.dict(), currency, "amount"),
        version=payload.version,
        awarded_on=payload.awarded_on,
    )
    return Status(201, application_out(_application_or_404(request, application_id), request.user))


@router.write(
    "POST",
    "/applications/{application_id}/{action}",
    ApplicationOut,
    "Submit (the city), shortlist or decline (the programme's managers)",
)
def applications_transition(
    request,
    application_id: int,
    action: Literal["submit", "shortlist", "decline"],
    payload: ApplicationTransitionIn,
):
    """Move an application: `submit` (the applying city, from `draft`, while the call is
    open), `shortlist` (the programme's managers, from `submitted`) or `decline` (the
    managers, from `submitted` or `shortlisted`). Send the `version` you read; 409 when
    stale or when the move is not allowed from its status."""
    application = _application_or_404(request, application_id)
    application_transition(
        actor=request.user, application=application, action=action, version=payload.version
    )
    return application_out(_application_or_404(request, application_id), request.user)


@router.add(
    "/awards/{award_id}/disbursements",
    DisbursementOut,
    "Record a payment of an award (at most what remains of it)",
)
def award_disbursements_create(request, award_id: int, payload: DisbursementIn):
    """Record a payment of an award (the programme's managers): `amount` in the programme's
    currency, at most what remains of the award. Answers the payment with what remains of
    the award and the programme's total paid. Send `disbursed` (the award's, as read) so that
    a request sent twice is a 409, not a second payment; a `reference` recorded already for
    the award is a 422."""
    award = found(queries.awards_for(request.user).filter(pk=award_id).first())
    currency = award.programme.currency
    disbursement = disbursement_create(
        actor=request.user,
        award=award,
        amount=_amount_in(payload.amount.dict(), currency, "amount"),
        paid_on=payload.paid_on,
        reference=payload.reference,
        disbursed=(
            None
            if payload.disbursed is None
            else _amount_in(payload.disbursed.dict(), currency, "disbursed")
        ),
    )
    award.refresh_from_db()
    award.programme.refresh_from_db()
    return Status(
        201,
        {
            "id": disbursement.pk,
            "award": award.pk,
            "amount": money.money(disbursement.amount, currency),
            "paid_on": disbursement.paid_on,
            "reference": disbursement.reference,
            "award_remaining": money.money(award.amount - award.disbursed_amount, currency),
            "programme_disbursed": money.money(award.programme.disbursed_amount, currency),
        },
    )
