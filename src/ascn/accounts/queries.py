"""Reads of accounts: what a user may see of the invitations, who holds a role, and which
organisations a partner member acts for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Model, QuerySet

from ascn.accounts.models import ROLE_SCOPE, SCOPE_FIELD, Invitation, Membership, Role
from ascn.core.permissions import scopes_of

if TYPE_CHECKING:
    from ascn.core.types import Actor


def invitations_sent(user: Actor) -> QuerySet[Invitation]:
    """The invitations ``user`` may see and revoke: all for the Secretariat, their own for a
    National Representative, none for anyone else; newest first."""
    scopes = scopes_of(user)
    sent = Invitation.objects.select_related(
        "member_state", "city", "organisation", "person", "invited_by", "accepted_by"
    )
    if scopes.secretariat:
        pass
    elif scopes.member_state_ids and user is not None and user.is_authenticated:
        sent = sent.filter(invited_by=user)
    else:
        sent = sent.none()
    return sent.order_by("-created_at", "-pk")


def holds_role(email: str, role: str, scope: Model | None) -> bool:
    """Whether the account of ``email`` (in any case) holds ``role`` over ``scope`` today."""
    scope_field = SCOPE_FIELD.get(ROLE_SCOPE[Role(role)])
    fields: dict[str, Model | None] = dict.fromkeys(SCOPE_FIELD.values())
    if scope_field is not None:
        fields[scope_field] = scope
    return (
        Membership.objects.active().filter(user__email__iexact=email, role=role, **fields).exists()
    )


def organisations_acted_for(user: Actor, *, sample: bool) -> QuerySet[Membership, int]:
    """The ids (``values_list``) of the organisations ``user`` acts for today as a partner
    member, of one kind: real (``sample=False``) or sample. A deal pairs a project only with
    an organisation of its own kind, so this is the one answer to "may they express interest
    in this project, and for which organisation" (the project's page and the deals app)."""
    if not scopes_of(user).organisation_ids:  # known without a query
        return Membership.objects.none().values_list("organisation_id", flat=True)
    return (
        Membership.objects.active()
        .filter(user=user, role=Role.PARTNER_MEMBER, organisation__sample=sample)
        .values_list("organisation_id", flat=True)
    )
