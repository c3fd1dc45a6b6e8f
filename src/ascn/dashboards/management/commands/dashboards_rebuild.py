"""Recompute the dashboards' tallies from the records (after bulk loads, which send no
signal; every other write keeps them in step)."""

import time

from django.core.management.base import BaseCommand

from ascn.dashboards import tallies


class Command(BaseCommand):
    help = "Recompute the public dashboards' per-city tallies from the projects and deals."

    def handle(self, *args, **options):
        started = time.perf_counter()
        projects, deals = tallies.rebuild()
        self.stdout.write(
            f"Dashboard tallies rebuilt in {time.perf_counter() - started:.1f} s: "
            f"{projects} project rows, {deals} deal rows."
        )
