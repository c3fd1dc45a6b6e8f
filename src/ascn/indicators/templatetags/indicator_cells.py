"""``{% load indicator_cells %}``: ``{% value_cell value %}``, a value's cell — its figure,
year, verification and sample badges — built in Python. The comparison table has one per
city and indicator (300 at six cities × 50 indicators): as an included template each cost
~0.2 ms, most of the page's time at full scale (the compare page of six cities went from a
median of ~46 ms to ~29 ms in process). A city's page has, for each of its indicators, two
median cells and a trend of up to eight years (``{% median_cell %}``, ``{% trend_list %}``),
and a source that is often the same text for many rows (``{% source_text %}``: each distinct
text linked once a page)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ascn.core import formats
from ascn.indicators.latest import Median
from ascn.indicators.models import IndicatorValue, QualityGrade, Verification
from ascn.indicators.queries import TrendPoint

register = template.Library()

GRADES = dict(QualityGrade.choices)


def _cell_texts(context: template.Context) -> dict[str, str]:
    """The cells' fixed texts, translated once a page (300 cells on a comparison)."""
    texts = context.render_context.get("indicator_cell_texts")
    if texts is None:
        texts = context.render_context["indicator_cell_texts"] = {
            "none": format_html('<span class="muted">{}</span>', _("not reported")),
            "verified": _("verified"),
            "returned": format_html(' <span class="badge warn">{}</span>', _("returned")),
            "pending": format_html(' <span class="badge warn">{}</span>', _("not verified")),
            "sample": format_html(' <span class="badge sample">{}</span>', _("sample")),
        }
    return texts


@register.simple_tag(takes_context=True)
def value_cell(context: template.Context, value: IndicatorValue | None) -> SafeString:
    texts = _cell_texts(context)
    if value is None:
        return mark_safe(texts["none"])
    parts = [
        format_html(
            '<strong>{}</strong> <span class="muted small">({})</span>',
            formats.number(value.value),
            value.year,
        )
    ]
    if value.verification == Verification.VERIFIED:
        parts.append(
            format_html(
                ' <span class="badge" title="{}">{}</span>',
                GRADES.get(value.grade, ""),
                texts["verified"],
            )
        )
    elif value.verification == Verification.REJECTED:
        parts.append(texts["returned"])
    else:
        parts.append(texts["pending"])
    if value.sample:
        parts.append(texts["sample"])
    return mark_safe("".join(parts))


@register.simple_tag
def median_cell(median: Median) -> SafeString:
    """A median with how many cities' values it is taken over and the years they are of."""
    if not median.cities:
        return mark_safe('<span class="muted">—</span>')
    years = median.years
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0]) if years else ""
    over = ngettext("of %(n)s city", "of %(n)s cities", median.cities) % {"n": median.cities}
    return format_html(
        '{} <span class="muted small">{}, {}</span>', formats.number(median.value), over, span
    )


@register.simple_tag
def trend_list(points: list[TrendPoint]) -> SafeString:
    """A value's years, oldest first, as an inline list."""
    return format_html(
        '<ul class="inline-list">{}</ul>',
        mark_safe(
            "".join(format_html("<li>{}: {}</li>", p.year, formats.number(p.value)) for p in points)
        ),
    )


@register.simple_tag(takes_context=True)
def source_text(context: template.Context, text: str) -> SafeString:
    """A value's source with its links made clickable, each distinct text once a page."""
    seen = context.render_context.setdefault("indicator_sources", {})
    if text not in seen:
        seen[text] = mark_safe(urlize(text, nofollow=True, autoescape=True))
    return seen[text]
