"""The site's own address, for the links that leave it: invitation and notification
e-mails, iCalendar feeds, the DCAT catalogue.

``SITE_URL`` set (production: the public ``https://`` address) is the address, whatever
the request came to. Unset, the address follows the request being answered — the host and
port the browser used — so ``make demo`` on ``PORT=18765`` links to ``:18765``. Without a
request (a task, a management command) and without ``SITE_URL``, the address is
``SITE_URL_FALLBACK`` (``http://127.0.0.1:8000``); ``make demo`` passes ``SITE_URL`` from
``PORT`` to its commands and task worker.

iCalendar UIDs must not change with the port the site is served on (a calendar app would
see every meeting twice): they use ``ASCN_CALENDAR_UID_DOMAIN`` (see ``calendar_domain``).
"""

from __future__ import annotations

import contextvars
import ipaddress
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

SITE_URL_FALLBACK = "http://127.0.0.1:8000"
CALENDAR_DOMAIN_FALLBACK = "ascn.invalid"

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "site_request", default=None
)


class SiteAddressMiddleware:
    """Keeps the request being answered where ``site_url`` finds it (after Django's
    ``CommonMiddleware``, so the host is already checked against ``ALLOWED_HOSTS``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def site_url(request: HttpRequest | None = None) -> str:
    """The site's address without a trailing slash: ``SITE_URL`` when set, else the
    address ``request`` (or the request being answered) came to, else the fallback."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    request = request or _current_request.get()
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return SITE_URL_FALLBACK


def absolute(path: str, request: HttpRequest | None = None) -> str:
    """``path`` (``/meetings/x/``) as a full address on this site; a full address as is."""
    if not path.startswith("/"):
        return path
    return site_url(request) + path


def _is_domain_name(host: str) -> bool:
    if not host or "." not in host or host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return True
    return False


def calendar_domain() -> str:
    """The domain of the iCalendar UIDs (``meeting-<slug>@<domain>``): stable whatever port
    or host the site is reached on. ``ASCN_CALENDAR_UID_DOMAIN`` when set; else the host of
    ``SITE_URL`` when that is a domain name (not an IP address or ``localhost``); else
    ``ascn.invalid`` (a reserved name that is nobody's: RFC 2606)."""
    if settings.ASCN_CALENDAR_UID_DOMAIN:
        return settings.ASCN_CALENDAR_UID_DOMAIN
    host = (urlsplit(settings.SITE_URL).hostname or "") if settings.SITE_URL else ""
    return host if _is_domain_name(host) else CALENDAR_DOMAIN_FALLBACK
