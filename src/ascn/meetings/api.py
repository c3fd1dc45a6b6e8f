"""API of meetings: the list, one meeting, self-registration and iCalendar feeds.

The ``.ics`` routes are declared before ``/meetings/{slug}`` so that the path converter
of the detail route never swallows ``{slug}.ics``.
"""

from django.http import HttpResponse
from ninja import Query, Status

from ascn.core.api import (
    ERRORS_AUTH,
    ERRORS_READ,
    AppRouter,
    ErrorOut,
    ShapedRows,
    member_auth,
)
from ascn.core.errors import NotFound
from ascn.core.queries import found
from ascn.meetings import calendar, queries
from ascn.meetings.models import Meeting, Registration
from ascn.meetings.schemas import MeetingDetailOut, MeetingFilters, MeetingOut, RegistrationOut
from ascn.meetings.services import registration_cancel, registration_register, waiting_position

router = AppRouter(tags=["meetings"])

ICS_RESPONSE = {
    "responses": {
        200: {
            "description": "An iCalendar (RFC 5545) document",
            "content": {"text/calendar": {"schema": {"type": "string"}}},
        }
    }
}
ERRORS_REGISTER = {**ERRORS_AUTH, 404: ErrorOut, 422: ErrorOut}


def meeting_out(meeting: Meeting) -> dict:
    return {
        "slug": meeting.slug,
        "title": meeting.title,
        "kind": meeting.kind,
        "number": meeting.number,
        "start_date": meeting.start_date,
        "end_date": meeting.end_date,
        "date_precision": meeting.date_precision,
        "host_member_state": meeting.host_member_state.code if meeting.host_member_state else None,
        "host_city": meeting.host_city.slug if meeting.host_city else None,
        "place": meeting.place,
        "format": meeting.format,
        "uncertain": meeting.uncertain,
        "uncertainty_note": meeting.uncertainty_note,
        "source": meeting.source,
        "capacity": meeting.capacity,
        "registration_open": meeting.registration_open,
        "registered_count": meeting.registered_count,
        "waitlisted_count": meeting.waitlisted_count,
        "url": meeting.get_absolute_url(),
        "ics_url": (
            f"/api/v1/meetings/{meeting.slug}.ics" if calendar.has_calendar_dates(meeting) else None
        ),
    }


def registration_out(registration: Registration) -> dict:
    return {
        "status": registration.status,
        "waiting_position": waiting_position(registration),
        "checked_in": registration.checked_in_at is not None,
        "created_at": registration.created_at,
    }


def _meeting_or_404(request, slug: str) -> Meeting:
    return found(queries.meeting_for(request.user, slug))


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.get(
    "/meetings.ics",
    response={422: ErrorOut},
    operation_id="meetings_calendar",
    summary="All meetings known to the day, as an iCalendar feed",
    description="Meetings known only to the month or year are left out (no day is invented).",
    openapi_extra=ICS_RESPONSE,
)
def meetings_calendar(request):
    meetings = queries.meetings_for(request.user).order_by("start_date")
    return _ics(calendar.calendar_of(meetings, name="ASCN meetings"), "ascn-meetings.ics")


@router.get(
    "/meetings/{slug}.ics",
    response=ERRORS_READ,
    operation_id="meetings_read_calendar",
    summary="One meeting as an iCalendar file",
    description="404 also when the meeting's dates are known only to the month or year.",
    openapi_extra=ICS_RESPONSE,
)
def meetings_read_calendar(request, slug: str):
    meeting = _meeting_or_404(request, slug)
    if not calendar.has_calendar_dates(meeting):
        raise NotFound("This meeting's day is not on record, so it has no calendar entry.")
    return _ics(calendar.calendar_of([meeting], name=meeting.title), f"{meeting.slug}.ics")


@router.page("/meetings", MeetingOut, "Meetings of the network, latest first")
def meetings_list(request, filters: Query[MeetingFilters]):
    """Meetings of the network, latest first, with dates (and how precisely they are known),
    host, format, capacity and registration counts. Filter by kind or year."""
    return ShapedRows(queries.meetings_for(request.user, **filters.dict()), meeting_out)


@router.read(
    "/meetings/{slug}",
    MeetingDetailOut,
    "One meeting with its agenda, decisions and registration counts",
)
def meetings_read(request, slug: str):
    """One meeting with its description, agenda, decisions and minutes, and your own
    registration when you are signed in and registered."""
    meeting = _meeting_or_404(request, slug)
    mine = queries.own_registration(request.user, meeting)
    return {
        **meeting_out(meeting),
        "description": meeting.description,
        "version": meeting.version,
        "agenda": list(meeting.agenda_items.all()),
        "decisions": list(meeting.decisions.all()),
        "minutes": meeting.minutes,
        "my_registration": registration_out(mine) if mine else None,
    }


@router.post(
    "/meetings/{slug}/registrations",
    response={201: RegistrationOut, **ERRORS_REGISTER},
    auth=member_auth,
    operation_id="meetings_register",
    summary="Register yourself (a seat, or the waiting list when the meeting is full)",
    description=(
        "Chief Smart City Officers, National Representatives and the Secretariat register "
        "themselves. Registering again returns the existing registration."
    ),
)
def meetings_register(request, slug: str):
    meeting = _meeting_or_404(request, slug)
    registration = registration_register(actor=request.user, meeting=meeting)
    return Status(201, registration_out(registration))


@router.delete(
    "/meetings/{slug}/registrations",
    response={200: RegistrationOut, **ERRORS_REGISTER},
    auth=member_auth,
    operation_id="meetings_cancel_registration",
    summary="Cancel your registration (the first person waiting gets the seat)",
)
def meetings_cancel_registration(request, slug: str):
    """Cancel your own registration; when you held a seat, the first person on the waiting
    list gets it. 404 when you are not registered."""
    meeting = _meeting_or_404(request, slug)
    return registration_out(registration_cancel(actor=request.user, meeting=meeting))
