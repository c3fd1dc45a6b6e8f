"""API of the network registry: read by everyone; officers' appointments kept by the
Secretariat."""

from decimal import Decimal
from typing import Any, Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Path, Query, Status
from pydantic import Field

from ascn.core.api import (
    SAME_FOR_EVERYONE,
    AppRouter,
    InputSchema,
    ShapedRows,
    fields_of,
    patch_values,
)
from ascn.core.errors import InvalidInput
from ascn.core.queries import found
from ascn.network import queries
from ascn.network.models import Appointment, City, FocusArea, MemberState, Outcome, SizeClass
from ascn.network.schemas import (
    AppointmentEndIn,
    AppointmentIn,
    AppointmentOut,
    CityDetailOut,
    CityIn,
    CityOut,
    CityPatch,
    FrameworkOut,
    MemberStateOut,
    MemberStatePatch,
)
from ascn.network.services import (
    appointment_end,
    city_create,
    city_update,
    member_state_update,
    officer_appoint,
)

router = AppRouter(tags=["network registry"])


def officer_out(appointment: Appointment, *, signed_in: bool) -> dict:
    person = appointment.person
    return {
        "name": person.full_name,
        **fields_of(
            appointment,
            "role designation designation_lines start_date start_date_precision end_date",
        ),
        "email": (person.email or None) if signed_in else None,
        "phone": (person.phone or None) if signed_in else None,
    }


def city_out(city: City) -> dict:
    return {
        "slug": city.slug,
        "name": city.name,
        "country": city.member_state.code,
        "country_name": city.member_state.name,
        **fields_of(city, "cohort population population_year population_source size_class"),
        "lat": float(city.latitude),
        "lon": float(city.longitude),
        "url": city.get_absolute_url(),
    }


def _signed_in(request) -> bool:
    return bool(getattr(request, "user", None) and request.user.is_authenticated)


@router.get(
    "/framework",
    response={200: FrameworkOut},
    operation_id="framework",
    openapi_extra=SAME_FOR_EVERYONE,
    summary="The ASEAN Smart Cities Framework: strategic outcomes and focus areas",
)
def framework(request):
    """The ASEAN Smart Cities Framework: its strategic outcomes and focus areas, whose codes
    the projects, plans and search filters use. The same for everyone."""
    return {"outcomes": list(Outcome.objects.all()), "focus_areas": list(FocusArea.objects.all())}


@router.page(
    "/member-states",
    MemberStateOut,
    "The ASEAN member states with their city counts and National Representatives",
)
def member_states_list(request):
    """The ASEAN member states with their ASCN city counts and current National
    Representatives (their e-mail and phone for signed-in members only)."""
    signed_in = _signed_in(request)
    return [member_state_out(state, signed_in=signed_in) for state in queries.member_states()]


def member_state_out(state: MemberState, *, signed_in: bool) -> dict:
    return {
        **fields_of(
            state, "code name label official_name asean_member_since note source cities_count"
        ),
        "national_representatives": [
            officer_out(a, signed_in=signed_in) for a in state.national_representatives
        ],
        "url": state.get_absolute_url(),
        "version": state.version,
    }


class CityFilters(InputSchema):
    country: str | None = Field(
        None, pattern=r"^[A-Za-z]{2}$", description="Member state, ISO 3166-1 alpha-2 (e.g. TH)"
    )
    cohort: int | None = Field(None, ge=2018, le=2100, description="Year the city joined")
    size_class: Literal[(*SizeClass.values, "unknown")] | None = Field(  # type: ignore[valid-type]
        None, description="Size class; `unknown` for cities without an official population"
    )
    q: str | None = Field(None, max_length=200, description="Search in names")


@router.page("/cities", CityOut, "ASCN cities, filtered", openapi_extra=SAME_FOR_EVERYONE)
def cities_list(request, filters: Query[CityFilters]):
    """The ASCN cities with their member state, the year they joined (cohort), population
    (with its year and source) and size class. The same for everyone."""
    queries.refuse_unknown_places(country=filters.country)
    return ShapedRows(queries.cities(**filters.dict()), city_out)


@router.read("/cities/{slug}", CityDetailOut, "One city with its current Chief Smart City Officers")
def cities_read(request, slug: str = Path(..., max_length=80, pattern=r"^[-a-z0-9]+$")):
    """One city with its alternative names, the sources of its figures and its current Chief
    Smart City Officers (their e-mail and phone for signed-in members only)."""
    return city_detail_out(request, slug)


def city_detail_out(request, slug: str) -> dict:
    try:
        city = queries.city_with_officers(slug)
    except City.DoesNotExist:
        raise Http404 from None
    signed_in = _signed_in(request)
    return {
        **city_out(city),
        **fields_of(city, "alt_names cohort_source cohort_note population_note"),
        "officers": [officer_out(a, signed_in=signed_in) for a in city.current_officers],
        "version": city.version,
    }


