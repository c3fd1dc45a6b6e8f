"""The progress chart of a project: physical and financial % over time, as inline SVG.

A Vega-Lite spec (Altair) rendered by vl-convert in the task worker (``core.drawings``), so
the page needs no JavaScript to show it and the web worker no V8 runtime. Pure functions, no ORM: callers pass plain rows. The table of
updates next to the chart is its data-table alternative.
"""

from __future__ import annotations

import datetime as dt
import html
import zlib
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ascn.core.drawings import Payload, digest, drawn
from ascn.core.lazy_altair import alt
from ascn.core.svg import FONT_STACK, label_svg, vega

KIND = "plans.progress"
PHYSICAL_COLOUR = "#0b4f8a"  # the brand blue; 8.6:1 on white
FINANCIAL_COLOUR = "#b35900"  # a dark orange; 4.6:1 on white
# Each series also differs by its dash and point shape, so colour is not the only cue.
STYLES = ((PHYSICAL_COLOUR, [1, 0], "circle"), (FINANCIAL_COLOUR, [6, 4], "square"))

Row = tuple[dt.date, Decimal | float, Decimal | float]


class Labels(NamedTuple):
    """The words on the chart, translated by the caller (the cache keys on them too)."""

    physical: str = "Physical progress"
    financial: str = "Financial progress"
    date_axis: str = "Date of the update"
    pct_axis: str = "Per cent complete"
    # The names of the months and days as the site writes dates in the chart's language
    # (``time_locale``); empty: Vega's own English.
    months: tuple[str, ...] = ()
    short_months: tuple[str, ...] = ()
    days: tuple[str, ...] = ()
    short_days: tuple[str, ...] = ()


ENGLISH = Labels()


def labels() -> Labels:
    """The chart's words in the active language."""
    months = [dt.date(2001, month, 1) for month in range(1, 13)]
    days = [dt.date(2001, 1, 7) + dt.timedelta(days=n) for n in range(7)]  # Sunday first
    return Labels(
        physical=_("Physical progress"),
        financial=_("Financial progress"),
        date_axis=_("Date of the update"),
        pct_axis=_("Per cent complete"),
        months=tuple(formats.date_format(d, "F") for d in months),
        short_months=tuple(formats.date_format(d, "M") for d in months),
        days=tuple(formats.date_format(d, "l") for d in days),
        short_days=tuple(formats.date_format(d, "D") for d in days),
    )


def time_locale(labels: Labels) -> dict | None:
    """A d3-time-format locale of ``labels``' month and day names, so that the axis writes
    "1 Thg 10 2025" on a Vietnamese page as the site's dates do (``DATE_FORMAT`` "j M Y" is
    the axis's "%-d %b %Y" in every language); None for Vega's own English."""
    if not labels.short_months:
        return None
    return {
        "dateTime": "%-d %b %Y, %H:%M",
        "date": "%-d %b %Y",
        "time": "%H:%M",
        "periods": ["AM", "PM"],
        "days": list(labels.days),
        "shortDays": list(labels.short_days),
        "months": list(labels.months),
        "shortMonths": list(labels.short_months),
    }


def progress_spec(
    rows: Iterable[Row],
    *,
    title: str,
    labels: Labels = ENGLISH,
    width: int = 420,
    height: int = 200,
) -> dict:
    """A self-contained Vega-Lite spec of the progress updates ``(date, physical, financial)``."""
    names = [labels.physical, labels.financial]
    values = []
    for date, physical, financial in rows:
        for series, pct in zip(names, (physical, financial), strict=True):
            values.append({"date": date.isoformat(), "series": series, "pct": float(pct)})
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=alt.OverlayMarkDef(size=60, filled=True), strokeWidth=2.5)
        .encode(
            x=alt.X(
                "date:T",
                title=labels.date_axis,
                axis=alt.Axis(
                    format="%-d %b %Y",
                    labelAngle=0,
                    tickCount=6,
                    # the labels Vega measures with its own font may be drawn wider by the
                    # browser's (Thai, Khmer): room between them, or one is left out
                    labelOverlap=True,
                    labelSeparation=12,
                ),
            ),
            y=alt.Y(
                "pct:Q",
                title=labels.pct_axis,
                scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(values=[0, 25, 50, 75, 100]),
            ),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=names, range=[s[0] for s in STYLES]),
                legend=alt.Legend(title=None, orient="bottom", direction="vertical", labelLimit=0),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(domain=names, range=[s[1] for s in STYLES]),
                legend=None,
            ),
            shape=alt.Shape(
                "series:N", scale=alt.Scale(domain=names, range=[s[2] for s in STYLES]), legend=None
            ),
        )
        .properties(width=width, height=height, description=title)
        .configure_view(stroke=None)
        .configure(background="#ffffff", font=FONT_STACK)
        # words of 14 px in a plot drawn 420 px wide: shrunk to a phone's width (about 0.75)
        # they stay over 10 px (560 px wide, they came out at 7.5 px; 12 px at 6.5 px)
        .configure_axis(
            labelFontSize=14, titleFontSize=14, labelColor="#1b2430", titleColor="#1b2430"
        )
        .configure_legend(labelFontSize=15, labelColor="#1b2430", symbolStrokeWidth=2.5)
    )
    return chart.to_dict()


def progress_chart_svg(
    rows: Iterable[Row], *, title: str, summary: str, labels: Labels = ENGLISH
) -> str:
    """The chart as an accessible inline SVG (``role="img"``, named by ``title`` and
    described by ``summary``), or "" while the task worker draws it (``core.drawings``: the
    web worker never loads vl-convert). The same updates and words are drawn once."""
    data = [(date.isoformat(), str(physical), str(financial)) for date, physical, financial in rows]
    key = digest("v4", data, title, summary, labels)  # v4: 420 px wide, words of 14 px
    payload = {"rows": data, "title": title, "summary": summary, "labels": labels._asdict()}
    return mark_safe(drawn(KIND, key, lambda: payload))


def labels_of(words: dict) -> Labels:
    """The chart's words from a drawing's payload (JSON gives its lists back)."""
    return Labels(**{k: tuple(v) if isinstance(v, list) else v for k, v in words.items()})


def svg_of(spec: dict, labels: Labels) -> str:
    """The SVG of a progress chart's spec, its dates written in ``labels``' language (in the
    task worker)."""
    return vega().vegalite_to_svg(spec, time_format_locale=time_locale(labels))


def draw_progress_chart(payload: Payload) -> str:
    """Draw the chart (in the task worker) from ``progress_chart_svg``'s payload."""
    rows = [(dt.date.fromisoformat(d), Decimal(p), Decimal(f)) for d, p, f in payload["rows"]]
    title, labels = payload["title"], labels_of(payload["labels"])
    svg = svg_of(progress_spec(rows, title=title, labels=labels), labels)
    return _accessible(svg, title, payload["summary"])


def _accessible(svg: str, title: str, summary: str) -> str:
    """One named image: a title and desc, the inner marks hidden from assistive technology
    (the table next to the chart carries the same numbers)."""
    uid = f"progress-chart-{zlib.crc32(title.encode()):08x}"
    attributes = (
        ' class="progress-chart" style="max-width:100%;height:auto" role="img"'
        f' aria-labelledby="{uid}-title" aria-describedby="{uid}-desc"'
    )
    head = (
        f'<title id="{uid}-title">{html.escape(title)}</title>'
        f'<desc id="{uid}-desc">{html.escape(summary)}</desc>'
    )
    return label_svg(svg, attributes=attributes, head=head, presentational=True)
