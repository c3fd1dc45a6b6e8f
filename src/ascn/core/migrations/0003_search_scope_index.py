"""A covering index of the columns search filters on (visibility, owners, facets).

Search walks the full-text index in id order and checks each match against the caller's
visibility and filters (docs/search.md): on SQLite, reading those columns from this index
(``INDEXED BY``) instead of the table's rows, which carry the text, is several times
faster. PostgreSQL reads them from the rows it has already visited for the match.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE INDEX core_searchentry_scope ON core_searchentry(
        id, visibility, kind, member_state, status, focus_areas, owner_city_id,
        owner_member_state_id, owner_organisation_id, co_owner_organisation_id)""",
]
SQLITE_BACKWARD = ["DROP INDEX IF EXISTS core_searchentry_scope"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_search_index")]

    operations = [migrations.RunPython(create, drop)]
