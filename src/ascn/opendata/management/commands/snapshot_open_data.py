"""``manage.py snapshot_open_data``: take today's dated release of the open data.

Run nightly (``deploy/ascn-open-data-release.timer``, or cron; docs/operations.md). A second
run on the same day keeps the release already taken and says so; ``--replace`` takes it
again. ``--enqueue`` hands the work to the task worker instead of doing it here.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ascn.opendata import releases
from ascn.opendata.services import release_make
from ascn.opendata.tasks import snapshot_open_data


class Command(BaseCommand):
    help = "Take today's release of the public datasets (kept if taken already; --replace)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--replace", action="store_true", help="Take today's release again if it exists."
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue it for the task worker (db_worker)."
        )

    def handle(self, *args: Any, replace: bool, enqueue: bool, **options: Any) -> None:
        if enqueue:
            result = snapshot_open_data.enqueue(replace=replace)
            self.stdout.write(f"Queued for the task worker (task {result.id}).")
            return
        outcome = release_make(actor=None, replace=replace)
        release = outcome.release
        when = release.made_at.strftime("%Y-%m-%d %H:%M %Z")
        if outcome.action == "kept":
            self.stdout.write(
                f"The release of {release.date} exists already (taken {when}): nothing "
                "changed. Use --replace to take it again."
            )
            return
        files = releases.files_of([release])[release.pk]
        rows = sum(f.content.rows for f in files)
        verb = "Replaced" if outcome.action == "replaced" else "Made"
        since = f"since {release.previous.date}" if release.previous else "first release"
        self.stdout.write(
            f"{verb} the release of {release.date}: {len(files)} datasets, {rows} rows ({since})."
        )
        for f in files:
            self.stdout.write(
                f"  {f.dataset}: {f.content.rows} rows, +{f.added} added, "
                f"~{f.changed} changed, -{f.removed} removed"
                + (f", {len(f.notes)} notes" if f.notes else "")
            )
