"""Recompute every project's stored disclosure completeness from the rules (after bulk
loads, which announce nothing; every service write keeps it current), or with ``--check``
only count the projects whose stored value differs from the rules."""

import time

from django.core.management.base import BaseCommand, CommandError

from ascn.plans import disclosure
from ascn.plans.models import Project


class Command(BaseCommand):
    help = "Recompute the projects' stored CoST IDS disclosure completeness from the rules."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; fail if any project's stored value differs from the rules.",
        )

    def handle(self, *args, check: bool = False, **options):
        started = time.perf_counter()
        if check:
            wrong = disclosure.stale(Project.objects.all()).count()
            if wrong:
                raise CommandError(f"{wrong} projects' stored disclosure differs from the rules.")
            self.stdout.write("Every project's stored disclosure is current.")
            return
        n = disclosure.refresh(Project.objects.all())
        self.stdout.write(
            f"Disclosure recomputed for {n} projects in {time.perf_counter() - started:.1f} s. "
            "Run manage.py dashboards_rebuild next: the dashboards' city counts sum it."
        )
