"""Reads of meetings. Meetings are public records: everyone sees every meeting; a
person's registrations are theirs (and the Secretariat's, who runs the meeting)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from ascn.meetings.models import CalendarFeed, Meeting, Registration
from ascn.meetings.services import hash_feed_token

if TYPE_CHECKING:
    from ascn.core.types import Actor, User

Status = Registration.Status


def meetings_for(
    user: Actor, *, kind: str | None = None, year: int | None = None
) -> QuerySet[Meeting]:
    queryset = Meeting.objects.select_related("host_member_state", "host_city")
    if kind:
        queryset = queryset.filter(kind=kind)
    if year:
        queryset = queryset.filter(start_date__year=year)
    # ordered here: a query with counts (GROUP BY) does not take the model's ordering
    return queryset.annotate(
        registered_count=Count("registrations", filter=Q(registrations__status=Status.REGISTERED)),
        waitlisted_count=Count("registrations", filter=Q(registrations__status=Status.WAITLISTED)),
    ).order_by("-start_date", "slug")


def upcoming_and_past(
    meetings: Iterable[Meeting], today: dt.date
) -> tuple[list[Meeting], list[Meeting]]:
    """How every list of meetings is shown: those still to come (or under way) soonest
    first — the next one is what a person looks for — then those that are over, newest
    first. A meeting known only to the month or year sorts at the start of it."""
    upcoming: list[Meeting] = []
    past: list[Meeting] = []
    for meeting in meetings:
        (upcoming if meeting.is_upcoming(today) else past).append(meeting)
    upcoming.sort(key=lambda m: (m.start_date, m.slug))
    past.sort(key=lambda m: (-m.start_date.toordinal(), m.slug))
    return upcoming, past


def meeting_for(user: Actor, slug: str) -> Meeting | None:
    return (
        meetings_for(user).prefetch_related("agenda_items", "decisions").filter(slug=slug).first()
    )


def own_registration(user: Actor, meeting: Meeting) -> Registration | None:
    if user is None or not user.is_authenticated:
        return None
    return (
        Registration.objects.filter(meeting=meeting, user=user)
        .exclude(status=Status.CANCELLED)
        .first()
    )


def registrations_of(meeting: Meeting, *, q: str = "", status: str = "") -> QuerySet[Registration]:
    """Who registered for ``meeting`` (the Secretariat's list, its page and the API): those
    of ``status`` (any when empty), whose name or e-mail holds each word of ``q`` (at most
    five), by status, then first come first."""
    rows = Registration.objects.filter(meeting=meeting).select_related("user")
    if status in Registration.Status.values:
        rows = rows.filter(status=status)
    for word in q.split()[:5]:
        rows = rows.filter(Q(user__full_name__icontains=word) | Q(user__email__icontains=word))
    return rows.order_by("status", "queued_at", "id")


def meetings_of_feed(token: str) -> tuple[User, QuerySet[Meeting]] | None:
    """The feed's owner and the meetings they are registered or waitlisted for."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=hash_feed_token(token))
        .first()
    )
    if feed is None or not feed.user.is_active:
        return None
    meetings = Meeting.objects.filter(
        registrations__user=feed.user,
        registrations__status__in=[Status.REGISTERED, Status.WAITLISTED],
    ).order_by("start_date")
    return feed.user, meetings
