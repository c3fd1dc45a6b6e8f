"""The comparison chart: one indicator's latest value in each compared city, as a plain
Vega-Lite spec (docs/decisions/0007: no Altair in the web workers). Each bar is labelled with
the year its value is from, so that different years are never compared silently."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ascn.core.svg import BLUE, VEGA_LITE_SCHEMA, page_chart_config
from ascn.indicators.models import Indicator
from ascn.indicators.queries import Comparison


def comparison_spec(comparison: Comparison, indicator: Indicator) -> dict[str, Any]:
    rows = comparison.ranking(indicator)
    values = [{"city": f"{row.city.name} ({row.year})", "value": float(row.value)} for row in rows]
    axis_title = f"{indicator.code} ({indicator.unit_label})"
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "config": page_chart_config(label_limit=160),
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
