"""Illustrative indicator values for the demo (ASCN_DEMO=1 only), flagged as sample data.

They are made up by a fixed rule, not researched: every one is ``sample=True``, shown with a
"sample" badge and a banner, and never loaded outside demo mode. Idempotent: a value already
there is left alone, and so is a city's indicator that has a real value."""

from __future__ import annotations

import zlib
from decimal import Decimal

from ascn.core.seed import LoadCommand
from ascn.core.visibility import Visibility
from ascn.indicators.models import Indicator, IndicatorValue
from ascn.indicators.services import value_enter, value_verify
from ascn.network.models import City

CITIES = [
    "bangkok",
    "phuket",
    "chonburi",
    "hanoi",
    "da-nang",
    "jakarta",
    "singapore",
    "kuala-lumpur",
]
# indicator code → (low, high) of the made-up range
RANGES = {
    "11.2.1": (35, 95),
    "11.6.1": (40, 98),
    "11.6.2": (8, 45),
    "EC: ICT: ICT: 1C": (55, 98),
}
YEARS = (2021, 2022, 2023)
SOURCE = "Sample data for the demo — not a real figure"


def _made_up(city: str, code: str, year: int) -> Decimal:
    low, high = RANGES[code]
    spread = zlib.crc32(f"{city}|{code}|{year}".encode()) % 1000 / 1000
    return Decimal(low + (high - low) * spread).quantize(Decimal("0.1"))


class Command(LoadCommand):
    help = "Load illustrative indicator values for the demo (flagged as sample data)."
    demo_only = True

    def load(self) -> str:
        indicators = {i.code: i for i in Indicator.objects.filter(code__in=RANGES)}
        written = 0
        # A city's indicator with a real value (load_indicator_values) gets no made-up
        # ones beside it: real and sample figures are never mixed in one trend.
        real = set(
            IndicatorValue.objects.filter(sample=False).values_list("city_id", "indicator_id")
        )
        for city in City.objects.filter(slug__in=CITIES):
            for code, indicator in indicators.items():
                if (city.pk, indicator.pk) in real:
                    continue
                for year in YEARS:
                    if IndicatorValue.objects.filter(
                        city=city, indicator=indicator, year=year
                    ).exists():
                        continue
                    record = value_enter(
                        actor=None,
                        city=city,
                        indicator=indicator,
                        year=year,
                        value=_made_up(city.slug, code, year),
                        source=SOURCE,
                        method_note="Illustrative value generated for the demonstration.",
                        visibility=Visibility.PUBLIC,
                        sample=True,
                    )
                    if year < YEARS[-1]:  # the latest year waits for verification
                        value_verify(
                            actor=None, record=record, version=1, verified=True, grade="assumptions"
                        )
                    written += 1
        return f"Sample indicator values loaded ({written} written)."
