"""The search page: one view for the page and, with htmx, for its live results."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ascn.core import search
from ascn.core.errors import InvalidInput

if TYPE_CHECKING:
    from ascn.core.types import HtmxHttpRequest

CODE_PATTERNS = {
    "type": r"[a-z_]{1,20}",
    "country": r"[A-Za-z]{2}",
    "focus_area": r"[a-z0-9-]{1,50}",
    "status": r"[A-Za-z0-9_-]{1,30}",
}


def _codes(request: HttpRequest, name: str) -> list[str]:
    """A facet's chosen values; values that are not codes are ignored (no error page)."""
    values = request.GET.getlist(name)[:20]
    return [v for v in values if re.fullmatch(CODE_PATTERNS[name], v)]


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return min(int(raw), 1000) if raw.isdigit() and int(raw) > 0 else 1


@require_GET
def search_page(request: HtmxHttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    types = [t for t in _codes(request, "type") if t in search.kinds()]
    filters = {name: _codes(request, name) for name in ("country", "focus_area", "status")}
    error, status = "", 200
    try:
        results = search.search(
            request.user,
            q,
            types=types,
            filters=filters,
            page=_page_number(request),
            for_page=True,
        )
    except InvalidInput as exc:
        error, status = exc.message, 400
        results = search.search(request.user, "", types=types, filters=filters)
    chosen = [("q", q[: search.MAX_QUERY_LENGTH])] + [("type", t) for t in types]
    chosen += [(name, v) for name, values in filters.items() for v in values]
    base_query = urlencode(chosen)
    context: dict[str, Any] = {
        "q": q,
        "results": results,
        "error": error,
        "facets": [_facet(name, results.facets[name]) for name in search.FACETS],
        "previous_url": f"?{base_query}&page={results.page - 1}" if results.page > 1 else "",
        "next_url": f"?{base_query}&page={results.page + 1}"
        if results.page < results.pages
        else "",
    }
    template = "core/search.html#results" if request.htmx else "core/search.html"
    return render(request, template, context, status=status)


# A facet shows its first values; the rest fold under "n more" (open when one of them is
# chosen), so that on a phone the results are not pushed a screen or two down.
FACET_SHOWN = 5


def _facet(name: str, values: list[Any]) -> dict[str, Any]:
    # one more than FACET_SHOWN is shown rather than folded alone
    cut = FACET_SHOWN if len(values) > FACET_SHOWN + 1 else len(values)
    more = values[cut:]
    return {
        "name": name,
        "values": values,
        "shown": values[:cut],
        "more": more,
        "more_open": any(value.selected for value in more),
    }


@require_GET
def search_suggestions(request: HttpRequest) -> HttpResponse:
    """The header box's ``<datalist>`` options (htmx, as the user types): up to 8 titles
    the user may see. Anything that is not a search gives no options."""
    q = request.GET.get("q", "")
    try:
        hits = search.autocomplete(request.user, q, for_page=True) if len(q.strip()) >= 2 else []
    except InvalidInput:
        hits = []
    return render(request, "core/search_suggestions.html", {"hits": hits})
