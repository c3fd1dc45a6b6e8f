"""Authentication glue: bearer tokens on the API, and two-factor enforcement."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ascn.accounts.services import token_user
from ascn.accounts.two_factor import needs_second_factor, next_step, request_verified
from ascn.core.languages import without_language
from ascn.core.middleware import api_language
from ascn.core.openapi import CHALLENGE


class ApiTokenMiddleware:
    """``Authorization: Bearer <token>`` on ``/api/`` signs the request in as the token's user.

    A bad or expired token is a 401, never a silent fall-back to anonymous. Every 401 under
    ``/api/`` says how to authenticate (``WWW-Authenticate: Bearer``, with ``error`` when a
    token was sent and refused), as HTTP asks of a 401.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.api_token = None
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        response = self._answer(request)
        if response.status_code == 401 and not response.has_header("WWW-Authenticate"):
            response["WWW-Authenticate"] = CHALLENGE
        return response

    def _answer(self, request):
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _space, secret = header.partition(" ")
            if scheme.lower() != "bearer":
                with translation.override(api_language(request)):
                    return _refusal(_("Use 'Authorization: Bearer <token>'."), "invalid_request")

            found = token_user(secret.strip())
            if found is None:
                with translation.override(api_language(request)):
                    return _refusal(_("Invalid, expired or revoked token."), "invalid_token")
            request.user, request.api_token = found
            request._dont_enforce_csrf_checks = True  # a bearer token is not ambient authority
        return self.get_response(request)


class TwoFactorMiddleware:
    """Holds back a request whose way in still owes a second factor (``two_factor.py``).

    A session is sent to set-up or verification (an API call with a session gets a 403); a
    bearer token created without a code is refused (403) for an account that must use
    two-factor. The token endpoint checks its own code, and the two-factor pages stay open.
    """

    OPEN_PREFIXES = (
        "/accounts/two-factor/",
        "/accounts/sign-out/",
        "/api/v1/auth/token",
        "/static/",
        "/media/",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            # in every language: /th/accounts/two-factor/verify/ is the same open page (it
            # was not, and a Secretariat signing in on a Thai page was sent round in a loop)
            and not without_language(request.path).startswith(self.OPEN_PREFIXES)
            and needs_second_factor(user, verified=request_verified(request))
        ):
            if getattr(request, "api_token", None) is not None:
                return JsonResponse({"detail": str(UNVERIFIED_BEARER_MESSAGE)}, status=403)
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("Two-factor verification required.")}, status=403)
            target = "two-factor-verify" if next_step(user) == "verify" else "two-factor-setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def _refusal(message: str, error: str) -> JsonResponse:
    """A 401 given before the request's language is chosen (``LanguageMiddleware`` runs after
    this one): the caller translates ``message`` under ``core.middleware.api_language``;
    ``error`` is RFC 6750's code for what was wrong with the credentials sent."""
    response = JsonResponse({"detail": message}, status=401)
    response["WWW-Authenticate"] = f'{CHALLENGE}, error="{error}"'
    response["Content-Language"] = translation.get_language()
    patch_vary_headers(response, ("Accept-Language",))
    return response


UNVERIFIED_BEARER_MESSAGE = gettext_lazy(
    "This account must use two-factor sign-in and this token was created without a "
    "two-factor code: create a new token with `otp_code` (POST /api/v1/auth/token)."
)
