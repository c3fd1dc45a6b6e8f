"""Writes to accounts: users, memberships, API tokens, preferences, passwords and two-factor.

Each checks permission, validates, writes and audits (DESIGN convention 1).
``actor=None`` is the system itself (management commands, the demo loader).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING, Any

import django_otp
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from ascn.accounts.models import (
    ROLE_SCOPE,
    SCOPE_FIELD,
    ApiToken,
    Delivery,
    Membership,
    NotificationPreference,
    Role,
    User,
    password_fingerprint,
)
from ascn.accounts.notifications import (
    KINDS,
    preferences_of,
)
from ascn.accounts.two_factor import needs_second_factor, next_step
from ascn.core import audit
from ascn.core.errors import InvalidInput, NotFound, PermissionDenied
from ascn.core.permissions import forget_scopes, scopes_of
from ascn.core.services import audit_and_announce, lock, save_fields

if TYPE_CHECKING:
    from ascn.core.types import Actor

TOKEN_DEFAULT_DAYS = 90
TOKEN_MAX_DAYS = 365
TOKEN_PREFIX = "ascn_"  # noqa: S105 - a public prefix, not a secret


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _is_system(actor: Actor) -> bool:
    return actor is None


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password") from exc


# --- users ---------------------------------------------------------------------------


@transaction.atomic
def user_create(
    *, actor: Actor, email: str, password: str | None, full_name: str = "", is_staff: bool = False
) -> User:
    """Create an account directly (system or Secretariat); people normally arrive by invitation."""
    if not _is_system(actor) and not scopes_of(actor).secretariat:
        raise PermissionDenied(_("Only the Secretariat creates accounts directly."))
    email = User.objects.normalize_email(email or "").strip().lower()
    if not email or "@" not in email:
        raise InvalidInput(_("A valid e-mail address is required."), field="email")
    if User.objects.filter(email__iexact=email).exists():
        raise InvalidInput(_("An account with this e-mail address already exists."), field="email")
    user = User(email=email, full_name=full_name.strip(), is_staff=is_staff)
    if password is not None:
        _check_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_and_announce(
        actor,
        "accounts.user.created",
        user,
        audit.diff(
            {}, {"email": email, **({"full_name": user.full_name} if user.full_name else {})}
        ),
    )
    return user


# --- memberships ---------------------------------------------------------------------


# A role's scope is a member state, a city or an organisation (or none): models of the
# apps above this one, which it does not name.
Scope = models.Model | None


def _scope_kwargs(role: str, scope: Scope) -> dict[str, Any]:
    """Validate that ``scope`` fits ``role`` and return the membership's scope fields."""
    try:
        scope_type = ROLE_SCOPE[Role(role)]
    except ValueError as exc:
        raise InvalidInput(_("Unknown role."), field="role") from exc
    expected = Membership.scope_model(scope_type) or type(None)
    if not isinstance(scope, expected):
        raise InvalidInput(
            _("This role is held over a %(scope)s.") % {"scope": scope_type.label.lower()},
            field="scope",
        )
    fields: dict[str, Any] = dict.fromkeys(SCOPE_FIELD.values())
    if scope_type in SCOPE_FIELD:
        fields[SCOPE_FIELD[scope_type]] = scope
    return {"scope_type": scope_type, **fields}


def _can_grant(actor: Actor, role: str, scope: Scope) -> bool:
    """Secretariat: any role. National Representative: CSCOs of their own state's cities."""
    if _is_system(actor):
        return True
    scopes = scopes_of(actor)
    if scopes.secretariat:
        return True
    state_id = getattr(scope, "member_state_id", None)  # a city's member state
    if role == Role.CSO and scope is not None and state_id:
        return state_id in scopes.member_state_ids
    return False


