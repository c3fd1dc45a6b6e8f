"""Who sees and does what with funding programmes and the applications to them.

A programme is kept by the members of its sponsor organisation and of the organisation that
implements it (its *managers*), and by the Secretariat. An application belongs to the city
of its project: the city's CSCOs write it, the National Representative of its member state
reads it, and once it is submitted the programme's managers read and decide on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from ascn.core.permissions import (
    CSO,
    NATIONAL_REPRESENTATIVE,
    PARTNER_MEMBER,
    SECRETARIAT,
    PartiesOnlyPolicy,
    ScopedPolicy,
    Scopes,
)
from ascn.funding.models import Application, ApplicationStatus, Programme

if TYPE_CHECKING:
    from ascn.core.types import Actor


class ProgrammePolicy(ScopedPolicy[Programme]):
    """Programmes (and their calls): public/network/draft visibility; kept by their managers."""

    organisation_path = "sponsor"
    rules = {
        "change": {PARTNER_MEMBER, SECRETARIAT},  # edit the programme, open calls
        "manage": {PARTNER_MEMBER, SECRETARIAT},  # shortlist, award, decline, disburse
    }

    def owner_q(self, scopes: Scopes, prefix: str = "") -> Q:
        if not scopes.organisation_ids:
            return Q(**{f"{prefix}pk__in": []})
        return Q(**{f"{prefix}sponsor_id__in": scopes.organisation_ids}) | Q(
            **{f"{prefix}implementer_id__in": scopes.organisation_ids}
        )

    def roles_over(self, scopes: Scopes, obj: Programme) -> set[str]:
        roles = super().roles_over(scopes, obj)
        if obj.implementer_id in scopes.organisation_ids:
            roles.add(PARTNER_MEMBER)
        return roles

    def is_manager(self, user: Actor, programme: Programme) -> bool:
        return self.can(user, "manage", programme)


class ApplicationPolicy(PartiesOnlyPolicy[Application]):
    """Applications have no visibility of their own: never public."""

    city_path = "project__city"
    member_state_path = "project__city__member_state"
    rules = {
        "change": {CSO},  # edit the draft, submit it
        "read": {CSO, NATIONAL_REPRESENTATIVE, SECRETARIAT, PARTNER_MEMBER},
    }

    def owner_q(self, scopes: Scopes, prefix: str = "") -> Q:
        """Its city's and member state's, and once submitted its programme's managers'."""
        parts = super().owner_q(scopes, prefix)
        if scopes.organisation_ids:
            programme, ids = f"{prefix}call__programme", scopes.organisation_ids
            managed = Q(**{f"{programme}__sponsor_id__in": ids}) | Q(
                **{f"{programme}__implementer_id__in": ids}
            )
            parts |= managed & ~Q(**{f"{prefix}status": ApplicationStatus.DRAFT})
        return parts

    def is_visible(self, user: Actor, obj: Application) -> bool:
        return self.visible(user, Application.objects.filter(pk=obj.pk)).exists()

    def roles_over(self, scopes: Scopes, obj: Application) -> set[str]:
        roles = super().roles_over(scopes, obj)
        programme = obj.call.programme
        if {programme.sponsor_id, programme.implementer_id} & scopes.organisation_ids:
            roles.add(PARTNER_MEMBER)
        return roles


programme_policy = ProgrammePolicy()
application_policy = ApplicationPolicy()
