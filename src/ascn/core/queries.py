"""What every app's reads share."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet
from django.http import Http404

Q = TypeVar("Q", bound=QuerySet[Any])
T = TypeVar("T")


def found(record: T | None, message: str = "") -> T:
    """The record a read found, or a 404 (saying ``message``) when it found none — none
    the user may see."""
    if record is None:
        raise Http404(message) if message else Http404
    return record


def filter_given(qs: Q, **lookups: Any) -> Q:
    """``qs`` narrowed by each lookup whose value was given (an empty or None value is a
    filter not asked for), one ``filter()`` call each, in order."""
    for lookup, value in lookups.items():
        if value:
            qs = qs.filter(**{lookup: value})
    return qs


class CappedRows:
    """The rows of an ordered queryset, counted up to ``settings.ASCN_COUNT_CAP`` (beyond,
    "more than N": a lower bound, flagged as such, as the search does — counting every match
    of a common word cost more than the page itself: 17,000 of the 50,000 public projects
    hold "water", docs/benchmarks.md, issue 21) by the same walk that
    finds the page: the ids of the first rows in order (up to the cap, or to the end of the
    page asked for when it lies beyond), then the page's rows by id. ``count()`` is a lower
    bound when ``count_exact`` is False. Paginates like a queryset (``Paginator``,
    ``core.api.PageNumber``)."""

    def __init__(self, rows: QuerySet[Any]):
        self.rows = rows
        self.count_exact = True
        self._ids: list[Any] = []
        self._limit = 0

    def _walk(self, upto: int) -> None:
        limit = max(settings.ASCN_COUNT_CAP, upto) + 1
        if limit > self._limit:
            self._ids = list(self.rows.values_list("pk", flat=True)[:limit])
            self._limit = limit
            self.count_exact = len(self._ids) < limit

    def count(self) -> int:
        self._walk(0)
        return min(len(self._ids), self._limit - 1)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Any]:
        self._walk(window.stop or 0)
        ids = self._ids[window]
        found = {row.pk: row for row in self._by_id(ids)}
        return [found[pk] for pk in ids if pk in found]

    def _by_id(self, ids: list[Any]) -> QuerySet[Any]:
        """The page's rows by their ids, read as ``rows`` reads them (related rows joined or
        prefetched, fields deferred) without its filters again: the ids passed them already,
        and a word filter's subquery (17,000 matches of "water") cost as much as the walk.
        A queryset with annotations, DISTINCT or a union keeps its filters."""
        rows = self.rows
        query = rows.query
        if query.annotations or query.distinct or query.combinator:
            return rows.filter(pk__in=ids)
        page = rows.model._default_manager.using(rows.db).filter(pk__in=ids)
        page.query.select_related = query.select_related
        page.query.deferred_loading = query.deferred_loading
        lookups = rows._prefetch_related_lookups  # type: ignore[attr-defined]
        return page.prefetch_related(*lookups)


class CountedUpTo:
    """The rows of an ordered queryset whose order an index gives, counted up to ``cap``
    (beyond, "more than ``cap``": ``count_exact`` is False) by a subquery that stops at
    ``cap`` + 1 rows; pages are sliced as usual. For a long list that is paged, not searched:
    the audit trail's 1,000,000 entries took 27 ms to count exactly on PostgreSQL and 12 ms
    filtered by a kind of record, counted up to 10,000 about 1 ms (docs/benchmarks.md).
    Paginates like a queryset, as ``CappedRows`` does."""

    def __init__(self, rows: QuerySet[Any], cap: int):
        self.rows = rows
        self.cap = cap
        self.count_exact = True
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            found = self.rows.order_by()[: self.cap + 1].count()
            self.count_exact = found <= self.cap
            self._count = min(found, self.cap)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> QuerySet[Any]:
        return self.rows[window]


def raw_rows_streamed(rows: QuerySet[Any], batch: int = 2_000) -> Iterator[tuple[Any, ...]]:
    """``raw_rows``, fetched ``batch`` rows at a time (a server-side cursor on PostgreSQL):
    for reads of every row of a large table, whose whole result would otherwise be held at
    once."""
    with connections[rows.db].chunked_cursor() as cursor:
        cursor.execute(*rows.query.sql_with_params())
        while fetched := cursor.fetchmany(batch):
            yield from fetched


def raw_rows(rows: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` queryset read straight from the database cursor: no
    field converters (JSON is left as its text, numbers as the database hands them back),
    for reads of tens of thousands of rows."""
    with connections[rows.db].cursor() as cursor:
        cursor.execute(*rows.query.sql_with_params())
        return cursor.fetchall()
