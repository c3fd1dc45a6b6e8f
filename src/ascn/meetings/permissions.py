"""Who may do what with meetings.

Meetings are public records. The Secretariat runs them (creates, edits, agenda, check-in,
minutes, decisions); ``actor=None`` is the system itself (the seed loader). Chief Smart City
Officers, National Representatives and the Secretariat register themselves. Members of
partner organisations do not self-register: the annual meeting is the member cities'
meeting, and partners attend on the Secretariat's invitation (outside this app for now).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from ascn.core.errors import PermissionDenied
from ascn.core.permissions import scopes_of

if TYPE_CHECKING:
    from ascn.core.types import Actor, User


def can_run_meetings(actor: Actor) -> bool:
    return actor is None or scopes_of(actor).secretariat


def require_meeting_runner(actor: Actor) -> None:
    if not can_run_meetings(actor):
        raise PermissionDenied(_("Only the Secretariat runs meetings."))


def can_register(actor: Actor) -> bool:
    scopes = scopes_of(actor)
    return scopes.secretariat or bool(scopes.city_ids) or bool(scopes.member_state_ids)


def require_registrant(actor: Actor) -> User:
    """The actor, who may register for meetings (a signed-in user with a role that may)."""
    if actor is None or not actor.is_authenticated or not can_register(actor):
        raise PermissionDenied(
            _(
                "Chief Smart City Officers, National Representatives and the Secretariat "
                "register for meetings."
            )
        )
    return actor
