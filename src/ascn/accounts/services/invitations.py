"""Invitations: a National Representative, a CSCO or the Secretariat invites a person to a
role, and the person accepts with the link sent to them (``accounts.services.members`` makes
the account and the membership). Each write checks permission, validates, writes and audits.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ascn.accounts.models import (
    Invitation,
    Role,
    User,
)
from ascn.accounts.notifications import (
    active_language,
    language_of,
    neutral_path,
    notify,
)
from ascn.accounts.queries import holds_role
from ascn.core import audit, formats, site
from ascn.core.errors import InvalidInput, NotFound, PermissionDenied, TooManyRequests
from ascn.core.permissions import scopes_of
from ascn.core.services import audit_and_announce, lock, save_fields

if TYPE_CHECKING:
    from ascn.core.types import Actor

from ascn.accounts.services.members import (
    Scope,
    _can_grant,
    _check_password,
    _scope_kwargs,
    hash_secret,
    membership_grant,
)

INVITATION_LIFETIME = dt.timedelta(days=7)


def invitation_url(token: str) -> str:
    return site.absolute(reverse("invitation-accept", args=[token]))


@transaction.atomic
def invitation_create(
    *, actor: Actor, email: str, role: str, scope: Scope = None, person: Any = None
) -> tuple[Invitation, str]:
    """Invite someone to a role over a scope (``person``: the network.Person invited, when
    known). Returns the invitation and its one-time token."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to invite people."))
    email = User.objects.normalize_email(email or "").strip().lower()
    if not email or "@" not in email:
        raise InvalidInput(_("A valid e-mail address is required."), field="email")
    fields = _scope_kwargs(role, scope)
    if not _can_grant(actor, role, scope):
        raise PermissionDenied(_("You may not invite people to this role or scope."))
    if (
        person is not None
        and fields["city"] is not None
        and not person.appointments.filter(city=fields["city"]).exists()
    ):
        raise InvalidInput(_("This person holds no office in that city."), field="person")
    # The inviter's row is locked first, so two invitations sent at once (a double click) are
    # checked one after the other.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    _check_not_invited_yet(email, role, scope, fields)
    _check_invitation_rate(actor)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        member_state=fields["member_state"],
        city=fields["city"],
        organisation=fields["organisation"],
        person=person,
        invited_by=actor,
        token_hash=hash_secret(token),
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    audit_and_announce(
        actor,
        "accounts.invitation.created",
        invitation,
        audit.diff(
            {},
            {
                "email": email,
                "role": role,
                "scope": _scope_key(invitation),
                "expires_at": invitation.expires_at,
            },
        ),
    )
    # Written in the invitee's language: the one saved on their account if they have one,
    # else the inviter's (the page's), with a line saying, in English too, where the platform
    # is offered in other languages.
    invitee = User.objects.filter(email__iexact=email).first()
    language = (
        language_of(invitee) if invitee is not None and invitee.language else active_language()
    )
    with translation.override(language):
        subject, message = _invitation_mail(actor, invitation, token, has_account=bool(invitee))
    transaction.on_commit(
        lambda: send_mail(subject=subject, message=message, from_email=None, recipient_list=[email])
    )
    return invitation, token


def _invitation_mail(
    actor: User, invitation: Invitation, token: str, *, has_account: bool
) -> tuple[str, str]:
    """The invitation e-mail's subject and text, in the active language."""
    scope_name = str(invitation.scope) if invitation.scope else _("the ASEAN Smart Cities Network")
    if has_account:
        how = _(
            "You already have an account: open this link and sign in with it to accept (the "
            "link works once and expires on %(expires)s):"
        )
    else:
        how = _(
            "Accept the invitation and choose your password here (the link works once and "
            "expires on %(expires)s):"
        )
    text = (
        _("%(inviter)s invites you to join the ASCN Platform as %(role)s for %(scope)s.")
        + "\n\n"
        + how
        + "\n\n%(url)s\n"
    ) % {
        "inviter": actor.get_full_name(),
        "role": invitation.get_role_display(),
        "scope": scope_name,
        "expires": formats.moment(invitation.expires_at),
        "url": invitation_url(token),
    }
    # Unprefixed: the page opens in the language the reader's browser asks for.
    languages_page = site.absolute(neutral_path(reverse("languages")))
    offered = [_("The ASCN Platform is available in your language: %(url)s")]
    if translation.get_language() != settings.LANGUAGE_CODE:
        with translation.override(settings.LANGUAGE_CODE):
            offered.append(_("The ASCN Platform is available in your language: %(url)s"))
    text += "\n" + "\n".join(line % {"url": languages_page} for line in offered) + "\n"
    return _("You are invited to the ASCN Platform"), text


def _check_not_invited_yet(email: str, role: str, scope: Scope, fields: dict[str, Any]) -> None:
    """Refuse to invite a person (by e-mail, in any case) to a role over a scope that they
    already hold, or that a pending invitation already offers them: a second link to the same
    role would only confuse them (the inviter sees the pending one, and may revoke it)."""
    if holds_role(email, role, scope):
        raise InvalidInput(_("This person already holds this role."), field="email")
    pending = (
        Invitation.objects.filter(
            email__iexact=email,
            role=role,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            **{name: value for name, value in fields.items() if name != "scope_type"},
        )
        .order_by("-expires_at")
        .first()
    )
    if pending is not None:
        raise InvalidInput(
            _("This person already has a pending invitation to this role, valid until %(expires)s.")
            % {"expires": formats.moment(pending.expires_at)},
            field="email",
        )


