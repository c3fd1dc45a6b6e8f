"""How a value is written in a table cell, by its kind — the dashboards' chart tables and
the open-data reports write their figures the same way."""

from __future__ import annotations

from typing import Any

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
