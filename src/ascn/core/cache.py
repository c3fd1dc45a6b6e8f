"""A shared response cache for anonymous reads of public lists, versioned by writes.

A list answer an anonymous visitor gets (``/api/v1/projects?…``) depends only on public data.
It is stored in the shared cache (Redis or the file cache: every worker sees it) under a key
made of the *data version*, the language and the full request path with its query. Every
write a service announces (``core.events``, inside the write's transaction) makes a new
data version twice: at once, so the writing transaction itself never reads an
old answer, and again on commit, so an answer another request stored from the old data while
the write was in flight is never served after it. Answers also expire after
``RESPONSE_CACHE_SECONDS`` (60 s), which bounds what a write that bypasses the services (a
migration, a bulk load) can leave behind. Signed-in users are never served from it.

Off in tests (``config/test_settings.py``) unless a test sets ``RESPONSE_CACHE_SECONDS``
(their data changes without services between tests). See docs/operations.md.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from ascn.core import events

VERSION_KEY = "ascn:data-version"


def response_cache_seconds() -> int:
    return settings.RESPONSE_CACHE_SECONDS


def data_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def bump_data_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def on_change(change: events.Change) -> events.Then | None:
    """The events subscriber: any write makes a new data version (see the module's text)."""
    if not response_cache_seconds():
        return None
    connection = transaction.get_connection()
    # Once per transaction is enough on commit (an import writes thousands of rows in one).
    if not any(func is bump_data_version for _sids, func, _robust in connection.run_on_commit):
        transaction.on_commit(bump_data_version)
    if change.deleted:
        # once the rows have gone: once for a deletion and every row its cascade takes
        return events.Then(bump_data_version)
    bump_data_version()
    return None


def _key(request: HttpRequest, version: str) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:40]
    language = getattr(request, "LANGUAGE_CODE", "")
    return f"ascn:response:{version}:{language}:{path}"


View = Callable[..., HttpResponseBase]


def anonymous_response_cache(view: View) -> View:
    """Serve a GET view's 200 answers to anonymous requests from the shared cache.

    Only for views whose anonymous answer depends on nothing but the request path, its query
    and data written through the audited services. Used with ninja's ``decorate_view``.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        seconds = response_cache_seconds()
        if not seconds or request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        key = _key(request, data_version())
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and isinstance(response, HttpResponse)
        ):
            cache.set(key, (response.content, response["Content-Type"]), seconds)
        return response

    return wrapper
