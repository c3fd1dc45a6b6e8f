"""An indicator value's cells as HTML, built in Python: a value (its figure, year,
verification and sample badges), a median with how many cities and years it is drawn from,
a trend of up to eight years, and a source with its links made clickable.

Pages with a cell per city and indicator (300 on a comparison of six cities) or a table of 50
indicators built them through template tags or included templates, which cost most of
those pages' time at full scale (docs/benchmarks.md). The tags of
``{% load indicator_cells %}`` and the city page's rows (``views.city_rows``) both use these."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.html import conditional_escape, format_html, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ascn.core import formats
from ascn.indicators.models import IndicatorValue, QualityGrade, Verification

if TYPE_CHECKING:
    from ascn.indicators.latest import Median
    from ascn.indicators.queries import TrendPoint

GRADES = dict(QualityGrade.choices)


def texts() -> dict[str, SafeString]:
    """The cells' fixed texts in the active language: read once a page, not once a cell."""
    return {
        "none": format_html('<span class="muted">{}</span>', _("not reported")),
        "verified": conditional_escape(_("verified")),
        "returned": format_html(' <span class="badge warn">{}</span>', _("returned")),
        "pending": format_html(' <span class="badge warn">{}</span>', _("not verified")),
        "sample": format_html(' <span class="badge sample">{}</span>', _("sample")),
    }


def value(found: IndicatorValue | None, fixed: dict[str, SafeString]) -> SafeString:
    """A value's figure with its year, then its verification and sample badges; "not
    reported" for none. ``fixed``: the page's ``texts()``."""
    if found is None:
        return fixed["none"]
    parts = [
        format_html(
            '<strong>{}</strong> <span class="muted small">({})</span>',
            formats.number(found.value),
            found.year,
        )
    ]
    if found.verification == Verification.VERIFIED:
        parts.append(
            format_html(
                ' <span class="badge" title="{}">{}</span>',
                GRADES.get(found.grade, ""),
                fixed["verified"],
            )
        )
    elif found.verification == Verification.REJECTED:
        parts.append(fixed["returned"])
    else:
        parts.append(fixed["pending"])
    if found.sample:
        parts.append(fixed["sample"])
    return mark_safe("".join(parts))


def median(found: Median) -> SafeString:
    """A median with how many cities' values it is taken over and the years they are of."""
    if not found.cities:
        return mark_safe('<span class="muted">—</span>')
    years = found.years
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0]) if years else ""
    over = ngettext("of %(n)s city", "of %(n)s cities", found.cities) % {"n": found.cities}
    return format_html(
        '{} <span class="muted small">{}, {}</span>', formats.number(found.value), over, span
    )


def trend(points: list[TrendPoint]) -> SafeString:
    """A value's years, oldest first, as an inline list (years are numbers, figures are
    written by ``formats.number``: digits and separators, escaped all the same)."""
    items = "".join(
        f"<li>{int(p.year)}: {conditional_escape(formats.number(p.value))}</li>" for p in points
    )
    return mark_safe(f'<ul class="inline-list">{items}</ul>')


class Sources:
    """Sources with their links made clickable, each distinct text once a page (a source is
    often the same text for many of a city's rows)."""

    def __init__(self) -> None:
        self._seen: dict[str, SafeString] = {}

    def __call__(self, text: str) -> SafeString:
        if text not in self._seen:
            self._seen[text] = mark_safe(urlize(text, nofollow=True, autoescape=True))
        return self._seen[text]
