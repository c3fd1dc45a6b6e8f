"""One ranked search over everything a user may see (SPEC C9; DESIGN "search").

The facade — ``search``, ``autocomplete``, ``index_object``, ``remove_object``, ``rebuild`` —
reads and writes one index table, ``SearchEntry``, written in the same transaction as the
record (``audit.record`` calls ``record_changed``). Full text per database:

* SQLite: FTS5 external-content table ``core_searchentry_fts`` (bm25 with the title
  weighted 10 to the text's 1, prefix queries ``"term"*``), joined with the covering index
  ``core_searchentry_scope`` for the visibility and filter columns;
* PostgreSQL: the generated ``search_vector`` (title weight A, text weight B) and
  ``title_vector`` (title alone), each with a GIN index, ``to_tsquery`` with ``term:*``
  prefixes, ``ts_rank`` and ``ts_headline`` through ``django.contrib.postgres.search``.

A search walks at most ``CANDIDATES`` matches, title matches first (docs/search.md), so
its cost does not grow with the number of matches.

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

from django.apps import apps
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.core.exceptions import EmptyResultSet, FullResultSet, ObjectDoesNotExist
from django.db import connection, transaction
from django.db.models import BigIntegerField, Count, ExpressionWrapper, F, Model, Q
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ascn.core.errors import InvalidInput
from ascn.core.models import SearchEntry
from ascn.core.permissions import Scopes, scopes_of
from ascn.core.search_sources import (
    DEPENDENT_SETS,
    DEPENDENTS,
    SOURCES,
    Source,
    clean,
    source_for,
)
from ascn.core.visibility import Visibility

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MAX_TERM_LENGTH = 40
FTS_TABLE = "core_searchentry_fts"
SCOPE_INDEX = "core_searchentry_scope"  # core/0003: the columns a walk checks, by id
START, STOP = "\x02", "\x03"  # highlight marks; control characters never reach the index
TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0  # bm25 column weights on SQLite
_WORD = re.compile(r"[^\W_]+")
FACETS = ("type", "country", "focus_area", "status")
CANDIDATES = 500  # matches considered per search: beyond, "500+" (docs/search.md)
SNIPPET_WORDS = 24
AUTOCOMPLETE_CANDIDATES = 200


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


def _title_vector() -> RawSQL:
    return RawSQL('"core_searchentry"."title_vector"', [], output_field=SearchVectorField())


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
    exact: bool = True  # false: more than ``count`` (= CANDIDATES) results
    facets_exact: bool = True  # false: the facets count the first CANDIDATES matches

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
    """Ranked hits the user may see, with facet counts.

    ``types``: entry types (``SOURCES``); ``filters``: ``country`` (member state codes),
    ``focus_area`` (codes), ``status`` (codes). A facet's counts apply every *other*
    filter, so its values say what choosing them would give.

    At most ``CANDIDATES`` matches are considered (title matches first, newest first, then
    text matches): within them the ranking, the count and the facets are exact; beyond
    them ``Results.exact`` is false and the count reads "500+".
    """
    filters = {k: [v for v in vs if v] for k, vs in (filters or {}).items()}
    types = [t for t in types if t in SOURCES]
    terms = terms_of(q)
    page, page_size = max(1, int(page)), max(1, min(int(page_size), 200))
    if not terms:
        return Results([], 0, _facets_from(Counter(), {}, types, filters), [], page, page_size)
    visible = visible_q(scopes_of(user))
    chosen = _filters_q(types, filters)
    titled: tuple = (None, None)
    if chosen and _is_postgresql():  # both title walks from one read of the title index
        titled = _title_walks_postgresql(terms, visible, chosen, CANDIDATES + 1)
    candidates, exact = _candidates(
        terms, visible & chosen, CANDIDATES, filtered=bool(chosen), titled=titled[0]
    )
    if chosen:  # the facets count what the other filters leave: their own sample
        base, base_exact = _candidates(terms, visible, CANDIDATES, titled=titled[1])
    else:
        base, base_exact = candidates, exact
    rows, focus = _facet_rows(SearchEntry.objects.filter(id__in=[c[0] for c in base]), filters)
    facets = _facets_from(rows, focus, types, filters)
    offset = (page - 1) * page_size
    ranked = sorted(candidates, key=lambda c: (-c[1], -c[2], c[0]))
    shown = ranked[offset : offset + page_size]
    items = _page(shown, terms) if shown else []
    results = Results(items, len(candidates), facets, terms, page, page_size)
    results.exact, results.facets_exact = exact, base_exact
    return results


def _candidates(
    terms: Sequence[str],
    where: Q,
    limit: int,
    *,
    filtered: bool = False,
    titled: list[tuple[int, float]] | None = None,
) -> tuple[list[tuple], bool]:
    """Up to ``limit`` matching entries as (id, title tier, score): the entries whose title
    holds every word first, then the others, each newest first; and whether that was all.

    Both engines walk their index in id order and stop at the limit, so a word found in
    half the entries costs no more than a rare one; the score (bm25 / ts_rank) is
    computed for the candidates only. ``titled``: the title walk, when it was read already
    (``_title_walks_postgresql``).
    """
    walk = _walk_postgresql if _is_postgresql() else _walk_sqlite
    if titled is None:
        titled = walk(terms, where, limit + 1, titles=True, filtered=filtered)
    found = [(pk, 1, score) for pk, score in titled]
    if len(found) <= limit:
        rest = walk(terms, where, limit + 1 - len(found), titles=False, filtered=filtered)
        found += [(pk, 0, score) for pk, score in rest]
    return found[:limit], len(found) <= limit


def _walk_sqlite(
    terms, where_q: Q, limit: int, *, titles: bool, filtered: bool = False
) -> list[tuple[int, float]]:
    everything = _fts5_match(terms)
    in_title = _fts5_match(terms, column="title")
    match = in_title if titles else f"({everything}) NOT ({in_title})"
    where, params = _where_sql(where_q)
    # bm25() exists only in a query whose FROM holds the FTS table; constant table name,
    # Django-compiled WHERE, values as parameters. FTS5 walks its index newest first and
    # SQLite stops at the LIMIT: bm25 is computed for the rows returned only.
    sql = (
        f"SELECT {FTS_TABLE}.rowid, -bm25({FTS_TABLE}, %s, %s) "  # noqa: S608
        f"FROM {FTS_TABLE} CROSS JOIN core_searchentry INDEXED BY {SCOPE_INDEX} "
        f"ON core_searchentry.id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH %s AND ({where}) "
        f"ORDER BY {FTS_TABLE}.rowid DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [TITLE_WEIGHT, BODY_WEIGHT, match, *params, limit])
        return [(pk, float(score)) for pk, score in cursor.fetchall()]


def _walk_postgresql(
    terms, where_q: Q, limit: int, *, titles: bool, filtered: bool = False
) -> list[tuple[int, float]]:
    query = SearchQuery(_tsquery(terms), search_type="raw", config="english")
    entries = SearchEntry.objects.annotate(vector=_vector(), title_vector=_title_vector())
    entries = entries.filter(where_q)
    if titles:  # core/0004: the title's own tsvector and GIN index
        entries = entries.filter(title_vector=query)
    else:
        entries = entries.filter(vector=query).exclude(title_vector=query)
    # Newest first. Ordering by "id + 0" keeps the planner from walking the primary key
    # backwards through rows it must test one by one (it cannot foresee that the newest
    # rows, organisations, seldom match): the GIN (and b-tree) indexes find the matches,
    # then a top-N sort. Only a common word in the text, unfiltered, is walked by id: the
    # matches are dense there and the walk stops after a few rows per candidate.
    dense = not titles and not filtered
    order = F("id") if dense else ExpressionWrapper(F("id") + 0, output_field=BigIntegerField())
    return [
        (pk, float(score))
        for pk, score in entries.annotate(score=SearchRank(_vector(), query), order=order)
        .order_by("-order")
        .values_list("id", "score")[:limit]
    ]


def _title_walks_postgresql(
    terms, visible: Q, chosen: Q, limit: int
) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    """The title walks of a filtered search and of its facets' sample (``visible`` alone),
    as ``_walk_postgresql(..., titles=True)`` gives each — newest first, at most ``limit``,
    scored by ``ts_rank`` — from one read of the title index: the visible entries whose
    title holds the words are read once (a GIN bitmap and a heap recheck, the cost of a
    walk), and both newest-first lists taken from them."""
    seen_sql, seen_params = _where_sql(visible)
    chosen_sql, chosen_params = _where_sql(chosen)
    query = _tsquery(terms)
    # Constant names; both WHEREs compiled by Django for core_searchentry (the CTE is read
    # under that name, so the filter's qualified columns name its columns); values as
    # parameters.
    sql = (
        "WITH matched AS MATERIALIZED ("  # noqa: S608
        " SELECT id, kind, member_state, status, focus_areas FROM core_searchentry"
        " WHERE title_vector @@ to_tsquery('english', %s) AND (" + seen_sql + ")),"
        " chosen AS (SELECT core_searchentry.id FROM matched AS core_searchentry"
        " WHERE (" + chosen_sql + ") ORDER BY core_searchentry.id DESC LIMIT %s),"
        " base AS (SELECT id FROM matched ORDER BY id DESC LIMIT %s)"
        " SELECT e.id, ts_rank(e.search_vector, to_tsquery('english', %s)),"
        " e.id IN (SELECT id FROM chosen), e.id IN (SELECT id FROM base)"
        " FROM core_searchentry e"
        " WHERE e.id IN (SELECT id FROM chosen UNION SELECT id FROM base)"
        " ORDER BY e.id DESC"
    )
    params = [query, *seen_params, *chosen_params, limit, limit, query]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return (
        [(pk, float(score)) for pk, score, in_chosen, _ in rows if in_chosen],
        [(pk, float(score)) for pk, score, _, in_base in rows if in_base],
    )


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


def _page(shown: list[tuple], terms) -> list[Hit]:
    """The hits of one page, with their snippets (computed for these rows only)."""
    ids = [pk for pk, _, _ in shown]
    columns = ("id", "kind", "ref", "title", "url")
    if _is_postgresql():
        query = SearchQuery(_tsquery(terms), search_type="raw", config="english")
        options = {"start_sel": START, "stop_sel": STOP, "config": "english"}
        headline = SearchHeadline(
            "body",
            query,
            max_words=30,
            min_words=12,
            max_fragments=2,
            fragment_delimiter=" … ",
            **options,
        )
        rows = SearchEntry.objects.filter(id__in=ids).annotate(snippet=headline)
        by_id = {row["id"]: row for row in rows.values(*columns, "snippet")}
    else:
        rows = SearchEntry.objects.filter(id__in=ids).values(*columns, "body")
        by_id = {row["id"]: {**row, "snippet": make_snippet(row["body"], terms)} for row in rows}
    return [
        _hit(
            by_id[pk]["kind"],
            by_id[pk]["ref"],
            by_id[pk]["title"],
            by_id[pk]["url"],
            score,
            by_id[pk]["snippet"],
            terms,
        )
        for pk, _, score in shown
        if pk in by_id
    ]


def make_snippet(body: str, terms: Sequence[str], words: int = SNIPPET_WORDS) -> str:
    """About ``words`` words of the text around the first word a term starts, marked
    (\x02…\x03), with "…" where it is cut: the same on every database, for a page only."""
    tokens = list(_WORD.finditer(body or ""))
    if not tokens:
        return ""
    starts = tuple(terms)
    first = next((i for i, m in enumerate(tokens) if m.group(0).lower().startswith(starts)), 0)
    start = max(0, first - words // 4)
    end = min(len(tokens), start + words)
    start = max(0, end - words)
    text = mark_words(body[tokens[start].start() : tokens[end - 1].end()], terms)
    return ("…" if start else "") + text + ("…" if end < len(tokens) else "")


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
    """Up to ``limit`` entries the user may see whose title holds words starting with the
    query's words: the best scored among the newest ``AUTOCOMPLETE_CANDIDATES`` such titles."""
    terms = terms_of(q)
    if not terms:
        return []
    walk = _walk_postgresql if _is_postgresql() else _walk_sqlite
    found = walk(terms, visible_q(scopes_of(user)), AUTOCOMPLETE_CANDIDATES, titles=True)
    best = sorted(found, key=lambda c: (-c[1], c[0]))[: max(1, min(limit, 20))]
    rows = SearchEntry.objects.filter(id__in=[pk for pk, _ in best])
    by_id = {row["id"]: row for row in rows.values("id", "kind", "ref", "title", "url")}
    return [
        _hit(row["kind"], row["ref"], row["title"], row["url"], score, "", terms)
        for pk, score in best
        if (row := by_id.get(pk))
    ]


