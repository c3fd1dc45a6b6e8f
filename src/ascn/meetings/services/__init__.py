"""Writes to meetings. Each checks permission, validates, writes and audits."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import zoneinfo
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ascn.accounts.notifications import notify
from ascn.core import audit, events
from ascn.core.documents import check_pdf
from ascn.core.errors import InvalidInput, NotFound, refuse_all
from ascn.core.services import (
    audit_and_announce,
    delete_with_file,
    free_slug,
    lock,
    lock_fields,
    save_changes,
    save_fields,
    save_new,
    save_uploaded_pdf,
    validate,
)
from ascn.meetings.models import (
    CalendarFeed,
    Decision,
    Meeting,
    MeetingDocument,
    Registration,
)
from ascn.meetings.permissions import require_meeting_runner, require_registrant
from ascn.meetings.services.agenda import agenda_days_follow, meeting_days

# the agenda's writes and the announcement, re-exported: callers import every meeting write
# from here
from ascn.meetings.services.agenda import (
    agenda_item_add as agenda_item_add,
)
from ascn.meetings.services.agenda import (
    agenda_item_delete as agenda_item_delete,
)
from ascn.meetings.services.agenda import (
    agenda_item_move as agenda_item_move,
)
from ascn.meetings.services.agenda import (
    agenda_item_update as agenda_item_update,
)
from ascn.meetings.services.announce import meeting_announce as meeting_announce

if TYPE_CHECKING:
    from ascn.core.types import Actor

# The IANA names a meeting's host time zone is chosen from.
TIME_ZONES = frozenset(zoneinfo.available_timezones())

MINUTES = ("minutes",)
MEETING_FIELDS = [
    "title",
    "kind",
    "number",
    "start_date",
    "end_date",
    "date_precision",
    "host_member_state",
    "host_city",
    "place",
    "format",
    "description",
    "uncertain",
    "uncertainty_note",
    "source",
    "capacity",
    "registration_open",
    "registration_opens_on",
    "registration_closes_on",
    "time_zone",
]
Status = Registration.Status


def _host_country_of_city(values: dict[str, Any], meeting: Meeting | None = None) -> dict[str, Any]:
    """A host city given without its country (none sent, none saved): the city's member
    state (the page said "Phuket, not set"). A country sent or saved stays, checked against
    the city (``_check_meeting``)."""
    # the city sent, else (a PATCH clearing the country of a meeting whose city stays) saved
    city = values.get("host_city", meeting.host_city if meeting is not None else None)
    if city is None:
        return values
    if "host_member_state" in values:
        country = values["host_member_state"]
    else:
        country = meeting.host_member_state_id if meeting is not None else None
    return values if country else {**values, "host_member_state": city.member_state}


def _check_meeting(meeting: Meeting) -> None:
    """Every problem of the meeting at once (a form showed them one submit at a time)."""
    refuse_all(meeting_problems(meeting))
    validate(meeting)


def meeting_problems(meeting: Meeting) -> list[InvalidInput]:
    """Every rule of a meeting that ``meeting`` breaks, each on its field: the service
    refuses them together, and the form shows them beside its own field errors, so that one
    send tells everything. A value not given breaks none of them (the form says it is
    missing)."""
    problems: list[InvalidInput] = []
    start = meeting.start_date
    if meeting.end_date and start and meeting.end_date < start:
        problems.append(InvalidInput(_("A meeting cannot end before it starts."), field="end_date"))
    if (
        meeting.host_city_id
        and meeting.host_member_state_id
        and meeting.host_city is not None
        and meeting.host_city.member_state_id != meeting.host_member_state_id
    ):
        problems.append(
            InvalidInput(
                _("%(city)s is not in %(member_state)s.")
                % {"city": meeting.host_city, "member_state": meeting.host_member_state},
                field="host_city",
            )
        )
    if meeting.uncertain and not meeting.uncertainty_note.strip():
        problems.append(InvalidInput(_("Say what is uncertain."), field="uncertainty_note"))
    opens, closes = meeting.registration_opens_on, meeting.registration_closes_on
    if opens and closes and closes < opens:
        problems.append(
            InvalidInput(
                _("Registration cannot close before it opens."), field="registration_closes_on"
            )
        )
    if opens and start and opens > meeting.latest_day:
        problems.append(
            InvalidInput(
                _("Registration cannot open after the meeting ends."),
                field="registration_opens_on",
            )
        )
    if closes and start and closes > meeting.latest_day:
        problems.append(
            InvalidInput(
                _("Registration cannot close after the meeting ends."),
                field="registration_closes_on",
            )
        )
    if meeting.time_zone and meeting.time_zone not in TIME_ZONES:
        problems.append(
            InvalidInput(
                _("Choose a time zone from the list (e.g. Asia/Bangkok)."), field="time_zone"
            )
        )
    return problems


def meeting_slug_for(title: str, *, start: dt.date | None = None) -> str:
    """A free slug made from the title (and the year, when the title has none), with "-2",
    "-3"… appended when it is taken."""
    base = slugify(title)[:70].strip("-")
    if not base:
        raise InvalidInput(_("Give the meeting a title with letters or digits."), field="title")
    if start is not None and str(start.year) not in base:
        base = f"{base}-{start.year}"
    return free_slug(Meeting, base)


def _only_meeting_fields(values: dict[str, Any]) -> None:
    """Refuse (422) values for anything but the meeting's own fields, naming them all."""
    unknown = set(values) - set(MEETING_FIELDS)
    if unknown:
        raise InvalidInput(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            field=min(unknown),
        )


