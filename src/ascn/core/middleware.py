"""Gives each request an id (honouring an incoming X-Request-ID) for logs and the audit trail."""

from __future__ import annotations

import contextvars
import re
import uuid

_request_meta: contextvars.ContextVar[tuple[str, str | None]] = contextvars.ContextVar(
    "request_meta", default=("", None)
)
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_request_meta() -> tuple[str, str | None]:
    return _request_meta.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_meta.set((request_id, request.META.get("REMOTE_ADDR") or None))
        try:
            response = self.get_response(request)
        finally:
            _request_meta.reset(token)
        response["X-Request-ID"] = request_id
        return response
