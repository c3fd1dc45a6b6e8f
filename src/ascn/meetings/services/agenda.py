"""Writes to a meeting's agenda (Secretariat): add, edit, move, remove. Each checks
permission, validates, writes and audits.

Where an item goes (``docs/community.md``): a new one is placed by its day and time, just
before the first item that comes later (so after those at the same moment); one that cannot
be placed (neither day nor time, or no day on a meeting of several days) joins the end. An
edit that changes the day or time moves the item only when it no longer fits between its
neighbours, so the order the Secretariat made by hand ("Move up/down") stands otherwise."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ascn.core import audit, events, formats
from ascn.core.errors import InvalidInput
from ascn.core.services import audit_and_announce, lock, lock_version, save_version, validate
from ascn.meetings.models import AgendaItem, Meeting
from ascn.meetings.permissions import require_meeting_runner

if TYPE_CHECKING:
    from ascn.core.types import Actor


def _agenda_snapshot(item: AgendaItem) -> dict[str, Any]:
    # the audit log stores JSON: a day as "YYYY-MM-DD", a time of day as "HH:MM:SS"
    return {
        "title": item.title,
        "day": item.day.isoformat() if item.day else None,
        "time": item.time.isoformat() if item.time else None,
        "description": item.description,
    }


def meeting_days(meeting: Meeting) -> list[dt.date]:
    """The days an agenda item may name: each day of a meeting known to the day that lasts
    more than one; none otherwise (a one-day meeting's items are all on its day)."""
    start, end = meeting.start_date, meeting.end_date
    if (
        meeting.date_precision != Meeting.Precision.DAY
        or start is None
        or end is None
        or end <= start
    ):
        return []
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def _clean_day(meeting: Meeting, day: dt.date | None) -> dt.date | None:
    if day is None:
        return None
    days = meeting_days(meeting)
    if day not in days:
        raise InvalidInput(
            _("The day is one of the meeting's days, from %(start)s to %(end)s.")
            % {"start": formats.day(meeting.start_date), "end": formats.day(meeting.end_date)}
            if days
            else _("This meeting lasts one day (or its days are not known): give no day."),
            field="day",
        )
    return day


# Positions no agenda reaches, held for a moment while items change places.
_SWAP_POSITION = 32_767

# When an item takes place, as far as the agenda can order it: (day, time), either of which
# may be unknown — a one-day meeting's items name no day.
When = tuple[dt.date | None, dt.time | None]


def _when(item: AgendaItem, several_days: bool) -> When | None:
    """None when the item has no place: neither day nor time, or no day on a meeting of
    several days (its time alone does not say which day)."""
    if item.day is None and (several_days or item.time is None):
        return None
    return (item.day, item.time)


def _later(one: When, other: When) -> bool:
    """Whether ``one`` comes after ``other``: a later day, or a later time on the same day.
    An item with a day and no time comes neither before nor after that day's others."""
    (one_day, one_time), (other_day, other_time) = one, other
    if one_day != other_day:
        return one_day is not None and other_day is not None and one_day > other_day
    return one_time is not None and other_time is not None and one_time > other_time


def _place_among(when: When | None, agenda: list[AgendaItem], several_days: bool) -> int:
    """Where in ``agenda`` (in order) an item happening ``when`` goes: before the first item
    that comes later; at the end when none does, or when it has no place."""
    if when is not None:
        for index, other in enumerate(agenda):
            theirs = _when(other, several_days)
            if theirs is not None and _later(theirs, when):
                return index
    return len(agenda)


def _nearest_ordered(when: When, items: Iterable[AgendaItem], several_days: bool) -> When | None:
    """When the first of ``items`` that can be ordered against ``when`` takes place."""
    for other in items:
        theirs = _when(other, several_days)
        if theirs is not None and (theirs == when or _later(theirs, when) or _later(when, theirs)):
            return theirs
    return None


def _keep_in_order(meeting: Meeting, item: AgendaItem) -> None:
    """After ``item``'s day or time changed: leave it where it stands if it still fits there
    (the nearest item above it that can be ordered against it is not later, the nearest below
    not earlier), else move it to where a new item of that day and time would go. Other items
    keep their order: only the ones between its old and new place shift by one."""
    agenda = list(
        AgendaItem.objects.select_for_update().filter(meeting=meeting).order_by("position")
    )
    index = next(n for n, other in enumerate(agenda) if other.pk == item.pk)
    above, below = agenda[:index], agenda[index + 1 :]
    several_days = bool(meeting_days(meeting))
    when = _when(item, several_days)
    if when is None:
        return  # no place to go to: it stays where the Secretariat put it
    earlier = _nearest_ordered(when, reversed(above), several_days)
    later = _nearest_ordered(when, below, several_days)
    fits = (earlier is None or not _later(earlier, when)) and (
        later is None or not _later(when, later)
    )
    if fits:
        return
    others = above + below
    place = _place_among(when, others, several_days)
    _number(others[:place] + [item] + others[place:], [other.position for other in agenda])


def _number(order: list[AgendaItem], positions: list[int]) -> None:
    """Give the items in ``order`` the ``positions`` (ascending), one each. Saved items that
    change place are first parked on free positions above any agenda's, since the database
    checks that no two items of a meeting share a position after each row it writes; an
    item not yet saved only takes its number."""
    changing = []
    for item, position in zip(order, positions, strict=True):
        if item.pk is None:
            item.position = position
        elif item.position != position:
            changing.append((item, position))
    for parked, (item, _position) in enumerate(changing):
        AgendaItem.objects.filter(pk=item.pk).update(position=_SWAP_POSITION - parked)
    for item, position in changing:
        AgendaItem.objects.filter(pk=item.pk).update(position=position)
        item.position = position


def _agenda_values(
    meeting: Meeting, title: str, time: dt.time | None, description: str, day: dt.date | None
) -> dict[str, Any]:
    if not title.strip():
        raise InvalidInput(_("Give the agenda item a title."), field="title")
    return {
        "title": title.strip(),
        "day": _clean_day(meeting, day),
        "time": time,
        "description": description.strip(),
    }


@transaction.atomic
def agenda_item_add(
    *,
    actor: Actor,
    meeting: Meeting,
    title: str,
    time: dt.time | None = None,
    description: str = "",
    day: dt.date | None = None,
) -> AgendaItem:
    """Add an item where its day and time place it, after the items at the same moment; at
    the end when it has no place (Secretariat)."""
    require_meeting_runner(actor)
    meeting = lock(meeting)  # one addition at a time: positions are taken in turn
    values = _agenda_values(meeting, title, time, description, day)
    agenda = list(
        AgendaItem.objects.select_for_update().filter(meeting=meeting).order_by("position")
    )
    positions = [other.position for other in agenda]
    positions.append(positions[-1] + 1 if positions else 1)
    item = AgendaItem(meeting=meeting, position=positions[-1], **values)
    validate(item)
    several_days = bool(meeting_days(meeting))
    place = _place_among(_when(item, several_days), agenda, several_days)
    _number(agenda[:place] + [item] + agenda[place:], positions)
    item.save()
    audit_and_announce(
        actor,
        "meetings.agendaitem.created",
        item,
        audit.diff({}, {"position": item.position, **_agenda_snapshot(item)}),
    )
    return item


@transaction.atomic
def agenda_item_update(
    *,
    actor: Actor,
    item: AgendaItem,
    version: int,
    title: str,
    time: dt.time | None = None,
    description: str = "",
    day: dt.date | None = None,
) -> AgendaItem:
    """Edit an agenda item's title, day, time and description; 409 when edited meanwhile. A
    new day or time that no longer fits where the item stands moves it to its place."""
    require_meeting_runner(actor)
    meeting = lock(item.meeting)  # before the item, as moves do: positions may change
    item = lock_version(item, version)
    values = _agenda_values(meeting, title, time, description, day)
    before = {"position": item.position, **_agenda_snapshot(item)}
    rescheduled = (values["day"], values["time"]) != (item.day, item.time)
    for field, value in values.items():
        setattr(item, field, value)
    validate(item)
    if rescheduled:
        _keep_in_order(meeting, item)
    save_version(
        actor,
        "meetings.agendaitem.updated",
        item,
        audit.diff(before, {"position": item.position, **_agenda_snapshot(item)}),
    )
    return item


def agenda_days_follow(actor: Actor, meeting: Meeting, before: list[dt.date]) -> None:
    """After the meeting's dates changed (its days were ``before``, ``meeting_days``), its
    agenda follows:

    - a meeting moved whole (as many days as before, say a week later): each item keeps its
      day number, the second day's items on the new second day;
    - a meeting that gained or lost days: each item keeps its date while the meeting still
      has it; one that became a single day takes no day (its items are all on that day).

    An item on a day the meeting would no longer have is never moved or dropped without a
    word: the change is refused, naming the items, so the Secretariat gives them another day
    first. Each moved item is a new version, audited."""
    after = meeting_days(meeting)
    if after == before:
        return
    items = list(
        AgendaItem.objects.select_for_update()
        .filter(meeting=meeting, day__isnull=False)
        .order_by("position")
    )
    moved_whole = bool(before) and len(after) == len(before)
    single_day = meeting.start_date if meeting.date_precision == Meeting.Precision.DAY else None
    moves: list[tuple[AgendaItem, dt.date | None]] = []
    stranded = []
    for item in items:
        if moved_whole and item.day in before:
            moves.append((item, after[before.index(item.day)]))
        elif item.day in after:
            continue  # still one of the meeting's days
        elif not after and item.day == single_day:
            moves.append((item, None))
        else:
            stranded.append(item)
    if stranded:
        raise InvalidInput(
            ngettext(
                "The agenda item %(titles)s is on a day the meeting would no longer have: "
                "give it another day first.",
                "The agenda items %(titles)s are on days the meeting would no longer have: "
                "give them other days first.",
                len(stranded),
            )
            % {"titles": formats.listed(formats.quoted(item.title) for item in stranded)},
            field="end_date",
        )
    for item, day in moves:
        if day == item.day:
            continue
        snapshot = _agenda_snapshot(item)
        item.day = day
        save_version(
            actor,
            "meetings.agendaitem.updated",
            item,
            audit.diff(snapshot, _agenda_snapshot(item)),
        )


@transaction.atomic
def agenda_item_move(
    *, actor: Actor, item: AgendaItem, offset: int, version: int | None = None
) -> AgendaItem:
    """Move an item up (``offset=-1``) or down (``+1``) the agenda, swapping places with its
    neighbour. Moving the first item up or the last down is refused. ``version``: the item's
    version the caller edited (409 when stale); None from the page's arrows, which edit no
    content."""
    require_meeting_runner(actor)
    if offset not in (-1, 1):
        raise InvalidInput(_("An item moves one place up or down."), field="offset")
    meeting = lock(item.meeting)
    item = lock_version(item, version)
    items = AgendaItem.objects.select_for_update().filter(meeting=meeting)
    neighbour = (
        items.filter(position__lt=item.position).order_by("-position").first()
        if offset < 0
        else items.filter(position__gt=item.position).order_by("position").first()
    )
    if neighbour is None:
        raise InvalidInput(
            _("This item is already first.") if offset < 0 else _("This item is already last."),
            field="offset",
        )
    mine, theirs = item.position, neighbour.position
    AgendaItem.objects.filter(pk=item.pk).update(position=_SWAP_POSITION)
    AgendaItem.objects.filter(pk=neighbour.pk).update(position=mine)
    # each of the two is saved at its new place (a new version) and audited as moved
    for moved, before, after in ((item, mine, theirs), (neighbour, theirs, mine)):
        moved.position = after
        save_version(
            actor,
            "meetings.agendaitem.moved",
            moved,
            audit.diff({"position": before}, {"position": after}),
        )
    return item


@transaction.atomic
def agenda_item_delete(*, actor: Actor, item: AgendaItem) -> None:
    """Remove an item; the items after it move up one place."""
    require_meeting_runner(actor)
    meeting = lock(item.meeting)
    item = lock(item)
    audit.record(
        actor,
        "meetings.agendaitem.deleted",
        item,
        audit.diff({"position": item.position, **_agenda_snapshot(item)}, {}),
    )
    position = item.position
    with events.deleting(item):
        item.delete()
    for later in AgendaItem.objects.filter(meeting=meeting, position__gt=position).order_by(
        "position"
    ):
        AgendaItem.objects.filter(pk=later.pk).update(position=later.position - 1)