@transaction.atomic
def meeting_create(
    *, actor: Actor, slug: str = "", values: dict[str, Any], sample: bool = False
) -> Meeting:
    """A new meeting; its slug is made from the title when none is given. ``sample``: the
    demo's illustrative data (``load_sample_meetings``), never set from a form or the API."""
    require_meeting_runner(actor)
    _only_meeting_fields(values)
    values = _host_country_of_city(values)
    if not (values.get("title") or "").strip():
        raise InvalidInput(_("Give the meeting a title."), field="title")
    if not slug:
        slug = meeting_slug_for(values["title"], start=values.get("start_date"))
    elif Meeting.objects.filter(slug=slug).exists():
        raise InvalidInput(_("A meeting with this slug exists already."), field="slug")
    meeting = Meeting(slug=slug, sample=sample, **values)
    _check_meeting(meeting)
    meeting.save()
    audit_and_announce(
        actor,
        "meetings.meeting.created",
        meeting,
        audit.diff({}, {"slug": slug, **audit.snapshot(meeting, [*values, "sample"])}),
    )
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: Actor,
    meeting: Meeting,
    version: int | None,
    values: dict[str, Any],
    opened: str | None = None,
) -> tuple[Meeting, bool]:
    """Update the meeting; ``version=None`` only for the system (the seed loader).
    ``opened``: the ``fields_digest`` of the fields in ``values`` when the form was opened,
    so that minutes saved meanwhile are no conflict (``lock_fields``).

    Returns the meeting and whether anything changed (nothing is audited otherwise).
    """
    require_meeting_runner(actor)
    _only_meeting_fields(values)
    if version is None and actor is not None:
        raise InvalidInput(_("The version you edited is required."), field="version")
    meeting = lock_fields(meeting, version, values, opened)
    days = meeting_days(meeting)
    values = _host_country_of_city(values, meeting)
    changed = save_changes(actor, "meetings.meeting.updated", meeting, values, check=_check_meeting)
    if changed:
        agenda_days_follow(actor, meeting, days)
    return meeting, changed


