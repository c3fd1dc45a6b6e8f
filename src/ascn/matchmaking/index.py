"""Matchmaking's in-memory index of organisations (issue 5), exact on every request.

Matching a project reads what each organisation publishes (countries, stages, instruments,
focus areas, ticket range: ``Organisation.match_keys`` and the tickets). Reading and testing
all 20,000 rows in SQL costs more than the whole request may take, so each process keeps
them in memory, bucketed by (country, stage) — ``*`` for "no restriction" — and the
request reads only the buckets its project falls in.

Exactness: one row (``MatchIndexStamp``) holds a token that every write to an organisation
renews in the write's own transaction (``on_change``, subscribed to the organisations'
writes in ``matchmaking.subscribers``). A request reads the token first,
then uses the index only if it was built under that very token, and otherwise rebuilds it.
Because the token is read before the rows, an index is never kept under a token older than
its data: a write committing in between leaves a newer token, and the next request
rebuilds. A missing stamp row (a flushed table) means "never trust the index".
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple, TypeVar

from django.db import DEFAULT_DB_ALIAS, router

from ascn.core import events
from ascn.matchmaking.models import MatchIndexStamp
from ascn.matchmaking.scoring import PartnerProfile
from ascn.partners.keys import ANY, codes_of


class OrganisationIndex(NamedTuple):
    token: str | None
    # (country or "*", stage or "*") → the profiles (``terms_text`` None: read per page)
    buckets: dict[tuple[str, str], list[PartnerProfile]]
    visibility: dict[int, str]
    size: int
    # id → ``match_terms``, filled as pages need them: read no earlier than the token, so
    # never older than the index (a write since renews the token, and the next request
    # builds a new index with an empty dict)
    terms: dict[int, str]


K = TypeVar("K")

_lock = threading.Lock()
_indexes: dict[str, OrganisationIndex] = {}


# The stamp rows: one per in-memory index (this module's, and ``matchmaking.project_index``'s).
ORGANISATIONS, PROJECTS = 1, 2


def _stamps(using: str):
    return MatchIndexStamp.objects.using(using)


def renew(using: str = DEFAULT_DB_ALIAS, which: int = ORGANISATIONS) -> None:
    """A new token: every index of ``which`` built before is out of date."""
    token = uuid.uuid4().hex
    if not _stamps(using).filter(pk=which).update(token=token):
        _stamps(using).update_or_create(pk=which, defaults={"token": token})


def token(using: str = DEFAULT_DB_ALIAS, which: int = ORGANISATIONS) -> str | None:
    return _stamps(using).filter(pk=which).values_list("token", flat=True).first()


def kept(
    store: dict[Any, K],
    key: Any,
    stamp: str | None,
    build: Callable[[], K],
    *,
    valid=None,
    lock: threading.Lock | None = None,
) -> K:
    """The index kept in ``store`` under ``key`` if it was built under ``stamp`` (a token
    read before its rows: see the module's docstring) and ``valid`` says yes to it, else
    one built by ``build()`` — and kept, when there is a token to keep it under."""
    found = store.get(key)
    fits = found is not None and stamp is not None and found.token == stamp
    if fits and (valid is None or valid(found)):
        return found  # type: ignore[return-value]
    with lock or _lock:  # one build at a time for each kind of index
        found = store.get(key)
        fits = found is not None and stamp is not None and found.token == stamp
        if fits and (valid is None or valid(found)):
            return found  # type: ignore[return-value]
        fresh = build()
        if stamp is not None:
            store[key] = fresh
        return fresh


def build(rows: Iterable[tuple[PartnerProfile, str]], stamp: str | None) -> OrganisationIndex:
    buckets: dict[tuple[str, str], list[PartnerProfile]] = {}
    visibility: dict[int, str] = {}
    for profile, seen_by in rows:
        visibility[profile.id] = seen_by
        countries = sorted(codes_of(profile.keys, "c")) or [ANY]
        stages = sorted(codes_of(profile.keys, "s")) or [ANY]
        for country in countries:
            for stage in stages:
                buckets.setdefault((country, stage), []).append(profile)
    return OrganisationIndex(stamp, buckets, visibility, len(visibility), {})


def current(
    using: str, rows: Callable[[], Iterable[tuple[PartnerProfile, str]]]
) -> OrganisationIndex:
    """The index in step with the database ``using``: the one kept if its token is current,
    else one built from ``rows()`` (and kept, when there is a token to keep it under)."""
    stamp = token(using)
    return kept(_indexes, using, stamp, lambda: build(rows(), stamp))


def forget() -> None:
    """Drop every kept index (tests)."""
    _indexes.clear()


# --- following the writes ------------------------------------------------------------------


def on_change(change: events.Change) -> None:
    """The events subscriber (``matchmaking.subscribers``): a write to an organisation renews
    the token, in that write's transaction."""
    renew(router.db_for_write(type(change.obj), instance=change.obj))
