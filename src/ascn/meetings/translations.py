"""Meetings carry translations by the Secretariat, who runs them (``core.translations``)."""

from ascn.core.translations import Target, register
from ascn.meetings.models import Meeting
from ascn.meetings.permissions import can_run_meetings
from ascn.meetings.queries import meetings_for

register(
    Target(
        kind="meeting",
        model=Meeting,
        may_translate=lambda user, obj: user.is_authenticated and can_run_meetings(user),
        visible=lambda user: meetings_for(user),
    )
)
