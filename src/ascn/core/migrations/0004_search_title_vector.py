"""PostgreSQL: a tsvector of the title alone (GIN), and b-tree indexes by type and member
state in id order.

Search takes the entries whose title holds every word first (docs/search.md). A weight
filter on ``search_vector`` (``'water':*A``) cannot use the GIN index by weight, and the
planner cannot estimate it, so it scanned tens of thousands of rows; ``title_vector`` is
matched by its own index. The b-tree indexes let a search filtered by type and member
state walk those entries newest first. SQLite needs none of this (FTS5 filters columns;
``core_searchentry_scope`` serves the filters).
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    """ALTER TABLE core_searchentry ADD COLUMN title_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('english'::regconfig, coalesce(title, ''))) STORED""",
    "CREATE INDEX core_searchentry_title_vector ON core_searchentry USING gin (title_vector)",
    "CREATE INDEX core_searchentry_kind_state ON core_searchentry (kind, member_state, id)",
    "CREATE INDEX core_searchentry_state ON core_searchentry (member_state, id)",
    "ANALYZE core_searchentry",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS core_searchentry_state",
    "DROP INDEX IF EXISTS core_searchentry_kind_state",
    "DROP INDEX IF EXISTS core_searchentry_title_vector",
    "ALTER TABLE core_searchentry DROP COLUMN IF EXISTS title_vector",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_FORWARD:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_search_scope_index")]

    operations = [migrations.RunPython(create, drop)]
