"""How a value is written in a table cell, by its kind — the dashboards' chart tables and
the open-data reports write their figures the same way."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from ascn.core import formats


def shown(value: Any, kind: str) -> str:
    """``value`` as a cell's text (``core.formats``): "—" for nothing; ``int`` with thousands
    separators, ``usd`` rounded to whole units, ``pct`` to one decimal, ``num`` with the
    decimals it has, ``date`` as "4 Dec 2026", anything else (``text``, ``year``) as its
    text. The CSV downloads keep the raw values."""
    if value is None or value == "":
        return "—"
    if kind == "int":
        return formats.number(value, 0)
    if kind == "usd":
        return formats.money(value, whole=True)
    if kind == "pct":
        return formats.number(value, 1)
    if kind == "num":  # a figure with as many decimals as it has
        return formats.number(value)
    if kind == "date":
        return formats.day(value)
    return str(value)


def rows_html(
    rows: Iterable[Sequence[Any]],
    kinds: Sequence[str],
    classes: dict[str, str],
    *,
    header_columns: int = 1,
) -> SafeString:
    """The ``<tr>`` rows of a table of figures: the first ``header_columns`` cells row
    headers, each cell ``shown`` by its column's kind and escaped as ``{{ text }}`` is, a
    data cell with the class ``classes`` gives its kind. Written in Python, each column's
    tags once: the tables hold thousands of rows (3,000 cities at bench scale), where the
    template language took a third of a second a page."""
    columns = []
    for i, kind in enumerate(kinds):
        css = classes.get(kind, "")
        if i < header_columns:
            columns.append((kind, '<th scope="row">', "</th>"))
        else:
            columns.append((kind, f'<td class="{css}">' if css else "<td>", "</td>"))
    escape = html.escape  # every cell's text escaped: the rows are safe to insert
    return mark_safe(
        "\n".join(
            "<tr>"
            + "".join(
                f"{start}{escape(shown(value, kind))}{stop}"
                for value, (kind, start, stop) in zip(row, columns, strict=True)
            )
            + "</tr>"
            for row in rows
        )
    )


class _Dict(tuple):
    """A dict's items, frozen to be part of a cache key."""


@lru_cache(maxsize=512)
def _snippet(name: str, values: tuple[tuple[str, Any], ...], language: str | None) -> SafeString:
    context = {key: dict(v) if isinstance(v, _Dict) else v for key, v in values}
    return render_to_string(name, context)


def snippet(name: str, **context: Any) -> SafeString:
    """A small template's HTML (a badge, a level) for a row of a long table, rendered once per
    distinct context and language instead of once per row (an include per row cost a page of
    50 projects ~10 ms). The context's values must be hashable, or dicts of hashable values
    (given to the template as dicts)."""
    values = tuple(
        sorted(
            (key, _Dict(sorted(value.items())) if isinstance(value, dict) else value)
            for key, value in context.items()
        )
    )
    return _snippet(name, values, get_language())
