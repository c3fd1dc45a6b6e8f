"""Backups with django-dbbackup (``manage.py backup`` / ``manage.py restore``).

PostgreSQL uses dbbackup's ``pg_dump --format=custom`` / ``pg_restore --clean`` connector.
SQLite uses the SQLite online backup API both ways: dbbackup's connector backs up with it
(safe while the server writes), and restores by copying the file over the live database,
which open connections would not notice; this one restores through the same API into the
live connection instead.
"""

import sqlite3
from contextlib import closing
from shutil import copyfileobj
from tempfile import NamedTemporaryFile
from typing import IO

from dbbackup.db.sqlite import SqliteBackupConnector


class SqliteOnlineConnector(SqliteBackupConnector):
    def restore_dump(self, dump: IO[bytes]) -> None:
        with NamedTemporaryFile(suffix=".sqlite3") as copy:
            copyfileobj(dump, copy)
            copy.flush()
            self.connection.ensure_connection()
            with closing(sqlite3.connect(copy.name)) as source:
                source.backup(self.connection.connection)
