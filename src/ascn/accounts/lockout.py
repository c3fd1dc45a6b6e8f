"""Failed sign-ins: an attacker slows down, the owner still gets in (docs/accounts.md).

Two counters over the same failures, which django-axes records (``AccessAttempt``):

* **per client address** — django-axes locks an address out after ``AXES_FAILURE_LIMIT``
  failures (whatever the accounts) for ``AXES_COOLOFF_HOURS``: 429, a page or JSON. The
  address is ``core.client.client_address`` (``TRUSTED_PROXY_COUNT``).
* **per account** — after ``ASCN_ACCOUNT_FAILURE_LIMIT`` failures against one e-mail (from
  any address) in the same window, the password alone no longer signs that account in
  (``AccountGuardBackend``). The owner still gets in with the password *and* the second
  factor (accounts with an authenticator sign in as usual: the code is asked next), or lifts
  the guard with the e-mailed password-reset link. The account is never simply locked.
"""

from __future__ import annotations

import datetime as dt

from axes.helpers import get_client_ip_address, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice


def lockout_response(request, original_response=None, credentials=None):
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    message = _(
        "Too many failed sign-in attempts from your network: try again in %(minutes)s "
        "minutes, or reset your password."
    ) % {"minutes": minutes or 15}
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        context = {"message": message, "cooloff_timedelta": cool_off, "minutes": minutes}
        response = render(request, "accounts/locked_out.html", context, status=429)
    # when to try again, as every 429 of the platform says it (RFC 9110 §10.2.3)
    response["Retry-After"] = str(round(cool_off.total_seconds()) if cool_off else 15 * 60)
    return response


def lockout_username(request, credentials=None) -> str | None:
    """The e-mail the failures are counted against, case-folded so 'A@x.org' and 'a@x.org' count together."""
    value = (credentials or {}).get("username")
    if value is None and request is not None and request.method == "POST":
        value = request.POST.get("username")
    return value.strip().lower() if isinstance(value, str) else None


# --- the client address --------------------------------------------------------------


# --- the per-account guard -------------------------------------------------------------


def account_failures(email: str) -> int:
    """Failed sign-ins against ``email`` from every address within the cool-off."""
    since = timezone.now() - (get_cool_off() or dt.timedelta(minutes=15))
    total = AccessAttempt.objects.filter(username=email, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return total or 0


def account_guarded(email: str) -> bool:
    return account_failures(email) >= settings.ASCN_ACCOUNT_FAILURE_LIMIT


def _second_factor_passes(email: str) -> bool:
    """Whether the account can prove itself with a second factor (a confirmed authenticator)."""
    return TOTPDevice.objects.filter(user__email__iexact=email, confirmed=True).exists()


ACCOUNT_GUARDED_MESSAGE = gettext_lazy(
    "There were too many failed sign-ins to this account, so the password alone no longer "
    "opens it for now. Reset your password (the e-mailed link lifts this), or wait and try "
    "again; turning two-factor sign-in on keeps you able to sign in."
)


class AccountGuardBackend:
    """Between django-axes and the password check: refuses the password alone for an account
    under attack that has no second factor (``request.ascn_account_guarded``).

    Like django-axes' backend it only ever refuses: it has no ``get_user``, so it never
    signs anyone in (nor becomes the backend a session is stored with).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = lockout_username(request, {"username": username})
        if request is None or not email:
            return None
        if account_guarded(email) and not _second_factor_passes(email):
            request.ascn_account_guarded = True
            raise PermissionDenied  # Django stops here and reports a failed sign-in
        return None


def forget_own_failures(request, email: str) -> None:
    """After a successful sign-in: forget this account's failures from this address (the
    owner's own typos), and nothing else — an attacker's failures elsewhere still count, and
    signing in to one's own account does not reset an address's count."""
    AccessAttempt.objects.filter(
        username=email.strip().lower(), ip_address=get_client_ip_address(request)
    ).delete()
