"""What follows a write, said out loud.

A service ends every write with two calls: its audit entry, then what changed::

    entry = audit.record(actor, "plans.project.updated", project, changes)
    events.changed(project, entry.changes)

(``core.services.audit_and_announce`` makes both calls, in that order), and wraps a
deletion so that what follows sees both sides of it::

    audit.record(actor, "meetings.document.deleted", document, changes)
    with events.deleting(document):
        document.delete()

``changed`` hands a ``Change`` to every subscriber of that model, at once, inside the write's
transaction — so what follows a write commits or rolls back with it. ``deleting`` hands it
over before the rows go (a subscriber may still read what they were part of); what a
subscriber returns then (a function) is called once they have gone, still inside the
transaction; returned as a ``Then`` (a function and its arguments), equal follow-ups of one
deletion run once. A subscriber that must wait for the commit (a cache that another request could
refill from old data) asks ``transaction.on_commit`` itself. A subscriber whose work is a
recomputation returns it as a ``Then`` after every write: done at once, or once at the end
of a ``batch`` (a load's many writes).

Subscribers are declared by their apps, each in its ``subscribers.py`` (imported at start-up
by ``CoreConfig.ready``), never by signals on models:

============================  =================================  =========================
subscriber                    models                             module
============================  =================================  =========================
search index                  every indexed type and its parts   ``core.search.index``
response cache data version   every model                        ``core.cache``
dashboards' tallies           projects, their documents and      ``dashboards.subscribers``
                              milestones, deals, organisations,
                              cities, outcomes
match index token             organisations                      ``matchmaking.subscribers``
projects' matchmaking terms   projects, focus areas, cities,     ``matchmaking.subscribers``
                              member states
projects' stored disclosure   projects, their documents and      ``plans.subscribers``
                              milestones, outcomes
indicators' size-class        cities (a population changed)      ``indicators.subscribers``
medians
============================  =================================  =========================

A write that bypasses the services (a bulk load, raw SQL) tells nobody: it is followed by
the rebuild commands (``rebuild_search_index``, ``dashboards_rebuild``,
``refresh_disclosure``, ``refresh_match_terms``, ``indicators_rebuild_latest``), as bulk
loads are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model

EVERY_MODEL = "*"


@dataclass(frozen=True)
class Change:
    """One record changed (or about to be deleted) by a service."""

    obj: Model
    changes: dict[str, Any] = field(default_factory=dict)  # the audit diff: field → before/after
    deleted: bool = False

    @property
    def label(self) -> str:
        """``app_label.modelname``, as subscribers name models."""
        return self.obj._meta.label_lower

    def touched(self, *fields: str) -> bool:
        """Whether the write changed any of these fields (a new record changes them all)."""
        return any(name in self.changes or f"{name}_id" in self.changes for name in fields)

    def before(self, name: str) -> Any:
        """A field's value before the write (a foreign key as its id), or None."""
        for key in (name, f"{name}_id"):
            if key in self.changes and isinstance(self.changes[key], dict):
                return self.changes[key].get("before")
        return None


# A subscriber may return a function to call once a deleted record's rows have gone.
Subscriber = Callable[[Change], Callable[[], None] | None]
_subscribers: list[tuple[frozenset[str], Subscriber]] = []


def subscribe(subscriber: Subscriber, *, models: Iterable[str]) -> None:
    """Call ``subscriber`` with every change to these models (``"app_label.modelname"``, or
    ``EVERY_MODEL``). Subscribing twice is a no-op (start-up may import a module twice)."""
    labels = frozenset(label.lower() for label in models)
    if (labels, subscriber) not in _subscribers:
        _subscribers.append((labels, subscriber))


# The follow-ups held back by the ``batch`` this context is in (None: outside one), each with
# the place of its subscriber.
_held: ContextVar[list[tuple[int, Callable[[], None]]] | None] = ContextVar(
    "ascn_events_held", default=None
)


def _publish(change: Change) -> list[tuple[int, Callable[[], None]]]:
    afterwards = []
    for place, (labels, subscriber) in enumerate(list(_subscribers)):
        if EVERY_MODEL in labels or change.label in labels:
            then = subscriber(change)
            if then is not None:
                afterwards.append((place, then))
    return afterwards


def _follow(afterwards: list[tuple[int, Callable[[], None]]]) -> None:
    """Run these follow-ups now (equal ones once), or hold them to the end of the ``batch``."""
    held = _held.get()
    if held is not None:
        held.extend(afterwards)
        return
    for then in once([then for _, then in afterwards]):
        then()


def changed(obj: Model, changes: dict[str, Any] | None = None) -> None:
    """A service created or updated ``obj`` (``changes``: the audit diff of the write):
    every subscriber hears of it, and what they return is done at once (or at the end of
    the ``batch``)."""
    _follow(_publish(Change(obj, changes or {})))


@dataclass(frozen=True)
class Then:
    """A deletion's follow-up as a subscriber may return it: ``fn(*args)``. Equal ones (the
    same function, the same arguments) are the same work, done once (``deleting``): a project
    deleted with its documents and milestones recomputes its city once, not once a part."""

    fn: Callable[..., None]
    args: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        hash(self)  # arguments that cannot be compared (a list, a set) fail here, at once

    def __call__(self) -> None:
        self.fn(*self.args)


def once(afterwards: list[Callable[[], None]]) -> list[Callable[[], None]]:
    """Each follow-up once, in the place of its last occurrence: the follow-ups recompute from
    what is there, so one that runs later than it first came still sees every change it
    followed (and each that came before its last occurrence has run)."""
    last = {then: i for i, then in enumerate(afterwards)}
    return [then for i, then in enumerate(afterwards) if last[then] == i]


@contextmanager
def deleting(*objs: Model) -> Iterator[None]:
    """A service deletes ``objs`` (the record and what goes with it by cascade) inside the
    block: subscribers hear of each before, and finish what they returned after (equal
    follow-ups once, ``Then``)."""
    afterwards = [then for obj in objs for then in _publish(Change(obj, {}, deleted=True))]
    yield
    _follow(afterwards)


@contextmanager
def batch() -> Iterator[None]:
    """Many writes in a row (a seed or sample load, an import): what the subscribers return
    is held back and done once at the end of the block — each equal follow-up once, in the
    order of their subscribers (so one that sums what another recomputes still runs after
    it) — instead of after each write: a city's tallies are recomputed once for the load,
    not once for each of its projects' writes. Call it inside the writes' transaction: the
    follow-ups commit or roll back with them. A batch inside a batch joins it."""
    if _held.get() is not None:
        yield
        return
    held: list[tuple[int, Callable[[], None]]] = []
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
    # by subscriber, each subscriber's in the order they came (the sort is stable)
    ordered = sorted(held, key=lambda placed: placed[0])
    for then in once([then for _, then in ordered]):
        then()


def subscribers() -> list[tuple[frozenset[str], Subscriber]]:
    """Who listens to what (for docs and tests)."""
    return list(_subscribers)