def matching_ids(kind: str, q: str | None):
    """The object ids (integers) of the entries of one type whose title or text holds every
    word of ``q`` as a word or a word's beginning — the search's own matching — as a
    subquery for ``.filter(pk__in=…)``; None when ``q`` has no word (``terms_of``).

    For a list's free-text filter: the index is read instead of a scan of every row's text
    (``icontains`` over 100,000 projects took 0.3–0.5 s). Visibility stays the caller's:
    this says only which records hold the words.
    """
    terms = terms_of(q)
    if not terms:
        return None
    if _is_postgresql():  # the GIN index of ``search_vector`` (core/0002)
        sql = (
            "SELECT CAST(object_id AS bigint) FROM core_searchentry "
            "WHERE kind = %s AND search_vector @@ to_tsquery('english', %s)"
        )
        return RawSQL(sql, [kind, _tsquery(terms)])  # noqa: S611 - values are parameters
    # Constant table names; the MATCH expression (quoted terms) and the type as parameters.
    # CROSS JOIN keeps the full-text index first: joined the other way, SQLite ran the
    # MATCH once per entry of the type.
    sql = (
        f"SELECT CAST(core_searchentry.object_id AS INTEGER) FROM {FTS_TABLE} "  # noqa: S608
        f"CROSS JOIN core_searchentry ON core_searchentry.id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH %s AND core_searchentry.kind = %s"
    )
    return RawSQL(sql, [_fts5_match(terms), kind])  # noqa: S611 - values are parameters


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
    label = obj._meta.label_lower
    dependents = DEPENDENTS.get(label)
    related = dependents(obj) if dependents else []
    if action.endswith(".deleted"):
        remove_object(obj)
        if related:
            transaction.on_commit(lambda: _index_all(related))
        return
    index_object(obj)
    _index_all(related)
    for kind, condition in DEPENDENT_SETS.get(label, lambda _: [])(obj):
        reindex(kind, condition)


