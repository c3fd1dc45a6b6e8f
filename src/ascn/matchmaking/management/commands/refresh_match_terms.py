"""Recompute the projects' stored matchmaking terms (after bulk loads, which announce
nothing; every service write keeps them current), or with ``--missing`` only fill the
projects that have none."""

import time

from django.core.management.base import BaseCommand

from ascn.matchmaking import terms


class Command(BaseCommand):
    help = "Recompute the projects' stored focus areas and terms that matchmaking reads."

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing", action="store_true", help="Only the projects that have no stored row."
        )

    def handle(self, *args, missing: bool = False, **options):
        started = time.perf_counter()
        n = terms.refresh(missing_only=missing)
        self.stdout.write(
            f"Match terms written for {n} projects in {time.perf_counter() - started:.1f} s."
        )
