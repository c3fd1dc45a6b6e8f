"""How a value is written in a table cell, by its kind — the dashboards' chart tables and
the open-data reports write their figures the same way."""

from __future__ import annotations

from typing import Any


def shown(value: Any, kind: str) -> str:
    """``value`` as a cell's text: "—" for nothing; ``int`` with thousands separators,
    ``usd`` rounded to whole units, ``pct`` to one decimal, ``date`` as ISO 8601, anything
    else as its text."""
    if value is None or value == "":
        return "—"
    if kind == "int":
        return f"{value:,}"
    if kind == "usd":
        return f"{value:,.0f}"
    if kind == "pct":
        return f"{value:.1f}"
    if kind == "date":
        return value.isoformat()
    return str(value)