def _index_all(records: Iterable[Model]) -> None:
    for record in records:
        index_object(record)


def reindex(kind: str, condition: Q, *, batch_size: int = 500) -> int:
    """Re-read the records of one type that meet ``condition`` and rewrite their entries in
    batches (a renamed member state: thousands of projects). Returns the entries written."""
    source = SOURCES[kind]
    model = source.model_class
    records = source.queryset().filter(pk__in=model.objects.filter(condition).values("pk"))
    written = 0
    batch: list[Model] = []

    def flush() -> int:
        values = {str(obj.pk): _entry_values(source, obj) for obj in batch}
        existing = dict(
            SearchEntry.objects.filter(kind=kind, object_id__in=list(values)).values_list(
                "object_id", "id"
            )
        )
        gone = [pk for pk, v in values.items() if v is None]
        SearchEntry.objects.filter(kind=kind, object_id__in=gone).delete()
        kept = {pk: v for pk, v in values.items() if v is not None}
        updates = [SearchEntry(id=existing[pk], **v) for pk, v in kept.items() if pk in existing]
        if updates:
            SearchEntry.objects.bulk_update(updates, fields=list(next(iter(kept.values()))))
        SearchEntry.objects.bulk_create(
            [
                SearchEntry(kind=kind, object_id=pk, **v)
                for pk, v in kept.items()
                if pk not in existing
            ]
        )
        return len(kept)

    for obj in records.order_by("pk").iterator(chunk_size=batch_size):
        batch.append(obj)
        if len(batch) >= batch_size:
            written += flush()
            batch = []
    if batch:
        written += flush()
    return written


