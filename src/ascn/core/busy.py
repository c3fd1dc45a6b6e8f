"""A request that found no free database connection in time is answered 503 with
``Retry-After``, never a 500: on PostgreSQL each process keeps a bounded pool
(``DATABASE_POOL_SIZE``), and a request waits at most ``DATABASE_POOL_TIMEOUT`` seconds for
one of its connections (docs/operations.md, "Connections")."""

from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults

RETRY_AFTER_SECONDS = 2


def database_busy(exc: BaseException | None) -> bool:
    """Whether ``exc`` is, or was raised from, a wait for a pooled connection that timed out
    (Django wraps the pool's error in its own ``OperationalError``)."""
    pool = sys.modules.get("psycopg_pool")
    if pool is None:  # no pool in this process (SQLite, or PostgreSQL without one)
        return False
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, pool.PoolTimeout):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def busy_message() -> str:
    return _("The platform is busy: please try again in a few seconds.")


def busy_response(request: HttpRequest) -> HttpResponse:
    """503 in the API's shape on ``/api/``, a short page elsewhere; both with Retry-After."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": busy_message()}, status=503)
    else:
        # the words outside the f-string: xgettext does not read a call inside one
        busy, site = _("Busy"), _("ASCN Platform")
        response = HttpResponse(
            f'<!doctype html><html lang="{translation.get_language()}"><head><meta charset="utf-8">'
            f"<title>{busy} · {site}</title></head><body><main>"
            f"<h1>{busy}</h1><p>{busy_message()}</p></main></body></html>",
            status=503,
        )

    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's ``handler500``: the busy answer when the error was a connection wait that
    timed out, otherwise the plain error page (``templates/500.html``, no context: the
    database may be what failed)."""
    if database_busy(sys.exc_info()[1]):
        return busy_response(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Internal server error.")}, status=500)

    return defaults.server_error(request)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's ``handler400`` (a request refused before any view: a host not allowed, a
    malformed body): ``{"detail"}`` on the API, as every other API error; the plain page
    elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Bad request.")}, status=400)
    return defaults.bad_request(request, exception)
