"""The one two-factor rule, for every way in.

Pages (a session), the API with a session, token creation and token use all ask
``needs_second_factor``; nothing else decides whether a second factor is owed.

* A user with a confirmed TOTP device owes a code, whoever they are.
* A Secretariat member owes one even without a device (``ASCN_SECRETARIAT_REQUIRES_2FA``):
  they must set one up before anything else.
* ``verified`` says whether this way in has given the code: for a session, django-otp's
  ``user.is_verified()``; for a bearer token, the token's ``two_factor`` flag, set when it
  was created with a right code (or from a verified session).
"""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django_otp import user_has_device

from ascn.core.permissions import is_secretariat

Step = Literal["setup", "verify"]


def requires_two_factor(user) -> bool:
    """Whether this account must use two-factor at all (has it on, or is the Secretariat)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user_has_device(user, confirmed=True):
        return True
    return bool(settings.ASCN_SECRETARIAT_REQUIRES_2FA and is_secretariat(user))


def needs_second_factor(user, *, verified: bool) -> bool:
    """Whether ``user``, coming in this way, must still give a second factor before going on."""
    return not verified and requires_two_factor(user)


def next_step(user) -> Step:
    """What a user who owes a second factor does next: set up a device, or give a code."""
    return "verify" if user_has_device(user, confirmed=True) else "setup"


def request_verified(request) -> bool:
    """Whether this request's way in has given a second factor (token or session)."""
    token = getattr(request, "api_token", None)
    if token is not None:
        return bool(token.two_factor)
    user = request.user
    return bool(getattr(user, "is_verified", lambda: False)())
