"""GET /api/v1/search: one ranked search over everything the caller may see."""

import re
from collections.abc import Callable
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema

from ascn.core import search
from ascn.core.api import ERRORS_LIST, AppRouter, InputSchema, fields_of
from ascn.core.errors import InvalidInput

router = AppRouter(tags=["search"])

# The registered types (the apps' ``search.py``, imported at start-up before any URLconf): a
# Literal made at run time, which no type checker can follow (hence the two ignores).
EntryType = Literal[tuple(search.kinds())]  # type: ignore[valid-type]


class SearchFilters(InputSchema):
    q: str = Field(
        "",
        max_length=search.MAX_QUERY_LENGTH,
        description="Words to find; each is matched as a prefix (“drain” finds “drainage”).",
    )
    type: list[EntryType] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=20, description="Repeat to choose several."
    )
    country: list[str] = Field(
        default_factory=list, max_length=20, description="Member state (ISO alpha-2); repeatable."
    )
    focus_area: list[str] = Field(
        default_factory=list, max_length=20, description="ASCF focus area code; repeatable."
    )
    status: list[str] = Field(
        default_factory=list, max_length=20, description="Status code; repeatable."
    )
    page: int = Field(1, ge=1, le=1000)
    page_size: int = Field(20, ge=1, le=200)


CODE_PATTERNS = {
    "country": r"[A-Za-z]{2}",
    "focus_area": r"[a-z0-9-]{1,50}",
    "status": r"[A-Za-z0-9_-]{1,30}",
}


# The facets whose every value the apps name (``register_facet_labels``): a value none
# names is no filter but a typing error, refused as the lists refuse an unknown place.
NAMED_FACETS: dict[str, Callable[[str], str]] = {
    "country": str.upper,
    "focus_area": str,
    "status": str,  # the projects', plans' and agreements' statuses: every type that has one
}


def _validated(filters: SearchFilters) -> dict[str, list[str]]:
    """The facet filters, each value checked against its code's shape, and a member state's
    or a focus area's against those there are (else 422, naming the filter)."""
    for name, pattern in CODE_PATTERNS.items():
        for value in getattr(filters, name):
            if not re.fullmatch(pattern, value):
                raise InvalidInput(_("%(field)s: not a valid code.") % {"field": name}, field=name)
    for name, written in NAMED_FACETS.items():
        given = getattr(filters, name)
        known = search.labels_for(name) if given else {}
        for value in given:
            if written(value) not in known:
                raise InvalidInput(_("Unknown code: %(code)s") % {"code": value}, field=name)
    return {name: getattr(filters, name) for name in CODE_PATTERNS}


class HitOut(Schema):
    type: str = Field(..., description="project, plan, city, person, organisation, …")
    id: str = Field(..., description="The record's id or slug, as in its own API path.")
    title: str
    snippet: str = Field(
        ..., description="HTML: the matching text, escaped, with the matches in `<mark>`."
    )
    url: str = Field(..., description="The record's page.")
    score: float = Field(..., description="Relevance; higher is better.")


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class SearchOut(Schema):
    items: list[HitOut]
    count: int = Field(
        ...,
        description=f"Results; when `count_exact` is false, at least this many "
        f"(a search considers at most {search.CANDIDATES:,} matches).",
    )
    count_exact: bool = Field(
        ..., description=f"False: more than {search.CANDIDATES:,} results; refine the words."
    )
    facets: dict[str, list[FacetValueOut]] = Field(
        ...,
        description="`type`, `country`, `focus_area`, `status`: counts over the results "
        f"(over the first {search.CANDIDATES:,} matches when there are more).",
    )


@router.get(
    "/search",
    response={200: SearchOut, **ERRORS_LIST},
    operation_id="search",
    summary="Search everything you may see, ranked, with facets",
)
def search_everything(request: HttpRequest, filters: Query[SearchFilters]) -> dict[str, Any]:
    """Public records for everyone; network records for signed-in members; drafts only
    within your scope. Titles rank above text; an empty query finds nothing."""
    results = search.search(
        request.user,
        filters.q,
        types=filters.type,
        filters=_validated(filters),
        page=filters.page,
        page_size=filters.page_size,
    )
    return {
        "items": [
            {
                **fields_of(hit, "type id title"),
                "snippet": str(hit.snippet),
                "url": hit.url,
                "score": hit.score,
            }
            for hit in results.items
        ],
        "count": results.count,
        "count_exact": results.exact,
        "facets": {
            name: [vars(value) for value in values] for name, values in results.facets.items()
        },
    }


class AutocompleteQuery(InputSchema):
    q: str = Field(
        "",
        max_length=search.MAX_QUERY_LENGTH,
        description="What has been typed; each word is matched as the start of a title word.",
    )


class SuggestionOut(Schema):
    type: str = Field(..., description="project, plan, city, person, organisation, …")
    type_label: str = Field(..., description="The type's name, in the request's language.")
    id: str
    title: str
    url: str = Field(..., description="The record's page.")


class AutocompleteOut(Schema):
    items: list[SuggestionOut]


@router.read(
    "/search/autocomplete",
    AutocompleteOut,
    "Titles for a search box, as the user types",
    errors=ERRORS_LIST,
)
def search_autocomplete(request: HttpRequest, query: Query[AutocompleteQuery]) -> dict[str, Any]:
    """Up to 8 titles the caller may see with words starting with each typed word (best
    first among the newest matching titles). Fewer than 2 letters give nothing."""
    hits = search.autocomplete(request.user, query.q) if len(query.q.strip()) >= 2 else []
    return {
        "items": [
            {"type": h.type, "type_label": h.type_label, "id": h.id, "title": h.title, "url": h.url}
            for h in hits
        ]
    }
