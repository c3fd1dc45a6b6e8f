"""Who sees and moves a deal: its parties — the organisation's members, the project city's Chief
Smart City Officers, the National Representative of the city's member state (read-only) — and
the Secretariat. Anyone else gets a 404, whatever the project's visibility."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.db.models import Model, QuerySet

from ascn.core.permissions import (
    CSO,
    PARTNER_MEMBER,
    SECRETARIAT,
    ScopedPolicy,
    scopes_of,
)
from ascn.deals.models import Engagement, EngagementSide
from ascn.partners.models import Organisation
from ascn.partners.permissions import organisation_policy
from ascn.plans.models import Project
from ascn.plans.permissions import project_policy

if TYPE_CHECKING:
    from ascn.core.types import Actor

M = TypeVar("M", bound=Model)


class EngagementPolicy(ScopedPolicy[Engagement]):
    """Deals have no visibility of their own: only their parties and the Secretariat see them."""

    city_path = "project__city"
    member_state_path = "project__city__member_state"
    organisation_path = "organisation"
    visibility_field = None
    rules = {"advance": {CSO, PARTNER_MEMBER, SECRETARIAT}}

    def visible(self, user: Actor, queryset: QuerySet[M]) -> QuerySet[M]:
        scopes = scopes_of(user)
        if scopes.secretariat:
            return queryset
        if not scopes.authenticated:
            return queryset.none()
        return queryset.filter(self.owner_q(scopes))

    def is_visible(self, user: Actor, obj: Engagement) -> bool:
        scopes = scopes_of(user)
        return scopes.authenticated and bool(self.roles_over(scopes, obj))


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
