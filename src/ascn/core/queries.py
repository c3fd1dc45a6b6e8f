"""What every app's reads share."""

from __future__ import annotations

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


# A list filtered by words counts its rows up to this many (setting ``ASCN_COUNT_CAP``):
# beyond, "more than 1,000" (a lower bound, flagged as such). Counting every match of a
# common word cost more than the page itself (17,000 of 100,000 projects hold "water":
# docs/benchmarks.md).
COUNT_CAP = 1_000


def count_cap() -> int:
    return int(getattr(settings, "ASCN_COUNT_CAP", COUNT_CAP))


def capped_count(rows: QuerySet[Any]) -> tuple[int, bool]:
    """How many rows ``rows`` holds, counted up to ``count_cap()``, and whether that is all
    of them (False: there are more, and the cap is returned)."""
    cap = count_cap()
    counted = rows.order_by()[: cap + 1].count()
    return min(counted, cap), counted <= cap


def raw_rows(rows: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` queryset read straight from the database cursor: no
    field converters (JSON is left as its text, numbers as the database hands them back),
    for reads of tens of thousands of rows."""
    with connections[rows.db].cursor() as cursor:
        cursor.execute(*rows.query.sql_with_params())
        return cursor.fetchall()
