"""Which language a request is answered in (docs/translation.md, "Choosing a language").

- Pages live under a language prefix (``/th/projects/``); English has none (``/projects/``).
- An un-prefixed page asked for with GET is redirected to the visitor's language when that is
  not English: the language last chosen in this browser (the language cookie, set by the
  language menu and by every prefixed page), else the one saved on the account, else the
  browser's ``Accept-Language``.
- The API is never prefixed: it answers in English unless ``Accept-Language`` asks for one of
  the platform's languages (messages only: codes and field names never change).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import Resolver404, get_script_prefix, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import (
    get_supported_language_variant,
    parse_accept_lang_header,
)

API_PREFIX = "/api/"
# The languages whose script a reader's system may lack, and the Noto font the site serves for
# each (npm package, its script's subset): static/vendor/fonts, written by `build_fonts`.
SCRIPT_FONTS = {
    "th": ("noto-sans-thai", "thai"),
    "km": ("noto-sans-khmer", "khmer"),
    "lo": ("noto-sans-lao", "lao"),
    "my": ("noto-sans-myanmar", "myanmar"),
}
FONT_WEIGHTS = (400, 700)


def font_files(language: str) -> list[str]:
    """The static paths of the fonts a page in ``language`` needs (preloaded by the page)."""
    if language not in SCRIPT_FONTS:
        return []
    package, subset = SCRIPT_FONTS[language]
    return [
        f"vendor/fonts/{package}/{package}-{subset}-{weight}-normal.woff2"
        for weight in FONT_WEIGHTS
    ]


# Paths that are never pages in a language (and so never redirected or prefixed).
NOT_PAGES = ("/api/", "/admin/", "/static/", "/media/", "/language/", "/favicon.ico")


def codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def from_accept_language(header: str) -> str | None:
    """The first of the platform's languages the header accepts (``th-TH`` gives ``th``)."""
    for accepted, _quality in parse_accept_lang_header(header or ""):
        if accepted == "*":
            break
        try:
            return get_supported_language_variant(accepted)
        except LookupError:
            continue
    return None


def _supported(code: str | None) -> str | None:
    return code if code in codes() else None


def preferred(request: HttpRequest) -> str:
    """The visitor's language: chosen in this browser, else saved on the account, else asked
    for by the browser, else English."""
    user = getattr(request, "user", None)
    return (
        _supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        or _supported(getattr(user, "language", "") if user is not None else "")
        or from_accept_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
        or settings.LANGUAGE_CODE
    )


def language_of_path(path: str) -> str:
    """The language a page's path is in (its prefix; English without one)."""
    return _prefix(path) or settings.LANGUAGE_CODE


def without_language(path: str) -> str:
    """A page's path without its language prefix (``/th/accounts/`` → ``/accounts/``): the
    same page in every language, for a rule that names paths."""
    prefix = _prefix(path)
    return (path[len(prefix) + 1 :] or "/") if prefix else path


def _prefix(path: str) -> str | None:
    first = path.lstrip("/").split("/", 1)[0]
    return first if first in codes() and first != settings.LANGUAGE_CODE else None


# A file for programs (``/data/projects.csv``, ``/data/catalog.jsonld``, ``/meetings.ics``):
# its address is the one it is linked at, whatever the reader's language (a client that
# does not follow redirects got an empty 302 for an Accept-Language of th); a prefixed one
# (``/th/dashboards/pipeline.csv``) is still served in its language.
FILE = re.compile(r"\.[A-Za-z0-9]{2,7}$")


def _is_page(path: str) -> bool:
    return not path.startswith(NOT_PAGES) and not FILE.search(path)


class LanguageMiddleware:
    """After Django's LocaleMiddleware (which serves a prefixed page in its language) and the
    authentication middlewares (the account's saved language): see the module's text."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        path = request.path_info
        if path.startswith(API_PREFIX):
            language = from_accept_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
            language = language or settings.LANGUAGE_CODE
            translation.activate(language)
            request.LANGUAGE_CODE = language
            answer = self.get_response(request)
            patch_vary_headers(answer, ("Accept-Language",))
            return answer
        if not _is_page(path):
            return self.get_response(request)
        prefix = _prefix(path)
        if prefix is None and request.method in ("GET", "HEAD"):
            language = preferred(request)
            if language != settings.LANGUAGE_CODE:
                target = f"/{language}{path}"
                if _resolves(target, language):
                    query = request.META.get("QUERY_STRING", "")
                    redirect = HttpResponseRedirect(
                        get_script_prefix().rstrip("/") + target + (f"?{query}" if query else "")
                    )
                    patch_vary_headers(redirect, ("Accept-Language", "Cookie"))
                    return redirect
        response = self.get_response(request)
        if prefix is None:
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        elif request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != prefix:
            remember(response, prefix)
        return response


def remember(response: HttpResponseBase, language: str) -> None:
    """The language cookie: the visitor's last choice in this browser."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@functools.lru_cache(maxsize=4096)
def _resolves(path: str, language: str) -> bool:
    """Whether ``path`` is a page (a prefix resolves only in its own language)."""
    with translation.override(language):
        try:
            resolve(path)
        except Resolver404:
            return False
    return True


@dataclass(frozen=True)
class Alternate:
    code: str
    name: str  # in its own language
    path: str  # this page in that language
    current: bool


def in_language(full_path: str, code: str) -> str:
    """A page's address (with its query) in language ``code``: the same address with its
    language prefix swapped — a page's URL is the same in every language but for the prefix
    (none in English). What ``translate_url`` gives for a page, without activating every
    language in turn: each activation loads that language's catalogues and URL tables, some
    29 MB a web worker holds from its first page on (docs/benchmarks.md)."""
    path, mark, query = full_path.partition("?")
    if not _is_page(path):
        return full_path
    prefix = _prefix(path)
    rest = (path[len(prefix) + 1 :] or "/") if prefix else path
    return (rest if code == settings.LANGUAGE_CODE else f"/{code}{rest}") + mark + query


def alternates(request: HttpRequest) -> list[Alternate]:
    """The current page in every language (the language menu and ``hreflang`` links)."""
    current = translation.get_language()
    # the page's own address (no script prefix: the site may be served under one), then the
    # prefix again before each language's address, as translate_url gives it
    path, script = request.get_full_path_info(), get_script_prefix().rstrip("/")
    found = []
    for code in codes():
        found.append(
            Alternate(
                code=code,
                name=LANG_INFO.get(code, {}).get("name_local", code),
                path=script + in_language(path, code),
                current=code == current,
            )
        )
    return found
