"""The real network seed for the test fixtures: loaded by ``load_network`` once per test
process, then put back as the rows it wrote.

``load_network`` goes through the services (each record audited, indexed for search,
announced), some 2,700 queries: 1.3 s on SQLite and 2.2 s on PostgreSQL. The fixtures
need it in every test module (and for every browser test), about 200 times a run. So the
first load of a process is the real one, and the rows it inserted (the registry, its audit
entries and search entries) are kept; each later load inserts the same rows again in one
query per table, and makes a new data version for the response cache as the services'
writes do. The counts returned are the real loader's.

Only rows the loader inserts are kept: a loader that updated or deleted rows already in the
database would not be reproduced, so that is checked when the rows are taken.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Count, Max, Model

from ascn.core.cache import bump_data_version
from ascn.network.management.commands.load_network import load_network

T = TypeVar("T")

_rows: dict[type[Model], list[dict[str, Any]]] | None = None
_counts: dict[str, int] = {}


def _tables() -> list[type[Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _take() -> dict[str, int]:
    """The real load, and the rows it inserted, table by table."""
    global _rows
    before = {
        model: model.objects.aggregate(n=Count("pk"), top=Max("pk"))
        if model._meta.pk.get_internal_type().endswith("AutoField")
        else {"n": model.objects.count(), "top": None}
        for model in _tables()
    }
    counts = load_network()
    rows: dict[type[Model], list[dict[str, Any]]] = {}
    for model, was in before.items():
        now = model.objects.count()
        if now == was["n"]:
            continue
        # (a table of non-integer keys must have been empty: all its rows are the new ones)
        new = model.objects.all() if was["top"] is None else model.objects.filter(pk__gt=was["top"])
        found = list(new.order_by("pk").values())
        assert len(found) == now - was["n"], f"load_network changed rows of {model._meta.label}"
        rows[model] = found
    _rows = rows
    _counts.update(counts)
    return counts


def load_seed() -> dict[str, int]:
    """The real network in the test database (committed or not, as the caller's transaction
    is); what ``load_network`` returns."""
    if _rows is None:
        return dict(_take())
    for model, found in _rows.items():
        model.objects.bulk_create([model(**row) for row in found])
    # PostgreSQL's sequences past the rows put back (SQLite follows inserted ids itself)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(_rows)):
            cursor.execute(statement)
    bump_data_version()
    return dict(_counts)


def built_once(
    module_seed: dict[str, int] | None, django_db_blocker: Any, build: Callable[[], T]
) -> T | None:
    """``build()`` run once for a test module, inside the transaction that holds the module's
    network seed (``_network_seed`` in ``tests/conftest.py``: ``module_seed``), for a
    module-scoped fixture; None where the module's tests commit (no such transaction), and
    each test builds its own."""
    if module_seed is None:
        return None
    with django_db_blocker.unblock():
        return build()
