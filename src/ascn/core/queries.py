"""What every app's reads share."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import QuerySet

Q = TypeVar("Q", bound=QuerySet[Any])


def filter_given(qs: Q, **lookups: Any) -> Q:
    """``qs`` narrowed by each lookup whose value was given (an empty or None value is a
    filter not asked for), one ``filter()`` call each, in order."""
    for lookup, value in lookups.items():
        if value:
            qs = qs.filter(**{lookup: value})
    return qs
