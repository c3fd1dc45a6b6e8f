"""Writes to accounts (``members``: users, memberships, API tokens, preferences, passwords and
two-factor; ``invitations``), named here for the rest of the platform. Each checks permission,
validates, writes and audits (DESIGN convention 1); ``actor=None`` is the system itself.
"""

from ascn.accounts.services.invitations import (
    INVITATION_LIFETIME,
    invitation_accept,
    invitation_by_token,
    invitation_create,
    invitation_revoke,
    invitation_url,
)
from ascn.accounts.services.members import (
    TOKEN_DEFAULT_DAYS,
    TOKEN_MAX_DAYS,
    TOKEN_PREFIX,
    hash_secret,
    language_choose,
    membership_end,
    membership_grant,
    notification_preferences_update,
    password_changed,
    token_create,
    token_revoke,
    token_user,
    two_factor_disable,
    two_factor_enable,
    user_create,
)

__all__ = [
    "INVITATION_LIFETIME",
    "TOKEN_DEFAULT_DAYS",
    "TOKEN_MAX_DAYS",
    "TOKEN_PREFIX",
    "hash_secret",
    "invitation_accept",
    "invitation_by_token",
    "invitation_create",
    "invitation_revoke",
    "invitation_url",
    "language_choose",
    "membership_end",
    "membership_grant",
    "notification_preferences_update",
    "password_changed",
    "token_create",
    "token_revoke",
    "token_user",
    "two_factor_disable",
    "two_factor_enable",
    "user_create",
]
