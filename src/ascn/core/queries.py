"""What every app's reads share."""

from __future__ import annotations

from typing import Any, TypeVar

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


def raw_rows(rows: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` queryset read straight from the database cursor: no
    field converters (JSON is left as its text, numbers as the database hands them back),
    for reads of tens of thousands of rows."""
    with connections[rows.db].cursor() as cursor:
        cursor.execute(*rows.query.sql_with_params())
        return cursor.fetchall()
