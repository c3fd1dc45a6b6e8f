"""Rate limits, counted in the shared counters (``core.counters``): the API's requests per
client, and the counters other parts of the platform use for their own limits (a reset e-mail
per address).

The API (``ApiRateLimitMiddleware``) counts every request to ``/api/`` (the health checks
aside) against one of three declared policies, each ``<requests>/<seconds>``:

- ``token``: a request with ``Authorization: Bearer <token>``, counted per token
  (``ASCN_API_RATE_TOKEN``);
- ``user``: a request of a signed-in session, counted per user (``ASCN_API_RATE_USER``);
- ``anonymous``: anyone else, counted per client address (``ASCN_API_RATE_ANONYMOUS``).

Every answer carries the fields of the IETF draft *RateLimit header fields for HTTP*
(draft-ietf-httpapi-ratelimit-headers-12; its syntax unchanged since -08)::

    RateLimit-Policy: "anonymous";q=300;w=60
    RateLimit: "anonymous";r=297;t=41

and a request over the limit is answered ``429 {"detail": …}`` with ``Retry-After``.

**The window is fixed**: a counter per client and window, raised atomically (one Redis ``INCR``
when ``REDIS_URL`` is set, so every worker and app server counts together; one SQLite upsert
on one machine without Redis). Each client's windows are shifted by an offset
taken from its key, so that clients do not all get their quota back in the same second. A
fixed window lets a client send up to twice its quota across the end of one window and the
start of the next; a sliding window would need a list of times per client (a read and a
write, not atomic) or two counters and an estimate, and the burst is bounded and brief.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from ascn.core import counters
from ascn.core.client import client_address
from ascn.core.middleware import api_language

API_PREFIX = "/api/"
# The health checks answer load balancers and orchestrators, which must never be refused.
EXEMPT_PREFIXES = ("/api/v1/health",)
DRAFT = "draft-ietf-httpapi-ratelimit-headers-12"


@dataclass(frozen=True)
class Rate:
    """``limit`` requests per ``window`` seconds."""

    limit: int
    window: int

    def __str__(self) -> str:
        return f"{self.limit}/{self.window}"


@lru_cache(maxsize=32)
def parse_rate(value: str) -> Rate | None:
    """``"300/60"`` (300 requests per 60 seconds) as a ``Rate``; ``""`` or ``"off"`` is no limit."""
    text = (value or "").strip().lower()
    if text in {"", "off"}:
        return None
    count, _, seconds = text.partition("/")
    try:
        rate = Rate(int(count), int(seconds))
    except ValueError:
        rate = Rate(0, 0)
    if rate.limit < 1 or rate.window < 1:
        raise ImproperlyConfigured(
            f"A rate limit is written <requests>/<seconds>, e.g. 300/60 (or 'off'); got {value!r}."
        )
    return rate


@dataclass(frozen=True)
class Count:
    """Where a client stands in its present window."""

    policy: str
    rate: Rate
    used: int
    reset: int  # whole seconds until the window ends and the quota is back

    @property
    def remaining(self) -> int:
        return max(0, self.rate.limit - self.used)

    @property
    def exceeded(self) -> bool:
        return self.used > self.rate.limit

    def headers(self) -> dict[str, str]:
        """The draft's two fields: the policy (quota ``q`` per window ``w``) and the state
        (remaining ``r``, seconds to reset ``t``)."""
        name = f'"{self.policy}"'
        return {
            "RateLimit-Policy": f"{name};q={self.rate.limit};w={self.rate.window}",
            "RateLimit": f"{name};r={self.remaining};t={self.reset}",
        }


def _digest(ident: str) -> str:
    return hashlib.sha256(ident.encode()).hexdigest()[:32]


def hit(policy: str, ident: str, rate: Rate, *, now: float | None = None) -> Count:
    """Count one request of ``ident`` under ``policy`` and say where it stands (atomic in the
    shared counters: concurrent requests on any worker each get their own number)."""
    now = time.time() if now is None else now
    digest = _digest(ident)
    offset = int(digest[:8], 16) % rate.window  # each client's windows start at its own second
    number = int((now + offset) // rate.window)
    ends = (number + 1) * rate.window - offset
    reset = max(1, math.ceil(ends - now))
    key = f"ratelimit:{policy}:{digest}:{rate.window}:{number}"
    used = counters.count(key, expires=ends + 1, now=now)
    return Count(policy, rate, used, reset)


def once_per(scope: str, ident: str, seconds: int) -> bool:
    """True the first time ``ident`` asks in ``seconds`` (and starts the wait), False after:
    at most one action per ``ident`` per period, whichever worker asks."""
    if seconds <= 0:
        return True
    return counters.claim(f"once:{scope}:{_digest(ident)}", seconds)


def api_client(request: HttpRequest) -> tuple[str, str, str]:
    """The policy, its setting's value and the identity a request to the API is counted under:
    its bearer token, else its signed-in user, else its address. The token is read from the
    header (hashed), so a request is counted before the token is checked: a bad token is
    counted like a good one, and answered 401."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and secret.strip():
        return "token", settings.ASCN_API_RATE_TOKEN, secret.strip()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return "user", settings.ASCN_API_RATE_USER, f"user:{user.pk}"
    return "anonymous", settings.ASCN_API_RATE_ANONYMOUS, client_address(request) or "unknown"