@transaction.atomic
def minutes_save(
    *, actor: Actor, meeting: Meeting, version: int, minutes: str, opened: str | None = None
) -> Meeting:
    """Save the minutes. ``opened``: their ``fields_digest`` when the form was opened, so that
    an edit of the meeting's facts meanwhile is no conflict; minutes saved meanwhile are."""
    require_meeting_runner(actor)
    meeting = lock_fields(meeting, version, MINUTES, opened)
    if len(minutes) > 100_000:
        raise InvalidInput(_("Minutes are limited to 100,000 characters."), field="minutes")
    return save_fields(actor, "meetings.meeting.minutes_saved", meeting, minutes=minutes)


@transaction.atomic
def decision_add(
    *,
    actor: Actor,
    meeting: Meeting,
    title: str,
    description: str = "",
    document_title: str = "",
    document_url: str = "",
    source: str = "",
) -> Decision:
    require_meeting_runner(actor)
    decision = Decision(
        meeting=meeting,
        title=title.strip(),
        description=description.strip(),
        document_title=document_title.strip(),
        document_url=document_url.strip(),
        source=source,
    )
    return save_new(
        actor,
        "meetings.decision.created",
        decision,
        ["title", "document_title", "document_url"],
    )


# --- documents -----------------------------------------------------------------------


@transaction.atomic
def meeting_document_upload(
    *, actor: Actor, meeting: Meeting, title: str, kind: str, file: UploadedFile
) -> MeetingDocument:
    """Attach a PDF to a meeting (Secretariat). Everything is validated before the file
    is stored."""
    require_meeting_runner(actor)
    size = check_pdf(file)
    if kind not in MeetingDocument.Kind.values:
        raise InvalidInput(_("Choose the kind of document."), field="kind")
    document = save_uploaded_pdf(
        actor,
        MeetingDocument,
        file,
        f"meeting-{meeting.pk}.pdf",
        title=title,
        size=size,
        meeting=meeting,
        kind=kind,
    )
    audit_and_announce(
        actor,
        "meetings.document.uploaded",
        document,
        audit.diff(
            {},
            {
                "meeting": meeting.slug,
                "title": document.title,
                "kind": document.kind,
                "size": document.size,
                "file": document.file.name,
            },
        ),
    )
    return document


@transaction.atomic
def meeting_document_delete(*, actor: Actor, document: MeetingDocument) -> None:
    """Remove a meeting's document (Secretariat); the stored file goes once the row is gone."""
    require_meeting_runner(actor)
    document = MeetingDocument.objects.select_related("meeting").get(pk=document.pk)
    audit.record(
        actor,
        "meetings.document.deleted",
        document,
        audit.diff(
            {
                "meeting": document.meeting.slug,
                "title": document.title,
                "kind": document.kind,
                "size": document.size,
                "file": document.file.name,
            },
            {},
        ),
    )
    delete_with_file(document)


# --- registrations -------------------------------------------------------------------


def _registered_count(meeting: Meeting) -> int:
    return Registration.objects.filter(meeting=meeting, status=Status.REGISTERED).count()


@transaction.atomic
def registration_register(*, actor: Actor, meeting: Meeting) -> Registration:
    """Register the actor: a seat while there is one, else the waiting list. Idempotent.

    The meeting row is locked first, so concurrent registrations are counted one after
    another and never exceed the capacity.
    """
    user = require_registrant(actor)
    meeting = lock(meeting)
    if not meeting.registration_window_open(timezone.localdate()):
        raise InvalidInput(_("Registration for this meeting is closed."), field="meeting")
    if not meeting.is_upcoming(timezone.localdate()):
        raise InvalidInput(_("This meeting is over."), field="meeting")
    registration = Registration.objects.filter(meeting=meeting, user=user).first()
    if registration is not None and registration.status != Status.CANCELLED:
        return registration
    full = meeting.capacity is not None and _registered_count(meeting) >= meeting.capacity
    status = Status.WAITLISTED if full else Status.REGISTERED
    before = {} if registration is None else {"status": registration.status}
    if registration is None:
        registration = Registration(meeting=meeting, user=user)
    registration.status = status
    registration.queued_at = timezone.now()
    registration.checked_in_at = None
    registration.save()
    audit_and_announce(
        actor,
        f"meetings.registration.{status}",
        registration,
        audit.diff(before, {"status": status}),
    )
    _notify_registration(registration, promoted=False)
    return registration


