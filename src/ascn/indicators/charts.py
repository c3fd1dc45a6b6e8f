"""The comparison chart: one indicator's latest value in each compared city, as a plain
Vega-Lite spec (docs/decisions/0007: no Altair in the web workers). Each bar is labelled with
the year its value is from, so that different years are never compared silently."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ascn.core.svg import FONT_STACK
from ascn.indicators.models import Indicator
from ascn.indicators.queries import Comparison

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
BLUE = "#0b4f8a"


def comparison_spec(comparison: Comparison, indicator: Indicator) -> dict[str, Any]:
    rows = comparison.ranking(indicator)
    values = [{"city": f"{row.city.name} ({row.year})", "value": float(row.value)} for row in rows]
    axis_title = f"{indicator.code} ({indicator.unit_label})"
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "config": {
            # No ARIA labels of Vega's own (English, whatever the page's language): the
            # drawing is hidden from assistive technology, the data table says its figures.
            "aria": False,
            "font": FONT_STACK,
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 160},
            "view": {"stroke": None},
        },
        "data": {"values": values},
        "mark": {"type": "bar", "color": BLUE},
        "encoding": {
            "y": {
                "field": "city",
                "type": "nominal",
                "sort": [v["city"] for v in values],
                "title": _("City (year of the value)"),
            },
            "x": {"field": "value", "type": "quantitative", "title": axis_title},
            "tooltip": [
                {"field": "city", "type": "nominal", "title": _("City (year)")},
                {"field": "value", "type": "quantitative", "title": axis_title},
            ],
        },
        "width": "container",
        "autosize": {"type": "fit-x", "contains": "padding"},
        "height": max(80, 32 * len(values)),
    }
