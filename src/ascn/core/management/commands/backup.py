"""Back up the database and the uploaded files into one dated folder (docs/operations.md)."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from dbbackup.db.base import get_connector
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite: online backup, safe while serving; PostgreSQL: pg_dump) "
        "and the uploaded files (MEDIA_ROOT) into BACKUP_DIR/<date-time>/."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--to", default=str(settings.BACKUP_DIR), help="the folder to write into"
        )

    def handle(self, *args: Any, to: str, **options: Any) -> None:
        folder = Path(to) / timezone.now().strftime("%Y-%m-%d-%H%M%S-%f")
        folder.mkdir(parents=True)
        Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
        database = folder / f"database.{get_connector().extension}"
        call_command("dbbackup", output_path=str(database), verbosity=0)
        call_command("mediabackup", output_path=str(folder / "media.tar"), verbosity=0)
        self.stdout.write(f"Backed up the database and the uploaded files into {folder}")
