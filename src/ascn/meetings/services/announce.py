"""Announcing a meeting: the Secretariat tells every current Chief Smart City Officer and
National Representative, once, in the app and by e-mail, each in their own language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ascn.accounts.models import Membership, Role, User
from ascn.accounts.notifications import notify
from ascn.core import audit, formats
from ascn.core.errors import IllegalTransition, InvalidInput
from ascn.core.services import audit_and_announce, lock, user_or_none
from ascn.meetings.models import Meeting
from ascn.meetings.permissions import require_meeting_runner

if TYPE_CHECKING:
    from ascn.core.types import Actor

KIND = "meeting.announced"
ANNOUNCED_TO = (Role.CSO, Role.NATIONAL_REPRESENTATIVE)


def announcement_recipients() -> list[User]:
    """Every person who is today a Chief Smart City Officer or a National Representative
    (an ended appointment does not count), each once, active accounts only."""
    memberships = (
        Membership.objects.active()
        .filter(role__in=ANNOUNCED_TO, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    return list({m.user_id: m.user for m in memberships}.values())


def _title(meeting: Meeting) -> str:
    """The meeting's title in the active language, where its owners translated it."""
    language = translation.get_language() or ""
    translated = (meeting.translations or {}).get(language) or {}
    return translated.get("title") or meeting.title


def _where(meeting: Meeting) -> str:
    parts = [meeting.place]
    if meeting.host_city is not None:
        parts.append(meeting.host_city.name)
    if meeting.host_member_state is not None:
        parts.append(meeting.host_member_state.label)
    return formats.listed(part for part in parts if part)


def registration_window(meeting: Meeting) -> str:
    """When one may register, in words of the active language."""
    opens, closes = meeting.registration_opens_on, meeting.registration_closes_on
    if not meeting.registration_open:
        return _("Registration is not open yet; you will find it on the meeting's page.")
    if opens and closes:
        return _("Registration is open from %(opens)s to %(closes)s.") % {
            "opens": formats.day(opens),
            "closes": formats.day(closes),
        }
    if closes:
        return _("Registration is open until %(closes)s.") % {"closes": formats.day(closes)}
    if opens:
        return _("Registration opens on %(opens)s.") % {"opens": formats.day(opens)}
    return _("Registration is open.")


def announcement_body(meeting: Meeting) -> str:
    lines = [
        _("Dates: %(dates)s") % {"dates": meeting.dates_display},
    ]
    where = _where(meeting)
    if where:
        lines.append(_("Place: %(place)s") % {"place": where})
    if meeting.format:
        lines.append(_("Format: %(format)s") % {"format": meeting.get_format_display()})
    lines.append(registration_window(meeting))
    return "\n".join(lines)


@transaction.atomic
def meeting_announce(*, actor: Actor, meeting: Meeting) -> Meeting:
    """Tell every current CSCO and National Representative about ``meeting`` (Secretariat),
    once: announcing it again is refused with the date it was announced on."""
    require_meeting_runner(actor)
    meeting = lock(meeting)
    if meeting.announced_at is not None:
        raise IllegalTransition(
            _("This meeting was announced on %(date)s.")
            % {"date": formats.day(timezone.localtime(meeting.announced_at).date())},
            field="meeting",
        )
    if not meeting.is_upcoming(timezone.localdate()):
        raise InvalidInput(
            _("This meeting is over; there is nothing to announce."), field="meeting"
        )
    told = notify(
        users=announcement_recipients(),
        kind=KIND,
        title=lambda: _("Meeting announced: %(title)s") % {"title": _title(meeting)},
        body=lambda: announcement_body(meeting),
        url=meeting.get_absolute_url(),
    )
    meeting.announced_at = timezone.now()
    meeting.announced_by = user_or_none(actor)
    meeting.announced_to = told
    meeting.save(update_fields=["announced_at", "announced_by", "announced_to", "updated_at"])
    audit_and_announce(
        actor,
        "meetings.meeting.announced",
        meeting,
        audit.diff({}, {"announced_at": meeting.announced_at.isoformat(), "announced_to": told}),
    )
    return meeting
