"""Names for types the layers share, for annotations only: import them under
``if TYPE_CHECKING:`` (nothing here exists at run time).

``User`` is the platform's user model (``AUTH_USER_MODEL``, ``accounts.User``): django-stubs'
plugin resolves django's ``_User`` to it, so core names it without importing the accounts app
(the layers stay as import-linter checks them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import _AnyUser, _User
    from django.http import HttpRequest
    from django_htmx.middleware import HtmxDetails

    # A signed-in person's account.
    User: TypeAlias = _User
    # Who reads or writes: ``request.user`` (a user, or an anonymous visitor), or None for
    # the system (a command, a data load, a background task).
    Actor: TypeAlias = _AnyUser | None

    class HtmxHttpRequest(HttpRequest):
        """A page's request, with what django-htmx's middleware adds (``request.htmx``)."""

        htmx: HtmxDetails
