"""Who may edit the registry.

The registry (member states, cities, officers, the ASCF, the timeline) is public to read
and edited by the Secretariat. ``actor=None`` is the system itself (the seed loader).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from ascn.core.errors import PermissionDenied
from ascn.core.permissions import is_secretariat

if TYPE_CHECKING:
    from ascn.core.types import Actor


def can_edit_registry(actor: Actor) -> bool:
    return actor is None or is_secretariat(actor)


def require_registry_editor(actor: Actor) -> None:
    if not can_edit_registry(actor):
        raise PermissionDenied(_("Only the Secretariat edits the network registry."))
