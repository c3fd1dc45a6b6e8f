"""Authentication glue: bearer tokens on the API, and two-factor enforcement."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from ascn.accounts.services import token_user
from ascn.core.permissions import is_secretariat


class ApiTokenMiddleware:
    """``Authorization: Bearer <token>`` on ``/api/`` signs the request in as the token's user.

    A bad or expired token is a 401, never a silent fall-back to anonymous.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.api_token = None
        header = request.headers.get("Authorization", "")
        if request.path.startswith("/api/") and header:
            scheme, _, secret = header.partition(" ")
            if scheme.lower() != "bearer":
                return JsonResponse({"detail": "Use 'Authorization: Bearer <token>'."}, status=401)

            found = token_user(secret.strip())
            if found is None:
                return JsonResponse({"detail": "Invalid, expired or revoked token."}, status=401)
            request.user, request.api_token = found
            request._dont_enforce_csrf_checks = True  # a bearer token is not ambient authority
        return self.get_response(request)


def needs_two_factor(user) -> bool:
    """Whether this signed-in user must pass a TOTP check before going on."""
    if not user.is_authenticated or user.is_verified():
        return False

    if user_has_device(user, confirmed=True):
        return True
    return settings.ASCN_SECRETARIAT_REQUIRES_2FA and is_secretariat(user)


class TwoFactorMiddleware:
    """Sends a signed-in user who still owes a TOTP code to set-up or verification.

    Required for the Secretariat; for others it applies once they have turned it on.
    """

    OPEN_PREFIXES = ("/accounts/two-factor/", "/accounts/sign-out/", "/static/", "/media/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and getattr(request, "api_token", None) is None
            and not request.path.startswith(self.OPEN_PREFIXES)
            and needs_two_factor(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Two-factor verification required."}, status=403)

            target = (
                "two-factor-verify" if user_has_device(user, confirmed=True) else "two-factor-setup"
            )
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
