"""Tokens and the signed-in user."""

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django_otp import match_token, user_has_device
from ninja import Query, Status

from ascn.accounts.lockout import ACCOUNT_GUARDED_MESSAGE, forget_own_failures
from ascn.accounts.models import Membership, Notification
from ascn.accounts.notifications import (
    kinds_for,
    mark_read,
    notifications_for,
    preferences_of,
)
from ascn.accounts.schemas import (
    MarkedOut,
    MeOut,
    NotificationFilter,
    NotificationOut,
    PreferencesIn,
    PreferencesOut,
    TokenIn,
    TokenOut,
)
from ascn.accounts.services import (
    notification_preferences_update as notification_preferences_update_service,
)
from ascn.accounts.services import token_create, token_revoke
from ascn.accounts.two_factor import needs_second_factor, next_step
from ascn.core.api import (
    ERRORS_AUTH,
    ERRORS_WRITE,
    SAME_FOR_EVERYONE,
    AppRouter,
    ErrorOut,
    ShapedRows,
    fields_of,
    sent_as,
)
from ascn.core.errors import NotFound

router = AppRouter(tags=["accounts"])


@router.post(
    "/auth/token",
    response={201: TokenOut, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut, **ERRORS_WRITE},
    operation_id="auth_token_create",
    openapi_extra=SAME_FOR_EVERYONE,
    summary="Exchange e-mail and password (and a two-factor code if on) for an API token",
)
def auth_token_create(request, payload: TokenIn):
    """Exchange an account's e-mail and password for a bearer token (shown once; 90 days
    unless `days` says otherwise). An account with two-factor on also sends `otp_code`.
    Repeated failures are refused with 429 for a while."""
    # (a body not sent as JSON never gets here: ``core.api.JsonBodyParser`` answers 415)
    user = authenticate(request, username=payload.email.strip().lower(), password=payload.password)
    if getattr(request, "axes_locked_out", False):
        return Status(429, {"detail": _("Too many failed attempts: try again later.")})
    if getattr(request, "ascn_account_guarded", False):
        return Status(429, {"detail": str(ACCOUNT_GUARDED_MESSAGE)})
    if user is None:
        return Status(401, {"detail": _("E-mail or password is not correct.")})
    # The one two-factor rule (two_factor.py): a code makes the token verified; an account
    # that must use two-factor and has no authenticator yet gets a 403 from token_create.
    verified = False
    if needs_second_factor(user, verified=False) and next_step(user) == "verify":
        if not payload.otp_code:
            return Status(401, {"detail": _("This account has two-factor on: send `otp_code`.")})
        if match_token(user, payload.otp_code.strip()) is None:
            return Status(401, {"detail": _("The two-factor code is not correct.")})
        verified = True
    token, secret = token_create(
        actor=user, name=payload.name or "", days=payload.days, two_factor=verified
    )
    # A token is a sign-in: forgets the owner's own failures from here, records the sign-in.
    forget_own_failures(request, user.email)
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return Status(201, {"token": secret, "expires": token.expires_at})


@router.member(
    "DELETE",
    "/auth/token",
    {204: None, **ERRORS_AUTH},
    "Revoke the bearer token this request is made with",
)
def auth_token_revoke(request):
    """Revoke the bearer token this request is sent with; it stops working at once. A
    request signed in by the browser session has no token to revoke (401)."""
    if request.api_token is None:
        return Status(
            401, {"detail": _("Send the token to revoke as 'Authorization: Bearer <token>'.")}
        )
    token_revoke(actor=request.user, token=request.api_token)
    return HttpResponse(status=204)


@router.read("/me", MeOut, "The signed-in user and their roles", errors={}, signed_in=True)
def me(request):
    """Who the request is signed in as: e-mail, name, whether two-factor is on, and the
    roles held today with where each applies (a member state, a city, an organisation or the
    whole network)."""
    user = request.user
    memberships = (
        Membership.objects.active()
        .filter(user=user)
        .select_related("member_state", "city", "organisation")
    )
    return {
        "email": user.email,
        "full_name": user.full_name,
        "two_factor": user_has_device(user, confirmed=True),
        "roles": [
            {
                "role": m.role,
                "scope_type": m.scope_type,
                "scope": m.scope_key,
                "start_date": m.start_date,
                "end_date": m.end_date,
            }
            for m in memberships
        ],
    }


# --- notifications -------------------------------------------------------------------------


def _notification_out(notice: Notification) -> dict:
    # the title and body in the answer's language (``Accept-Language``; English by default)
    title, body = notice.in_language()
    return {
        "id": notice.pk,
        **fields_of(notice, "kind url created_at read_at emailed_at"),
        "title": title,
        "body": body,
    }


@router.page(
    "/notifications", NotificationOut, "The caller's notifications, newest first", signed_in=True
)
def notifications_list(request, filters: Query[NotificationFilter]):
    """Your notifications, newest first (`?unread=true`: only those not yet read). Each was
    also e-mailed, at once or in the daily digest, as you chose for its kind
    (`/notifications/preferences`)."""
    qs = notifications_for(request.user)
    if filters.unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif filters.unread is False:
        qs = qs.filter(read_at__isnull=False)
    return ShapedRows(qs, _notification_out)


@router.write("POST", "/notifications/read", MarkedOut, "Mark all the caller's notifications read")
def notifications_read_all(request):
    """Mark every unread notification of yours read; answers how many were."""
    return {"marked": mark_read(user=request.user)}


@router.write(
    "POST", "/notifications/{notification_id}/read", NotificationOut, "Mark one notification read"
)
def notifications_read_one(request, notification_id: int):
    """Mark one of your notifications read (already read: unchanged). 404 for one that is not
    yours."""
    notice = notifications_for(request.user).filter(pk=notification_id).first()
    if notice is None:
        raise NotFound(_("Notification not found."))
    mark_read(user=request.user, ids=[notice.pk])
    notice.refresh_from_db()
    return _notification_out(notice)


def _preferences_out(user, choices: dict[str, str]) -> dict:
    """The kinds ``user`` may be sent (``kinds_for``), each with their choice."""
    return {
        "preferences": [
            {"kind": kind, "label": str(label), "delivery": choices[kind]}
            for kind, label in kinds_for(user).items()
        ]
    }


@router.read(
    "/notifications/preferences",
    PreferencesOut,
    "How the caller receives each kind of notification",
    signed_in=True,
    errors={},
)
def notification_preferences_read(request):
    """Every kind of notification you may be sent (those only the Secretariat is sent, such as
    `post.flagged`, to its members alone) with how you receive it: `app` (in the platform
    only), `email` (e-mailed at once; the default) or `digest` (in the daily digest e-mail)."""
    return _preferences_out(request.user, preferences_of(request.user))


@router.write(
    "PATCH",
    "/notifications/preferences",
    PreferencesOut,
    "Choose how the caller receives kinds of notification",
)
def notification_preferences_update(request, payload: PreferencesIn):
    """Change the choice for the kinds named (`{"preferences": {"plan.submitted":
    "digest"}}`); the others keep theirs. An unknown kind or choice: 422, nothing changed.
    Audited."""
    # a refusal names the kind where it is sent: ["body", "preferences", "plan.endorsed"]
    with sent_as({kind: ("preferences", kind) for kind in payload.preferences}):
        chosen = notification_preferences_update_service(
            actor=request.user, changes=payload.preferences
        )
    return _preferences_out(request.user, chosen)
