"""``{% load indicator_cells %}``: ``{% value_cell value %}``, a value's cell — its figure,
year, verification and sample badges — built in Python by ``indicators.cells``, with the
cells' fixed texts translated once a page. (The city page and the comparison build their
rows in their views, from the same functions.)"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from ascn.indicators import cells
from ascn.indicators.models import IndicatorValue

register = template.Library()


@register.simple_tag(takes_context=True)
def value_cell(context: template.Context, value: IndicatorValue | None) -> SafeString:
    fixed = context.render_context.get("indicator_cell_texts")
    if fixed is None:
        fixed = context.render_context["indicator_cell_texts"] = cells.texts()
    return cells.value(value, fixed)
