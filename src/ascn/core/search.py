"""One ranked search over everything a user may see (SPEC C9; DESIGN "search").

The facade — ``search``, ``autocomplete``, ``index_object``, ``remove_object``, ``rebuild`` —
reads and writes one index table, ``SearchEntry``, written in the same transaction as the
record (``audit.record`` calls ``record_changed``). Full text per database:

* SQLite: FTS5 external-content table ``core_searchentry_fts`` (bm25 with the title
  weighted 10 to the text's 1, ``snippet()``, prefix queries ``"term"*``);
* PostgreSQL: the generated ``search_vector`` (title weight A, text weight B) with a GIN
  index, ``to_tsquery`` with ``term:*`` prefixes, ``ts_rank`` and ``ts_headline`` through
  ``django.contrib.postgres.search``.

A query is never handed to either engine as written: it is cut into word terms (letters
and digits), each quoted, all required (AND), each a prefix ("drain" finds "drainage").
Visibility is a WHERE on the index table (its owner columns), never a filter in Python.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection, transaction
from django.db.models import Count, Model, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ascn.core.errors import InvalidInput
from ascn.core.models import SearchEntry
from ascn.core.permissions import Scopes, scopes_of
from ascn.core.search_sources import DEPENDENTS, SOURCES, Source, clean, source_for
from ascn.core.visibility import Visibility

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MAX_TERM_LENGTH = 40
FTS_TABLE = "core_searchentry_fts"
START, STOP = "\x02", "\x03"  # highlight marks; control characters never reach the index
TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0  # bm25 column weights on SQLite
MATCHING_ROWIDS = "SELECT rowid FROM core_searchentry_fts WHERE core_searchentry_fts MATCH %s"
_WORD = re.compile(r"[^\W_]+")
FACETS = ("type", "country", "focus_area", "status")


# --- queries --------------------------------------------------------------------------


def terms_of(q: str | None) -> list[str]:
    """The word terms of a query: letters and digits only, lower-cased, at most 8, no repeats."""
    if not q:
        return []
    if len(q) > MAX_QUERY_LENGTH:
        raise InvalidInput(f"A search is at most {MAX_QUERY_LENGTH} characters long.", field="q")
    seen: dict[str, None] = {}
    for word in _WORD.findall(q.lower()):
        seen.setdefault(word[:MAX_TERM_LENGTH], None)
    return list(seen)[:MAX_TERMS]


def _prefix(term: str) -> bool:
    """Words match as prefixes from two letters on: "d*" would merge half the vocabulary."""
    return len(term) >= 2


def _fts5_match(terms: Sequence[str], *, column: str | None = None) -> str:
    # quoted: no FTS5 syntax survives
    expression = " ".join(f'"{term}"' + ("*" if _prefix(term) else "") for term in terms)
    return f"{{{column}}} : ({expression})" if column else expression


def _tsquery(terms: Sequence[str], *, weights: str = "") -> str:
    def one(term: str) -> str:
        marks = ("*" if _prefix(term) else "") + weights
        return f"'{term}':{marks}" if marks else f"'{term}'"

    return " & ".join(one(term) for term in terms)


def visible_q(scopes: Scopes) -> Q:
    """The entries a user may see: public to all, network to members, drafts to their owners."""
    if scopes.secretariat:
        return Q()
    if not scopes.authenticated:
        return Q(visibility=Visibility.PUBLIC)
    q = Q(visibility__in=[Visibility.PUBLIC, Visibility.NETWORK])
    if scopes.city_ids:
        q |= Q(owner_city_id__in=scopes.city_ids)
    if scopes.member_state_ids:
        q |= Q(owner_member_state_id__in=scopes.member_state_ids)
    if scopes.organisation_ids:
        q |= Q(owner_organisation_id__in=scopes.organisation_ids)
        q |= Q(co_owner_organisation_id__in=scopes.organisation_ids)
    return q


def _filters_q(types: Iterable[str], filters: dict[str, Iterable[str]], skip: str = "") -> Q:
    q = Q()
    if types and skip != "type":
        q &= Q(kind__in=list(types))
    countries = [c.upper() for c in filters.get("country", ())]
    if countries and skip != "country":
        q &= Q(member_state__in=countries)
    statuses = list(filters.get("status", ()))
    if statuses and skip != "status":
        q &= Q(status__in=statuses)
    areas = list(filters.get("focus_area", ()))
    if areas and skip != "focus_area":
        any_area = Q()
        for code in areas:
            any_area |= Q(focus_areas__contains=f"|{code}|")
        q &= any_area
    return q


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _vector() -> RawSQL:
    return RawSQL('"core_searchentry"."search_vector"', [], output_field=SearchVectorField())


def _matching(terms: Sequence[str]):
    """Entries whose title or text holds every term (as a prefix)."""
    if _is_postgresql():
        query = SearchQuery(_tsquery(terms), search_type="raw", config="english")
        return SearchEntry.objects.annotate(vector=_vector()).filter(vector=query)
    match = RawSQL(MATCHING_ROWIDS, [_fts5_match(terms)])  # noqa: S611 - a constant
    return SearchEntry.objects.filter(id__in=match)


# --- results ----------------------------------------------------------------------------


@dataclass
class Hit:
    type: str
    id: str
    title: str
    snippet: SafeString
    url: str
    score: float
    type_label: str = ""
    title_html: str = ""  # the title as HTML, the query's words marked (see ``highlight``)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Results:
    items: list[Hit]
    count: int
    facets: dict[str, list[FacetValue]]
    terms: list[str]
    page: int = 1
    page_size: int = 20

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.page_size))


def highlight(marked: str) -> SafeString:
    """Text with \\x02…\\x03 marks as HTML: everything escaped, the marks as ``<mark>``."""
    parts = re.split(r"([\x02\x03])", marked or "")
    html, inside = [], False
    for part in parts:
        if part == START:
            if not inside:
                html.append("<mark>")
            inside = True
        elif part == STOP:
            if inside:
                html.append("</mark>")
            inside = False
        elif part:
            html.append(str(escape(part)))
    if inside:
        html.append("</mark>")
    return mark_safe("".join(html))


def search(
    user,
    q: str | None,
    *,
    types: Iterable[str] = (),
    filters: dict[str, Iterable[str]] | None = None,
    page: int = 1,
    page_size: int = 20,
) -> Results:
    """Ranked hits the user may see, with facet counts over the whole result set.

    ``types``: entry types (``SOURCES``); ``filters``: ``country`` (member state codes),
    ``focus_area`` (codes), ``status`` (codes). A facet's counts apply every *other*
    filter, so its values say what choosing them would give.
    """
    filters = {k: [v for v in vs if v] for k, vs in (filters or {}).items()}
    types = [t for t in types if t in SOURCES]
    terms = terms_of(q)
    page, page_size = max(1, int(page)), max(1, min(int(page_size), 200))
    if not terms:
        return Results([], 0, _facets_from(Counter(), {}, types, filters), [], page, page_size)
    visible = visible_q(scopes_of(user))
    rows, focus = _facet_rows(_matching(terms).filter(visible), filters)
    count = _count(rows, focus, types, filters)
    facets = _facets_from(rows, focus, types, filters)
    items: list[Hit] = []
    offset = (page - 1) * page_size
    if count and offset < count:
        where = visible & _filters_q(types, filters)
        items = (_ranked_postgresql if _is_postgresql() else _ranked_sqlite)(
            where, terms, offset, page_size
        )
    return Results(items, count, facets, terms, page, page_size)


def _facet_rows(base, filters):
    """One grouped query: counts by (type, member state, status), with focus-area counts."""
    from ascn.network.models import FocusArea

    codes = list(FocusArea.objects.values_list("code", flat=True))
    chosen_areas = list(filters.get("focus_area", ()))
    aggregates: dict[str, Any] = {"n": Count("id")}
    for i, code in enumerate(codes):
        aggregates[f"fa{i}"] = Count("id", filter=Q(focus_areas__contains=f"|{code}|"))
    if chosen_areas:
        aggregates["in_areas"] = Count("id", filter=_filters_q((), {"focus_area": chosen_areas}))
    rows = Counter()
    focus: dict[tuple, dict[str, int]] = {}
    grouped = base.order_by().values("kind", "member_state", "status").annotate(**aggregates)
    for row in grouped:
        key = (row["kind"], row["member_state"], row["status"])
        rows[key] = row["n"]
        focus[key] = {code: row[f"fa{i}"] for i, code in enumerate(codes)}
        focus[key][""] = row["in_areas"] if chosen_areas else row["n"]
    return rows, focus


def _keeps(key: tuple, types, filters, skip: str) -> bool:
    kind, state, status = key
    if types and skip != "type" and kind not in types:
        return False
    countries = [c.upper() for c in filters.get("country", ())]
    if countries and skip != "country" and state not in countries:
        return False
    statuses = filters.get("status", ())
    return not (statuses and skip != "status" and status not in statuses)


def _count(rows, focus, types, filters) -> int:
    return sum(focus[key][""] for key in rows if _keeps(key, types, filters, ""))


def _facets_from(rows, focus, types, filters) -> dict[str, list[FacetValue]]:
    from ascn.core.search_sources import labels_for

    counts: dict[str, Counter] = {name: Counter() for name in FACETS}
    for key in rows:
        kind, state, status = key
        in_areas = focus[key][""]
        if _keeps(key, types, filters, "type"):
            counts["type"][kind] += in_areas
        if _keeps(key, types, filters, "country") and state:
            counts["country"][state] += in_areas
        if _keeps(key, types, filters, "status") and status:
            counts["status"][status] += in_areas
        if _keeps(key, types, filters, ""):
            for code, n in focus[key].items():
                if code:
                    counts["focus_area"][code] += n
    selected = {
        "type": set(types),
        "country": {c.upper() for c in filters.get("country", ())},
        "focus_area": set(filters.get("focus_area", ())),
        "status": set(filters.get("status", ())),
    }
    facets = {}
    for name in FACETS:
        if not counts[name] and not selected[name]:
            facets[name] = []
            continue
        labels = labels_for(name)
        values = [
            FacetValue(value, str(labels.get(value, value)), n, value in selected[name])
            for value, n in counts[name].items()
            if n
        ]
        # a chosen value stays listed (with 0) so it can be cleared
        values += [
            FacetValue(value, str(labels.get(value, value)), 0, True)
            for value in selected[name]
            if not counts[name][value]
        ]
        facets[name] = sorted(values, key=lambda v: (-v.count, v.label))
    return facets


def _where_sql(where: Q) -> tuple[str, list[Any]]:
    """The WHERE of ``SearchEntry.objects.filter(where)``, columns named by table."""
    query = SearchEntry.objects.filter(where).query
    try:
        sql, params = query.where.as_sql(query.get_compiler(connection=connection), connection)
    except FullResultSet:  # no condition at all (the Secretariat, no filters)
        return "1 = 1", []
    except EmptyResultSet:
        return "1 = 0", []
    return (sql or "1 = 1"), list(params)


def _ranked_sqlite(where_q: Q, terms, offset, limit) -> list[Hit]:
    # bm25(), highlight() and snippet() exist only in a query whose FROM holds the FTS table.
    where, params = _where_sql(where_q)
    # constant table name, Django-compiled WHERE, values as parameters
    sql = (
        f"SELECT core_searchentry.kind, core_searchentry.ref, core_searchentry.title, "  # noqa: S608
        f"core_searchentry.url, -bm25({FTS_TABLE}, %s, %s), "
        f"snippet({FTS_TABLE}, 1, %s, %s, '…', 24) "
        f"FROM {FTS_TABLE} JOIN core_searchentry ON core_searchentry.id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH %s AND ({where}) "
        f"ORDER BY bm25({FTS_TABLE}, %s, %s), core_searchentry.id LIMIT %s OFFSET %s"
    )
    args = [
        TITLE_WEIGHT,
        BODY_WEIGHT,
        START,
        STOP,
        _fts5_match(terms),
        *params,
        TITLE_WEIGHT,
        BODY_WEIGHT,
        limit,
        offset,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        rows = cursor.fetchall()
    return [
        _hit(kind, ref, title, url, score, snippet, terms)
        for kind, ref, title, url, score, snippet in rows
    ]


def _ranked_postgresql(where_q: Q, terms, offset, limit) -> list[Hit]:
    query = SearchQuery(_tsquery(terms), search_type="raw", config="english")
    page = list(
        _matching(terms)
        .filter(where_q)
        .annotate(score=SearchRank(_vector(), query))
        .order_by("-score", "id")
        .values_list("id", "score")[offset : offset + limit]
    )
    if not page:
        return []
    options = {"start_sel": START, "stop_sel": STOP, "config": "english"}
    marked = {
        row["id"]: row
        for row in SearchEntry.objects.filter(id__in=[pk for pk, _ in page])
        .annotate(
            snippet=SearchHeadline(
                "body",
                query,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
                **options,
            ),
        )
        .values("id", "kind", "ref", "title", "url", "snippet")
    }
    return [
        _hit(
            marked[pk]["kind"],
            marked[pk]["ref"],
            marked[pk]["title"],
            marked[pk]["url"],
            score,
            marked[pk]["snippet"],
            terms,
        )
        for pk, score in page
    ]


def mark_words(text: str, terms: Sequence[str]) -> str:
    """The text with \x02…\x03 around each word that starts with one of the terms."""
    if not terms:
        return text

    def mark(match: re.Match) -> str:
        word = match.group(0)
        return f"{START}{word}{STOP}" if word.lower().startswith(tuple(terms)) else word

    return _WORD.sub(mark, text)


def _hit(kind, ref, title, url, score, snippet, terms) -> Hit:
    hit = Hit(kind, ref, title, highlight(snippet), url, round(float(score), 4))
    hit.type_label = str(SOURCES[kind].label) if kind in SOURCES else kind
    # Titles are marked here, alike on both databases (ts_headline would drop "<b>" text).
    hit.title_html = highlight(mark_words(title, terms))
    return hit


def autocomplete(user, q: str | None, *, limit: int = 8) -> list[Hit]:
    """Titles the user may see that hold words starting with the query's words: best first
    on PostgreSQL (ts_rank of the title), alphabetical on SQLite."""
    terms = terms_of(q)
    if not terms:
        return []
    scopes = scopes_of(user)
    if _is_postgresql():
        query = SearchQuery(_tsquery(terms, weights="A"), search_type="raw", config="english")
        rows = (
            SearchEntry.objects.annotate(vector=_vector())
            .filter(visible_q(scopes), vector=query)
            .annotate(score=SearchRank(_vector(), query))
            .order_by("-score", "id")
            .values_list("kind", "ref", "title", "url", "score")[:limit]
        )
    else:
        titled = RawSQL(MATCHING_ROWIDS, [_fts5_match(terms, column="title")])  # noqa: S611
        rows = (
            SearchEntry.objects.filter(visible_q(scopes), id__in=titled)
            .order_by("title", "id")
            .values_list("kind", "ref", "title", "url", "id")[:limit]
        )
    return [_hit(kind, ref, title, url, 0, "", terms) for kind, ref, title, url, _ in rows]


# --- writes -----------------------------------------------------------------------------


def _entry_values(source: Source, obj: Model) -> dict[str, Any] | None:
    values = source.entry(obj)
    if values is None:
        return None
    values["title"] = clean(values["title"], 300)
    values["body"] = clean(values.get("body", ""), 20_000)
    values["updated_at"] = getattr(obj, "updated_at", None) or timezone.now()
    return values


def index_object(obj: Model) -> None:
    """Write (or remove) the search entry of one record, re-read from the database."""
    source = source_for(obj)
    if source is None:
        return
    fresh = source.queryset().filter(pk=obj.pk).first()
    values = _entry_values(source, fresh) if fresh is not None else None
    if values is None:
        SearchEntry.objects.filter(kind=source.kind, object_id=str(obj.pk)).delete()
        return
    SearchEntry.objects.update_or_create(kind=source.kind, object_id=str(obj.pk), defaults=values)


def remove_object(obj: Model) -> None:
    source = source_for(obj)
    if source is not None:
        SearchEntry.objects.filter(kind=source.kind, object_id=str(obj.pk)).delete()


def record_changed(action: str, obj: Model) -> None:
    """The audit hook: keep the record's entry (and the entries it is part of) current.

    Called by ``audit.record`` inside the service's transaction. A deletion is audited
    before the row goes, so its entry is removed now and the records it was part of are
    re-read once the transaction has committed.
    """
    dependents = DEPENDENTS.get(obj._meta.label_lower)
    related = dependents(obj) if dependents else []
    if action.endswith(".deleted"):
        remove_object(obj)

        def reindex_related() -> None:
            for record in related:
                index_object(record)

        if related:
            transaction.on_commit(reindex_related)
        return
    index_object(obj)
    for record in related:
        index_object(record)


def rebuild(*, kinds: Iterable[str] | None = None, batch_size: int = 2000) -> dict[str, int]:
    """Re-create the index from the records (after bulk loads that bypass the services)."""
    counts: dict[str, int] = {}
    for kind in kinds or SOURCES:
        source = SOURCES[kind]
        with transaction.atomic():
            SearchEntry.objects.filter(kind=kind).delete()
            batch: list[SearchEntry] = []
            written = 0
            for obj in source.queryset().order_by("pk").iterator(chunk_size=batch_size):
                values = _entry_values(source, obj)
                if values is None:
                    continue
                batch.append(SearchEntry(kind=kind, object_id=str(obj.pk), **values))
                if len(batch) >= batch_size:
                    SearchEntry.objects.bulk_create(batch)
                    written += len(batch)
                    batch = []
            SearchEntry.objects.bulk_create(batch)
            counts[kind] = written + len(batch)
    if not _is_postgresql():
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")  # noqa: S608
    return counts


__all__ = [
    "FacetValue",
    "Hit",
    "Results",
    "autocomplete",
    "index_object",
    "rebuild",
    "record_changed",
    "remove_object",
    "search",
    "terms_of",
]
