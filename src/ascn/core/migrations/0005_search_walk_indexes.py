"""PostgreSQL: b-tree indexes that give a filtered search its matches newest first.

Search orders its walks by ``id + 0`` (docs/search.md) so the planner does not walk the
primary key backwards through rows that seldom match; these expression indexes give that
order within one type, one member state, or both, so a common word filtered by type and
member state is walked there (and stops at the candidate limit) instead of gathering
every match of the word. They replace 0004's ``(kind, member_state, id)`` and
``(member_state, id)``, whose order the planner folds into the primary key's.
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    "DROP INDEX IF EXISTS core_searchentry_kind_state",
    "DROP INDEX IF EXISTS core_searchentry_state",
    "CREATE INDEX core_searchentry_walk_ks ON core_searchentry (kind, member_state, (id + 0))",
    "CREATE INDEX core_searchentry_walk_k ON core_searchentry (kind, (id + 0))",
    "CREATE INDEX core_searchentry_walk_s ON core_searchentry (member_state, (id + 0))",
    "ANALYZE core_searchentry",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS core_searchentry_walk_s",
    "DROP INDEX IF EXISTS core_searchentry_walk_k",
    "DROP INDEX IF EXISTS core_searchentry_walk_ks",
    "CREATE INDEX core_searchentry_kind_state ON core_searchentry (kind, member_state, id)",
    "CREATE INDEX core_searchentry_state ON core_searchentry (member_state, id)",
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
    dependencies = [("core", "0004_search_title_vector")]

    operations = [migrations.RunPython(create, drop)]
