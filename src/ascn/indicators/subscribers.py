"""What follows writes for the indicators (``core.events``): a city's population moves it
between size classes, so the stored size-class medians (``indicators.latest``) are
recomputed when a city's population changes."""

from __future__ import annotations

from ascn.core import events
from ascn.indicators import latest
from ascn.indicators.models import Indicator, IndicatorMedian, IndicatorValue


def on_city(change: events.Change) -> None:
    if change.deleted or "population" not in change.changes:
        return
    # every indicator's row locked, in one order, as the value writes lock theirs
    list(Indicator.objects.select_for_update().order_by("pk").values("pk"))
    indicators = (
        IndicatorValue.objects.filter(latest_any=True).values_list("indicator_id", flat=True)
    ).distinct()
    latest.refresh_medians(IndicatorValue, IndicatorMedian, list(indicators))


events.subscribe(on_city, models=["network.city"])