# --- records deleted without a service (cascades, fixtures) -----------------------------


def _entry_deleted(sender, instance, **kwargs) -> None:
    """``post_delete`` of an indexed record: its entry goes in the same transaction."""
    remove_object(instance)


def _part_deleted(sender, instance, **kwargs) -> None:
    """``post_delete`` of a record that is part of others' entries: re-read them on commit
    (they may be going too, in the same cascade; then their entries go)."""
    dependents = DEPENDENTS.get(instance._meta.label_lower)
    try:
        related = dependents(instance) if dependents else []
    except ObjectDoesNotExist:  # what it was part of is gone already
        return
    if related:
        transaction.on_commit(lambda: _index_all(related))


def connect_signals() -> None:
    """Called by ``CoreConfig.ready``: entries follow deletions that bypass the services
    (a city's projects deleted by cascade, fixtures torn down). One receiver per model, so
    other models keep Django's fast (signal-free) bulk deletes."""
    for source in SOURCES.values():
        post_delete.connect(_entry_deleted, sender=source.model_class, dispatch_uid=source.kind)
    for label in DEPENDENTS:
        post_delete.connect(
            _part_deleted, sender=apps.get_model(label), dispatch_uid=f"part:{label}"
        )


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
    "reindex",
    "remove_object",
    "search",
    "terms_of",
]
