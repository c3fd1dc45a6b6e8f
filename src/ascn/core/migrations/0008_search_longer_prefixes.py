"""SQLite: prefix indexes for words' beginnings of 2 to 8 letters (were 2 and 3).

The search matches every word of a query as a word or a word's beginning (``"bench"*``).
FTS5 answers a prefix without an index of its length by merging the lists of every indexed
word that starts with it into one list in memory before it can stop at the first page: a
beginning that a quarter of a million entries hold ("bench" at the benchmark's scale) took
30 ms before the first row. With an index of that length it is read as one word's list and
walked like one (a title walk of "bench indicator 7": 18 ms → 1 ms). The index grows by
three quarters (107 → 189 MB at the benchmark's scale; the network's own data, a few
thousand entries, stays small). Longer beginnings keep the merge: few words share them.

The table is made again with the option (FTS5 cannot change it in place) and filled from
``core_searchentry`` (``rebuild``); the triggers of core/0002 name the table and stay.
"""

from django.db import migrations


def _statements(prefix: str) -> list[str]:
    return [
        "DROP TABLE IF EXISTS core_searchentry_fts",
        f"""CREATE VIRTUAL TABLE core_searchentry_fts USING fts5(
        title, body, content='core_searchentry', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2', prefix='{prefix}')""",
        "INSERT INTO core_searchentry_fts(core_searchentry_fts) VALUES ('rebuild')",
    ]


def _run(prefix: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in _statements(prefix):
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0007_audit_type_at_index")]

    operations = [migrations.RunPython(_run("2 3 4 5 6 7 8"), _run("2 3"))]