def _notify_registration(registration: Registration, *, promoted: bool) -> None:
    """Tell the person their registration is confirmed, that they are on the waiting list, or
    that they were given a seat from it; in their language."""
    meeting = registration.meeting
    waiting = registration.status == Status.WAITLISTED

    def title() -> str:
        if promoted:
            return _("You have a seat at %(meeting)s") % {"meeting": meeting.title}
        if waiting:
            return _("You are on the waiting list for %(meeting)s") % {"meeting": meeting.title}
        return _("Your registration for %(meeting)s is confirmed") % {"meeting": meeting.title}

    def body() -> str:
        if promoted:
            return _("A seat became free and is yours: you are registered.")
        if waiting:
            return _(
                "The meeting is full. You are notified if a seat becomes free and is given to you."
            )
        return _("You are registered.")

    notify(
        users=[registration.user],
        kind="meeting.promoted" if promoted else "meeting.registered",
        title=title,
        body=body,
        url=meeting.get_absolute_url(),
    )


def _waiting_line(meeting_id: int) -> QuerySet[Registration]:
    """The meeting's waiting list, first come first served: the order seats are given in."""
    return Registration.objects.filter(meeting_id=meeting_id, status=Status.WAITLISTED).order_by(
        "queued_at", "id"
    )


def waiting_positions(meeting_id: int) -> dict[int, int]:
    """Each waiting registration's place on the meeting's waiting list (1: next to get a
    seat), by its id, in one query."""
    line = _waiting_line(meeting_id).values_list("id", flat=True)
    return {pk: place for place, pk in enumerate(line, start=1)}


def waiting_position(registration: Registration) -> int | None:
    """1 for the first person on the waiting list; None when not waitlisted."""
    if registration.status != Status.WAITLISTED:
        return None
    return waiting_positions(registration.meeting_id).get(registration.pk)


@transaction.atomic
def registration_cancel(*, actor: Actor, meeting: Meeting) -> Registration:
    """Cancel the actor's registration; a freed seat goes to the first person waiting."""
    if actor is None or not actor.is_authenticated:
        raise NotFound(_("You are not registered for this meeting."))
    meeting = lock(meeting)
    registration = (
        Registration.objects.select_for_update()
        .filter(meeting=meeting, user=actor)
        .exclude(status=Status.CANCELLED)
        .first()
    )
    if registration is None:
        raise NotFound(_("You are not registered for this meeting."))
    if registration.checked_in_at is not None:
        raise InvalidInput(_("You have already checked in at this meeting."), field="meeting")
    freed_seat = registration.status == Status.REGISTERED
    save_fields(actor, "meetings.registration.cancelled", registration, status=Status.CANCELLED)
    if freed_seat:
        _promote_waiting(meeting)
    return registration


def _promote_waiting(meeting: Meeting) -> None:
    """Fill the free seats from the waiting list, first come first served (the meeting
    row is locked by the caller)."""
    free = None if meeting.capacity is None else meeting.capacity - _registered_count(meeting)
    waiting = _waiting_line(meeting.pk).select_for_update()
    for registration in waiting if free is None else waiting[: max(free, 0)]:
        save_fields(None, "meetings.registration.promoted", registration, status=Status.REGISTERED)
        _notify_registration(registration, promoted=True)


@transaction.atomic
def check_in(*, actor: Actor, registration: Registration) -> Registration:
    """Mark a registered person present (Secretariat). Waiting or cancelled people cannot be."""
    require_meeting_runner(actor)
    registration = lock(registration)
    if registration.status != Status.REGISTERED:
        raise InvalidInput(
            _("Only registered people check in (not those waiting or cancelled)."),
            field="registration",
        )
    if registration.checked_in_at is not None:
        return registration
    return save_fields(
        actor, "meetings.registration.checked_in", registration, checked_in_at=timezone.now()
    )