class ApiRateLimitMiddleware:
    """Counts each API request against its client's policy (``api_client``), adds the
    RateLimit fields to the answer and refuses a request over the limit with a 429."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX) or request.path.startswith(EXEMPT_PREFIXES):
            return self.get_response(request)
        policy, setting, ident = api_client(request)
        rate = parse_rate(setting)
        if rate is None:
            return self.get_response(request)
        count = hit(policy, ident, rate)
        if count.exceeded:
            # answered before the language middleware runs: in Accept-Language's language
            with translation.override(api_language(request)):
                response: HttpResponse = too_many_requests(count)
                response["Content-Language"] = translation.get_language()
                patch_vary_headers(response, ("Accept-Language",))

        else:
            response = self.get_response(request)
        for name, value in count.headers().items():
            response[name] = value
        return response


def too_many_requests(count: Count) -> JsonResponse:
    response = JsonResponse(
        {
            "detail": _(
                "Too many requests: the %(policy)s limit is %(limit)s requests per %(window)s "
                "seconds. Try again in %(reset)s seconds."
            )
            % {
                "policy": count.policy,
                "limit": count.rate.limit,
                "window": count.rate.window,
                "reset": count.reset,
            }
        },
        status=429,
    )
    response["Retry-After"] = str(count.reset)
    return response


# --- the OpenAPI description ------------------------------------------------------------

_HEADERS: dict[str, dict[str, Any]] = {
    "RateLimit-Policy": {
        "description": (
            "On every answer of a counted operation, errors included. "
            "The quota policy this request is counted under (" + DRAFT + "): its name "
            '(`"token"`, `"user"` or `"anonymous"`), `q` requests per `w` seconds. '
            'Example: `"anonymous";q=300;w=60`.'
        ),
        "schema": {"type": "string"},
    },
    "RateLimit": {
        "description": (
            "The client's state under that policy (" + DRAFT + "): `r` requests remaining "
            'and `t` seconds until the window resets. Example: `"anonymous";r=297;t=41`.'
        ),
        "schema": {"type": "string"},
    },
    "Retry-After": {
        "description": "Seconds to wait before the next request will be counted afresh.",
        "schema": {"type": "integer", "minimum": 1},
    },
}
_LIMITED_HEADERS = {
    name: {"$ref": f"#/components/headers/{name}"} for name in ("RateLimit-Policy", "RateLimit")
}
_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def document_rate_limits(schema: dict[str, Any], error_schema: str = "ErrorOut") -> dict[str, Any]:
    """Add the rate limits to an OpenAPI description: the three header fields and the 429
    answer in ``components``, and on every counted operation the fields on its successful
    answers and the 429 among its responses. (Its other error answers carry the fields
    too; the description says so rather than repeating them on each.)"""
    components = schema.setdefault("components", {})
    components.setdefault("headers", {}).update(_HEADERS)
    components.setdefault("responses", {})["TooManyRequests"] = {
        "description": (
            "Too many requests: over the client's rate limit (see the `RateLimit` fields). "
            "Wait `Retry-After` seconds."
        ),
        "headers": {
            **_LIMITED_HEADERS,
            "Retry-After": {"$ref": "#/components/headers/Retry-After"},
        },
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{error_schema}"}}
        },
    }
    for path, item in schema.get("paths", {}).items():
        if path.startswith(EXEMPT_PREFIXES):
            continue
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            for status, response in operation.get("responses", {}).items():
                if 200 <= int(status) < 300:  # errors carry them too; said once, in the 429
                    response.setdefault("headers", {}).update(_LIMITED_HEADERS)
            operation["responses"][429] = {"$ref": "#/components/responses/TooManyRequests"}
    return schema
