"""Tokens and the signed-in user."""

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django_otp import match_token, user_has_device
from ninja import Status

from ascn.accounts.lockout import ACCOUNT_GUARDED_MESSAGE, forget_own_failures
from ascn.accounts.models import Membership
from ascn.accounts.schemas import MeOut, TokenIn, TokenOut
from ascn.accounts.services import token_create, token_revoke
from ascn.accounts.two_factor import needs_second_factor, next_step
from ascn.core.api import (
    ERRORS_AUTH,
    ERRORS_WRITE,
    SAME_FOR_EVERYONE,
    AppRouter,
    ErrorOut,
    member_auth,
)

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
    try:
        request.POST  # noqa: B018 - django-axes reads the form body when it records a failure
    except MultiPartParserError:
        return Status(
            400, {"detail": _("The request body is not valid multipart data: send JSON.")}
        )
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


@router.delete(
    "/auth/token",
    response={204: None, **ERRORS_AUTH},
    auth=member_auth,
    operation_id="auth_token_revoke",
    summary="Revoke the bearer token this request is made with",
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