@transaction.atomic
def membership_grant(
    *, actor: Actor, user: User, role: str, scope: Scope = None, start_date: dt.date | None = None
) -> Membership:
    if not _can_grant(actor, role, scope):
        raise PermissionDenied(_("You may not grant this role over this scope."))
    fields = _scope_kwargs(role, scope)
    existing = Membership.objects.active().filter(
        user=user, role=role, **{k: v for k, v in fields.items() if k != "scope_type"}
    )
    found = existing.first()
    if found is not None:
        return found
    membership = Membership.objects.create(
        user=user, role=role, start_date=start_date or timezone.localdate(), **fields
    )
    if role == Role.SECRETARIAT and not (user.is_staff and user.is_superuser):
        # The Secretariat runs the back office.
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    forget_scopes(user)
    audit_and_announce(
        actor,
        "accounts.membership.granted",
        membership,
        audit.diff(
            {},
            {
                "user": user.email,
                "role": role,
                "scope": membership.scope_key,
                "start_date": membership.start_date,
            },
        ),
    )
    return membership


@transaction.atomic
def membership_end(
    *, actor: Actor, membership: Membership, end_date: dt.date | None = None
) -> Membership:
    if not _can_grant(actor, membership.role, membership.scope):
        raise PermissionDenied(_("You may not end this membership."))
    caller_user = membership.user  # the caller's copy: its cached roles go stale too
    membership = lock(membership)
    end_date = end_date or timezone.localdate()
    if membership.end_date is not None:
        raise InvalidInput(_("This membership has already ended."), field="end_date")
    if end_date <= membership.start_date:
        raise InvalidInput(_("A membership must end after it starts."), field="end_date")
    membership.end_date = end_date
    membership.save(update_fields=["end_date"])
    user = membership.user
    if (
        membership.role == Role.SECRETARIAT
        and not Membership.objects.active(end_date)
        .filter(user=user, role=Role.SECRETARIAT)
        .exists()
    ):
        user.is_staff = user.is_superuser = False
        user.save(update_fields=["is_staff", "is_superuser"])
    forget_scopes(user)
    forget_scopes(caller_user)
    audit_and_announce(
        actor,
        "accounts.membership.ended",
        membership,
        audit.diff({"end_date": None}, {"end_date": end_date}),
    )
    return membership


# --- API tokens ----------------------------------------------------------------------


@transaction.atomic
def token_create(
    *, actor: User, name: str = "", days: int | None = None, two_factor: bool = False
) -> tuple[ApiToken, str]:
    """Create a personal API token for ``actor``. The secret is returned once, never stored.

    ``two_factor``: the caller checked the actor's second factor on this sign-in (a right
    TOTP code, or a verified session); the token carries it. An account that must use
    two-factor (``two_factor.needs_second_factor``) gets no token without it.
    """
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("Sign in to create a token."))
    if needs_second_factor(actor, verified=two_factor):
        if next_step(actor) == "setup":
            raise PermissionDenied(
                _(
                    "Your account must use two-factor sign-in: set it up first "
                    "(%(url)s), then create a token with a code."
                )
                % {"url": reverse("two-factor-setup")}
            )
        raise PermissionDenied(
            _("Your account has two-factor sign-in on: a token needs a right two-factor code.")
        )
    days = TOKEN_DEFAULT_DAYS if days is None else days
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise InvalidInput(
            _("A token lasts between 1 and %(max)d days.") % {"max": TOKEN_MAX_DAYS}, field="days"
        )
    name = (name or "").strip()[:100] or _("API token")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        prefix=secret[:12],
        key_hash=hash_secret(secret),
        expires_at=timezone.now() + dt.timedelta(days=days),
        two_factor=two_factor,
        password_fingerprint=password_fingerprint(actor),
    )
    audit_and_announce(
        actor,
        "accounts.token.created",
        token,
        audit.diff(
            {},
            {
                "name": name,
                "prefix": token.prefix,
                "expires_at": token.expires_at,
                "two_factor": two_factor,
            },
        ),
    )
    return token, secret


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    token = lock(token)
    if token.user_id != getattr(actor, "pk", None):
        raise NotFound(_("Token not found."))
    if token.revoked_at is None:
        save_fields(actor, "accounts.token.revoked", token, revoked_at=timezone.now())
    return token


