"""Recompute which value is each city's latest per audience, and the stored medians
(``indicators.latest``).

The services keep the flags in every write; this is for rows written around them (bulk
inserts of the benchmark, a restore) or a check after an incident. Safe to run any time."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from ascn.indicators import latest
from ascn.indicators.models import IndicatorMedian, IndicatorValue


class Command(BaseCommand):
    help = "Recompute each city's latest indicator value per audience (public, network, all)."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            total = latest.rebuild(IndicatorValue, IndicatorMedian)
        self.stdout.write(f"Latest values and medians recomputed over {total:,} values.")
