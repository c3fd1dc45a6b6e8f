"""API of the network registry: read by everyone; officers' appointments kept by the
Secretariat."""

from typing import Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Path, Query, Status
from pydantic import Field

from ascn.core.api import SAME_FOR_EVERYONE, AppRouter, InputSchema, ShapedRows
from ascn.core.errors import InvalidInput
from ascn.network import queries
from ascn.network.models import Appointment, City, FocusArea, MemberState, Outcome, SizeClass
from ascn.network.schemas import (
    AppointmentEndIn,
    AppointmentIn,
    AppointmentOut,
    CityDetailOut,
    CityOut,
    FrameworkOut,
    MemberStateOut,
)
from ascn.network.services import appointment_end, officer_appoint

router = AppRouter(tags=["network registry"])


def officer_out(appointment: Appointment, *, signed_in: bool) -> dict:
    person = appointment.person
    return {
        "name": person.full_name,
        "role": appointment.role,
        "designation": appointment.designation,
        "designation_lines": appointment.designation_lines,
        "start_date": appointment.start_date,
        "start_date_precision": appointment.start_date_precision,
        "end_date": appointment.end_date,
        "email": (person.email or None) if signed_in else None,
        "phone": (person.phone or None) if signed_in else None,
    }


def city_out(city: City) -> dict:
    return {
        "slug": city.slug,
        "name": city.name,
        "country": city.member_state.code,
        "country_name": city.member_state.name,
        "cohort": city.cohort,
        "population": city.population,
        "population_year": city.population_year,
        "population_source": city.population_source,
        "size_class": city.size_class,
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
    return [
        {
            "code": state.code,
            "name": state.name,
            "official_name": state.official_name,
            "asean_member_since": state.asean_member_since,
            "cities_count": state.cities_count,
            "national_representatives": [
                officer_out(a, signed_in=signed_in) for a in state.national_representatives
            ],
            "url": state.get_absolute_url(),
        }
        for state in queries.member_states()
    ]


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
    return ShapedRows(queries.cities(**filters.dict()), city_out)


@router.read("/cities/{slug}", CityDetailOut, "One city with its current Chief Smart City Officers")
def cities_read(request, slug: str = Path(..., max_length=80, pattern=r"^[-a-z0-9]+$")):
    """One city with its alternative names, the sources of its figures and its current Chief
    Smart City Officers (their e-mail and phone for signed-in members only)."""
    try:
        city = queries.city_with_officers(slug)
    except City.DoesNotExist:
        raise Http404 from None
    signed_in = _signed_in(request)
    return {
        **city_out(city),
        "alt_names": city.alt_names,
        "cohort_source": city.cohort_source,
        "cohort_note": city.cohort_note,
        "population_note": city.population_note,
        "officers": [officer_out(a, signed_in=signed_in) for a in city.current_officers],
    }


def appointment_out(appointment: Appointment) -> dict:
    return {
        "id": appointment.pk,
        "name": appointment.person.full_name,
        "role": appointment.role,
        "member_state": appointment.member_state.code,
        "city": appointment.city.slug if appointment.city_id else None,
        "designation": appointment.designation,
        "start_date": appointment.start_date,
        "start_date_precision": appointment.start_date_precision,
        "end_date": appointment.end_date,
        "source": appointment.source,
    }


@router.write(
    "POST",
    "/appointments",
    AppointmentOut,
    "Record an officer's appointment (the Secretariat)",
    status=201,
)
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
        full_name=payload.full_name,
        email=payload.email,
        role=payload.role,
        member_state=state,
        city=city,
        designation=payload.designation,
        start_date=payload.start_date,
        source=payload.source,
        succeeds=payload.succeeds,
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
