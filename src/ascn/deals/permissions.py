"""Who sees and moves a deal: its parties — the organisation's members, the project city's Chief
Smart City Officers, the National Representative of the city's member state (read-only) — and
the Secretariat. Anyone else gets a 404, whatever the project's visibility."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ascn.core.permissions import CSO, PARTNER_MEMBER, SECRETARIAT, PartiesOnlyPolicy, scopes_of
from ascn.deals.models import Engagement, EngagementSide
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
    rules = {"advance": {CSO, PARTNER_MEMBER, SECRETARIAT}}


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
