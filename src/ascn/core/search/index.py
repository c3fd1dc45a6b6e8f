"""The search index's writes: one record's entry written (or removed) in the transaction
of the write that changed it, entries re-read in batches when a name they hold changes,
and the whole index rebuilt after bulk loads.

``on_change`` is the events subscriber (``core.events``): services say what they changed
(``events.changed`` / ``events.deleting``) and the index follows — the record's own entry,
the entries it is part of (``Source.parts``) and those that hold its name
(``Source.follows``). A deletion is announced before the row goes: the entry goes at once
and the records it was part of are re-read once it has gone, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model, Q
from django.utils import timezone, translation

from ascn.core import events
from ascn.core.models import SearchEntry
from ascn.core.search import registry
from ascn.core.search.sql import FTS_TABLE, is_postgresql
from ascn.core.search.words import spaced


def kept(title: Any, body: Any) -> tuple[str, str]:
    """An entry's title and text as the index keeps them: Thai, Lao, Burmese and Khmer words
    apart (``words.spaced``), then cut, the spaces between words counting in the title's
    length (core/0009 writes the older entries again through this too)."""
    limit = SearchEntry._meta.get_field("title").max_length
    return (
        registry.clean(spaced(str(title or "")), limit),
        registry.clean(spaced(str(body or "")), registry.BODY_LIMIT),
    )


def _entry_values(source: registry.Source, obj: Model) -> dict[str, Any] | None:
    # in the index's one language, whoever's request wrote it: a role written during a Thai
    # page is still found as "Chief Smart City Officer" (a page shows it in its reader's)
    with translation.override(settings.LANGUAGE_CODE):
        values = source.entry(obj)
    if values is None:
        return None
    values["title"], values["body"] = kept(values["title"], values.get("body"))
    values["updated_at"] = getattr(obj, "updated_at", None) or timezone.now()
    return values


def index_object(obj: Model) -> bool:
    """Write (or remove) the search entry of one record, re-read from the database. Answers
    whether the record is still there (a record of an unindexed type is only looked up)."""
    source = registry.source_for(obj)
    if source is None:
        return obj._meta.model._default_manager.filter(pk=obj.pk).exists()
    # one row at most: no ordering to compile (a source's queryset may order by a join)
    fresh = next(iter(source.queryset().filter(pk=obj.pk).order_by()[:1]), None)
    values = _entry_values(source, fresh) if fresh is not None else None
    if values is None:
        SearchEntry.objects.filter(kind=source.kind, object_id=str(obj.pk)).delete()
        return fresh is not None
    SearchEntry.objects.update_or_create(kind=source.kind, object_id=str(obj.pk), defaults=values)
    return True


def remove_object(obj: Model) -> None:
    source = registry.source_for(obj)
    if source is not None:
        SearchEntry.objects.filter(kind=source.kind, object_id=str(obj.pk)).delete()


def _index_all(records: Iterable[Model]) -> None:
    for record in records:
        index_object(record)


def reindex(kind: str, condition: Q, *, batch_size: int = 500) -> int:
    """Re-read the records of one type that meet ``condition`` and rewrite their entries in
    batches (a renamed member state: thousands of projects). Returns the entries written."""
    source = registry.source(kind)
    model = source.model_class
    records = source.queryset().filter(pk__in=model._default_manager.filter(condition).values("pk"))
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


def rebuild(*, kinds: Iterable[str] | None = None, batch_size: int = 2000) -> dict[str, int]:
    """Re-create the index from the records (after bulk loads that bypass the services)."""
    counts: dict[str, int] = {}
    for kind in kinds or registry.kinds():
        source = registry.source(kind)
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
    if not is_postgresql():
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")  # noqa: S608
    return counts


def on_change(change: events.Change) -> Callable[[], None] | None:
    """Keep the changed record's entry, and the entries that hold it, current: at once, or
    once at the end of an ``events.batch`` (a record written many times in a load is read
    once)."""
    obj = change.obj
    if not registry.concerns(obj):
        return None
    if change.deleted:
        parents = registry.entries_with_part(obj)
        remove_object(obj)
        # once for a record deleted with its parts (``events.Then``)
        return events.Then(_index_all, (tuple(parents),)) if parents else None
    return events.Then(_index_written, (obj,))


def _index_written(obj: Model) -> None:
    """A written record's entry, the entries it is part of and those that hold its name,
    re-read; nothing when it has gone since (its deletion removed its entry)."""
    if not index_object(obj):
        return
    _index_all(registry.entries_with_part(obj))
    for kind, condition in registry.entry_sets_following(obj):
        reindex(kind, condition)
