"""API of meetings: the list, one meeting, self-registration and iCalendar feeds; the
Secretariat's writes (create and edit a meeting, its agenda, check-in).

The ``.ics`` routes are declared before ``/meetings/{slug}`` so that the path converter
of the detail route never swallows ``{slug}.ics``.
"""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Status

from ascn.core.api import (
    ERRORS_AUTH,
    ERRORS_READ,
    ERRORS_WRITE,
    AppRouter,
    ErrorOut,
    ShapedRows,
    fields_of,
)
from ascn.core.errors import InvalidInput, NotFound
from ascn.core.queries import found
from ascn.meetings import calendar, queries
from ascn.meetings.models import AgendaItem, Meeting, Registration
from ascn.meetings.permissions import require_meeting_runner
from ascn.meetings.schemas import (
    AgendaItemIn,
    AgendaItemOut,
    AgendaItemPatch,
    AnnouncementOut,
    CheckInOut,
    MeetingDetailOut,
    MeetingFilters,
    MeetingIn,
    MeetingOut,
    MeetingPatch,
    RegistrationFilters,
    RegistrationOut,
    RegistrationRowOut,
)
from ascn.meetings.services import (
    agenda_item_add,
    agenda_item_move,
    agenda_item_update,
    check_in,
    check_in_undo,
    meeting_announce,
    meeting_create,
    meeting_update,
    registration_cancel,
    registration_register,
    waiting_position,
    waiting_positions,
)
from ascn.network.models import City, MemberState

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
        **fields_of(meeting, "slug title sample kind number start_date end_date date_precision"),
        "host_member_state": meeting.host_member_state.code if meeting.host_member_state else None,
        "host_city": meeting.host_city.slug if meeting.host_city else None,
        **fields_of(meeting, "place format uncertain uncertainty_note source capacity"),
        **fields_of(meeting, "registration_open registration_opens_on registration_closes_on"),
        **fields_of(meeting, "time_zone registered_count waitlisted_count"),
        **fields_of(meeting, "language translations"),
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
    return _ics(calendar.calendar_of(meetings, name=_("ASCN meetings")), "ascn-meetings.ics")


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
        raise NotFound(_("This meeting's day is not on record, so it has no calendar entry."))
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
    return meeting_detail_out(request, _meeting_or_404(request, slug))


def meeting_detail_out(request, meeting: Meeting) -> dict:
    mine = queries.own_registration(request.user, meeting)
    return {
        **meeting_out(meeting),
        "description": meeting.description,
        "version": meeting.version,
        "agenda": list(meeting.agenda_items.all()),
        "decisions": list(meeting.decisions.all()),
        "minutes": meeting.minutes,
        "my_registration": registration_out(mine) if mine else None,
        "announced_at": meeting.announced_at,
    }


@router.member(
    "POST",
    "/meetings/{slug}/registrations",
    {201: RegistrationOut, **ERRORS_REGISTER},
    "Register yourself (a seat, or the waiting list when the meeting is full)",
    description=(
        "Chief Smart City Officers, National Representatives and the Secretariat register "
        "themselves. Registering again returns the existing registration."
    ),
)
def meetings_register(request, slug: str):
    meeting = _meeting_or_404(request, slug)
    registration = registration_register(actor=request.user, meeting=meeting)
    return Status(201, registration_out(registration))


@router.member(
    "DELETE",
    "/meetings/{slug}/registrations",
    {200: RegistrationOut, **ERRORS_REGISTER},
    "Cancel your registration (the first person waiting gets the seat)",
)
def meetings_cancel_registration(request, slug: str):
    """Cancel your own registration; when you held a seat, the first person on the waiting
    list gets it. 404 when you are not registered."""
    meeting = _meeting_or_404(request, slug)
    return registration_out(registration_cancel(actor=request.user, meeting=meeting))


# --- the Secretariat's writes --------------------------------------------------------------


def _meeting_values(data: dict) -> dict:
    """Schema fields → service values: the host state by code and the host city by slug."""
    if "host_member_state" in data:
        code = (data.pop("host_member_state") or "").upper()
        state = MemberState.objects.filter(code=code).first() if code else None
        if code and state is None:
            raise InvalidInput(
                _("No member state %(code)s.") % {"code": code}, field="host_member_state"
            )
        data["host_member_state"] = state
    if "host_city" in data:
        slug = data.pop("host_city") or ""
        city = City.objects.filter(slug=slug).first() if slug else None
        if slug and city is None:
            raise InvalidInput(_("No city %(slug)s.") % {"slug": slug}, field="host_city")

        data["host_city"] = city
    return data


def _runner_meeting(request, slug: str) -> Meeting:
    require_meeting_runner(request.user)
    return _meeting_or_404(request, slug)


@router.create("/meetings", MeetingDetailOut, "Create a meeting (Secretariat)")
def meetings_create(request, payload: MeetingIn):
    """The Secretariat creates a meeting. The slug is made from the title (and the year)
    unless given; the host city must lie in the host member state."""
    data = _meeting_values(payload.dict(exclude_unset=True))
    slug = data.pop("slug", None) or ""
    meeting = meeting_create(actor=request.user, slug=slug, values=data)
    return Status(
        201, meeting_detail_out(request, found(queries.meeting_for(request.user, meeting.slug)))
    )


@router.write(
    "PATCH",
    "/meetings/{slug}",
    MeetingDetailOut,
    "Edit a meeting (Secretariat); send the version you edited",
)
def meetings_update(request, slug: str, payload: MeetingPatch):
    """Edit a meeting's facts. Send the `version` you read (409 when stale); fields left out
    are kept."""
    meeting = _runner_meeting(request, slug)
    data = _meeting_values(payload.dict(exclude_unset=True))
    version = data.pop("version")
    meeting_update(actor=request.user, meeting=meeting, version=version, values=data)
    return meeting_detail_out(request, found(queries.meeting_for(request.user, slug)))


