"""Restore a folder written by ``manage.py backup`` (docs/operations.md)."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Restore the database and the uploaded files from a folder written by `backup`. "
        "Replaces every table's rows; then clears the caches."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("folder", help="a folder written by `manage.py backup`")
        parser.add_argument(
            "--noinput", action="store_false", dest="interactive", help="do not ask to confirm"
        )

    def handle(self, *args: Any, folder: str, interactive: bool, **options: Any) -> None:
        path = Path(folder)
        # dbbackup writes database.<ext> and, beside it, database.<ext>.metadata
        databases = [dump for dump in path.glob("database.*") if dump.suffix != ".metadata"]
        media = path / "media.tar"
        if len(databases) != 1 or not media.is_file():
            raise CommandError(
                f"{path} is not a backup folder: it needs one database.* file and media.tar."
            )
        if interactive:
            answer = input(f"Replace this site's database and uploaded files with {path}? [y/N] ")
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("Restore cancelled: nothing was changed.")
        call_command("dbrestore", input_path=str(databases[0]), interactive=False, verbosity=0)
        call_command(
            "mediarestore", input_path=str(media), interactive=False, replace=True, verbosity=0
        )
        # Cached pages, tallies and the map were drawn from the data that was just replaced.
        for cache in caches.all():
            cache.clear()
        self.stdout.write(f"Restored the database and the uploaded files from {path}")
