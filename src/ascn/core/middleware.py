"""Request middleware of the platform: a body over the limit refused before it is read, an id
for each request (honouring an incoming X-Request-ID) for logs and the audit trail, and the
pages' answer to a service's refusal."""

from __future__ import annotations

import contextvars
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.middleware import http
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from ascn.core.client import client_address
from ascn.core.documents import MAX_DOCUMENT_BYTES
from ascn.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from ascn.core.languages import from_accept_language

_request_meta: contextvars.ContextVar[tuple[str, str | None]] = contextvars.ContextVar(
    "request_meta", default=("", None)
)
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_request_meta() -> tuple[str, str | None]:
    return _request_meta.get()


def api_language(request: HttpRequest) -> str:
    """The language of an API answer's message, for the middlewares that answer before
    ``core.languages.LanguageMiddleware`` has chosen it: ``Accept-Language``, else English."""
    return (
        from_accept_language(request.META.get("HTTP_ACCEPT_LANGUAGE", "")) or settings.LANGUAGE_CODE
    )


# A multipart body carries its boundaries and part headers besides the file itself.
MULTIPART_OVERHEAD_BYTES = 256 * 1024


def upload_max_bytes() -> int:
    """The largest multipart body accepted: the largest upload the platform takes (a PDF
    document or an import file) and room for the form's other fields."""
    return max(MAX_DOCUMENT_BYTES, settings.ASCN_IMPORT_MAX_BYTES) + MULTIPART_OVERHEAD_BYTES


def body_max_bytes(content_type: str) -> int | None:
    """The largest body accepted for ``content_type``: an upload's for a multipart form,
    Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` for every other body (JSON, a plain form)."""
    if content_type.startswith("multipart/form-data"):
        return upload_max_bytes()
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def too_large(request: HttpRequest) -> HttpResponse:
    """413: ``{"detail"}`` on the API, a page elsewhere, saying the limit that applied: a
    file's for an upload, ``body_max_bytes`` for any other body (JSON, a plain form)."""
    content_type = request.META.get("CONTENT_TYPE", "")
    limit = body_max_bytes(content_type)
    if content_type.startswith("multipart/form-data") or limit is None:
        message = _("The request is too large: a file is at most %(mb)d MB.") % {
            "mb": max(MAX_DOCUMENT_BYTES, settings.ASCN_IMPORT_MAX_BYTES) // (1024 * 1024)
        }
    else:
        message = _("The request is too large: its body is at most %(size)s.") % {
            "size": filesizeformat(limit)
        }
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    context = {"message": message, "status": 413}
    return render(request, "components/refused.html", context, status=413)


class RequestSizeLimitMiddleware:
    """A body over the limit is refused from its ``Content-Length`` before a byte of it is
    read: an upload is never written to a temporary file only to be refused, and an API body
    over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a 413, not Django's ``RequestDataTooBig`` in the
    middle of parsing. Django's WSGI request reads at most ``Content-Length`` bytes (none
    without it), so no body gets past this check unmeasured."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = body_max_bytes(request.META.get("CONTENT_TYPE", ""))
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body it cannot measure
        if limit is not None and length > limit:
            return too_large(request)
        return self.get_response(request)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        # Our own attribute on the request, which django-stubs' HttpRequest does not declare.
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_meta.set((request_id, client_address(request)))
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
            problems = exception.problems if isinstance(exception, InvalidInput) else [exception]
            context = {
                "message": exception.message,
                "status": exception.status,
                # Every broken rule at once, as forms and the API show them.
                "problems": [problem.message for problem in problems],
            }
            return render(request, "components/refused.html", context, status=exception.status)
        return None


# What a 304 keeps of the answer it stands for, beyond what Django copies (RFC 9110 §15.4.5:
# the caching fields): the request's id, the rate limit's state and the response-wide
# policies the middlewares inside this one set.
KEPT_ON_304 = (
    "X-Request-ID",
    "RateLimit",
    "RateLimit-Policy",
    "Content-Security-Policy",
    "Permissions-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)


class ConditionalGetMiddleware(http.ConditionalGetMiddleware):
    """Django's conditional GET (an ETag of the body; a 304 to ``If-None-Match`` with it),
    not answering ``If-Modified-Since``: an open-data file's ``Last-Modified`` is its
    records' latest update, which a deletion or a withdrawal does not move, so a harvester
    asking by date would be told "not modified" about a file that lost a row. The request's
    header is set aside while Django decides (its ``Last-Modified`` stays on the answer, and
    ``If-Unmodified-Since`` is judged by it as before). A 304 keeps ``KEPT_ON_304``."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        since = request.META.pop("HTTP_IF_MODIFIED_SINCE", None)
        try:
            answer = super().process_response(request, response)
        finally:
            if since is not None:
                request.META["HTTP_IF_MODIFIED_SINCE"] = since
        if answer is not response and answer.status_code == 304:
            for name in KEPT_ON_304:
                if name in response:
                    answer[name] = response[name]
        return answer


