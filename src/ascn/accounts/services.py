"""Writes to accounts. Each checks permission, validates, writes and audits."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from ascn.accounts.models import User
from ascn.core import audit
from ascn.core.errors import InvalidInput, PermissionDenied


def _is_secretariat(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.is_staff)


@transaction.atomic
def user_create(
    *, actor, email: str, password: str | None, full_name: str = "", is_staff: bool = False
) -> User:
    """Create an account. ``actor=None`` is the system (demo loader, management commands)."""
    if actor is not None and not _is_secretariat(actor):
        raise PermissionDenied("Only the Secretariat creates accounts directly.")
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise InvalidInput("An account with this e-mail address already exists.", field="email")
    user = User(email=email, full_name=full_name, is_staff=is_staff)
    if password is not None:
        try:
            validate_password(password, user)
        except Exception as exc:
            raise InvalidInput(" ".join(getattr(exc, "messages", [str(exc)])), field="password") from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit.record(actor, "accounts.user.created", user, audit.diff({}, {"email": email, "is_staff": is_staff}))
    return user