def _coordinates(data: dict[str, Any]) -> dict[str, Any]:
    """The API's ``lat``/``lon`` as the model's five-decimal ``latitude``/``longitude``."""
    for short, field in (("lat", "latitude"), ("lon", "longitude")):
        if short in data:
            data[field] = round(Decimal(str(data.pop(short))), 5)
    return data


@router.write(
    "PATCH",
    "/member-states/{code}",
    MemberStateOut,
    "Edit a member state's official name, membership date, note and source (the Secretariat)",
)
def member_states_update(
    request, payload: MemberStatePatch, code: str = Path(..., pattern=r"^[A-Za-z]{2}$")
):
    """Edit a member state's official name, ASEAN membership date, note and source (the
    Secretariat); send the `version` you read (409 when stale). A field sent as null is
    cleared; one left out is kept."""
    state = found(MemberState.objects.filter(code=code.upper()).first())
    version, data = patch_values(payload)
    for key in ("official_name", "note", "source"):
        if key in data and data[key] is None:
            data[key] = ""
    member_state_update(actor=request.user, member_state=state, version=version, **data)
    updated = queries.member_states().get(pk=state.pk)
    return member_state_out(updated, signed_in=True)


@router.add("/cities", CityDetailOut, "Add a city to the network (the Secretariat)")
def cities_create(request, payload: CityIn):
    """Add a city to the network (the Secretariat): its member state, name, the year it
    joined and its coordinates; a population needs its year and source. The slug is made
    from the name unless given."""
    data = _coordinates(payload.dict())
    code = data.pop("member_state").upper()
    state = MemberState.objects.filter(code=code).first()
    if state is None:
        raise InvalidInput(_("No member state “%(code)s”.") % {"code": code}, "member_state")
    city = city_create(actor=request.user, member_state=state, **data)
    return Status(201, city_detail_out(request, city.slug))


@router.write(
    "PATCH",
    "/cities/{slug}",
    CityDetailOut,
    "Edit a city's record (the Secretariat)",
)
def cities_update(
    request, payload: CityPatch, slug: str = Path(..., max_length=80, pattern=r"^[-a-z0-9]+$")
):
    """Edit a city's record (the Secretariat); send the `version` you read (409 when stale).
    A field sent as null is cleared; one left out is kept. The slug and member state stay."""
    city = found(City.objects.filter(slug=slug).first())
    data = _coordinates(payload.dict(exclude_unset=True))
    version = data.pop("version")
    for key in (
        "alt_names",
        "cohort_source",
        "cohort_note",
        "population_source",
        "population_note",
    ):
        if key in data and data[key] is None:
            data[key] = ""
    city_update(actor=request.user, city=city, version=version, **data)
    return city_detail_out(request, slug)


def appointment_out(appointment: Appointment) -> dict:
    return {
        "id": appointment.pk,
        "name": appointment.person.full_name,
        "role": appointment.role,
        "member_state": appointment.member_state.code,
        "city": appointment.city.slug if appointment.city_id else None,
        **fields_of(appointment, "designation start_date start_date_precision end_date source"),
    }


@router.add("/appointments", AppointmentOut, "Record an officer's appointment (the Secretariat)")
def appointments_create(request, payload: AppointmentIn):
    """Record a Chief Smart City Officer of a city or a National Representative of a member
    state (the Secretariat), with its source. With `succeeds`, the officers in that office
    now hand over on `start_date`: their appointments end then and stay in the history."""
    state = MemberState.objects.filter(code=payload.member_state.upper()).first()
    if state is None:
        raise InvalidInput(
            _("No member state “%(code)s”.") % {"code": payload.member_state}, "member_state"
        )
    city = None
    if payload.city is not None:
        city = City.objects.filter(slug=payload.city).first()
        if city is None:
            raise InvalidInput(_("No ASCN city “%(slug)s”.") % {"slug": payload.city}, "city")

    appointment = officer_appoint(
        actor=request.user,
        member_state=state,
        city=city,
        **payload.dict(exclude={"member_state", "city"}),
    )
    return Status(201, appointment_out(appointment))


@router.write(
    "POST",
    "/appointments/{appointment_id}/end",
    AppointmentOut,
    "End an appointment; it stays in the history (the Secretariat)",
)
def appointments_end(request, appointment_id: int, payload: AppointmentEndIn):
    """End an officer's appointment on `end_date` (the Secretariat). The record stays, as
    history; ending it twice is refused."""
    appointment = (
        Appointment.objects.select_related("person", "city", "member_state")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None:
        raise Http404
    appointment = appointment_end(
        actor=request.user, appointment=appointment, end_date=payload.end_date
    )
    return appointment_out(appointment)
