"""Request middleware of the platform: an id for each request (honouring an incoming
X-Request-ID) for logs and the audit trail, and the pages' answer to a service's refusal."""

from __future__ import annotations

import contextvars
import re
import uuid
from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ascn.core.errors import DomainError, NotFound, PermissionDenied

_request_meta: contextvars.ContextVar[tuple[str, str | None]] = contextvars.ContextVar(
    "request_meta", default=("", None)
)
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_request_meta() -> tuple[str, str | None]:
    return _request_meta.get()


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        # Our own attribute on the request, which django-stubs' HttpRequest does not declare.
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_meta.set((request_id, request.META.get("REMOTE_ADDR") or None))
        try:
            response = self.get_response(request)
        finally:
            _request_meta.reset(token)
        response["X-Request-ID"] = request_id
        return response


class DomainErrorMiddleware:
    """Pages: a service's refusal that the view leaves alone becomes the page it means — never
    a 500. ``NotFound`` is a 404 (the same page as a missing record: nothing leaks),
    ``PermissionDenied`` a 403 page saying why, ``StaleEdit`` a 409 and ``InvalidInput`` a
    422 page with the service's message. Views that can do better (a form with the error on
    its field, the merge of a stale edit) catch the error themselves. The API maps the same
    errors to ``{detail}`` answers (``config/api.py``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        if isinstance(exception, PermissionDenied):
            context: dict[str, object] = {"message": exception.message}
            return render(request, "components/forbidden.html", context, status=403)
        if isinstance(exception, DomainError):
            context = {"message": exception.message, "status": exception.status}
            return render(request, "components/refused.html", context, status=exception.status)
        return None
