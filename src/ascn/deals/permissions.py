"""Who sees and moves a deal: its parties — the organisation's members, the project city's Chief
Smart City Officers, the National Representative of the city's member state (read-only) — and
the Secretariat. Anyone else gets a 404, whatever the project's visibility.

A commitment is the partner's to make and the city's to confirm: only the organisation's
members (or the Secretariat, for them) move a deal to ``committed``; only the city's Chief
Smart City Officers or its member state's National Representative confirm it or decline to.
The Secretariat does not confirm for the city: a commitment counts when both sides agree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ascn.core.permissions import (
    CSO,
    NATIONAL_REPRESENTATIVE,
    PARTNER_MEMBER,
    SECRETARIAT,
    PartiesOnlyPolicy,
    scopes_of,
)
from ascn.deals.models import Confirmation, Engagement, EngagementSide
from ascn.partners.models import Organisation
from ascn.partners.permissions import organisation_policy
from ascn.plans.models import Project
from ascn.plans.permissions import project_policy

if TYPE_CHECKING:
    from ascn.core.types import Actor


class EngagementPolicy(PartiesOnlyPolicy[Engagement]):
    """Deals have no visibility of their own: only their parties and the Secretariat see them."""

    city_path = "project__city"
    member_state_path = "project__city__member_state"
    organisation_path = "organisation"
    rules = {
        "advance": {CSO, PARTNER_MEMBER, SECRETARIAT},
        "commit": {PARTNER_MEMBER, SECRETARIAT},
        "confirm": {CSO, NATIONAL_REPRESENTATIVE},
    }


engagement_policy = EngagementPolicy()


def engagement_side_of(user: Actor, *, project: Project, organisation: Organisation) -> str | None:
    """The side ``user`` may express interest for on this pair, or None.

    A partner member for a project they may see; a CSCO of the project's city towards an
    organisation they may see.
    """
    scopes = scopes_of(user)
    if organisation.pk in scopes.organisation_ids and project_policy.is_visible(user, project):
        return EngagementSide.PARTNER
    if project.city_id in scopes.city_ids and organisation_policy.is_visible(user, organisation):
        return EngagementSide.CITY
    return None


def may_advance(user: Actor, engagement: Engagement) -> bool:
    return engagement_policy.can(user, "advance", engagement)


def may_confirm(user: Actor, engagement: Engagement) -> bool:
    """Whether ``user`` answers for the city on this deal's commitment now waiting."""
    return engagement.commitment_confirmation == Confirmation.PENDING and engagement_policy.can(
        user, "confirm", engagement
    )
