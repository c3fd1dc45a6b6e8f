"""`manage.py backup` and `manage.py restore` bring every table and every uploaded file back,
on the database the suite runs on (SQLite: the online backup API; PostgreSQL: pg_dump)."""

import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection

from ascn.plans.models import Project
from tests import factories


def every_table() -> dict[str, list[str]]:
    """Each table's rows, in a stable order, as text (types differ between drivers)."""
    quote = connection.ops.quote_name
    tables = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - names from introspection
            tables[table] = sorted(repr(row) for row in cursor.fetchall())
    return tables


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_row_and_file_and_clears_the_caches(network, tmp_path):
    # given a network with a project, and an uploaded file
    secretariat = factories.secretariat()
    kept = factories.project(secretariat, title="Flood sensors", visibility="public")
    upload = Path(settings.MEDIA_ROOT) / "backup-test" / f"{uuid.uuid4().hex}.pdf"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_bytes(b"%PDF-1.4 the signed agreement")
    before = every_table()
    assert any(before.values())

    # when it is backed up
    call_command("backup", to=str(tmp_path))
    (folder,) = tmp_path.iterdir()

    # and then changed: a project edited, another added, one deleted, the file overwritten
    Project.objects.filter(pk=kept.pk).update(title="Changed after the backup")
    factories.project(secretariat, title="Added after the backup")
    Project.objects.exclude(pk=kept.pk).filter(title="Flood sensors").delete()
    upload.write_bytes(b"overwritten")
    cache.set("ascn:backup-test", "stale")
    assert every_table() != before

    # and restored
    call_command("restore", str(folder), interactive=False)

    # then every table holds exactly the rows it held at the backup
    after = every_table()
    assert after.keys() == before.keys()
    changed = [table for table in before if after[table] != before[table]]
    assert changed == []
    assert Project.objects.get(pk=kept.pk).title == "Flood sensors"
    # and the file is back, and nothing cached from the replaced data survives
    assert upload.read_bytes() == b"%PDF-1.4 the signed agreement"
    assert cache.get("ascn:backup-test") is None


def test_restore_refuses_a_folder_that_is_not_a_backup(tmp_path):
    (tmp_path / "notes.txt").write_text("not a backup")
    with pytest.raises(CommandError, match="is not a backup folder"):
        call_command("restore", str(tmp_path), interactive=False)