@transaction.atomic
def check_in_undo(*, actor: Actor, registration: Registration) -> Registration:
    """Take back a check-in made by mistake (Secretariat)."""
    require_meeting_runner(actor)
    registration = lock(registration)
    if registration.checked_in_at is None:
        return registration
    return save_fields(
        actor, "meetings.registration.check_in_undone", registration, checked_in_at=None
    )


@transaction.atomic
def registration_promote(*, actor: Actor, registration: Registration) -> Registration:
    """Give a person on the waiting list a seat (Secretariat), out of queue order. Refused
    when the meeting is full: raise its capacity or cancel a registration first."""
    require_meeting_runner(actor)
    meeting = lock(registration.meeting)
    registration = lock(registration)
    if registration.status != Status.WAITLISTED:
        raise InvalidInput(
            _("Only a person on the waiting list can be given a seat."), field="registration"
        )
    if meeting.capacity is not None and _registered_count(meeting) >= meeting.capacity:
        raise InvalidInput(
            _(
                "The meeting is full (%(n)d places): raise its capacity or cancel a registration first."
            )
            % {"n": meeting.capacity},
            field="registration",
        )
    registration = save_fields(
        actor, "meetings.registration.promoted", registration, status=Status.REGISTERED
    )
    _notify_registration(registration, promoted=True)
    return registration


@transaction.atomic
def registration_cancel_for(*, actor: Actor, registration: Registration) -> Registration:
    """Cancel someone's registration (Secretariat): the person is told (kind
    ``meeting.cancelled``), and a freed seat goes to the first person waiting, who is told
    too (``meeting.promoted``)."""
    require_meeting_runner(actor)
    meeting = lock(registration.meeting)
    registration = lock(registration)
    if registration.status == Status.CANCELLED:
        raise InvalidInput(_("This registration is already cancelled."), field="registration")
    if registration.checked_in_at is not None:
        raise InvalidInput(
            _("This person has checked in: undo the check-in first."), field="registration"
        )
    freed_seat = registration.status == Status.REGISTERED
    save_fields(actor, "meetings.registration.cancelled", registration, status=Status.CANCELLED)
    notify(
        users=[registration.user],
        kind="meeting.cancelled",
        title=lambda: (
            _("Your registration for %(meeting)s is cancelled") % {"meeting": meeting.title}
        ),
        body=lambda: _(
            "The Secretariat cancelled your registration. Register again while registration is "
            "open, or write to the Secretariat if this is a mistake."
        ),
        url=meeting.get_absolute_url(),
    )
    if freed_seat:
        _promote_waiting(meeting)
    return registration


# --- private calendar feed -----------------------------------------------------------


def hash_feed_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_regenerate(*, actor: Actor) -> str:
    """A new secret feed URL token for the actor; any previous one stops working."""
    if actor is None or not actor.is_authenticated:
        raise NotFound(_("Sign in to have a calendar feed."))
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.select_for_update().filter(user=actor).first()
    created = feed is None
    feed = feed or CalendarFeed(user=actor)
    feed.token_hash = hash_feed_token(token)
    feed.save()
    audit_and_announce(
        actor, f"meetings.calendarfeed.{'created' if created else 'regenerated'}", feed
    )
    return token


@transaction.atomic
def calendar_feed_revoke(*, actor: Actor) -> None:
    feed = (
        CalendarFeed.objects.filter(user=actor).first()
        if actor is not None and actor.is_authenticated
        else None
    )
    if feed is None:
        raise NotFound(_("You have no calendar feed."))
    audit.record(actor, "meetings.calendarfeed.revoked", feed)
    with events.deleting(feed):
        feed.delete()
