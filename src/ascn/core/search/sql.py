"""How a search is put to each database: the words of a query as terms, the WHERE of what a user may see and of the chosen facets, and the walks over the full-text index (SQLite FTS5, PostgreSQL tsvector) that find the candidates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import BigIntegerField, ExpressionWrapper, F, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from ascn.core.errors import InvalidInput
from ascn.core.models import SearchEntry
from ascn.core.permissions import Scopes
from ascn.core.search import words
from ascn.core.search.words import Term
from ascn.core.visibility import Visibility

MAX_QUERY_LENGTH = 200


MAX_TERMS = 8


FTS_TABLE = "core_searchentry_fts"


SCOPE_INDEX = "core_searchentry_scope"  # core/0003: the columns a walk checks, by id


OBJECT_INDEX = "core_searchentry_object"  # core/0006: an entry's type and object, by id


TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0  # bm25 column weights on SQLite


def terms_of(q: str | None) -> list[Term]:
    """The terms of a query: its words (letters and digits only, lower-cased, without the
    letters an apostrophe elides), at most 8, no repeats; a run of them that names a
    country is an ``Either`` of its names (``words.terms``)."""
    if not q:
        return []
    if len(q) > MAX_QUERY_LENGTH:
        raise InvalidInput(
            _("A search is at most %(n)s characters long.") % {"n": MAX_QUERY_LENGTH}, field="q"
        )
    return words.terms(q)[:MAX_TERMS]


def _prefix(term: str) -> bool:
    """Words match as prefixes from two letters on: "d*" would merge half the vocabulary."""
    return len(term) >= 2


def fts5_match(terms: Sequence[Term], *, column: str | None = None) -> str:
    def one(word: str) -> str:  # quoted: no FTS5 syntax survives
        return f'"{word}"' + ("*" if _prefix(word) else "")

    def term(t: Term) -> str:
        if isinstance(t, str):
            return one(t)
        # the words as typed, or one of the other names as a phrase (words only: WORD)
        typed = "(" + " AND ".join(map(one, t.typed)) + ")"
        ways = [
            f'"{" ".join(way)}"' + ("*" if t.open_end and _prefix(way[-1]) else "")
            for way in t.others
        ]
        return "(" + " OR ".join([typed, *ways]) + ")"

    # AND said: FTS5 takes two phrases side by side as both, but not a phrase beside a group
    expression = " AND ".join(map(term, terms))
    return f"{{{column}}} : ({expression})" if column else expression


def tsquery(terms: Sequence[Term], *, weights: str = "") -> str:
    def one(word: str, prefix: bool = True) -> str:
        marks = ("*" if prefix and _prefix(word) else "") + weights
        return f"'{word}':{marks}" if marks else f"'{word}'"

    def term(t: Term) -> str:
        if isinstance(t, str):
            return one(t)
        typed = "(" + " & ".join(map(one, t.typed)) + ")"
        phrases = (
            "("
            + " <-> ".join(
                one(w, prefix=t.open_end and i == len(way) - 1) for i, w in enumerate(way)
            )
            + ")"
            for way in t.others
        )
        return "(" + " | ".join([typed, *phrases]) + ")"

    return " & ".join(map(term, terms))


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


def filters_q(types: Iterable[str], filters: Mapping[str, Iterable[str]], skip: str = "") -> Q:
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


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _vector() -> RawSQL:
    return RawSQL('"core_searchentry"."search_vector"', [], output_field=SearchVectorField())


def _title_vector() -> RawSQL:
    return RawSQL('"core_searchentry"."title_vector"', [], output_field=SearchVectorField())


# A match as the engine ranks it: (entry id, 1 when the title holds the words else 0, score).
Candidate = tuple[int, int, float]


def candidates_of(
    terms: Sequence[Term],
    where: Q,
    limit: int,
    *,
    filtered: bool = False,
    titled: list[tuple[int, float]] | None = None,
) -> tuple[list[Candidate], bool]:
    """Up to ``limit`` matching entries as (id, title tier, score): the entries whose title
    holds every word first, then the others, each newest first; and whether that was all.

    Both engines walk their index in id order and stop at the limit, so a word found in
    half the entries costs no more than a rare one; the score (bm25 / ts_rank) is
    computed for the candidates only. ``titled``: the title walk, when it was read already
    (``title_walks_postgresql``).
    """
    walk = walk_postgresql if is_postgresql() else walk_sqlite
    if titled is None:
        titled = walk(terms, where, limit + 1, titles=True, filtered=filtered)
    found: list[Candidate] = [(pk, 1, score) for pk, score in titled]
    if len(found) <= limit:
        rest = walk(terms, where, limit + 1 - len(found), titles=False, filtered=filtered)
        found += [(pk, 0, score) for pk, score in rest]
    return found[:limit], len(found) <= limit


def walk_sqlite(
    terms: Sequence[Term], where_q: Q, limit: int, *, titles: bool, filtered: bool = False
) -> list[tuple[int, float]]:
    everything = fts5_match(terms)
    in_title = fts5_match(terms, column="title")
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


def walk_postgresql(
    terms: Sequence[Term], where_q: Q, limit: int, *, titles: bool, filtered: bool = False
) -> list[tuple[int, float]]:
    query = SearchQuery(tsquery(terms), search_type="raw", config="english")
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


def title_walks_postgresql(
    terms: Sequence[Term], visible: Q, chosen: Q, limit: int
) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    """The title walks of a filtered search and of its facets' sample (``visible`` alone),
    as ``walk_postgresql(..., titles=True)`` gives each — newest first, at most ``limit``,
    scored by ``ts_rank`` — from one read of the title index: the visible entries whose
    title holds the words are read once (a GIN bitmap and a heap recheck, the cost of a
    walk), and both newest-first lists taken from them."""
    seen_sql, seen_params = _where_sql(visible)
    chosen_sql, chosen_params = _where_sql(chosen)
    query = tsquery(terms)
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