class HeadMiddleware:
    """HEAD is answered as GET is, without the body (RFC 9110 §9.3.2): uptime monitors and
    link checkers ask it of pages, files and the API, whose views take GET (and POST) only.
    Outermost, so that every other middleware and the view see a GET."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "OPTIONS":
            return _options(self.get_response(request))
        if request.method != "HEAD":
            return _allowing_head(self.get_response(request))
        request.method = "GET"
        response = self.get_response(request)
        if response.streaming:
            # never started: a streamed export reads nothing (a file is still closed)
            response.streaming_content = iter(())  # type: ignore[attr-defined]
        elif response.status_code != 304:  # a 304 has no length of its own (RFC 9110 §8.6)
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response


def _allowing_head(response: HttpResponse) -> HttpResponse:
    """A 405's ``Allow`` names every method the address takes (RFC 9110 §10.2.1): HEAD too,
    wherever GET is, since it is answered here."""
    allowed = [m.strip() for m in response.get("Allow", "").split(",") if m.strip()]
    if "GET" in allowed and "HEAD" not in allowed:
        response["Allow"] = ", ".join([*allowed, "HEAD"])
    return response


def _options(response: HttpResponse) -> HttpResponse:
    """OPTIONS (RFC 9110 §9.3.7): the methods the address takes, in ``Allow``, with an empty
    204 (the 405's other headers kept) — read from the 405 the view gives a method it does
    not take. A view that takes any method answers as it would."""
    if response.status_code != 405 or not response.has_header("Allow"):
        return response
    allowed = _allowing_head(response)["Allow"]
    response.status_code, response.reason_phrase = 204, "No Content"
    response.content = b""
    for name in ("Content-Type", "Content-Length"):
        if response.has_header(name):
            del response[name]
    response["Allow"] = f"{allowed}, OPTIONS"
    return response


class ErrorShapeMiddleware:
    """An error answer says what it is in the shape its reader takes. Under ``/api/`` every
    answer is JSON: an address the API does not have (404) and a method its operation does
    not take (405, with ``Allow``) answer ``{"detail"}`` as the API's own errors do, not
    Django's HTML page or ninja's plain text. On the pages, the address of a form's action
    opened in the browser (a link shared after a refused form, a reload) is a page saying
    so, with the way back, not Django's empty 405."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code not in (404, 405) or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        allowed = _allowing_head(response).get("Allow", "")
        if not request.path.startswith("/api/"):
            if response.status_code == 404 or response.content:
                return response
            context = {
                "message": _("This address receives a form sent from its page."),
                "status": 405,
            }
            context["back"] = _parent_page(request.path)
            answer = render(request, "components/refused.html", context, status=405)
        elif response.status_code == 404:
            return JsonResponse({"detail": _("Not found.")}, status=404)
        else:
            message = _("Method not allowed: this address takes %(methods)s.") % {
                "methods": allowed
            }
            answer = JsonResponse({"detail": message}, status=405)
        answer["Allow"] = allowed
        return answer


def _parent_page(path: str) -> str:
    """The page a form's action belongs to: its address without the last part, when that is
    an address of the site (``/engagements/5/advance/`` → ``/engagements/5/``)."""
    parent = path.rstrip("/").rsplit("/", 1)[0] + "/"
    try:
        resolve(parent)
    except Resolver404:
        return ""
    return parent
