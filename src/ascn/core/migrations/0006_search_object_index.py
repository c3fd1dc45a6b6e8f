"""SQLite: a covering index from a search entry's id to its type and object.

A list's free-text filter (``search.matching_ids``) turns the full-text matches of a word
into the ids of one type's objects: the entries' type and object id are read from this
index (``INDEXED BY``) instead of the rows, which carry the text. "water", found in 43,000
entries of 123,000, took 90 ms through the rows and 25 ms through this index
(docs/benchmarks.md, issue 21). PostgreSQL reads them from the rows the match visited.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE INDEX core_searchentry_object ON core_searchentry (id, kind, object_id)",
]
SQLITE_BACKWARD = ["DROP INDEX IF EXISTS core_searchentry_object"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_search_walk_indexes")]

    operations = [migrations.RunPython(create, drop)]
