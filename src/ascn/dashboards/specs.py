"""The Vega-Lite specs of the dashboards' charts: horizontal bars with their counts, and bars of
two stacked parts, drawn for the width of their card (``spec``). ``charts`` builds each chart's
table and gives its rows to these."""

from __future__ import annotations

import functools

from ascn.core.svg import BLUE, VEGA_LITE_SCHEMA, page_chart_config
from ascn.core.text import line_pieces

ORANGE = "#b35900"  # 4.6:1 on white
GREY = "#6b7785"
SPEC_CACHE_SIZE = 256


def spec(body: dict, *, height: int) -> dict:
    """A top-level Vega-Lite spec: the chart ``body`` with the dashboards' size and style.

    Drawn for the width its card gives it (``"width": "container"``, the whole chart, axes and
    legend included, fitted to it), so that on a phone the chart is narrower rather than
    scaled down: labels stay 12 px (never under 11 px) at any width; long names are cut at
    140 px (the data table under the chart has them whole).
    """
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "config": {
            **page_chart_config(label_limit=140),
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom"},
            "text": {"fontSize": 12},
        },
        **body,
        "width": "container",
        "autosize": {"type": "fit-x", "contains": "padding"},
        "height": height,
    }


def count_ticks(most: int) -> list[int]:
    """Whole-number ticks from 0, at most about six of them."""
    step = 1
    while most / step > 6:
        step = next(s for s in (2, 5, 10) if most / (step * s) <= 6 or s == 10) * step
    return list(range(0, max(most, 1) + step, step))


# A bar's name on two lines at most, so that names alike at their start ("ASEAN-Australia
# Smart Cities …", two programmes) are not cut to the same label at 140 px; 20 letters of a
# line fit those 140 px at 12 px ("Công nghiệp và đổi mới" at 24 was cut).
LABEL_LINE = 20


def two_lines(name: str) -> str:
    """``name`` in lines of ``LABEL_LINE`` letters at most, broken where a line may break
    (``core.text.line_pieces``: never inside a Thai or Khmer word, nor before a vowel sign),
    two at the most: the second ends in "…" when more would follow. A word longer than a
    line stays whole."""
    lines: list[str] = []
    for piece in line_pieces(name):
        if lines and len(lines[-1] + piece.rstrip()) <= LABEL_LINE:
            lines[-1] += piece
        else:
            lines.append(piece)
    lines = [line.strip() for line in lines if line.strip()] or [name]
    if len(lines) > 2:
        lines = [lines[0], lines[1] + " …"]
    return "\n".join(lines)


def bar_labels(names: list[str]) -> list[str]:
    """The bars' names as the axis writes them, on two lines at most (``two_lines``); two
    names alike for their first two lines stay whole rather than merge into one bar."""
    labels = [two_lines(name) for name in names]
    return labels if len(set(labels)) == len(labels) else names


@functools.lru_cache(maxsize=SPEC_CACHE_SIZE)
def stacked(
    bars: tuple[tuple[str, int | None, int | None], ...],
    parts: tuple[str, str],
    colours: tuple[str, str],
    *,
    y_title: str,
    legend_title: str,
    x_title: str,
) -> dict:
    """Horizontal bars of two stacked parts (e.g. secured + sought), in the bars' order.

    Cached: the same figures come back on every visit. Callers must not change the dict.
    """
    labels = bar_labels([b[0] for b in bars])
    values = []
    for (name, first, second), label in zip(bars, labels, strict=True):
        values.append({"y": label, "name": name, "part": parts[0], "usd": first, "o": 0})
        values.append({"y": label, "name": name, "part": parts[1], "usd": second, "o": 1})
    body = {
        "data": {"values": values},
        "mark": {"type": "bar", "height": {"band": 0.7}},
        "encoding": {
            "y": {
                "field": "y",
                "type": "nominal",
                "sort": labels,
                "title": y_title,
                "axis": {"labelExpr": "split(datum.label, '\\n')"},
            },
            "x": {
                "field": "usd",
                "type": "quantitative",
                "stack": "zero",
                "title": x_title,
                "axis": {"format": "~s"},
            },
            "color": {
                "field": "part",
                "type": "nominal",
                "scale": {"domain": list(parts), "range": list(colours)},
                # its two entries one above the other: side by side, the second ran off a
                # phone's card ("Cần huy đ…")
                "legend": {"title": legend_title, "direction": "vertical"},
            },
            "order": {"field": "o", "type": "quantitative"},
            "tooltip": [
                {"field": "name", "type": "nominal", "title": y_title},
                {"field": "part", "type": "nominal", "title": legend_title},
                {"field": "usd", "type": "quantitative", "title": x_title, "format": ",.0f"},
            ],
        },
    }
    return spec(body, height=max(80, 36 * len(bars)))


def bars(rows: list[dict], *, label: str, value: str, colour: str = BLUE) -> dict:
    return bars_cached(tuple((row["label"], row["value"]) for row in rows), label, value, colour)


@functools.lru_cache(maxsize=SPEC_CACHE_SIZE)
def bars_cached(pairs: tuple[tuple[str, int], ...], label: str, value: str, colour: str) -> dict:
    """Horizontal bars in the rows' order, with the count at the end of each bar.

    Cached: the same figures come back on every visit. Callers must not change the dict.
    """
    ticks = count_ticks(max((n for _name, n in pairs), default=0))
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1
    labels = bar_labels([name for name, _n in pairs])
    body = {
        "data": {
            "values": [
                {"label": shown, "name": name, "value": n}
                for (name, n), shown in zip(pairs, labels, strict=True)
            ]
        },
        "encoding": {
            "y": {
                "field": "label",
                "type": "nominal",
                "sort": labels,
                "title": label,
                "axis": {"labelExpr": "split(datum.label, '\\n')"},
            },
            "x": {
                "field": "value",
                "type": "quantitative",
                "title": value,
                # half a step past the last tick: the count written after the longest bar
                # stays inside the drawing ("20" was cut at the edge of a phone's card)
                "scale": {"domain": [0, ticks[-1] + step / 2], "nice": False},
                "axis": {"values": ticks, "format": "d"},
            },
            "tooltip": [
                {"field": "name", "type": "nominal", "title": label},
                {"field": "value", "type": "quantitative", "title": value},
            ],
        },
        "layer": [
            {"mark": {"type": "bar", "color": colour, "height": {"band": 0.7}}},
            {
                "mark": {"type": "text", "align": "left", "dx": 4, "color": "#222"},
                "encoding": {"text": {"field": "value", "type": "quantitative"}},
            },
        ],
    }
    # a name on two lines needs the taller row the stacked bars have
    row = 36 if any("\n" in shown for shown in labels) else 28
    return spec(body, height=max(80, row * len(pairs)))