@router.member(
    "POST",
    "/meetings/{slug}/agenda",
    {201: AgendaItemOut, **ERRORS_WRITE, **ERRORS_AUTH, 404: ErrorOut},
    "Add an item to a meeting's agenda, placed by its day and time (Secretariat)",
)
def meetings_agenda_add(request, slug: str, payload: AgendaItemIn):
    """Add an agenda item where its `day` and `time` place it: before the first item that
    comes later (so after those at the same moment), the items after it moving down one
    `position`. An item with neither day nor time, or no day on a meeting of several days,
    goes after the last one. The `time` is local to the host (the meeting's `time_zone`).
    404 when the meeting is not found."""
    meeting = _runner_meeting(request, slug)
    item = agenda_item_add(actor=request.user, meeting=meeting, **payload.dict())
    return Status(201, item)


@router.write(
    "PATCH",
    "/meetings/{slug}/agenda/{item_id}",
    AgendaItemOut,
    "Edit an agenda item or move it up or down (Secretariat); send its version",
)
def meetings_agenda_update(request, slug: str, item_id: int, payload: AgendaItemPatch):
    """Edit the title, day, time or description (fields left out are kept) and/or move the item
    one place (`move`). Send the item's `version` (409 when stale). A new day or time that no
    longer fits between the items around it moves the item to its place, as a new item's."""
    meeting = _runner_meeting(request, slug)
    item = found(AgendaItem.objects.filter(meeting=meeting, pk=item_id).first())
    data = payload.dict(exclude_unset=True)
    version = data["version"]
    edits = {key: data[key] for key in ("title", "day", "time", "description") if key in data}
    if edits:
        item = agenda_item_update(
            actor=request.user,
            item=item,
            version=version,
            title=edits.get("title", item.title),
            day=edits.get("day", item.day),
            time=edits.get("time", item.time),
            description=edits.get("description", item.description),
        )
        version = item.version
    if data.get("move"):
        item = agenda_item_move(
            actor=request.user,
            item=item,
            offset=-1 if data["move"] == "up" else 1,
            version=version,
        )
    return AgendaItem.objects.get(pk=item.pk)


def check_in_out(registration: Registration) -> dict:
    return {
        "id": registration.pk,
        "person": registration.user.get_full_name(),
        "status": registration.status,
        "checked_in_at": registration.checked_in_at,
    }


@router.page(
    "/meetings/{slug}/registrations",
    RegistrationRowOut,
    "Who registered (Secretariat)",
    signed_in=True,
)
def meetings_registrations(request, slug: str, filters: Query[RegistrationFilters]):
    """Everyone registered for the meeting, with a seat, waiting (with their place in line)
    or cancelled, by status then first come first; filter by status or by words of a name or
    an e-mail. Each row's `id` is what the check-in takes. The Secretariat only (403)."""
    meeting = _runner_meeting(request, slug)
    places = waiting_positions(meeting.pk)
    rows = queries.registrations_of(meeting, q=filters.q or "", status=filters.status or "")
    return ShapedRows(
        rows,
        lambda r: {
            "id": r.pk,
            "person": r.user.get_full_name(),
            "email": r.user.email,
            "status": r.status,
            "waiting_position": places.get(r.pk),
            "checked_in_at": r.checked_in_at,
            "registered_at": r.queued_at,
        },
    )


def _registration_or_404(request, slug: str, registration_id: int) -> Registration:
    meeting = _runner_meeting(request, slug)
    return found(
        Registration.objects.filter(meeting=meeting, pk=registration_id)
        .select_related("user")
        .first()
    )


def _check_in_write(request, slug: str, registration_id: int, write) -> dict:
    """A check-in or its undoing (``write``) on one registration of the meeting."""
    registration = _registration_or_404(request, slug, registration_id)
    return check_in_out(write(actor=request.user, registration=registration))


@router.write(
    "POST",
    "/meetings/{slug}/registrations/{registration_id}/check-in",
    CheckInOut,
    "Check a registered person in (Secretariat)",
)
def meetings_check_in(request, slug: str, registration_id: int):
    """Mark a registered person present; checking in twice changes nothing. People waiting
    or cancelled cannot be checked in (422)."""
    return _check_in_write(request, slug, registration_id, check_in)


@router.write(
    "DELETE",
    "/meetings/{slug}/registrations/{registration_id}/check-in",
    CheckInOut,
    "Undo a check-in (Secretariat)",
)
def meetings_check_in_undo(request, slug: str, registration_id: int):
    """Take back a check-in made by mistake; a person not checked in stays as they are."""
    return _check_in_write(request, slug, registration_id, check_in_undo)


@router.write(
    "POST",
    "/meetings/{slug}/announce",
    AnnouncementOut,
    "Announce a meeting to every current CSCO and National Representative (Secretariat)",
)
def meetings_announce(request, slug: str):
    """Tell every current Chief Smart City Officer and National Representative about the
    meeting, in the app and by e-mail, each in their own language: its dates, place and
    registration window, with a link to its page. Done once: announcing again answers 409
    with the date it was announced on; a meeting that is over cannot be announced (422)."""
    meeting = meeting_announce(actor=request.user, meeting=_runner_meeting(request, slug))
    return {
        "slug": meeting.slug,
        "announced_at": meeting.announced_at,
        "announced_to": meeting.announced_to or 0,
    }
