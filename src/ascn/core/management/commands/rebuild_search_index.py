"""Re-create the search index from the records: after loads that bypass the services."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ascn.core import search


class Command(BaseCommand):
    help = "Rebuild the search index (all types, or those named with --type)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--type", action="append", choices=search.kinds(), dest="kinds")

    def handle(self, *args: Any, kinds: list[str] | None = None, **options: Any) -> None:
        started = time.perf_counter()
        counts = search.rebuild(kinds=kinds)
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{kind} {n}" for kind, n in counts.items())
        self.stdout.write(f"Search index rebuilt in {elapsed:.1f} s: {summary}.")
