"""The client's address, as the outermost of our own proxies saw it: one function for the
sign-in throttle (django-axes), the API rate limits and the audit trail (``TRUSTED_PROXY_COUNT``,
docs/accounts.md "Failed sign-ins")."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The address of the client, as the outermost of our own proxies saw it.

    ``TRUSTED_PROXY_COUNT = 0`` (no proxy): ``REMOTE_ADDR``; ``X-Forwarded-For`` is not
    read (anyone can send it). ``N`` proxies in front, each appending the address it was
    reached from: the N-th ``X-Forwarded-For`` entry from the right — entries further left
    were sent by the client and are ignored. A chain shorter than N, or an entry that is not
    an address, falls back to ``REMOTE_ADDR`` (the proxy: such requests share one bucket).
    """
    remote = _ip(request.META.get("REMOTE_ADDR"))
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    return _ip(hops[-count]) or remote