def token_user(secret: str) -> tuple[User, ApiToken] | None:
    """The active user and token for a bearer secret, or None. Touches ``last_used_at`` at most once a minute."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_secret(secret)).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    if token.outlived_password(token.user):
        return None  # the password changed outside the services (e.g. manage.py changepassword)
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token


# --- preferences ----------------------------------------------------------------------


@transaction.atomic
def language_choose(*, actor: User, language: str) -> User:
    """Save the language ``actor`` chose for their own pages, e-mails and notifications."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise InvalidInput(_("Choose one of the platform's languages."), field="language")
    if actor.language != language:
        save_fields(actor, "accounts.user.language", actor, language=language)
    return actor


# --- passwords and two-factor ----------------------------------------------------------


@transaction.atomic
def password_changed(*, actor: Actor, user: User, action: str) -> int:
    """A new password was set for ``user`` (Django's password views write it, in the same
    transaction): record it and revoke the user's API tokens — a token does not outlive the
    password it was obtained with, as a session does not. Returns how many were revoked.

    ``actor``: the user themselves (change, reset), the Secretariat (the admin) or the system.
    """
    if getattr(actor, "pk", user.pk) != user.pk and not scopes_of(actor).secretariat:
        raise PermissionDenied(_("Only the Secretariat sets someone else's password."))
    now = timezone.now()
    tokens = ApiToken.objects.select_for_update().filter(
        user=user, revoked_at__isnull=True, expires_at__gt=now
    )
    revoked = 0
    for token in tokens.order_by("pk"):
        save_fields(actor, "accounts.token.revoked", token, revoked_at=now)
        revoked += 1
    audit_and_announce(actor, action, user, audit.diff({}, {"api_tokens_revoked": revoked}))
    return revoked


@transaction.atomic
def two_factor_enable(*, actor: User, device: TOTPDevice) -> TOTPDevice:
    """Confirm the actor's own TOTP device after they gave a right code."""

    device = TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=actor).first()
    if device is None:
        raise NotFound(_("Device not found."))
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_and_announce(
        actor,
        "accounts.two_factor.enabled",
        device,
        {"confirmed": {"before": False, "after": True}},
    )
    return device


@transaction.atomic
def two_factor_disable(*, actor: User) -> int:
    """Remove the actor's authenticators. The Secretariat must keep two-factor on."""

    if settings.ASCN_SECRETARIAT_REQUIRES_2FA and scopes_of(actor).secretariat:
        raise PermissionDenied(_("The Secretariat must keep two-factor sign-in on."))
    removed = 0
    for device in django_otp.devices_for_user(actor, confirmed=None):
        device.delete()
        removed += 1
    audit_and_announce(
        actor, "accounts.two_factor.disabled", actor, {"devices": {"before": removed, "after": 0}}
    )
    return removed


# --- notification preferences ----------------------------------------------------------


@transaction.atomic
def notification_preferences_update(*, actor: Actor, changes: dict[str, str]) -> dict[str, str]:
    """Choose, per kind of notification (``KINDS``), how the actor receives it: ``app`` (in
    the platform only), ``email`` (e-mailed at once) or ``digest`` (in the daily digest
    e-mail). Kinds not named keep their choice; the changed ones are audited. Returns every
    kind's choice."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to choose how you are notified."))
    for kind, delivery in changes.items():
        if kind not in KINDS:
            raise InvalidInput(
                _("Unknown kind of notification: %(kind)s") % {"kind": kind}, field=kind
            )
        if delivery not in Delivery.values:
            raise InvalidInput(
                _("Choose one of: %(choices)s") % {"choices": ", ".join(Delivery.values)},
                field=kind,
            )
    user = User.objects.select_for_update().get(pk=actor.pk)
    before = preferences_of(user)
    for kind, delivery in changes.items():
        if before[kind] != delivery:
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"delivery": delivery}
            )
    after = preferences_of(user)
    changed = audit.diff(before, after)
    if changed:
        audit_and_announce(actor, "accounts.notification_preferences.updated", user, changed)
    return after