def _check_invitation_rate(actor: User) -> None:
    """At most ``ASCN_INVITATIONS_PER_HOUR`` invitations by one person in any hour (a sliding
    hour, counted in the database; revoked ones count, they were e-mailed). The caller has
    locked the inviter's row, so two invitations sent at once are counted one after the
    other."""
    limit = settings.ASCN_INVITATIONS_PER_HOUR
    now = timezone.now()
    sent = list(
        Invitation.objects.filter(invited_by=actor, created_at__gt=now - dt.timedelta(hours=1))
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )
    if len(sent) < limit:
        return
    # the invitation whose hour ends next brings the count back under the limit
    wait = sent[len(sent) - limit] + dt.timedelta(hours=1) - now
    minutes = max(1, int(wait.total_seconds() + 59) // 60)
    raise TooManyRequests(
        _(
            "You have sent %(count)d invitations in the past hour, the most allowed. "
            "Nothing was sent: you can invite again in %(minutes)d minutes."
        )
        % {"count": len(sent), "minutes": minutes},
        retry_after=int(wait.total_seconds()) + 1,
    )


def _scope_key(invitation: Invitation) -> str | None:
    if invitation.member_state is not None:
        return invitation.member_state.code
    if invitation.city is not None:
        return invitation.city.slug
    if invitation.organisation is not None:
        return invitation.organisation.slug
    return None


def invitation_by_token(token: str) -> Invitation:
    """The pending invitation for this token; NotFound if unknown, used, revoked or expired."""
    invitation = (
        Invitation.objects.select_related("member_state", "city", "organisation", "invited_by")
        .filter(token_hash=hash_secret(token or ""))
        .first()
    )
    if invitation is None or invitation.status != "pending":
        raise NotFound(
            _("This invitation link is not valid: it may have been used already or have expired.")
        )
    return invitation


@transaction.atomic
def invitation_accept(
    *, token: str, password: str | None, full_name: str = "", actor: Actor = None
) -> User:
    """Accept an invitation: create the account and grant the membership.

    When the e-mail already has an account, that account accepts it signed in (``actor``):
    the link alone never adds a role to an existing account, nor makes a second one.
    """
    invitation = invitation_by_token(token)
    invitation = lock(invitation)
    if invitation.status != "pending":
        raise NotFound(
            _("This invitation link is not valid: it may have been used already or have expired.")
        )
    user = User.objects.filter(email__iexact=invitation.email).first()
    if user is not None and getattr(actor, "pk", None) != user.pk:
        raise PermissionDenied(
            _("An account with the e-mail address %(email)s exists: sign in with it to accept.")
            % {"email": invitation.email}
        )
    if user is None:
        if not password:
            raise InvalidInput(_("Choose a password."), field="password")
        user = User(email=invitation.email, full_name=full_name.strip())
        _check_password(password, user)
        user.set_password(password)
        user.save()
        audit_and_announce(
            user,
            "accounts.user.created",
            user,
            audit.diff({}, {"email": user.email, "via": "invitation"}),
        )
    membership = membership_grant(
        actor=None, user=user, role=invitation.role, scope=invitation.scope
    )
    person = invitation.person
    if person is not None and person.user_id is None:
        person.user = user
        person.save(update_fields=["user", "updated_at"])
        audit_and_announce(
            user, "network.person.linked", person, audit.diff({"user": None}, {"user": user.email})
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_and_announce(
        user,
        "accounts.invitation.accepted",
        invitation,
        {"membership": {"before": None, "after": membership.pk}},
    )
    inviter = invitation.invited_by
    if inviter is not None and inviter.pk != user.pk:
        scope = invitation.scope
        # Written in the inviter's language (notify calls these under it).
        notify(
            users=[inviter],
            kind="invitation.accepted",
            title=lambda: (
                _("%(person)s accepted your invitation") % {"person": user.full_name or user.email}
            ),
            body=lambda: (
                _("%(person)s (%(email)s) joined as %(role)s of %(scope)s.")
                % {
                    "person": user.full_name or user.email,
                    "email": user.email,
                    "role": Role(invitation.role).label,
                    "scope": str(scope) if scope else _("the ASEAN Smart Cities Network"),
                }
            ),
            url=reverse("invitations"),
        )
    return user


@transaction.atomic
def invitation_revoke(*, actor: Actor, invitation: Invitation) -> Invitation:
    invitation = lock(invitation)
    if invitation.invited_by_id != getattr(actor, "pk", None) and not scopes_of(actor).secretariat:
        raise NotFound(_("Invitation not found."))
    if invitation.status != "pending":
        raise InvalidInput(_("Only a pending invitation can be revoked."), field="invitation")
    return save_fields(actor, "accounts.invitation.revoked", invitation, revoked_at=timezone.now())
