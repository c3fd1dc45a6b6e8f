"""Reads of accounts: what a user may see of the invitations."""

from __future__ import annotations

from django.db.models import QuerySet

from ascn.accounts.models import Invitation
from ascn.core.permissions import scopes_of


def invitations_sent(user) -> QuerySet[Invitation]:
    """The invitations ``user`` may see and revoke: all for the Secretariat, their own for a
    National Representative, none for anyone else; newest first."""
    scopes = scopes_of(user)
    sent = Invitation.objects.select_related(
        "member_state", "city", "organisation", "person", "invited_by", "accepted_by"
    )
    if scopes.secretariat:
        pass
    elif scopes.member_state_ids:
        sent = sent.filter(invited_by=user)
    else:
        sent = sent.none()
    return sent.order_by("-created_at", "-pk")
